/**
 * PutMetricData and GetMetricStatistics through the real @aws-sdk/client-cloudwatch: per-period statistics and
 * percentiles of user metrics, the exact dimension set as the metric's identity, units, and every documented limit.
 */
import {
  CloudWatchClient,
  GetMetricStatisticsCommand,
  PutMetricDataCommand,
  type GetMetricStatisticsCommandInput,
  type MetricDatum,
} from '@aws-sdk/client-cloudwatch';
import { localClientConfig } from '../../../local/aws/client-config';
import { startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';
import { errorOf } from './support';

let aws: RunningLocalAws;
let client: CloudWatchClient;

beforeAll(async () => {
  // Real time: the datapoints put here must fall in known minutes.
  aws = await startLocalAwsStack({ ports: { api: 0, listeners: {} }, timeScale: 1 });
  client = new CloudWatchClient(localClientConfig(aws.endpoint, 'us-east-1'));
});

afterAll(async () => {
  client?.destroy();
  await aws?.close();
});

/** Whole minutes from an hour ago (local AWS runs in real time here, so its clock is the wall clock). */
const anHourAgo = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
const minute = (n: number): Date => new Date(anHourAgo + n * 60_000);

const putData = (MetricData: MetricDatum[], Namespace = 'Shop') =>
  client.send(new PutMetricDataCommand({ Namespace, MetricData }));

const stats = (input: Partial<GetMetricStatisticsCommandInput>) =>
  client.send(
    new GetMetricStatisticsCommand({
      Namespace: 'Shop',
      MetricName: 'Latency',
      StartTime: minute(0),
      EndTime: minute(10),
      Period: 60,
      Statistics: ['SampleCount', 'Sum', 'Minimum', 'Maximum', 'Average'],
      ...input,
    }),
  );

describe('PutMetricData and GetMetricStatistics', () => {
  beforeAll(async () => {
    const page = [{ Name: 'Page', Value: 'home' }];
    await putData([
      { MetricName: 'Latency', Dimensions: page, Timestamp: minute(1), Value: 2, Unit: 'Seconds' },
      {
        MetricName: 'Latency',
        Dimensions: page,
        Timestamp: new Date(minute(1).getTime() + 30_000),
        Value: 4,
        Unit: 'Seconds',
      },
      {
        MetricName: 'Latency',
        Dimensions: page,
        Timestamp: minute(3),
        Values: [0.1, 0.2, 3],
        Counts: [50, 49, 1],
        Unit: 'Seconds',
      },
      {
        MetricName: 'Latency',
        Dimensions: page,
        Timestamp: minute(5),
        StatisticValues: { SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 4 },
        Unit: 'Seconds',
      },
      // Another dimension set is another metric.
      {
        MetricName: 'Latency',
        Dimensions: [...page, { Name: 'Region', Value: 'eu' }],
        Timestamp: minute(1),
        Value: 99,
      },
    ]);
  });

  it('returns one datapoint per period with data, with every statistic asked for and the unit', async () => {
    const { Label, Datapoints } = await stats({ Dimensions: [{ Name: 'Page', Value: 'home' }] });
    expect(Label).toBe('Latency');
    expect(Datapoints).toEqual([
      { Timestamp: minute(1), SampleCount: 2, Sum: 6, Minimum: 2, Maximum: 4, Average: 3, Unit: 'Seconds' },
      {
        Timestamp: minute(3),
        SampleCount: 100,
        Sum: 5 + 9.8 + 3,
        Minimum: 0.1,
        Maximum: 3,
        Average: expect.closeTo(0.178, 10) as number,
        Unit: 'Seconds',
      },
      { Timestamp: minute(5), SampleCount: 4, Sum: 10, Minimum: 1, Maximum: 4, Average: 2.5, Unit: 'Seconds' },
    ]);
  });

  it('computes percentiles from raw values, and none from a statistic set', async () => {
    const { Datapoints } = await stats({
      Dimensions: [{ Name: 'Page', Value: 'home' }],
      Statistics: undefined,
      ExtendedStatistics: ['p50', 'p99', 'p99.5'],
    });
    expect(Datapoints?.map((d) => d.ExtendedStatistics)).toEqual([
      { p50: 2, p99: 4, 'p99.5': 4 },
      { p50: 0.1, p99: 0.2, 'p99.5': 3 },
      {},
    ]);
  });

  it('reads data put out of time order', async () => {
    await putData([{ MetricName: 'Late', Timestamp: minute(8), Value: 8 }]);
    await putData([{ MetricName: 'Late', Timestamp: minute(6), Value: 6 }]);
    await putData([{ MetricName: 'Late', Timestamp: minute(7), Value: 7 }]);
    const { Datapoints } = await stats({ MetricName: 'Late', Statistics: ['Sum'] });
    expect(Datapoints?.map((d) => [d.Timestamp, d.Sum])).toEqual([
      [minute(6), 6],
      [minute(7), 7],
      [minute(8), 8],
    ]);
  });

  it('matches the exact dimension set and the unit', async () => {
    expect((await stats({})).Datapoints).toEqual([]);
    const eu = await stats({
      Dimensions: [
        { Name: 'Region', Value: 'eu' },
        { Name: 'Page', Value: 'home' },
      ],
    });
    expect(eu.Datapoints?.map((d) => [d.Sum, d.Unit])).toEqual([[99, 'None']]);
    const wrongUnit = await stats({ Dimensions: [{ Name: 'Page', Value: 'home' }], Unit: 'Milliseconds' });
    expect(wrongUnit.Datapoints).toEqual([]);
  });

  it.each<[string, Partial<GetMetricStatisticsCommandInput>, string]>([
    ['Statistics and ExtendedStatistics', { ExtendedStatistics: ['p99'] }, 'InvalidParameterCombination'],
    ['no statistic', { Statistics: undefined }, 'MissingParameter'],
    ['six statistics', { Statistics: ['Sum', 'Sum', 'Sum', 'Sum', 'Sum', 'Sum'] }, 'ValidationError'],
    ['Period 45', { Period: 45 }, 'InvalidParameterValue'],
    ['StartTime after EndTime', { StartTime: minute(5), EndTime: minute(4) }, 'InvalidParameterValue'],
    [
      'more than 1,440 datapoints',
      { Period: 1, StartTime: minute(0), EndTime: minute(25) },
      'InvalidParameterCombination',
    ],
    ['a made-up statistic', { Statistics: ['Median' as 'Sum'] }, 'ValidationError'],
    ['a trimmed mean', { Statistics: undefined, ExtendedStatistics: ['tm99'] }, 'InvalidParameterValue'],
  ])('refuses %s', async (_, input, code) => {
    expect((await errorOf(stats(input))).code).toBe(code);
  });
});

describe('PutMetricData limits', () => {
  it.each<[string, MetricDatum[], string, string?]>([
    ['Value and Values', [{ MetricName: 'm', Value: 1, Values: [1] }], 'InvalidParameterCombination'],
    ['Counts without Values', [{ MetricName: 'm', Value: 1, Counts: [1] }], 'InvalidParameterCombination'],
    [
      'Values and Counts of different sizes',
      [{ MetricName: 'm', Values: [1, 2], Counts: [1] }],
      'InvalidParameterValue',
    ],
    ['151 values', [{ MetricName: 'm', Values: Array.from({ length: 151 }, (_, i) => i) }], 'InvalidParameterValue'],
    [
      'a timestamp three weeks old',
      [{ MetricName: 'm', Value: 1, Timestamp: new Date(Date.now() - 21 * 86_400_000) }],
      'InvalidParameterValue',
    ],
    [
      'a timestamp three hours ahead',
      [{ MetricName: 'm', Value: 1, Timestamp: new Date(Date.now() + 3 * 3_600_000) }],
      'InvalidParameterValue',
    ],
    ['StorageResolution 5', [{ MetricName: 'm', Value: 1, StorageResolution: 5 }], 'InvalidParameterValue'],
    ['a value beyond 2^360', [{ MetricName: 'm', Value: 2 ** 361 }], 'InvalidParameterValue'],
    ['no value at all', [{ MetricName: 'm' }], 'MissingParameter'],
    ['1,001 data', Array.from({ length: 1001 }, () => ({ MetricName: 'm', Value: 1 })), 'ValidationError'],
    ['a reserved AWS/ namespace', [{ MetricName: 'm', Value: 1 }], 'InvalidParameterValue', 'AWS/ApplicationELB'],
  ])('refuses %s, storing nothing', async (_, data, code, namespace = 'Limits') => {
    const good: MetricDatum = { MetricName: 'kept', Value: 1 };
    expect((await errorOf(putData([good, ...data], namespace))).code).toBe(code);
    const { Datapoints } = await client.send(
      new GetMetricStatisticsCommand({
        Namespace: namespace,
        MetricName: 'kept',
        StartTime: new Date(Date.now() - 3_600_000),
        EndTime: new Date(Date.now() + 3_600_000),
        Period: 3600,
        Statistics: ['SampleCount'],
      }),
    );
    expect(Datapoints).toEqual([]);
  });
});
