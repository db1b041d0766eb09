/**
 * The lease the state machines take through Step Functions' optimized DynamoDB integration, against local DynamoDB
 * and local Step Functions behind one local AWS server: the exact Task shapes, the DynamoDB.* error names Retry/Catch
 * match, the history's resourceType, the Context Object ($$) values they use, and aws-sdk:sfn:describeExecution.
 */
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createClock } from '../../../local/aws/clock';
import { startLocalAws, type LocalAws } from '../../../local/aws/server';
import { AwsError } from '../../../local/aws/service';
import type { FaultHook } from '../../../local/aws/faults';
import { createDynamoDbService, type LocalDynamoDb } from '../../../local/dynamodb/dynamodb-service';
import { createStepFunctionsService, type StepFunctionsService } from '../../../local/stepfunctions/service';
import { awsErrorOf, createMachine, CTX, outputOf, runToEnd } from './harness';

const TABLE = 'deployments';
const SERVICE = 'arn:aws:ecs:us-east-1:123456789012:service/c/s';
const KEY = { service: { S: SERVICE } };
const NAMES = { '#lease': 'lease', '#holder': 'holder' };

let server: LocalAws;
let sfn: StepFunctionsService;
let dynamodb: LocalDynamoDb;
let client: DynamoDBClient;
let fault: FaultHook['beforeInvoke'] = () => undefined;

beforeEach(async () => {
  fault = () => undefined;
  let endpoint = '';
  const clock = createClock(0.001);
  sfn = createStepFunctionsService({ clock, region: 'us-east-1', accountId: '123456789012', endpoint: () => endpoint });
  dynamodb = createDynamoDbService({ clock, region: 'us-east-1', accountId: '123456789012' });
  server = await startLocalAws({ port: 0, services: [sfn, dynamodb], faults: { beforeInvoke: (call) => fault(call) } });
  endpoint = server.endpoint;
  client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'service', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'service', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

afterEach(async () => {
  client.destroy();
  await sfn.close();
  await server.close();
});

/** The lease Task exactly as the state machines write it. */
const takeLease = {
  Type: 'Task',
  Resource: 'arn:aws:states:::dynamodb:updateItem',
  Parameters: {
    TableName: TABLE,
    Key: KEY,
    UpdateExpression: 'SET #lease = :lease',
    ConditionExpression: 'attribute_not_exists(#lease) OR #lease.#holder = :me',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: {
      ':lease': {
        M: { holder: { 'S.$': '$$.Execution.Id' }, machine: { S: 'swap' }, since: { 'S.$': '$$.Execution.StartTime' } },
      },
      ':me': { 'S.$': '$$.Execution.Id' },
    },
    ReturnValues: 'ALL_NEW',
  },
  ResultPath: '$.taken',
  Catch: [
    { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.leaseError', Next: 'ReadHolder' },
  ],
  Next: 'WriteRecord',
};

const leaseMachine = {
  StartAt: 'TakeLease',
  States: {
    TakeLease: takeLease,
    WriteRecord: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:updateItem',
      Parameters: {
        TableName: TABLE,
        Key: KEY,
        UpdateExpression: 'SET #record = :record',
        ConditionExpression: '#lease.#holder = :me',
        ExpressionAttributeNames: { ...NAMES, '#record': 'record' },
        ExpressionAttributeValues: {
          ':record': { 'S.$': 'States.JsonToString($.record)' },
          ':me': { 'S.$': '$$.Execution.Id' },
        },
      },
      ResultPath: null,
      Next: 'ReleaseLease',
    },
    ReleaseLease: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:updateItem',
      Parameters: {
        TableName: TABLE,
        Key: KEY,
        UpdateExpression: 'REMOVE #lease',
        ConditionExpression: '#lease.#holder = :me',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ':me': { 'S.$': '$$.Execution.Id' } },
      },
      ResultPath: null,
      End: true,
    },
    ReadHolder: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:getItem',
      Parameters: { TableName: TABLE, Key: KEY, ConsistentRead: true },
      ResultSelector: { 'holder.$': '$.Item.lease.M.holder.S' },
      ResultPath: '$.current',
      Next: 'DescribeHolder',
    },
    DescribeHolder: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:sfn:describeExecution',
      Parameters: { 'ExecutionArn.$': '$.current.holder' },
      ResultSelector: { 'Status.$': '$.Status' },
      ResultPath: '$.holderExecution',
      Catch: [{ ErrorEquals: ['Sfn.ExecutionDoesNotExistException'], ResultPath: '$.holderError', Next: 'HolderGone' }],
      End: true,
    },
    HolderGone: { Type: 'Pass', End: true },
  },
};

const storedItem = () => dynamodb.state().tables.find((t) => t.name === TABLE)?.items[0];

it('takes the lease with the execution as holder, writes the record, releases it; history names the integration', async () => {
  const arn = await createMachine(sfn, 'lease', leaseMachine);
  const execution = await runToEnd(sfn, arn, { record: { previous: 'td:1' } });

  expect(execution.status).toBe('SUCCEEDED');
  const output = outputOf(execution) as { taken: Record<string, unknown> };
  expect(output.taken['Attributes']).toEqual({
    service: { S: SERVICE },
    lease: {
      M: {
        holder: { S: execution.executionArn },
        machine: { S: 'swap' },
        since: { S: new Date(execution.startDate).toISOString() },
      },
    },
  });
  // The optimized integration's result carries the Java SDK's HTTP metadata, as on AWS.
  expect(output.taken['SdkHttpMetadata']).toMatchObject({
    HttpStatusCode: 200,
    HttpHeaders: { 'Content-Type': 'application/x-amz-json-1.0' },
  });
  expect(output.taken['SdkResponseMetadata']).toEqual({ RequestId: expect.any(String) as string });
  expect(storedItem()).toEqual({ service: { S: SERVICE }, record: { S: '{"previous":"td:1"}' } });

  const scheduled = execution.history.filter((e) => e.type === 'TaskScheduled').map((e) => e.details);
  expect(scheduled.map((d) => [d?.['resourceType'], d?.['resource']])).toEqual([
    ['dynamodb', 'updateItem'],
    ['dynamodb', 'updateItem'],
    ['dynamodb', 'updateItem'],
  ]);
});

it('a held lease: catches DynamoDB.ConditionalCheckFailedException, reads the holder, describes its execution', async () => {
  const arn = await createMachine(sfn, 'lease', leaseMachine);
  const holder = await runToEnd(sfn, arn, { record: {} });
  await client.send(
    new PutItemCommand({ TableName: TABLE, Item: { ...KEY, lease: { M: { holder: { S: holder.executionArn } } } } }),
  );

  const blocked = await runToEnd(sfn, arn, { record: {} });

  expect(blocked.status).toBe('SUCCEEDED');
  const output = outputOf(blocked) as Record<string, unknown>;
  expect(output['leaseError']).toEqual({
    Error: 'DynamoDB.ConditionalCheckFailedException',
    Cause: expect.stringMatching(
      /^The conditional request failed \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: [\w-]+; Proxy: null\)$/,
    ) as string,
  });
  expect(output['current']).toEqual({ holder: holder.executionArn });
  expect(output['holderExecution']).toEqual({ Status: 'SUCCEEDED' });
  const failed = blocked.history.find((e) => e.type === 'TaskFailed');
  expect(failed?.details).toMatchObject({ resourceType: 'dynamodb', resource: 'updateItem' });
  // The lease still names the other holder.
  expect(storedItem()?.['lease']).toEqual({ M: { holder: { S: holder.executionArn } } });
});

it('describeExecution of a holder that does not exist fails with Sfn.ExecutionDoesNotExistException', async () => {
  const arn = await createMachine(sfn, 'lease', leaseMachine);
  const ghost = 'arn:aws:states:us-east-1:123456789012:execution:lease:gone';
  await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...KEY, lease: { M: { holder: { S: ghost } } } } }));

  const execution = await runToEnd(sfn, arn, { record: {} });

  expect(execution.status).toBe('SUCCEEDED');
  expect((outputOf(execution) as Record<string, unknown>)['holderError']).toEqual({
    Error: 'Sfn.ExecutionDoesNotExistException',
    Cause: `Execution Does Not Exist: '${ghost}'`,
  });
});

describe('errors of the optimized integration', () => {
  const failing = (parameters: Record<string, unknown>, resource = 'arn:aws:states:::dynamodb:getItem') => ({
    StartAt: 'Call',
    States: {
      Call: {
        Type: 'Task',
        Resource: resource,
        Parameters: parameters,
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    },
  });
  const caught = async (definition: unknown): Promise<{ Error: string; Cause: string }> => {
    const arn = await createMachine(sfn, 'errors', definition);
    const execution = await runToEnd(sfn, arn);
    expect(execution.status).toBe('SUCCEEDED');
    return outputOf(execution) as { Error: string; Cause: string };
  };

  it.each([
    [
      'a missing table',
      { TableName: 'missing', Key: KEY },
      'DynamoDB.ResourceNotFoundException',
      /^Requested resource not found \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ResourceNotFoundException; /,
    ],
    [
      'a ValidationException (not modelled: the base exception)',
      { TableName: TABLE, Key: { service: { N: '1' } } },
      'DynamoDB.AmazonDynamoDBException',
      /^The provided key element does not match the schema \(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ValidationException; /,
    ],
  ])('%s', async (_, parameters, error, cause) => {
    const result = await caught(failing(parameters));
    expect(result.Error).toBe(error);
    expect(result.Cause).toMatch(cause);
  });

  it.each([
    ['ThrottlingException', 400, 'DynamoDB.AmazonDynamoDBException'],
    ['ProvisionedThroughputExceededException', 400, 'DynamoDB.ProvisionedThroughputExceededException'],
    ['InternalServerError', 500, 'DynamoDB.InternalServerErrorException'],
    ['ServiceUnavailable', 503, 'DynamoDB.AmazonDynamoDBException'],
  ] as const)('an injected %s (%i) surfaces as %s', async (code, status, error) => {
    fault = (call) =>
      call.service === 'DynamoDB' && call.operation === 'GetItem' ? new AwsError(code, 'injected', status) : undefined;
    const result = await caught(failing({ TableName: TABLE, Key: KEY }));
    expect(result.Error).toBe(error);
    expect(result.Cause).toContain(`Status Code: ${status}; Error Code: ${code};`);
  });

  it('putItem and deleteItem work and return the API response members', async () => {
    const arn = await createMachine(sfn, 'put-delete', {
      StartAt: 'Put',
      States: {
        Put: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: { TableName: TABLE, Item: { ...KEY, n: { N: '1' } } },
          ResultSelector: { 'status.$': '$.SdkHttpMetadata.HttpStatusCode' },
          ResultPath: '$.put',
          Next: 'Delete',
        },
        Delete: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:deleteItem',
          Parameters: { TableName: TABLE, Key: KEY, ReturnValues: 'ALL_OLD' },
          ResultSelector: { 'old.$': '$.Attributes' },
          ResultPath: '$.deleted',
          End: true,
        },
      },
    });
    const execution = await runToEnd(sfn, arn);
    expect(outputOf(execution)).toEqual({ put: { status: 200 }, deleted: { old: { ...KEY, n: { N: '1' } } } });
  });
});

it('gives the Context Object as AWS does: $$.Execution, $$.StateMachine and $$.State (also inside a Parallel)', async () => {
  const context = {
    'id.$': '$$.Execution.Id',
    'name.$': '$$.Execution.Name',
    'start.$': '$$.Execution.StartTime',
    'input.$': '$$.Execution.Input',
    'machine.$': '$$.StateMachine.Name',
    'state.$': '$$.State.Name',
    'entered.$': '$$.State.EnteredTime',
    'retries.$': '$$.State.RetryCount',
  };
  const arn = await createMachine(sfn, 'context', {
    StartAt: 'Top',
    States: {
      Top: { Type: 'Pass', Parameters: context, ResultPath: '$.top', Next: 'Fan' },
      Fan: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'Inner', States: { Inner: { Type: 'Pass', Parameters: context, End: true } } }],
        ResultPath: '$.inner',
        End: true,
      },
    },
  });
  const execution = await runToEnd(sfn, arn, { hello: 'world' });
  const output = outputOf(execution) as { top: Record<string, unknown>; inner: Array<Record<string, unknown>> };
  const start = new Date(execution.startDate).toISOString();
  const expected = {
    id: execution.executionArn,
    name: execution.name,
    start,
    input: { hello: 'world' },
    machine: 'context',
    retries: 0,
  };
  expect(output.top).toEqual({ ...expected, state: 'Top', entered: expect.any(String) as string });
  expect(output.inner[0]).toEqual({ ...expected, state: 'Inner', entered: expect.any(String) as string });
  const entered = Date.parse(String(output.top['entered']));
  expect(entered).toBeGreaterThanOrEqual(execution.startDate);
  expect(Date.parse(String(output.inner[0]?.['entered']))).toBeGreaterThanOrEqual(entered);
});

describe('the definition check', () => {
  const task = (resource: string, parameters: Record<string, unknown>) => ({
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: resource, Parameters: parameters, End: true } },
  });
  const rejected = async (definition: unknown) =>
    awsErrorOf(
      sfn.invoke(
        'CreateStateMachine',
        { name: 'bad', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/r' },
        CTX,
      ),
    );

  it('accepts the four optimized actions and describeExecution', async () => {
    for (const action of ['getItem', 'putItem', 'updateItem', 'deleteItem']) {
      await createMachine(sfn, `ok-${action}`, task(`arn:aws:states:::dynamodb:${action}`, { TableName: TABLE }));
    }
    await createMachine(
      sfn,
      'ok-describe',
      task('arn:aws:states:::aws-sdk:sfn:describeExecution', { ExecutionArn: 'x' }),
    );
  });

  it.each([
    [
      'arn:aws:states:::dynamodb:query',
      { TableName: TABLE },
      "'arn:aws:states:::dynamodb:query' is not an optimized DynamoDB integration",
    ],
    ['arn:aws:states:::aws-sdk:dynamodb:getItem', { TableName: TABLE }, "aws-sdk service 'dynamodb' is not emulated"],
    [
      'arn:aws:states:::aws-sdk:sfn:startExecution',
      { StateMachineArn: 'x' },
      'aws-sdk:sfn:startExecution is not emulated locally (supported: describeExecution)',
    ],
    [
      'arn:aws:states:::dynamodb:getItem',
      { TableName: TABLE, Bogus: 1 },
      "the field 'Bogus' is not supported for GetItemInput",
    ],
  ])('rejects %s with %j loudly', async (resource, parameters, message) => {
    const error = await rejected(task(resource, parameters));
    expect(error.code).toBe('InvalidDefinition');
    expect(error.message).toContain(message);
  });
});
