/**
 * Local Amazon DynamoDB: the EmulatedService the local AWS server routes `DynamoDB_20120810.*` calls to (JSON 1.0,
 * as @aws-sdk/client-dynamodb and the AWS CLI speak it). Tables and items live in memory.
 */
import type { Clock } from '../aws/clock';
import { AwsError, type CallContext, type EmulatedService } from '../aws/service';
import { accessDenied } from './errors';
import { deleteItem, getItem, putItem, updateItem } from './item-operations';
import type { Item } from './model';
import type { Input, OperationContext, OperationHandler } from './operation-context';
import { DynamoDbStore } from './store';
import { createTable, deleteTable, describeTable } from './table-operations';

export interface AuthorizationRequest {
  readonly principal: string;
  /** IAM action, e.g. `dynamodb:UpdateItem`. */
  readonly action: string;
  readonly resource: string;
}

export interface DynamoDbServiceOptions {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** Least-privilege check for signed calls; false → AccessDeniedException. Without it every call is allowed. */
  readonly authorize?: (request: AuthorizationRequest) => boolean;
}

export interface DynamoDbSnapshot {
  readonly tables: ReadonlyArray<{ readonly name: string; readonly arn: string; readonly items: readonly Item[] }>;
}

export interface LocalDynamoDb extends EmulatedService {
  /** A plain-data copy of every table and its items. */
  state(): DynamoDbSnapshot;
}

const HANDLERS: Readonly<Record<string, OperationHandler>> = {
  CreateTable: createTable,
  DescribeTable: describeTable,
  DeleteTable: deleteTable,
  GetItem: getItem,
  PutItem: putItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
};

export function createDynamoDbService(options: DynamoDbServiceOptions): LocalDynamoDb {
  const store = new DynamoDbStore({ region: options.region, accountId: options.accountId }, () => options.clock.now());

  const resourceOf = (input: Input): string => {
    const name = typeof input['TableName'] === 'string' ? input['TableName'] : '';
    return name.startsWith('arn:') ? name : `arn:aws:dynamodb:${options.region}:${options.accountId}:table/${name}`;
  };

  return {
    serviceId: 'DynamoDB',
    operations: new Set(Object.keys(HANDLERS)),
    async invoke(operation: string, input: Record<string, unknown>, call: CallContext): Promise<unknown> {
      const handler = HANDLERS[operation];
      if (handler === undefined) {
        throw new AwsError('UnknownOperationException', `Local DynamoDB does not implement ${operation}.`);
      }
      const action = `dynamodb:${operation}`;
      const resource = resourceOf(input);
      if (
        call.principal !== undefined &&
        options.authorize?.({ principal: call.principal, action, resource }) === false
      ) {
        throw accessDenied(call.principal, action, resource);
      }
      const ctx: OperationContext = { store, call };
      return await Promise.resolve(handler(ctx, input));
    },
    state: () => ({
      tables: [...store.tables.values()].map((t) => ({
        name: t.name,
        arn: t.arn,
        items: [...t.items.values()].map((item) => structuredClone(item)),
      })),
    }),
  };
}
