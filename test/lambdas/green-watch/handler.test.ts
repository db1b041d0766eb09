import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { SendTaskFailureCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { GREEN_DEGRADED, WATCH_UNAVAILABLE, type WatchRequest } from '../../../contract';
import { createHandler } from '../../../lambdas/green-watch/handler';

const ddb = mockClient(DynamoDBClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const sfn = mockClient(SFNClient);
const SERVICE = 'arn:aws:ecs:us-east-1:123456789012:service/c/app';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:s-swap:abc';
const handler = createHandler({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  variables: { DEPLOYMENT_TABLE: 'table', SERVICE_ARN: SERVICE },
});

const request: WatchRequest = {
  action: 'watch',
  kind: 'bake',
  token: 'token-1',
  execution: EXECUTION,
  serviceArn: SERVICE,
  taskSetId: 'ecs-svc/123',
  targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/bg-app-1/1',
  seconds: 300,
};
const target = (state: string, reason?: string): TargetHealthDescription => ({
  Target: { Id: '10.0.0.1', Port: 80 },
  TargetHealth: { State: state as never, ...(reason !== undefined && { Reason: reason as never }) },
});
const stopped = (startedBy: string, extra: Record<string, unknown> = {}) => ({
  version: '0',
  source: 'aws.ecs',
  'detail-type': 'ECS Task State Change',
  detail: {
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/c',
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/c/0123abcd',
    startedBy,
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'app', exitCode: 137 }],
    ...extra,
  },
});
const item = (watch: Record<string, string> | undefined, holder = EXECUTION) => ({
  Item: {
    service: { S: SERVICE },
    lease: { M: { holder: { S: holder } } },
    ...(watch && { watch: { M: Object.fromEntries(Object.entries(watch).map(([k, v]) => [k, { S: v }])) } }),
  },
});

beforeEach(() => {
  ddb.reset();
  elbv2.reset();
  sfn.reset();
});

describe('a watch request from swap', () => {
  test('stores the watch beside the lease, conditioned on holding it, and checks green once', async () => {
    ddb.on(UpdateItemCommand).resolves({});
    elbv2
      .on(DescribeTargetHealthCommand)
      .resolves({ TargetHealthDescriptions: [target('healthy'), target('initial')] });
    await expect(handler(request)).resolves.toEqual({ outcome: 'watching', taskSetId: 'ecs-svc/123' });
    const update = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(update).toMatchObject({
      TableName: 'table',
      Key: { service: { S: SERVICE } },
      ConditionExpression: '#lease.#holder = :me',
      ExpressionAttributeValues: { ':me': { S: EXECUTION } },
    });
    expect(update?.ExpressionAttributeValues?.[':watch']?.M?.token).toEqual({ S: 'token-1' });
  });

  test('a green already degraded fails the Task at once with GreenDegraded, naming the target', async () => {
    ddb.on(UpdateItemCommand).resolves({});
    elbv2
      .on(DescribeTargetHealthCommand)
      .resolves({ TargetHealthDescriptions: [target('healthy'), target('unhealthy', 'Target.ResponseCodeMismatch')] });
    const failure = handler(request);
    await expect(failure).rejects.toMatchObject({ name: GREEN_DEGRADED });
    await expect(failure).rejects.toThrow(/10\.0\.0\.1:80 unhealthy Target\.ResponseCodeMismatch/);
  });

  test('no lease, no watch: a plain error (the Task goes to the undo), and green is not read', async () => {
    ddb.on(UpdateItemCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    await expect(handler(request)).rejects.toThrow(/no longer holds the lease/);
    expect(elbv2.commandCalls(DescribeTargetHealthCommand)).toHaveLength(0);
  });

  test('a malformed request names the field', async () => {
    await expect(handler({ ...request, seconds: 0 })).rejects.toThrow(/seconds is 0/);
    await expect(handler({ ...request, taskSetId: '' })).rejects.toThrow(/taskSetId must be a non-empty string/);
  });
});

describe('an ECS task state change from EventBridge', () => {
  const watch = { token: 'token-1', execution: EXECUTION, taskSetId: 'ecs-svc/123', kind: 'bake' };

  test("one of green's tasks stopping wakes swap with GreenDegraded and ECS's reason", async () => {
    ddb.on(GetItemCommand).resolves(item(watch));
    sfn.on(SendTaskFailureCommand).resolves({});
    const result = await handler(stopped('ecs-svc/123'));
    expect(result).toMatchObject({ outcome: 'woke', taskSetId: 'ecs-svc/123' });
    const sent = sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
    expect(sent).toMatchObject({ taskToken: 'token-1', error: GREEN_DEGRADED });
    const cause = JSON.parse(sent?.cause ?? '{}') as { errorType: string; errorMessage: string };
    expect(cause.errorType).toBe(GREEN_DEGRADED);
    expect(cause.errorMessage).toMatch(/task 0123abcd .*EssentialContainerExited.*app exit code 137/);
  });

  test('a task of another task set (blue), no watch, or a stale watch: nothing is sent', async () => {
    ddb.on(GetItemCommand).resolves(item(watch));
    expect(await handler(stopped('ecs-svc/999'))).toMatchObject({ outcome: 'ignored' });
    ddb.on(GetItemCommand).resolves(item(undefined));
    expect(await handler(stopped('ecs-svc/123'))).toMatchObject({ outcome: 'ignored', why: 'no watch' });
    ddb.on(GetItemCommand).resolves(item(watch, 'arn:aws:states:us-east-1:123456789012:execution:s-abort:x'));
    expect(await handler(stopped('ecs-svc/123'))).toMatchObject({ outcome: 'ignored' });
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  });

  test('a task still running is not a wake-up', async () => {
    ddb.on(GetItemCommand).resolves(item(watch));
    const running = stopped('ecs-svc/123', { lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
    expect(await handler(running)).toMatchObject({ outcome: 'ignored' });
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  });

  test('a watch already over (its Task timed out) is not an error', async () => {
    ddb.on(GetItemCommand).resolves(item(watch));
    sfn.on(SendTaskFailureCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    expect(await handler(stopped('ecs-svc/123'))).toEqual({ outcome: 'ignored', why: 'the watch is over' });
  });
});

test('an AWS call that fails while the watch is set up is WatchUnavailable (swap retries it), naming the call', async () => {
  ddb.on(UpdateItemCommand).resolves({});
  elbv2.on(DescribeTargetHealthCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
  const failure = handler(request);
  await expect(failure).rejects.toMatchObject({ name: WATCH_UNAVAILABLE });
  await expect(failure).rejects.toThrow(/DescribeTargetHealth\) failed \(Throttling: Rate exceeded\)/);
});
