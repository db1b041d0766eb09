import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
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
import { builtInAlarms } from '../../../lambdas/green-watch/core';
import { createHandler } from '../../../lambdas/green-watch/handler';

const ddb = mockClient(DynamoDBClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const sfn = mockClient(SFNClient);
const cw = mockClient(CloudWatchClient);
const PREFIX = 'stack-app-green-';
const LB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/bg-lb/50dc6c495c0c9188';
const LB = 'app/bg-lb/50dc6c495c0c9188';
const SERVICE = 'arn:aws:ecs:us-east-1:123456789012:service/c/app';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:s-swap:abc';
const handler = createHandler({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  variables: {
    DEPLOYMENT_TABLE: 'table',
    SERVICE_ARN: SERVICE,
    GREEN_ALARM_PREFIX: PREFIX,
    LOAD_BALANCER_ARN: LB_ARN,
    WATCHED_ALARMS: '["app-errors"]',
  },
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
const userAlarm = (state: string, reason = 'Threshold Crossed: 1 datapoint [9.0] > 5.0'): MetricAlarm => ({
  AlarmName: 'app-errors',
  StateValue: state as never,
  StateReason: reason,
});
const GREEN_TG = 'targetgroup/bg-app-1/1';
/** A built-in alarm as DescribeAlarms returns it, on `targetGroup`, as the function configures it. */
function builtIn(suffix: string, state: string, targetGroup = GREEN_TG): MetricAlarm {
  const configured = builtInAlarms(
    PREFIX,
    LB_ARN,
    `arn:aws:elasticloadbalancing:us-east-1:123456789012:${targetGroup}`,
  );
  const alarm = configured.find((a) => a.AlarmName === `${PREFIX}${suffix}`);
  if (alarm === undefined) throw new Error(`no built-in alarm ${suffix}`);
  return {
    ...alarm,
    Dimensions: alarm.Dimensions.map((d) => ({ ...d })),
    StateValue: state as never,
    StateReason: `${suffix} reason`,
  };
}
/**
 * CloudWatch's reason data for an alarm state (its documented JSON), evaluating HealthyHostCount's Minimum over the
 * minutes beginning at `points` (oldest first).
 */
function hostsReasonData(points: ReadonlyArray<readonly [string, number]>): string {
  return JSON.stringify({
    version: '1.0',
    queryDate: '2026-12-02T10:05:00.210+0000',
    startDate: `${points[0]?.[0] ?? ''}.000+0000`,
    statistic: 'Minimum',
    period: 60,
    recentDatapoints: points.map(([, v]) => v),
    threshold: 1.0,
    evaluatedDatapoints: [...points]
      .reverse()
      .map(([t, value]) => ({ timestamp: `${t}.000+0000`, sampleCount: 1.0, value })),
  });
}
/** The watch began at 10:03:30: green's targets were registering (0 healthy) in the two minutes before. */
const STARTED_AT = '2026-12-02T10:03:30.000Z';
const REGISTERING = hostsReasonData([
  ['2026-12-02T10:02:00', 0],
  ['2026-12-02T10:03:00', 0],
]);
const LOST_HOSTS = hostsReasonData([
  ['2026-12-02T10:03:00', 0],
  ['2026-12-02T10:04:00', 0],
]);

const alarmChange = (alarmName: string, state: string, targetGroup?: string, reasonData?: string) => ({
  version: '0',
  source: 'aws.cloudwatch',
  'detail-type': 'CloudWatch Alarm State Change',
  resources: [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`],
  detail: {
    alarmName,
    state: {
      value: state,
      reason: 'Threshold Crossed: 1 out of the last 1 datapoints [12.0] was >= 5.0',
      ...(reasonData !== undefined && { reasonData }),
    },
    previousState: { value: 'OK', reason: 'fine' },
    configuration: {
      metrics: [
        {
          id: 'x',
          metricStat: {
            metric: {
              namespace: 'AWS/ApplicationELB',
              name: 'HTTPCode_Target_5XX_Count',
              dimensions: targetGroup === undefined ? {} : { TargetGroup: targetGroup, LoadBalancer: LB },
            },
            period: 60,
            stat: 'Sum',
          },
          returnData: true,
        },
      ],
    },
  },
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
  cw.reset();
  // By default: the user's alarm exists and is OK, no built-in alarm exists yet.
  cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [userAlarm('OK')] });
  cw.on(PutMetricAlarmCommand).resolves({});
  cw.on(DeleteAlarmsCommand).resolves({});
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

describe('alarm gates as a watch begins', () => {
  beforeEach(() => {
    ddb.on(UpdateItemCommand).resolves({});
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [target('healthy')] });
  });

  test("creates the three built-in alarms on green's target group and load balancer only, then watches", async () => {
    await expect(handler(request)).resolves.toEqual({ outcome: 'watching', taskSetId: 'ecs-svc/123' });
    const described = cw.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input;
    expect(described?.AlarmNames).toEqual([`${PREFIX}5xx`, `${PREFIX}p99`, `${PREFIX}healthy-hosts`, 'app-errors']);
    const put = cw.commandCalls(PutMetricAlarmCommand).map((c) => c.args[0].input);
    expect(put.map((p) => [p.AlarmName, p.MetricName])).toEqual([
      [`${PREFIX}5xx`, 'HTTPCode_Target_5XX_Count'],
      [`${PREFIX}p99`, 'TargetResponseTime'],
      [`${PREFIX}healthy-hosts`, 'HealthyHostCount'],
    ]);
    for (const p of put) {
      expect(p.Dimensions).toEqual([
        { Name: 'TargetGroup', Value: GREEN_TG },
        { Name: 'LoadBalancer', Value: LB },
      ]);
      expect(p).toMatchObject({ Namespace: 'AWS/ApplicationELB', Period: 60, TreatMissingData: 'notBreaching' });
    }
    expect(put[0]).toMatchObject({
      Statistic: 'Sum',
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(put[1]).toMatchObject({
      ExtendedStatistic: 'p99',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(put[2]).toMatchObject({ Statistic: 'Minimum', Threshold: 1, ComparisonOperator: 'LessThanThreshold' });
    expect(cw.commandCalls(DeleteAlarmsCommand)).toHaveLength(0);
  });

  test("a previous green's alarms are deleted and created again, so their old ALARM does not fail this green", async () => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        builtIn('5xx', 'ALARM', 'targetgroup/bg-app-0/0'),
        builtIn('p99', 'OK', 'targetgroup/bg-app-0/0'),
        builtIn('healthy-hosts', 'OK', 'targetgroup/bg-app-0/0'),
        userAlarm('OK'),
      ],
    });
    await expect(handler(request)).resolves.toMatchObject({ outcome: 'watching' });
    expect(cw.commandCalls(DeleteAlarmsCommand)[0]?.args[0].input.AlarmNames).toEqual([
      `${PREFIX}5xx`,
      `${PREFIX}p99`,
      `${PREFIX}healthy-hosts`,
    ]);
    expect(cw.commandCalls(PutMetricAlarmCommand)).toHaveLength(3);
  });

  test('alarms already on this green (the next shift step, the bake) are kept, and one in ALARM fails at once', async () => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [builtIn('5xx', 'ALARM'), builtIn('p99', 'OK'), builtIn('healthy-hosts', 'OK'), userAlarm('OK')],
    });
    const failure = handler(request);
    await expect(failure).rejects.toMatchObject({ name: GREEN_DEGRADED });
    await expect(failure).rejects.toThrow(`alarm ${PREFIX}5xx is in ALARM during the bake (5xx reason)`);
    expect(cw.commandCalls(PutMetricAlarmCommand)).toHaveLength(0);
    expect(cw.commandCalls(DeleteAlarmsCommand)).toHaveLength(0);
  });

  test('a kept healthy-hosts alarm in ALARM only for minutes before the watch (green registering) is re-armed, not failed', async () => {
    const registering = { ...builtIn('healthy-hosts', 'ALARM'), StateReasonData: REGISTERING };
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [builtIn('5xx', 'OK'), builtIn('p99', 'OK'), registering, userAlarm('OK')],
    });
    await expect(handler({ ...request, startedAt: STARTED_AT })).resolves.toMatchObject({ outcome: 'watching' });
    expect(cw.commandCalls(DeleteAlarmsCommand).map((c) => c.args[0].input.AlarmNames)).toEqual([
      [`${PREFIX}healthy-hosts`],
    ]);
    const created = cw.commandCalls(PutMetricAlarmCommand).map((c) => c.args[0].input);
    expect(created).toEqual([expect.objectContaining({ AlarmName: `${PREFIX}healthy-hosts`, Statistic: 'Minimum' })]);
    expect(created[0]?.Dimensions).toEqual(builtIn('healthy-hosts', 'OK').Dimensions);
    // The watch item keeps when the watch began, for the alarm's later state changes.
    const update = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(update?.ExpressionAttributeValues?.[':watch']?.M?.startedAt).toEqual({ S: STARTED_AT });
  });

  test('a breach with a minute that began during the watch, one of another alarm, or a request without startedAt still fails at once', async () => {
    const cases: Array<{ alarm: MetricAlarm; startedAt?: string }> = [
      { alarm: { ...builtIn('healthy-hosts', 'ALARM'), StateReasonData: LOST_HOSTS }, startedAt: STARTED_AT },
      { alarm: { ...builtIn('healthy-hosts', 'ALARM'), StateReasonData: REGISTERING } },
      { alarm: { ...builtIn('healthy-hosts', 'ALARM'), StateReasonData: 'not json' }, startedAt: STARTED_AT },
      { alarm: { ...builtIn('5xx', 'ALARM'), StateReasonData: REGISTERING }, startedAt: STARTED_AT },
    ];
    for (const { alarm, startedAt } of cases) {
      cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [alarm, userAlarm('OK')] });
      const failure = handler({ ...request, ...(startedAt !== undefined && { startedAt }) });
      await expect(failure).rejects.toMatchObject({ name: GREEN_DEGRADED });
      await expect(failure).rejects.toThrow(`alarm ${alarm.AlarmName ?? ''} is in ALARM during the bake`);
    }
    expect(cw.commandCalls(DeleteAlarmsCommand)).toHaveLength(0);
  });

  test('a startedAt that is not a time names the field', async () => {
    await expect(handler({ ...request, startedAt: 'yesterday' })).rejects.toThrow(/startedAt is "yesterday"/);
  });

  test("the user's alarm in ALARM fails the watch at once, naming it and CloudWatch's reason", async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [userAlarm('ALARM', 'Threshold Crossed: too many')] });
    const failure = handler({ ...request, kind: 'shift' });
    await expect(failure).rejects.toMatchObject({ name: GREEN_DEGRADED });
    await expect(failure).rejects.toThrow(
      /alarm app-errors is in ALARM during a traffic shift step \(Threshold Crossed: too many\)/,
    );
  });

  test("a user's alarm that does not exist, or DescribeAlarms failing, is WatchUnavailable naming it", async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    await expect(handler(request)).rejects.toMatchObject({
      name: WATCH_UNAVAILABLE,
      message: expect.stringMatching(/no metric alarm named app-errors exists/),
    });
    cw.on(DescribeAlarmsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    await expect(handler(request)).rejects.toMatchObject({
      name: WATCH_UNAVAILABLE,
      message: expect.stringMatching(/DescribeAlarms\) failed \(Throttling/),
    });
  });

  test('a green already degraded is failed on its target health before any alarm is touched', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [target('unhealthy')] });
    await expect(handler(request)).rejects.toMatchObject({ name: GREEN_DEGRADED });
    expect(cw.commandCalls(PutMetricAlarmCommand)).toHaveLength(0);
  });
});

describe('a CloudWatch alarm state change from EventBridge', () => {
  const watch = {
    token: 'token-1',
    execution: EXECUTION,
    taskSetId: 'ecs-svc/123',
    kind: 'shift',
    targetGroupArn: request.targetGroupArn,
  };

  test('a built-in alarm on green going to ALARM wakes swap with GreenDegraded, naming the alarm and its reason', async () => {
    ddb.on(GetItemCommand).resolves(item(watch));
    sfn.on(SendTaskFailureCommand).resolves({});
    const result = await handler(alarmChange(`${PREFIX}5xx`, 'ALARM', GREEN_TG));
    expect(result).toMatchObject({ outcome: 'woke', taskSetId: 'ecs-svc/123' });
    const sent = sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
    expect(sent).toMatchObject({ taskToken: 'token-1', error: GREEN_DEGRADED });
    const cause = JSON.parse(sent?.cause ?? '{}') as { errorType: string; errorMessage: string };
    expect(cause.errorType).toBe(GREEN_DEGRADED);
    expect(cause.errorMessage).toBe(
      `alarm ${PREFIX}5xx is in ALARM during a traffic shift step (Threshold Crossed: 1 out of the last 1 datapoints [12.0] was >= 5.0)`,
    );
  });

  test('the healthy-hosts alarm going to ALARM only on minutes before the watch is re-armed; a minute during the watch wakes swap', async () => {
    ddb.on(GetItemCommand).resolves(item({ ...watch, startedAt: STARTED_AT }));
    sfn.on(SendTaskFailureCommand).resolves({});
    const name = `${PREFIX}healthy-hosts`;
    expect(await handler(alarmChange(name, 'ALARM', GREEN_TG, REGISTERING))).toEqual({
      outcome: 'rearmed',
      alarmName: name,
    });
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
    expect(cw.commandCalls(DeleteAlarmsCommand).map((c) => c.args[0].input.AlarmNames)).toEqual([[name]]);
    expect(cw.commandCalls(PutMetricAlarmCommand).map((c) => c.args[0].input.AlarmName)).toEqual([name]);
    // Re-armed, it starts afresh; its next ALARM rests on a minute that began during the watch: green lost its hosts.
    expect(await handler(alarmChange(name, 'ALARM', GREEN_TG, LOST_HOSTS))).toMatchObject({ outcome: 'woke' });
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({ error: GREEN_DEGRADED });
    // A watch stored by an earlier definition (no startedAt) counts every breach.
    sfn.resetHistory();
    ddb.on(GetItemCommand).resolves(item(watch));
    expect(await handler(alarmChange(name, 'ALARM', GREEN_TG, REGISTERING))).toMatchObject({ outcome: 'woke' });
  });

  test('an alarm that cannot be re-armed wakes swap with WatchUnavailable: a watch blind to it is no watch', async () => {
    ddb.on(GetItemCommand).resolves(item({ ...watch, startedAt: STARTED_AT }));
    sfn.on(SendTaskFailureCommand).resolves({});
    cw.on(PutMetricAlarmCommand).rejects(new Error('throttled'));
    const result = await handler(alarmChange(`${PREFIX}healthy-hosts`, 'ALARM', GREEN_TG, REGISTERING));
    expect(result).toMatchObject({ outcome: 'woke' });
    const sent = sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
    expect(sent).toMatchObject({ taskToken: 'token-1', error: WATCH_UNAVAILABLE });
    expect(JSON.parse(sent?.cause ?? '{}')).toMatchObject({ errorType: WATCH_UNAVAILABLE });
  });

  test("the user's alarm going to ALARM wakes swap whatever its dimensions", async () => {
    ddb.on(GetItemCommand).resolves(item(watch));
    sfn.on(SendTaskFailureCommand).resolves({});
    expect(await handler(alarmChange('app-errors', 'ALARM'))).toMatchObject({ outcome: 'woke' });
  });

  test("a previous green's alarm, an alarm going OK, an unwatched alarm, no watch or a stale one: nothing is sent", async () => {
    ddb.on(GetItemCommand).resolves(item(watch));
    expect(await handler(alarmChange(`${PREFIX}5xx`, 'ALARM', 'targetgroup/bg-app-0/0'))).toMatchObject({
      outcome: 'ignored',
    });
    expect(await handler(alarmChange(`${PREFIX}5xx`, 'OK', GREEN_TG))).toMatchObject({ outcome: 'ignored' });
    expect(await handler(alarmChange('someone-elses', 'ALARM'))).toMatchObject({ outcome: 'ignored' });
    ddb.on(GetItemCommand).resolves(item(undefined));
    expect(await handler(alarmChange('app-errors', 'ALARM'))).toEqual({ outcome: 'ignored', why: 'no watch' });
    ddb.on(GetItemCommand).resolves(item(watch, 'arn:aws:states:us-east-1:123456789012:execution:s-abort:x'));
    expect(await handler(alarmChange('app-errors', 'ALARM'))).toMatchObject({ outcome: 'ignored' });
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  });

  test('an alarm going to ALARM after the watch ended is not an error', async () => {
    ddb.on(GetItemCommand).resolves(item(watch));
    sfn.on(SendTaskFailureCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    expect(await handler(alarmChange('app-errors', 'ALARM'))).toEqual({ outcome: 'ignored', why: 'the watch is over' });
  });
});

describe("swap's check as a watch ended (its Task timed out)", () => {
  const check = {
    action: 'check' as const,
    kind: 'bake' as const,
    execution: EXECUTION,
    serviceArn: SERVICE,
    taskSetId: 'ecs-svc/123',
    targetGroupArn: request.targetGroupArn,
  };
  const onGreen = (state = 'OK') => ['5xx', 'p99', 'healthy-hosts'].map((suffix) => builtIn(suffix, state));
  /** The healthy-hosts alarm in ALARM on the minutes green's targets were registering (before the watch), the rest OK. */
  const hostsBreachedWhileRegistering = (): MetricAlarm[] => [
    builtIn('5xx', 'OK'),
    builtIn('p99', 'OK'),
    { ...builtIn('healthy-hosts', 'ALARM'), StateReasonData: REGISTERING },
    userAlarm('OK'),
  ];
  beforeEach(() => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [target('healthy')] });
    ddb.on(GetItemCommand).resolves(item({ execution: EXECUTION, taskSetId: 'ecs-svc/123', startedAt: STARTED_AT }));
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [...onGreen(), userAlarm('OK')] });
  });

  test('green healthy and every watched alarm OK: the watch passed, with nothing written', async () => {
    await expect(handler(check)).resolves.toEqual({ outcome: 'passed', taskSetId: 'ecs-svc/123' });
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
    // The stored watch's start matters only to an alarm in ALARM: not read.
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
    expect(cw.commandCalls(PutMetricAlarmCommand)).toHaveLength(0);
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  });

  // The rule swap's gates and the watch's start judge by (contract/green-watch.ts, DEGRADED_TARGET_STATES).
  test.each([
    [['healthy', 'healthy'], 'passes'],
    // An autoscaler scaled out: the new tasks are still registering.
    [['healthy', 'initial', 'initial'], 'passes'],
    // A task died (or was scaled in): deregistered, indistinguishable, so the bake moves production back.
    [['healthy', 'draining'], 'fails'],
    [['draining', 'initial'], 'fails'],
    [['healthy', 'unhealthy'], 'fails'],
    [['healthy', 'unavailable'], 'fails'],
    [['initial'], 'fails'],
    [[], 'fails'],
  ])('targets %j: the check %s', async (states, expected) => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: states.map((s) => target(s)) });
    const answer = handler(check);
    if (expected === 'passes') await expect(answer).resolves.toMatchObject({ outcome: 'passed' });
    else await expect(answer).rejects.toMatchObject({ name: GREEN_DEGRADED, message: /as the watch ended/ });
  });

  test("a built-in alarm of green's in ALARM whose event had not arrived fails the watch, naming it", async () => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [builtIn('5xx', 'ALARM'), builtIn('p99', 'OK'), builtIn('healthy-hosts', 'OK'), userAlarm('OK')],
    });
    await expect(handler(check)).rejects.toMatchObject({
      name: GREEN_DEGRADED,
      message: expect.stringMatching(new RegExp(`${PREFIX}5xx.*as the watch ended`)) as unknown,
    });
  });

  test("the user's alarm in ALARM fails it too", async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [...onGreen(), userAlarm('ALARM')] });
    await expect(handler(check)).rejects.toMatchObject({ name: GREEN_DEGRADED, message: /app-errors/ });
  });

  test('a built-in alarm in ALARM on another target group is not green’s: the watch passed', async () => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [builtIn('5xx', 'ALARM', 'targetgroup/bg-app-0/0'), builtIn('p99', 'OK'), userAlarm('OK')],
    });
    await expect(handler(check)).resolves.toMatchObject({ outcome: 'passed' });
  });

  test("a healthy-hosts breach resting only on minutes before this watch's start (as stored) re-arms it; the watch passed", async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: hostsBreachedWhileRegistering() });
    await expect(handler(check)).resolves.toMatchObject({ outcome: 'passed' });
    expect(cw.commandCalls(DeleteAlarmsCommand)[0]?.args[0].input).toEqual({ AlarmNames: [`${PREFIX}healthy-hosts`] });
  });

  test("the same breach counts when the stored watch is another execution's (no start to judge by)", async () => {
    ddb.on(GetItemCommand).resolves(item({ execution: 'another', taskSetId: 'ecs-svc/123', startedAt: STARTED_AT }));
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: hostsBreachedWhileRegistering() });
    await expect(handler(check)).rejects.toMatchObject({ name: GREEN_DEGRADED });
  });

  test('a read that fails is WatchUnavailable (swap retries it, then undoes), naming the check', async () => {
    cw.on(DescribeAlarmsCommand).rejects(new Error('throttled'));
    await expect(handler(check)).rejects.toMatchObject({
      name: WATCH_UNAVAILABLE,
      message: /could not check green as the watch ended: reading the watched alarms/,
    });
  });

  test("the user's alarm gone is WatchUnavailable", async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: onGreen() });
    await expect(handler(check)).rejects.toMatchObject({ name: WATCH_UNAVAILABLE, message: /app-errors/ });
  });

  test('a request without a field names it', async () => {
    await expect(handler({ ...check, taskSetId: '' })).rejects.toThrow(/check request: taskSetId must be/);
  });

  test("clean-up's check of the live version: an alarm in ALARM refuses it, whatever a watch began with", async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: hostsBreachedWhileRegistering() });
    await expect(handler({ ...check, kind: 'clean-up' })).rejects.toMatchObject({
      name: GREEN_DEGRADED,
      message: `alarm ${PREFIX}healthy-hosts is in ALARM during clean-up (healthy-hosts reason)`,
    });
    // No watch is ending: the stored one's start is not read, and nothing is re-armed.
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
    expect(cw.commandCalls(DeleteAlarmsCommand)).toHaveLength(0);
  });

  test("clean-up's check: a live version without a healthy target refuses it; all healthy and OK passes", async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [target('unhealthy')] });
    await expect(handler({ ...check, kind: 'clean-up' })).rejects.toMatchObject({
      name: GREEN_DEGRADED,
      message: /as clean-up checked it$/,
    });
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [target('healthy')] });
    await expect(handler({ ...check, kind: 'clean-up' })).resolves.toMatchObject({ outcome: 'passed' });
  });
});
