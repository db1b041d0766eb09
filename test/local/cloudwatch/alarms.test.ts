/**
 * Local CloudWatch's alarm API through the real @aws-sdk/client-cloudwatch (JSON 1.0, query-compatible) and the query
 * protocol the AWS CLI v1 speaks: PutMetricAlarm's limits and errors, DescribeAlarms' filters and pages, DeleteAlarms,
 * SetAlarmState; and alarm evaluation on the emulated clock (M out of N, TreatMissingData, percentiles) with the
 * `CloudWatch Alarm State Change` events it puts on the local bus. Emulated time runs 100x faster.
 */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
  type DescribeAlarmsCommandInput,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { localClientConfig } from '../../../local/aws/client-config';
import type { LocalEvent } from '../../../local/events/event-bus';
import { startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';
import { alarmState, errorOf, waitFor } from './support';

let aws: RunningLocalAws;
let client: CloudWatchClient;
const events: LocalEvent[] = [];

beforeAll(async () => {
  aws = await startLocalAwsStack({ ports: { api: 0, listeners: {} }, timeScale: 0.01 });
  client = new CloudWatchClient(localClientConfig(aws.endpoint, 'us-east-1'));
  const put = aws.events.putEvent.bind(aws.events);
  aws.events.putEvent = (event) => {
    events.push(event);
    put(event);
  };
});

afterAll(async () => {
  client?.destroy();
  await aws?.close();
});

const base = (name: string, extra: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput => ({
  AlarmName: name,
  Namespace: 'Shop',
  MetricName: 'Errors',
  Dimensions: [{ Name: 'Service', Value: name }],
  Statistic: 'Sum',
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 1,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  // Without data the state stays as it is, so the API tests do not race the evaluation of their alarms.
  TreatMissingData: 'ignore',
  ...extra,
});

const put = (input: PutMetricAlarmCommandInput) => client.send(new PutMetricAlarmCommand(input));

const errorsOf = (name: string, value: number) =>
  client.send(
    new PutMetricDataCommand({
      Namespace: 'Shop',
      MetricData: [{ MetricName: 'Errors', Dimensions: [{ Name: 'Service', Value: name }], Value: value }],
    }),
  );

describe('PutMetricAlarm', () => {
  it('creates an alarm in INSUFFICIENT_DATA that DescribeAlarms returns as configured', async () => {
    await put(base('created', { AlarmDescription: 'too many errors' }));
    const { MetricAlarms } = await client.send(new DescribeAlarmsCommand({ AlarmNames: ['created'] }));
    expect(MetricAlarms).toHaveLength(1);
    const alarm = MetricAlarms?.[0];
    expect(alarm).toMatchObject({
      AlarmName: 'created',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:created',
      AlarmDescription: 'too many errors',
      ActionsEnabled: true,
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'Unchecked: Initial alarm creation',
      Namespace: 'Shop',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'Service', Value: 'created' }],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
    });
    expect(alarm?.DatapointsToAlarm).toBeUndefined();
    expect(alarm?.StateUpdatedTimestamp).toBeInstanceOf(Date);
    expect(Math.abs((alarm?.StateUpdatedTimestamp?.getTime() ?? 0) - aws.clock.now())).toBeLessThan(600_000);
  });

  it('updates an existing alarm in place: the configuration is replaced, the state kept', async () => {
    await put(base('updated'));
    await client.send(new SetAlarmStateCommand({ AlarmName: 'updated', StateValue: 'ALARM', StateReason: 'forced' }));
    await put(base('updated', { Threshold: 5, DatapointsToAlarm: 1 }));
    const alarm = (await client.send(new DescribeAlarmsCommand({ AlarmNames: ['updated'] }))).MetricAlarms?.[0];
    expect(alarm).toMatchObject({ Threshold: 5, DatapointsToAlarm: 1, StateValue: 'ALARM', StateReason: 'forced' });
  });

  it.each<[string, Partial<PutMetricAlarmCommandInput>, string, string]>([
    ['Period 45', { Period: 45 }, 'InvalidParameterValueException', 'InvalidParameterValue'],
    ['Period 0', { Period: 0 }, 'ValidationException', 'ValidationError'],
    [
      'a day and a minute',
      { Period: 60, EvaluationPeriods: 1441 },
      'InvalidParameterValueException',
      'InvalidParameterValue',
    ],
    [
      'seven days and an hour',
      { Period: 3600, EvaluationPeriods: 169 },
      'InvalidParameterValueException',
      'InvalidParameterValue',
    ],
    [
      'DatapointsToAlarm > EvaluationPeriods',
      { EvaluationPeriods: 2, DatapointsToAlarm: 3 },
      'InvalidParameterValueException',
      'InvalidParameterValue',
    ],
    [
      'Statistic and ExtendedStatistic',
      { ExtendedStatistic: 'p99' },
      'InvalidParameterCombinationException',
      'InvalidParameterCombination',
    ],
    ['neither statistic', { Statistic: undefined }, 'MissingRequiredParameterException', 'MissingParameter'],
    [
      'a bad percentile',
      { Statistic: undefined, ExtendedStatistic: 'p101' },
      'InvalidParameterValueException',
      'InvalidParameterValue',
    ],
    ['TreatMissingData', { TreatMissingData: 'sometimes' }, 'InvalidParameterValueException', 'InvalidParameterValue'],
    [
      'EvaluateLowSampleCountPercentile without a percentile',
      { EvaluateLowSampleCountPercentile: 'ignore' },
      'InvalidParameterCombinationException',
      'InvalidParameterCombination',
    ],
    [
      'an anomaly band operator',
      { ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold' },
      'InvalidParameterCombinationException',
      'InvalidParameterCombination',
    ],
    ['no threshold', { Threshold: undefined }, 'MissingRequiredParameterException', 'MissingParameter'],
    ['no period', { Period: undefined }, 'MissingRequiredParameterException', 'MissingParameter'],
    [
      'MetricName and Metrics',
      { Metrics: [{ Id: 'm1', Expression: 'SUM(METRICS())' }] },
      'InvalidParameterCombinationException',
      'InvalidParameterCombination',
    ],
    [
      'six alarm actions',
      { AlarmActions: Array.from({ length: 6 }, (_, i) => `arn:aws:sns:us-east-1:123456789012:t${i}`) },
      'ValidationException',
      'ValidationError',
    ],
    [
      'an action that is no ARN',
      { AlarmActions: ['my-topic'] },
      'InvalidParameterValueException',
      'InvalidParameterValue',
    ],
    [
      '31 dimensions',
      { Dimensions: Array.from({ length: 31 }, (_, i) => ({ Name: `d${i}`, Value: 'v' })) },
      'ValidationException',
      'ValidationError',
    ],
    [
      'a repeated dimension',
      {
        Dimensions: [
          { Name: 'A', Value: '1' },
          { Name: 'A', Value: '2' },
        ],
      },
      'InvalidParameterValueException',
      'InvalidParameterValue',
    ],
    ['a 256-character name', { AlarmName: 'a'.repeat(256) }, 'ValidationException', 'ValidationError'],
    ['an unknown unit', { Unit: 'Furlongs' as 'Count' }, 'ValidationException', 'ValidationError'],
  ])('refuses %s', async (_, change, name, code) => {
    const failure = await errorOf(put(base('refused', change)));
    expect(failure).toMatchObject({ name, code, status: 400 });
    expect((await client.send(new DescribeAlarmsCommand({ AlarmNames: ['refused'] }))).MetricAlarms).toEqual([]);
  });

  it('accepts Period 10, 20 and 30, any multiple of 60, one day of evaluation under an hour, seven days above', async () => {
    for (const [period, evaluations] of [
      [10, 1],
      [20, 4320],
      [30, 2880],
      [3600, 168],
    ] as const) {
      await put(base(`period-${period}`, { Period: period, EvaluationPeriods: evaluations }));
    }
    const names = (await client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'period-' }))).MetricAlarms?.map(
      (a) => a.AlarmName,
    );
    expect(names).toEqual(['period-10', 'period-20', 'period-30', 'period-3600']);
    await client.send(new DeleteAlarmsCommand({ AlarmNames: ['period-10', 'period-20', 'period-30', 'period-3600'] }));
  });
});

describe('DescribeAlarms', () => {
  beforeAll(async () => {
    for (const name of ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']) {
      await put(base(name, { AlarmActions: name === 'page-c' ? ['arn:aws:sns:us-east-1:123456789012:oncall'] : [] }));
    }
    await client.send(new SetAlarmStateCommand({ AlarmName: 'page-b', StateValue: 'OK', StateReason: 'test' }));
  });

  it('filters by name prefix, names, state and action prefix, in name order', async () => {
    const names = async (input: DescribeAlarmsCommandInput) =>
      (await client.send(new DescribeAlarmsCommand(input))).MetricAlarms?.map((a) => a.AlarmName);
    expect(await names({ AlarmNamePrefix: 'page-' })).toEqual(['page-a', 'page-b', 'page-c', 'page-d', 'page-e']);
    expect(await names({ AlarmNames: ['page-d', 'page-a', 'nope'] })).toEqual(['page-a', 'page-d']);
    expect(await names({ AlarmNamePrefix: 'page-', StateValue: 'OK' })).toEqual(['page-b']);
    expect(await names({ ActionPrefix: 'arn:aws:sns:us-east-1:123456789012:on' })).toEqual(['page-c']);
    expect(await names({ AlarmNamePrefix: 'page-', AlarmTypes: ['CompositeAlarm'] })).toEqual([]);
  });

  it('pages with MaxRecords and NextToken', async () => {
    const first = await client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'page-', MaxRecords: 2 }));
    expect(first.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['page-a', 'page-b']);
    const second = await client.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: 'page-', MaxRecords: 2, NextToken: first.NextToken }),
    );
    expect(second.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['page-c', 'page-d']);
    const third = await client.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: 'page-', MaxRecords: 2, NextToken: second.NextToken }),
    );
    expect(third.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['page-e']);
    expect(third.NextToken).toBeUndefined();
  });

  it.each<[string, DescribeAlarmsCommandInput, string]>([
    ['AlarmNames and AlarmNamePrefix', { AlarmNames: ['a'], AlarmNamePrefix: 'a' }, 'InvalidParameterCombination'],
    ['101 names', { AlarmNames: Array.from({ length: 101 }, (_, i) => `n${i}`) }, 'ValidationError'],
    ['MaxRecords 101', { MaxRecords: 101 }, 'ValidationError'],
    ['MaxRecords 0', { MaxRecords: 0 }, 'ValidationError'],
    ['a made-up NextToken', { NextToken: 'not-a-token' }, 'InvalidNextToken'],
    ['ChildrenOfAlarmName with a filter', { ChildrenOfAlarmName: 'x', StateValue: 'OK' }, 'ValidationError'],
    ['an unknown state', { StateValue: 'BROKEN' as 'OK' }, 'ValidationError'],
  ])('refuses %s', async (_, input, code) => {
    expect((await errorOf(client.send(new DescribeAlarmsCommand(input)))).code).toBe(code);
  });
});

describe('DeleteAlarms and SetAlarmState', () => {
  it('deletes the named alarms; an unknown name is ResourceNotFound, and the known ones are still deleted', async () => {
    await put(base('delete-a'));
    await put(base('delete-b'));
    await put(base('delete-c'));
    const failure = await errorOf(client.send(new DeleteAlarmsCommand({ AlarmNames: ['delete-a', 'missing'] })));
    expect(failure).toMatchObject({ name: 'ResourceNotFound', code: 'ResourceNotFound', status: 404 });
    expect(await alarmState(client, 'delete-a')).toBeUndefined();
    expect(await alarmState(client, 'delete-b')).toBe('INSUFFICIENT_DATA');
    await client.send(new DeleteAlarmsCommand({ AlarmNames: ['delete-b', 'delete-c'] }));
    expect((await client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'delete-' }))).MetricAlarms).toEqual([]);
  });

  it('sets a state with its reason and JSON reason data, and refuses an unknown alarm or bad JSON', async () => {
    await put(base('forced'));
    await client.send(
      new SetAlarmStateCommand({
        AlarmName: 'forced',
        StateValue: 'ALARM',
        StateReason: 'testing the pager',
        StateReasonData: '{"by":"test"}',
      }),
    );
    const alarm = (await client.send(new DescribeAlarmsCommand({ AlarmNames: ['forced'] }))).MetricAlarms?.[0];
    expect(alarm).toMatchObject({
      StateValue: 'ALARM',
      StateReason: 'testing the pager',
      StateReasonData: '{"by":"test"}',
    });
    expect(
      await errorOf(client.send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' }))),
    ).toMatchObject({ code: 'ResourceNotFound' });
    expect(
      await errorOf(
        client.send(
          new SetAlarmStateCommand({ AlarmName: 'forced', StateValue: 'OK', StateReason: 'x', StateReasonData: '{' }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidFormatFault', code: 'InvalidFormat' });
    expect(
      await errorOf(
        client.send(new SetAlarmStateCommand({ AlarmName: 'forced', StateValue: 'OK', StateReason: 'x'.repeat(1024) })),
      ),
    ).toMatchObject({ code: 'ValidationError' });
  });
});

describe('evaluation on the emulated clock', () => {
  it('goes INSUFFICIENT_DATA -> ALARM -> OK as data breaches and stops breaching, with one event per change', async () => {
    const name = 'errors-gate';
    await put(base(name, { Period: 10, TreatMissingData: 'notBreaching' }));
    const arn = `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;
    const ofAlarm = () => events.filter((e) => e.resources.includes(arn));

    // Breaching data every emulated second until the alarm fires.
    await waitFor(
      aws.clock,
      async () => {
        await errorsOf(name, 3);
        return alarmState(client, name);
      },
      (s) => s === 'ALARM',
      { withinSeconds: 120, what: 'ALARM' },
    );
    // No data from now on: notBreaching brings it back to OK.
    await waitFor(
      aws.clock,
      () => alarmState(client, name),
      (s) => s === 'OK',
      { withinSeconds: 120, what: 'OK' },
    );

    // A period may close with no data before the first datum arrives (OK first) on a slow machine.
    const all = ofAlarm();
    const changes = (all[0]?.detail.state as { value: string } | undefined)?.value === 'OK' ? all.slice(1) : all;
    expect(changes.map((e) => (e.detail.state as { value: string }).value)).toEqual(['ALARM', 'OK']);
    const fired = changes[0];
    const previous =
      all.length === 3 ? { value: 'OK' } : { value: 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation' };
    expect(fired).toMatchObject({
      version: '0',
      source: 'aws.cloudwatch',
      'detail-type': 'CloudWatch Alarm State Change',
      account: '123456789012',
      region: 'us-east-1',
      resources: [arn],
      detail: {
        alarmName: name,
        previousState: previous,
        configuration: {
          metrics: [
            {
              metricStat: {
                metric: { namespace: 'Shop', name: 'Errors', dimensions: { Service: name } },
                period: 10,
                stat: 'Sum',
              },
              returnData: true,
            },
          ],
        },
      },
    });
    const state = fired?.detail.state as { reason: string; reasonData: string; timestamp: string };
    expect(state.reason).toMatch(
      /^Threshold Crossed: 1 out of the last 1 datapoints \[\d+\.0 \(.+\)\] was greater than or equal to the threshold \(1\.0\)/,
    );
    expect(JSON.parse(state.reasonData)).toMatchObject({ version: '1.0', statistic: 'Sum', period: 10, threshold: 1 });
    expect(state.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect((changes[1]?.detail.previousState as { value: string }).value).toBe('ALARM');

    const alarm = (await client.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0];
    expect(alarm?.StateValue).toBe('OK');
    expect(alarm?.StateTransitionedTimestamp?.getTime()).toBe(
      Date.parse(String((changes[1]?.detail.state as { timestamp: string }).timestamp).replace('+0000', 'Z')),
    );
  });

  it('needs DatapointsToAlarm breaching periods out of EvaluationPeriods', async () => {
    const name = 'two-of-three';
    await put(base(name, { Period: 10, EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' }));
    // One breaching period alone is not enough: after it, the alarm settles at OK.
    await errorsOf(name, 5);
    await waitFor(
      aws.clock,
      () => alarmState(client, name),
      (s) => s === 'OK',
      { withinSeconds: 60, what: 'OK' },
    );
    await aws.clock.sleep(30); // three more periods, all without data
    expect(await alarmState(client, name)).toBe('OK');
    const arn = `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;
    const values = () =>
      events.filter((e) => e.resources.includes(arn)).map((e) => (e.detail.state as { value: string }).value);
    expect(values()).toEqual(['OK']);
    // Breaching in two periods (data every second for 20 s) fires it.
    await waitFor(
      aws.clock,
      async () => {
        await errorsOf(name, 5);
        return alarmState(client, name);
      },
      (s) => s === 'ALARM',
      { withinSeconds: 60, what: 'ALARM' },
    );
    expect(values()).toEqual(['OK', 'ALARM']);
  });

  it('treats missing data as breaching, as missing (INSUFFICIENT_DATA) and as ignore (state kept)', async () => {
    await put(base('missing-breaching', { Period: 10, TreatMissingData: 'breaching' }));
    await put(base('missing-missing', { Period: 10, TreatMissingData: undefined }));
    await put(base('missing-ignore', { Period: 10, TreatMissingData: 'ignore' }));
    await client.send(
      new SetAlarmStateCommand({ AlarmName: 'missing-ignore', StateValue: 'OK', StateReason: 'start from OK' }),
    );
    await client.send(
      new SetAlarmStateCommand({ AlarmName: 'missing-missing', StateValue: 'OK', StateReason: 'start from OK' }),
    );
    await waitFor(
      aws.clock,
      () => alarmState(client, 'missing-breaching'),
      (s) => s === 'ALARM',
      {
        withinSeconds: 60,
        what: 'breaching',
      },
    );
    await waitFor(
      aws.clock,
      () => alarmState(client, 'missing-missing'),
      (s) => s === 'INSUFFICIENT_DATA',
      {
        withinSeconds: 60,
        what: 'missing',
      },
    );
    await aws.clock.sleep(20); // two more periods evaluated
    // ignore kept the forced state where missing went to INSUFFICIENT_DATA.
    expect(aws.cloudwatch.alarm('missing-ignore')?.state).toMatchObject({ value: 'OK', reason: 'start from OK' });
  });

  it('evaluates a percentile over the raw values of a period', async () => {
    const name = 'latency-p99';
    await put(
      base(name, {
        MetricName: 'Latency',
        Statistic: undefined,
        ExtendedStatistic: 'p99',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        Period: 10,
        TreatMissingData: 'notBreaching',
      }),
    );
    // 95 fast and 5 slow values a second: the average stays under 1 s, p99 is 1.5 s.
    const latencies = () =>
      client.send(
        new PutMetricDataCommand({
          Namespace: 'Shop',
          MetricData: [
            {
              MetricName: 'Latency',
              Dimensions: [{ Name: 'Service', Value: name }],
              Values: [0.02, 1.5],
              Counts: [95, 5],
              Unit: 'Seconds',
            },
          ],
        }),
      );
    await waitFor(
      aws.clock,
      async () => {
        await latencies();
        return alarmState(client, name);
      },
      (s) => s === 'ALARM',
      { withinSeconds: 60, what: 'p99 ALARM' },
    );
  });
});

describe('the query protocol (AWS CLI v1)', () => {
  const query = async (params: Record<string, string>) => {
    const response = await fetch(aws.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams({ Version: '2010-08-01', ...params }).toString(),
    });
    return { status: response.status, body: await response.text() };
  };

  it('puts and describes an alarm, and answers errors as XML with the query codes', async () => {
    const created = await query({
      Action: 'PutMetricAlarm',
      AlarmName: 'cli-alarm',
      Namespace: 'Shop',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: '60',
      EvaluationPeriods: '1',
      Threshold: '1',
      ComparisonOperator: 'GreaterThanThreshold',
      'Dimensions.member.1.Name': 'Service',
      'Dimensions.member.1.Value': 'cli',
    });
    expect(created.status).toBe(200);
    expect(created.body).toContain('<PutMetricAlarmResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">');
    const described = await query({ Action: 'DescribeAlarms', 'AlarmNames.member.1': 'cli-alarm' });
    expect(described.body).toMatch(
      /<MetricAlarms><member><AlarmName>cli-alarm<\/AlarmName>.*<StateValue>INSUFFICIENT_DATA<\/StateValue>.*<Dimensions><member><Name>Service<\/Name><Value>cli<\/Value><\/member><\/Dimensions>/,
    );
    const refused = await query({ Action: 'DeleteAlarms', 'AlarmNames.member.1': 'not-there' });
    expect(refused.status).toBe(404);
    expect(refused.body).toContain('<Code>ResourceNotFound</Code>');
  });

  it('puts metric data and reads statistics with ISO-8601 timestamps', async () => {
    const now = new Date(aws.clock.now());
    const put = await query({
      Action: 'PutMetricData',
      Namespace: 'Cli',
      'MetricData.member.1.MetricName': 'Hits',
      'MetricData.member.1.Value': '3',
      'MetricData.member.1.Unit': 'Count',
      'MetricData.member.1.Timestamp': now.toISOString(),
      'MetricData.member.2.MetricName': 'Hits',
      'MetricData.member.2.Value': '4',
      'MetricData.member.2.Unit': 'Count',
      'MetricData.member.2.Timestamp': now.toISOString(),
    });
    expect(put.status).toBe(200);
    const read = await query({
      Action: 'GetMetricStatistics',
      Namespace: 'Cli',
      MetricName: 'Hits',
      StartTime: new Date(now.getTime() - 3_600_000).toISOString(),
      EndTime: new Date(now.getTime() + 3_600_000).toISOString(),
      Period: '3600',
      'Statistics.member.1': 'Sum',
      'Statistics.member.2': 'SampleCount',
    });
    expect(read.status).toBe(200);
    expect(read.body).toContain('<Label>Hits</Label>');
    expect(read.body).toMatch(
      /<Datapoints><member><Timestamp>[^<]+Z<\/Timestamp><Sum>7<\/Sum><SampleCount>2<\/SampleCount><Unit>Count<\/Unit><\/member><\/Datapoints>/,
    );
    const refused = await query({
      Action: 'PutMetricData',
      Namespace: 'AWS/Mine',
      'MetricData.member.1.MetricName': 'x',
      'MetricData.member.1.Value': '1',
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('<Code>InvalidParameterValue</Code>');
    expect(refused.body).toContain('<Type>Sender</Type>');
  });
});
