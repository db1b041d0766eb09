/**
 * CreateTable, DescribeTable and DeleteTable. A table is ACTIVE as soon as it is created and gone as soon as it is
 * deleted (AWS passes through CREATING / DELETING for a while: see README.md). Only the table features the
 * deployment record needs are emulated; every other CreateTable feature is refused as not supported locally.
 */
import { randomUUID } from 'node:crypto';
import { notSupportedLocally, tableExists, validation } from './errors';
import type { AttributeDefinition, KeyElement, TableRecord, Tag } from './model';
import { record, str, type Input, type OperationHandler } from './operation-context';
import { tableArn } from './store';
import { tableDescription } from './wire';

const UNSUPPORTED_CREATE_MEMBERS = [
  'LocalSecondaryIndexes',
  'GlobalSecondaryIndexes',
  'StreamSpecification',
  'SSESpecification',
  'TableClass',
  'WarmThroughput',
  'ResourcePolicy',
  'OnDemandThroughput',
  'GlobalTableSourceArn',
  'GlobalTableSettingsReplicationMode',
  'VectorIndexes',
] as const;

const invalid = (text: string): Error => validation(`One or more parameter values were invalid: ${text}`);

function keySchemaOf(input: Input): KeyElement[] {
  const keySchema = (Array.isArray(input['KeySchema']) ? input['KeySchema'] : []) as KeyElement[];
  if (keySchema.length === 0)
    throw validation(
      "1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: Member must not be null",
    );
  if (keySchema.length > 2) {
    throw validation(
      `1 validation error detected: Value '${JSON.stringify(keySchema)}' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2`,
    );
  }
  const [first, second] = keySchema;
  if (first?.KeyType !== 'HASH') throw invalid('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (second !== undefined && second.KeyType !== 'RANGE') {
    throw invalid('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
  }
  if (second !== undefined && second.AttributeName === first.AttributeName) {
    throw invalid('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  }
  return keySchema.map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType }));
}

function attributeDefinitionsOf(input: Input, keySchema: readonly KeyElement[]): AttributeDefinition[] {
  const definitions = (
    Array.isArray(input['AttributeDefinitions']) ? input['AttributeDefinitions'] : []
  ) as AttributeDefinition[];
  const keyNames = keySchema.map((k) => k.AttributeName);
  const defined = definitions.map((d) => d.AttributeName);
  if (new Set(defined).size !== defined.length) throw invalid('Duplicate AttributeName in AttributeDefinitions');
  const missing = keyNames.filter((name) => !defined.includes(name));
  if (missing.length > 0) {
    throw invalid(
      `Some index key attributes are not defined in AttributeDefinitions. Keys: [${keyNames.join(', ')}], AttributeDefinitions: [${defined.join(', ')}]`,
    );
  }
  if (defined.length !== keyNames.length) {
    throw invalid(
      'Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
    );
  }
  return definitions.map((d) => ({ AttributeName: d.AttributeName, AttributeType: d.AttributeType }));
}

function tagsOf(input: Input): Tag[] {
  const tags = (Array.isArray(input['Tags']) ? input['Tags'] : []) as Tag[];
  return tags.map((t) => ({ Key: t.Key, Value: t.Value }));
}

export const createTable: OperationHandler = ({ store }, input) => {
  for (const member of UNSUPPORTED_CREATE_MEMBERS) {
    if (input[member] !== undefined) throw notSupportedLocally(`CreateTable with ${member}`);
  }
  const name = store.tableName(str(input, 'TableName') ?? '', true);
  if (name.startsWith('arn:')) throw validation('Table name must not be an ARN when creating a table');
  const keySchema = keySchemaOf(input);
  const attributeDefinitions = attributeDefinitionsOf(input, keySchema);
  const billingMode = (str(input, 'BillingMode') ?? 'PROVISIONED') as TableRecord['billingMode'];
  const throughput = record(input, 'ProvisionedThroughput') as TableRecord['provisionedThroughput'];
  if (billingMode === 'PAY_PER_REQUEST' && throughput !== undefined) {
    throw invalid(
      'Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST',
    );
  }
  if (billingMode === 'PROVISIONED' && throughput === undefined) {
    throw invalid('ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED');
  }
  if (store.tables.has(name)) throw tableExists(name);
  const table: TableRecord = {
    name,
    arn: tableArn(store.scope, name),
    id: randomUUID(),
    createdAt: store.now(),
    keySchema,
    attributeDefinitions,
    billingMode,
    ...(throughput && {
      provisionedThroughput: {
        ReadCapacityUnits: throughput.ReadCapacityUnits,
        WriteCapacityUnits: throughput.WriteCapacityUnits,
      },
    }),
    deletionProtectionEnabled: input['DeletionProtectionEnabled'] === true,
    tags: tagsOf(input),
    items: new Map(),
  };
  store.tables.set(name, table);
  return { TableDescription: tableDescription(table) };
};

export const describeTable: OperationHandler = ({ store }, input) => ({
  Table: tableDescription(store.describedTable(str(input, 'TableName') ?? '')),
});

export const deleteTable: OperationHandler = ({ store }, input) => {
  const table = store.describedTable(str(input, 'TableName') ?? '');
  if (table.deletionProtectionEnabled) {
    throw validation(
      'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
    );
  }
  store.tables.delete(table.name);
  return { TableDescription: tableDescription(table, 'DELETING') };
};
