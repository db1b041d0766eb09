/**
 * Table and item operations of local DynamoDB through the SDK client and as raw JSON 1.0 (the AWS CLI's wire form):
 * responses, the errors AWS names, schema validation, fault injection and the CloudFormation deploy of a table.
 */
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { AwsError } from '../../../local/aws/service';
import { deployTemplate } from '../../../harness/deploy/deploy-template';
import { createLeaseTable, errorOf, startDynamoDb, TABLE, type DynamoDbHarness } from './support';

let h: DynamoDbHarness;
afterEach(async () => h.close());

describe('tables', () => {
  beforeEach(async () => {
    h = await startDynamoDb();
  });

  it('creates, describes and deletes a table; names the errors AWS names', async () => {
    const created = await h.client.send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [{ AttributeName: 'service', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'service', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        Tags: [{ Key: 'owner', Value: 'bluegreen' }],
      }),
    );
    expect(created.TableDescription).toMatchObject({
      TableName: TABLE,
      TableArn: `arn:aws:dynamodb:us-east-1:123456789012:table/${TABLE}`,
      TableStatus: 'ACTIVE',
      KeySchema: [{ AttributeName: 'service', KeyType: 'HASH' }],
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      DeletionProtectionEnabled: false,
    });
    expect(created.TableDescription?.CreationDateTime).toBeInstanceOf(Date);
    expect((await h.client.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.TableId).toBe(
      created.TableDescription?.TableId,
    );
    // A table ARN works wherever a table name does.
    const byArn = await h.client.send(new DescribeTableCommand({ TableName: created.TableDescription?.TableArn }));
    expect(byArn.Table?.TableName).toBe(TABLE);

    expect(await errorOf(createLeaseTable(h.client))).toEqual({
      name: 'ResourceInUseException',
      message: `Table already exists: ${TABLE}`,
    });
    expect((await h.client.send(new DeleteTableCommand({ TableName: TABLE }))).TableDescription?.TableStatus).toBe(
      'DELETING',
    );
    expect(await errorOf(h.client.send(new DescribeTableCommand({ TableName: TABLE })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Requested resource not found: Table: ${TABLE} not found`,
    });
  });

  it('refuses what AWS refuses and what it does not emulate', async () => {
    const base = {
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'service', KeyType: 'HASH' as const }],
      AttributeDefinitions: [{ AttributeName: 'service', AttributeType: 'S' as const }],
    };
    expect(await errorOf(h.client.send(new CreateTableCommand(base)))).toEqual({
      name: 'ValidationException',
      message:
        'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED',
    });
    expect(
      await errorOf(
        h.client.send(
          new CreateTableCommand({
            ...base,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [...base.AttributeDefinitions, { AttributeName: 'extra', AttributeType: 'S' }],
          }),
        ),
      ),
    ).toEqual({
      name: 'ValidationException',
      message:
        'One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions',
    });
    expect(
      await errorOf(
        h.client.send(new CreateTableCommand({ ...base, TableName: 'ab', BillingMode: 'PAY_PER_REQUEST' })),
      ),
    ).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
    });
    expect(
      await errorOf(
        h.client.send(
          new CreateTableCommand({
            ...base,
            BillingMode: 'PAY_PER_REQUEST',
            StreamSpecification: { StreamEnabled: true },
          }),
        ),
      ),
    ).toEqual({
      name: 'ValidationException',
      message:
        'CreateTable with StreamSpecification is not supported locally (local/dynamodb/README.md lists what is emulated)',
    });
  });

  it('keeps a deletion-protected table', async () => {
    await h.client.send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [{ AttributeName: 'service', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'service', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
      }),
    );
    expect((await errorOf(h.client.send(new DeleteTableCommand({ TableName: TABLE })))).name).toBe(
      'ValidationException',
    );
    expect((await h.client.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.DeletionProtectionEnabled).toBe(
      true,
    );
  });
});

describe('items', () => {
  beforeEach(async () => {
    h = await startDynamoDb();
    await createLeaseTable(h.client);
  });

  const key = { service: { S: 'svc' } };

  it('puts, gets (consistent or not, projected), and deletes with ReturnValues', async () => {
    expect(await h.client.send(new GetItemCommand({ TableName: TABLE, Key: key }))).not.toHaveProperty('Item');
    const first = await h.client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { ...key, n: { N: '007.50' }, m: { M: { a: { S: 'x' }, b: { S: 'y' } } } },
        ReturnValues: 'ALL_OLD',
      }),
    );
    expect(first.Attributes).toBeUndefined();
    const stored = { ...key, n: { N: '7.5' }, m: { M: { a: { S: 'x' }, b: { S: 'y' } } } };
    for (const ConsistentRead of [true, false]) {
      expect((await h.client.send(new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead }))).Item).toEqual(
        stored,
      );
    }
    const projected = await h.client.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: key,
        ProjectionExpression: 'n, #m.a',
        ExpressionAttributeNames: { '#m': 'm' },
      }),
    );
    expect(projected.Item).toEqual({ n: { N: '7.5' }, m: { M: { a: { S: 'x' } } } });
    const replaced = await h.client.send(new PutItemCommand({ TableName: TABLE, Item: key, ReturnValues: 'ALL_OLD' }));
    expect(replaced.Attributes).toEqual(stored);
    expect(
      (await h.client.send(new DeleteItemCommand({ TableName: TABLE, Key: key, ReturnValues: 'ALL_OLD' }))).Attributes,
    ).toEqual(key);
    expect(await h.client.send(new GetItemCommand({ TableName: TABLE, Key: key }))).not.toHaveProperty('Item');
  });

  it.each([
    [
      'a key of the wrong type',
      () => new GetItemCommand({ TableName: TABLE, Key: { service: { N: '1' } } }),
      'ValidationException',
      'The provided key element does not match the schema',
    ],
    [
      'a key with an extra attribute',
      () => new GetItemCommand({ TableName: TABLE, Key: { service: { S: 'a' }, x: { S: 'b' } } }),
      'ValidationException',
      'The provided key element does not match the schema',
    ],
    [
      'an empty key string',
      () => new DeleteItemCommand({ TableName: TABLE, Key: { service: { S: '' } } }),
      'ValidationException',
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: service',
    ],
    [
      'an item without its key',
      () => new PutItemCommand({ TableName: TABLE, Item: { other: { S: 'a' } } }),
      'ValidationException',
      'One or more parameter values were invalid: Missing the key service in the item',
    ],
    [
      'an item whose key has the wrong type',
      () => new PutItemCommand({ TableName: TABLE, Item: { service: { N: '1' } } }),
      'ValidationException',
      'One or more parameter values were invalid: Type mismatch for key service expected: S actual: N',
    ],
    [
      'a set with duplicates',
      () => new PutItemCommand({ TableName: TABLE, Item: { service: { S: 'a' }, s: { SS: ['x', 'x'] } } }),
      'ValidationException',
      'One or more parameter values were invalid: Input collection [x, x] contains duplicates.',
    ],
    [
      'PutItem ReturnValues ALL_NEW',
      () => new PutItemCommand({ TableName: TABLE, Item: key, ReturnValues: 'ALL_NEW' }),
      'ValidationException',
      'ReturnValues can only be ALL_OLD or NONE',
    ],
    [
      'a missing table',
      () => new UpdateItemCommand({ TableName: 'missing', Key: key, UpdateExpression: 'REMOVE a' }),
      'ResourceNotFoundException',
      'Requested resource not found',
    ],
    [
      'a legacy parameter',
      () => new GetItemCommand({ TableName: TABLE, Key: key, AttributesToGet: ['a'] }),
      'ValidationException',
      'The legacy parameter AttributesToGet is not supported locally (local/dynamodb/README.md lists what is emulated)',
    ],
    [
      'a ReturnValues value outside the enum (schema validation)',
      () =>
        new UpdateItemCommand({
          TableName: TABLE,
          Key: key,
          UpdateExpression: 'REMOVE a',
          ReturnValues: 'EVERYTHING' as 'ALL_NEW',
        }),
      'ValidationException',
      "1 validation error detected: Value 'EVERYTHING' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, ALL_OLD, NONE, UPDATED_NEW, UPDATED_OLD]",
    ],
  ] as const)('%s', async (_, command, name, message) => {
    expect(await errorOf(h.client.send(command() as never))).toEqual({ name, message });
  });

  it('speaks JSON 1.0 as the AWS CLI sends it (X-Amz-Target DynamoDB_20120810.<Op>)', async () => {
    const post = (operation: string, body: unknown) =>
      fetch(h.server.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` },
        body: JSON.stringify(body),
      });
    const put = await post('PutItem', { TableName: TABLE, Item: { service: { S: 'cli' }, n: { N: '1' } } });
    expect(put.status).toBe(200);
    expect(put.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await put.json()).toEqual({});
    const failed = await post('PutItem', {
      TableName: TABLE,
      Item: { service: { S: 'cli' } },
      ConditionExpression: 'attribute_not_exists(service)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(failed.status).toBe(400);
    expect(failed.headers.get('x-amzn-errortype')).toBe('ConditionalCheckFailedException');
    expect(await failed.json()).toEqual({
      __type: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
      Item: { service: { S: 'cli' }, n: { N: '1' } },
    });
    const unknown = await post('GetItem', { TableName: TABLE, Key: { service: { S: 'cli' } }, Bogus: 1 });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { __type: string }).__type).toBe('SerializationException');
    const scan = await post('Scan', { TableName: TABLE });
    expect(await scan.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'Operation Scan is not supported by local DynamoDB',
    });
  });
});

describe('fault injection', () => {
  it('applies to DynamoDB calls like to every other service', async () => {
    const seen: string[] = [];
    h = await startDynamoDb({
      beforeInvoke: (call) => {
        seen.push(`${call.service}:${call.operation}#${call.n}`);
        return call.operation === 'GetItem' && call.n === 1
          ? new AwsError(
              'ProvisionedThroughputExceededException',
              'Throughput exceeds the current capacity of your table or index.',
            )
          : undefined;
      },
    });
    await createLeaseTable(h.client);
    expect(
      await errorOf(h.client.send(new GetItemCommand({ TableName: TABLE, Key: { service: { S: 'x' } } }))),
    ).toEqual({
      name: 'ProvisionedThroughputExceededException',
      message: 'Throughput exceeds the current capacity of your table or index.',
    });
    await h.client.send(new GetItemCommand({ TableName: TABLE, Key: { service: { S: 'x' } } }));
    expect(seen).toEqual(['DynamoDB:CreateTable#1', 'DynamoDB:GetItem#1', 'DynamoDB:GetItem#2']);
  });
});

describe('AWS::DynamoDB::Table in a deployed template', () => {
  beforeEach(async () => {
    h = await startDynamoDb();
  });

  const template = (extra: Record<string, unknown> = {}) => ({
    Resources: {
      DeploymentRecord: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          KeySchema: [{ AttributeName: 'service', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'service', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: false,
          Tags: [{ Key: 'owner', Value: 'bluegreen' }],
          ...extra,
        },
      },
    },
    Outputs: {
      TableName: { Value: { Ref: 'DeploymentRecord' } },
      TableArn: { Value: { 'Fn::GetAtt': ['DeploymentRecord', 'Arn'] } },
    },
  });
  const options = () => ({
    endpoint: h.server.endpoint,
    region: 'us-east-1',
    accountId: '123456789012',
    listenerUrl: () => 'http://127.0.0.1/',
    stackName: 'Stack',
  });

  it('creates the table; Ref is its name and GetAtt Arn its ARN', async () => {
    const deployed = await deployTemplate(template(), options());
    expect(deployed.outputs).toEqual({
      TableName: 'Stack-DeploymentRecord',
      TableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/Stack-DeploymentRecord',
    });
    const table = await h.client.send(new DescribeTableCommand({ TableName: 'Stack-DeploymentRecord' }));
    expect(table.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('fails on a property local AWS does not map', async () => {
    await expect(deployTemplate(template({ TimeToLiveSpecification: { Enabled: true } }), options())).rejects.toThrow(
      'DeploymentRecord has TimeToLiveSpecification, which local AWS does not map',
    );
  });
});
