/**
 * Everything the DynamoDB emulator knows, with the lookups the operations share: table names (or table ARNs, which
 * the API also accepts) → tables, and request keys → the canonical key of an item. Lookups throw the documented
 * errors so every operation reports a missing table or a malformed key the same way.
 */
import { validation, resourceNotFound, tableNotFound } from './errors';
import type { AttributeValue, Item, TableRecord } from './model';

export interface AccountScope {
  readonly region: string;
  readonly accountId: string;
}

const TABLE_NAME = /^[a-zA-Z0-9_.-]+$/;
const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})$/;

export const tableArn = (scope: AccountScope, name: string): string =>
  `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${name}`;

export class DynamoDbStore {
  readonly tables = new Map<string, TableRecord>();

  constructor(
    readonly scope: AccountScope,
    readonly now: () => number,
  ) {}

  /**
   * The table name a TableName member means (a name, or the ARN of a table in this account and region). Since
   * TableName also accepts ARNs its length constraint is 1-1024; CreateTable (`forCreate`) needs a 3-255 name.
   */
  tableName(nameOrArn: string, forCreate = false): string {
    const arn = TABLE_ARN.exec(nameOrArn);
    if (arn) {
      const [, region, account, name = ''] = arn;
      // A table ARN of another region or account names a table this endpoint does not have.
      return region === this.scope.region && account === this.scope.accountId ? name : nameOrArn;
    }
    const constraint = (text: string): Error =>
      validation(
        `1 validation error detected: Value '${nameOrArn}' at 'tableName' failed to satisfy constraint: ${text}`,
      );
    const [min, max] = forCreate ? [3, 255] : [1, 1024];
    if (nameOrArn.length < min) throw constraint(`Member must have length greater than or equal to ${min}`);
    if (nameOrArn.length > max) throw constraint(`Member must have length less than or equal to ${max}`);
    if (!TABLE_NAME.test(nameOrArn))
      throw constraint('Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+');
    return nameOrArn;
  }

  /** For item operations: a missing table is `Requested resource not found`. */
  table(nameOrArn: string): TableRecord {
    const table = this.tables.get(this.tableName(nameOrArn));
    if (!table) throw resourceNotFound();
    return table;
  }

  /** For table operations: the message names the table. */
  describedTable(nameOrArn: string): TableRecord {
    const name = this.tableName(nameOrArn);
    const table = this.tables.get(name);
    if (!table) throw tableNotFound(name);
    return table;
  }
}

export const keyNames = (table: TableRecord): string[] => table.keySchema.map((k) => k.AttributeName);

function typeOfKey(table: TableRecord, name: string): string {
  return table.attributeDefinitions.find((d) => d.AttributeName === name)?.AttributeType ?? 'S';
}

function emptyKeyValue(table: TableRecord, key: Item): string | undefined {
  return keyNames(table).find((name) => {
    const value = key[name] as Record<string, unknown> | undefined;
    return value !== undefined && (value['S'] === '' || value['B'] === '');
  });
}

function canonical(table: TableRecord, key: Item): string {
  return JSON.stringify(keyNames(table).map((name) => key[name]));
}

/** GetItem/UpdateItem/DeleteItem `Key`: exactly the key schema's attributes, of the declared types. */
export function requestKey(table: TableRecord, key: Item): { readonly key: Item; readonly id: string } {
  const names = keyNames(table);
  const given = Object.keys(key);
  const matches =
    given.length === names.length &&
    names.every((name) => {
      const value = key[name];
      return value !== undefined && Object.keys(value)[0] === typeOfKey(table, name);
    });
  if (!matches) throw validation('The provided key element does not match the schema');
  const empty = emptyKeyValue(table, key);
  if (empty !== undefined) {
    throw validation(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${empty}`,
    );
  }
  return { key, id: canonical(table, key) };
}

/** PutItem `Item`: must contain every key attribute with the declared type. */
export function itemKey(table: TableRecord, item: Item): { readonly key: Item; readonly id: string } {
  const key: Record<string, AttributeValue> = {};
  for (const name of keyNames(table)) {
    const value = item[name];
    if (value === undefined)
      throw validation(`One or more parameter values were invalid: Missing the key ${name} in the item`);
    const actual = Object.keys(value)[0];
    const expected = typeOfKey(table, name);
    if (actual !== expected) {
      throw validation(
        `One or more parameter values were invalid: Type mismatch for key ${name} expected: ${expected} actual: ${actual}`,
      );
    }
    key[name] = value;
  }
  const empty = emptyKeyValue(table, key);
  if (empty !== undefined) {
    throw validation(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${empty}`,
    );
  }
  return { key, id: canonical(table, key) };
}
