/**
 * Round trip through the real @aws-sdk/client-sfn client and the local AWS HTTP server (JSON 1.0), with the ECS
 * client of an aws-sdk Task pointed at a fake ECS endpoint.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  InvalidDefinition,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { createClock } from '../../../local/aws/clock';
import { startLocalAws, type LocalAws } from '../../../local/aws/server';
import { createStepFunctionsService, type StepFunctionsService } from '../../../local/stepfunctions/service';
import { startFakeAwsEndpoint, type FakeAwsEndpoint } from './fake-aws-endpoint';
import { ROLE } from './harness';

/** Polls DescribeExecution (10 ms apart) until the execution is no longer RUNNING; client-sfn ships no waiter. */
async function waitUntilStopped(executionArn: string | undefined): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    const { status } = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (status !== 'RUNNING') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${String(executionArn)} still RUNNING`);
}

let ecs: FakeAwsEndpoint;
let sfn: StepFunctionsService;
let aws: LocalAws;
let client: SFNClient;

beforeAll(async () => {
  ecs = await startFakeAwsEndpoint();
  sfn = createStepFunctionsService({
    clock: createClock(0.001),
    region: 'us-east-1',
    accountId: '123456789012',
    endpoint: () => ecs.url,
  });
  aws = await startLocalAws({ port: 0, services: [sfn], region: 'us-east-1', accountId: '123456789012' });
  client = new SFNClient({
    endpoint: aws.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await sfn.close();
  await aws.close();
  await ecs.close();
});

const definition = {
  StartAt: 'Describe',
  States: {
    Describe: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:ecs:describeServices',
      Parameters: { 'Cluster.$': '$.cluster', Services: ['web'] },
      Catch: [{ ErrorEquals: ['Ecs.ClusterNotFoundException'], ResultPath: '$.error', Next: 'NoCluster' }],
      ResultSelector: { 'Status.$': '$.Services[0].Status' },
      ResultPath: '$.service',
      Next: 'Pause',
    },
    Pause: { Type: 'Wait', Seconds: 60, End: true },
    NoCluster: { Type: 'Fail', Error: 'Deploy.NoCluster', CausePath: '$.error.Cause' },
  },
};

describe('SFN SDK client against local Step Functions', () => {
  it('creates a state machine, runs it to success and reads its history with SDK types', async () => {
    ecs.reply('DescribeServices', (call) =>
      call.input['cluster'] === 'prod'
        ? { result: { services: [{ serviceName: 'web', status: 'ACTIVE' }], failures: [] } }
        : { error: 'ClusterNotFoundException', message: 'Cluster not found.' },
    );
    const { stateMachineArn } = await client.send(
      new CreateStateMachineCommand({ name: 'deploy', definition: JSON.stringify(definition), roleArn: ROLE }),
    );
    const { executionArn, startDate } = await client.send(
      new StartExecutionCommand({ stateMachineArn, name: 'd-1', input: JSON.stringify({ cluster: 'prod' }) }),
    );
    expect(startDate).toBeInstanceOf(Date);

    await waitUntilStopped(executionArn);
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? 'null')).toEqual({ cluster: 'prod', service: { Status: 'ACTIVE' } });
    expect(described.stopDate).toBeInstanceOf(Date);

    const history = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events?.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'ExecutionSucceeded',
    ]);
    expect(history.events?.[2]?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'aws-sdk:ecs',
      resource: 'describeServices',
    });
    expect(history.events?.[0]?.timestamp).toBeInstanceOf(Date);

    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn, name: 'd-1', input: '{}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('reports failures, stops executions and rejects invalid definitions as SDK errors', async () => {
    const { stateMachineArn } = await client.send(
      new CreateStateMachineCommand({ name: 'deploy-2', definition: JSON.stringify(definition), roleArn: ROLE }),
    );
    const failed = await client.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ cluster: 'gone' }) }),
    );
    await waitUntilStopped(failed.executionArn);
    expect(await client.send(new DescribeExecutionCommand({ executionArn: failed.executionArn }))).toMatchObject({
      status: 'FAILED',
      error: 'Deploy.NoCluster',
      cause: 'Cluster not found.',
    });

    await expect(
      client.send(
        new CreateStateMachineCommand({
          name: 'bad',
          definition: JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'A', States: {} }),
          roleArn: ROLE,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidDefinition);

    const { stateMachineArn: slowArn } = await client.send(
      new CreateStateMachineCommand({
        name: 'slow',
        definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 86400, End: true } } }),
        roleArn: ROLE,
      }),
    );
    const running = await client.send(new StartExecutionCommand({ stateMachineArn: slowArn }));
    await client.send(
      new StopExecutionCommand({ executionArn: running.executionArn, error: 'Cancelled', cause: 'test' }),
    );
    expect(await client.send(new DescribeExecutionCommand({ executionArn: running.executionArn }))).toMatchObject({
      status: 'ABORTED',
      error: 'Cancelled',
    });
  });
});
