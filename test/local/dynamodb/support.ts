/** Local DynamoDB behind a real local AWS server, and an SDK client for it. */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createClock } from '../../../local/aws/clock';
import type { FaultHook } from '../../../local/aws/faults';
import { startLocalAws, type LocalAws } from '../../../local/aws/server';
import { createDynamoDbService, type LocalDynamoDb } from '../../../local/dynamodb/dynamodb-service';

export const TABLE = 'deployments';
export const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/c/s';

export interface DynamoDbHarness {
  readonly server: LocalAws;
  readonly dynamodb: LocalDynamoDb;
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

export async function startDynamoDb(faults?: FaultHook): Promise<DynamoDbHarness> {
  const dynamodb = createDynamoDbService({ clock: createClock(1), region: 'us-east-1', accountId: '123456789012' });
  const server = await startLocalAws({ port: 0, services: [dynamodb], ...(faults && { faults }) });
  const client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    server,
    dynamodb,
    client,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

export async function createLeaseTable(client: DynamoDBClient, name = TABLE): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'service', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'service', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

/** The rejection of `promise` as `{ name, message }` (plus the error's Item, if any). */
export async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; Item?: unknown }> {
  try {
    await promise;
  } catch (error) {
    const { name, message, Item } = error as { name: string; message: string; Item?: unknown };
    return { name, message, ...(Item !== undefined && { Item }) };
  }
  throw new Error('expected the call to fail');
}
