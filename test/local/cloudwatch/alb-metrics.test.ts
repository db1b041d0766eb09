/**
 * AWS/ApplicationELB metrics counted from real requests through a real ELBv2 listener to real task processes (the
 * misbehaving demo images), read back with GetMetricStatistics; and alarms on them, scoped by the TargetGroup
 * dimension, going OK -> ALARM -> OK under production traffic while test-listener traffic never trips them.
 * Emulated time runs 50x faster: a 60-second period lasts 1.2 s. A slow host is simulated deterministically by
 * keeping this process's event loop (which runs the listeners) busy right after a listener forwards a request.
 */
import {
  CloudWatchClient,
  GetMetricStatisticsCommand,
  PutMetricAlarmCommand,
  type Dimension,
  type GetMetricStatisticsCommandInput,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import http from 'http';
import { createClock } from '../../../local/aws/clock';
import { localClientConfig } from '../../../local/aws/client-config';
import { LocalNetwork } from '../../../local/aws/network';
import { startLocalAws, type LocalAws } from '../../../local/aws/server';
import {
  AlbMetrics,
  albHostCounts,
  targetResponseSeconds,
  withListenerMetrics,
} from '../../../local/cloudwatch/alb-metrics';
import { createCloudWatchService, type LocalCloudWatch } from '../../../local/cloudwatch/service';
import { CloudWatchStore } from '../../../local/cloudwatch/store';
import { launchTask, type LocalTaskProcess } from '../../../local/dataplane/task-process';
import type { Elbv2DataPlane } from '../../../local/elbv2/data-plane';
import { localDataPlane } from '../../../local/elbv2/local-data-plane';
import { createElbv2Service, type Elbv2Service } from '../../../local/elbv2/service';
import type { LocalEvent } from '../../../local/events/event-bus';
import { alarmState, waitFor } from './support';

const clock = createClock(0.02);
const network = new LocalNetwork();
const events: LocalEvent[] = [];
const tasks: LocalTaskProcess[] = [];
let cloudwatch: LocalCloudWatch;
let elbv2: Elbv2Service;
let server: LocalAws;
let cw: CloudWatchClient;
let elb: ElasticLoadBalancingV2Client;

/**
 * Wall ms this process's event loop is kept busy right after a listener has forwarded a request (0: never), as when
 * the emulator shares a starved machine: the target's answer waits that long before the listener can read it.
 */
let hostOverheadMs = 0;

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // The host is busy elsewhere.
  }
}

/** The data plane with each listener's routing followed by `hostOverheadMs` of blocked event loop. */
const slowHost = (dataPlane: Elbv2DataPlane): Elbv2DataPlane => ({
  ...dataPlane,
  startListener: (options) =>
    dataPlane.startListener({
      ...options,
      route: (request) => {
        const decision = options.route(request);
        // Runs once the listener has sent the request on (the proxy takes its start time synchronously after routing).
        const overhead = hostOverheadMs;
        if (overhead > 0) queueMicrotask(() => busyFor(overhead));
        return decision;
      },
    }),
});

beforeAll(async () => {
  cloudwatch = createCloudWatchService({
    clock,
    region: 'us-east-1',
    accountId: '123456789012',
    emit: (event) => events.push(event),
    hostCounts: () => albHostCounts(elbv2.state()),
  });
  elbv2 = createElbv2Service({
    clock,
    network,
    region: 'us-east-1',
    accountId: '123456789012',
    listenerPort: () => 0,
    dataPlane: withListenerMetrics(slowHost(localDataPlane), (outcome) => cloudwatch.recordListenerRequest(outcome)),
  });
  server = await startLocalAws({ port: 0, services: [elbv2.service, cloudwatch] });
  cw = new CloudWatchClient(localClientConfig(server.endpoint, 'us-east-1'));
  elb = new ElasticLoadBalancingV2Client(localClientConfig(server.endpoint, 'us-east-1'));
});

afterAll(async () => {
  cw?.destroy();
  elb?.destroy();
  await cloudwatch?.close();
  await elbv2?.close();
  await server?.close();
  await Promise.all(tasks.map((task) => task.stop('test over')));
});

interface Alb {
  readonly lb: string;
  readonly tg: string;
  /** Local ports of the production (80) and test (8080) listeners. */
  readonly production: number;
  readonly test: number;
  /** Dimension values as AWS derives them from the ARNs. */
  readonly dimensions: { readonly LoadBalancer: string; readonly TargetGroup: string };
}

let nextIp = 10;

/** A load balancer whose production (80) and test (8080) listeners forward to one task of `image`, once healthy. */
async function albWith(name: string, image: string): Promise<Alb> {
  const task = await launchTask({ image, commit: 'abc1234' }, clock);
  tasks.push(task);
  await task.ready;
  const ip = `10.0.0.${nextIp++}`;
  network.bind(ip, 80, { host: task.host, port: task.port });
  const tg =
    (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: name,
          Protocol: 'HTTP',
          Port: 80,
          VpcId: 'vpc-1',
          TargetType: 'ip',
          HealthCheckPath: '/healthz',
          HealthCheckIntervalSeconds: 5,
          HealthCheckTimeoutSeconds: 2,
          HealthyThresholdCount: 2,
        }),
      )
    ).TargetGroups?.[0]?.TargetGroupArn ?? '';
  await elb.send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: ip }] }));
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: name }))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  const ports: number[] = [];
  for (const port of [80, 8080]) {
    const arn =
      (
        await elb.send(
          new CreateListenerCommand({
            LoadBalancerArn: lb,
            Protocol: 'HTTP',
            Port: port,
            DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }],
          }),
        )
      ).Listeners?.[0]?.ListenerArn ?? '';
    ports.push(elbv2.state().listeners.find((l) => l.arn === arn)?.localPort ?? 0);
  }
  await waitFor(
    clock,
    async () =>
      (await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions?.[0]
        ?.TargetHealth?.State,
    (state) => state === 'healthy',
    { withinSeconds: 120, what: `${name} healthy` },
  );
  return {
    lb,
    tg,
    production: ports[0] ?? 0,
    test: ports[1] ?? 0,
    dimensions: {
      LoadBalancer: lb.slice(lb.indexOf(':loadbalancer/') + ':loadbalancer/'.length),
      TargetGroup: tg.slice(tg.lastIndexOf(':') + 1),
    },
  };
}

const agent = new http.Agent({ keepAlive: true });
afterAll(() => agent.destroy());

function get(port: number, path = '/'): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

async function send(port: number, count: number, path = '/'): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push(await get(port, path));
  return statuses;
}

/**
 * `count` GETs one after another; the longest client round trip in wall seconds. A target's answer time lies within
 * the round trip of its request, so that bounds every TargetResponseTime read as wall time whatever the machine's speed.
 */
async function longestRoundTrip(port: number, count: number): Promise<number> {
  let longest = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    expect(await get(port)).toBe(200);
    longest = Math.max(longest, (performance.now() - started) / 1000);
  }
  return longest;
}

const asDimensions = (values: Record<string, string>): Dimension[] =>
  Object.entries(values).map(([Name, Value]) => ({ Name, Value }));

/** One statistic summed (or maxed) over every one-minute datapoint since `since`. */
async function statistic(
  metricName: string,
  dimensions: Record<string, string>,
  since: number,
  options: Partial<GetMetricStatisticsCommandInput> = { Statistics: ['Sum'] },
) {
  const { Datapoints = [], Label } = await cw.send(
    new GetMetricStatisticsCommand({
      Namespace: 'AWS/ApplicationELB',
      MetricName: metricName,
      Dimensions: asDimensions(dimensions),
      StartTime: new Date(since - 60_000),
      EndTime: new Date(clock.now() + 60_000),
      Period: 60,
      ...options,
    }),
  );
  expect(Label).toBe(metricName);
  return {
    sum: Datapoints.reduce((total, d) => total + (d.Sum ?? 0), 0),
    count: Datapoints.reduce((total, d) => total + (d.SampleCount ?? 0), 0),
    max: Math.max(...Datapoints.map((d) => d.Maximum ?? d.ExtendedStatistics?.p99 ?? -Infinity)),
    min: Math.min(...Datapoints.map((d) => d.Minimum ?? Infinity)),
    units: new Set(Datapoints.map((d) => d.Unit)),
    datapoints: Datapoints,
  };
}

describe('metrics from real requests', () => {
  it('counts requests, target status classes, response times and ALB errors per target group and load balancer', async () => {
    const alb = await albWith('counts', 'local/error-rate:green-errors-10');
    const since = clock.now();
    // 40 production requests (4 answer 500), 20 through the test listener (all 200), 5 to a page the app lacks (404).
    const production = await send(alb.production, 40);
    expect(production.filter((s) => s === 500)).toHaveLength(4);
    expect(await send(alb.test, 20)).toEqual(Array(20).fill(200));
    expect(await send(alb.test, 5, '/missing')).toEqual(Array(5).fill(404));
    // A rule forwarding to a target group with no targets: the ALB answers 503 itself, and no target was chosen.
    const empty =
      (
        await elb.send(
          new CreateTargetGroupCommand({ Name: 'empty', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-1', TargetType: 'ip' }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn ?? '';
    const listenerArn = elbv2.state().listeners.find((l) => l.localPort === alb.production)?.arn ?? '';
    await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 1,
        Conditions: [{ Field: 'path-pattern', Values: ['/nowhere'] }],
        Actions: [{ Type: 'forward', TargetGroupArn: empty }],
      }),
    );
    expect(await send(alb.production, 3, '/nowhere')).toEqual([503, 503, 503]);

    const both = alb.dimensions;
    const lbOnly = { LoadBalancer: alb.dimensions.LoadBalancer };
    for (const dimensions of [both, lbOnly]) {
      expect((await statistic('RequestCount', dimensions, since)).sum).toBe(65);
      expect((await statistic('HTTPCode_Target_5XX_Count', dimensions, since)).sum).toBe(4);
      expect((await statistic('HTTPCode_Target_2XX_Count', dimensions, since)).sum).toBe(56);
      expect((await statistic('HTTPCode_Target_4XX_Count', dimensions, since)).sum).toBe(5);
      const times = await statistic('TargetResponseTime', dimensions, since, {
        Statistics: ['SampleCount', 'Minimum'],
      });
      expect(times.count).toBe(65);
      expect(times.units).toEqual(new Set(['Seconds']));
      expect(times.min).toBeGreaterThan(0);
    }
    expect((await statistic('HTTPCode_ELB_5XX_Count', lbOnly, since)).sum).toBe(3);
    // ALB metrics are published per {LoadBalancer} and {LoadBalancer, TargetGroup}: not per TargetGroup alone.
    expect((await statistic('RequestCount', { TargetGroup: alb.dimensions.TargetGroup }, since)).datapoints).toEqual(
      [],
    );
    // Health checks never pass through the listener: the target group counted only the 65 client requests.

    cloudwatch.sampleHostCounts();
    const healthy = await statistic('HealthyHostCount', both, since, { Statistics: ['Maximum', 'Minimum'] });
    expect(healthy.max).toBe(1);
    expect((await statistic('UnHealthyHostCount', both, since, { Statistics: ['Maximum'] })).max).toBe(0);
    expect(healthy.units).toEqual(new Set(['Count']));
  });

  it("reads slow-production's production p99 above 1 s while its fastest requests stay well below", async () => {
    const alb = await albWith('latency', 'local/slow-production:green-latency-1500');
    const since = clock.now();
    const longest = await longestRoundTrip(alb.production, 40);
    const p99 = await statistic('TargetResponseTime', alb.dimensions, since, { ExtendedStatistics: ['p99'] });
    // The two slow requests read their 1.5 emulated seconds, plus at most the host's own time (unscaled).
    expect(p99.max).toBeGreaterThanOrEqual(1.5);
    expect(p99.max).toBeLessThanOrEqual(1.5 + longest);
    const fastest = await statistic('TargetResponseTime', alb.dimensions, since, { Statistics: ['Minimum'] });
    expect(fastest.min).toBeLessThan(1.5);
  });
});

describe('TargetResponseTime on a slow host', () => {
  afterEach(() => {
    hostOverheadMs = 0;
  });

  it('is the emulated delay the target declared plus the rest of the wall time, unscaled', () => {
    const fast = createClock(0.05);
    const store = new CloudWatchStore({ region: 'us-east-1', accountId: '123456789012' }, () => fast.now());
    const metrics = new AlbMetrics(store, fast);
    const outcome = {
      listenerId:
        'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2',
      groupId: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/73e2d6bc24d8a067',
      statusCode: 200,
      from: 'target',
    } as const;
    // 40 wall ms of host work: 0.04 s, where dividing by the time scale would have read 0.8 s.
    metrics.record({ ...outcome, targetResponseWallMs: 40 });
    // A 1.5 s emulated wait (75 wall ms at 0.05) and 15 ms of host work around it.
    metrics.record({ ...outcome, targetResponseWallMs: 90, targetEmulatedDelay: { seconds: 1.5, wallMs: 75 } });
    // The timer fired a little early: never less than the declared delay.
    metrics.record({ ...outcome, targetResponseWallMs: 74, targetEmulatedDelay: { seconds: 1.5, wallMs: 75 } });
    const values = store
      .samples(
        'AWS/ApplicationELB',
        'TargetResponseTime',
        [
          { Name: 'LoadBalancer', Value: 'app/web/50dc6c495c0c9188' },
          { Name: 'TargetGroup', Value: 'targetgroup/green/73e2d6bc24d8a067' },
        ],
        0,
        Infinity,
      )
      .map((sample) => sample.values?.[0] ?? NaN);
    expect(values).toHaveLength(3);
    expect(values[0]).toBeCloseTo(0.04, 9);
    expect(values[1]).toBeCloseTo(1.515, 9);
    expect(values[2]).toBe(1.5);
    // The same rule for any clock: a time scale of 1 or 0.01 reads the same.
    expect(targetResponseSeconds({ targetResponseWallMs: 40 })).toBeCloseTo(0.04, 9);
    expect(targetResponseSeconds({})).toBeUndefined();
  });

  it("a healthy image reads the host's overhead as the wall time it took, not multiplied by 1 / time scale", async () => {
    const alb = await albWith('busy-host', 'local/demo-app:green');
    const since = clock.now();
    hostOverheadMs = 60;
    const longest = await longestRoundTrip(alb.production, 10);
    hostOverheadMs = 0;
    const times = await statistic('TargetResponseTime', alb.dimensions, since, {
      Statistics: ['SampleCount', 'Minimum', 'Maximum'],
    });
    expect(times.count).toBe(10);
    // The host's overhead is counted (never hidden)...
    expect(times.min).toBeGreaterThanOrEqual(0.06);
    // ...as wall time: within the client's own round trip. Divided by the time scale (0.02) it would be 3 s or more.
    expect(times.max).toBeLessThanOrEqual(longest);
  });

  it('the slow image still reads its emulated delay, plus the overhead unscaled', async () => {
    const alb = await albWith('busy-slow', 'local/slow-production:green-latency-1500');
    const since = clock.now();
    hostOverheadMs = 60;
    const longest = await longestRoundTrip(alb.production, 20);
    hostOverheadMs = 0;
    const times = await statistic('TargetResponseTime', alb.dimensions, since, {
      Statistics: ['SampleCount', 'Minimum', 'Maximum'],
    });
    expect(times.count).toBe(20);
    expect(times.min).toBeGreaterThanOrEqual(0.06);
    expect(times.min).toBeLessThanOrEqual(longest);
    // The 20th request waited 1.5 emulated seconds (30 wall ms, inside the 60 ms the host was busy).
    expect(times.max).toBeGreaterThanOrEqual(1.5);
    expect(times.max).toBeLessThanOrEqual(1.5 + longest);
  });
});

describe('alarms on production metrics', () => {
  it('an error-rate alarm on green goes OK under test traffic, ALARM under production traffic, OK after, with events', async () => {
    const alb = await albWith('gate', 'local/error-rate:green-errors-20');
    const name = 'gate-5xx';
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: asDimensions(alb.dimensions),
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    const arn = `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;
    const values = () =>
      events.filter((e) => e.resources.includes(arn)).map((e) => (e.detail.state as { value: string }).value);

    // Test-listener traffic only: nothing fails, the alarm settles at OK and stays there.
    await waitFor(
      clock,
      async () => {
        await send(alb.test, 10);
        return alarmState(cw, name);
      },
      (s) => s === 'OK',
      { withinSeconds: 300, what: 'OK under test traffic' },
    );
    // Production traffic: a fifth of it answers 500.
    await waitFor(
      clock,
      async () => {
        await send(alb.production, 10);
        return alarmState(cw, name);
      },
      (s) => s === 'ALARM',
      { withinSeconds: 300, what: 'ALARM under production traffic' },
    );
    // Traffic stops: no 5XX data, which does not breach.
    await waitFor(
      clock,
      () => alarmState(cw, name),
      (s) => s === 'OK',
      { withinSeconds: 300, what: 'OK again' },
    );
    expect(values()).toEqual(['OK', 'ALARM', 'OK']);
    const fired = events.find(
      (e) => e.resources.includes(arn) && (e.detail.state as { value: string }).value === 'ALARM',
    );
    expect(fired?.detail).toMatchObject({
      alarmName: name,
      previousState: { value: 'OK' },
      configuration: {
        metrics: [
          {
            metricStat: {
              metric: {
                namespace: 'AWS/ApplicationELB',
                name: 'HTTPCode_Target_5XX_Count',
                dimensions: alb.dimensions,
              },
              period: 60,
              stat: 'Sum',
            },
          },
        ],
      },
    });
  });

  it('a p99 latency alarm (> 1 s, as the built-in one) trips on the slow image even with the host fast', async () => {
    const alb = await albWith('slow-p99', 'local/slow-production:green-latency-1500');
    const name = 'slow-p99';
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'TargetResponseTime',
        Dimensions: asDimensions(alb.dimensions),
        ExtendedStatistic: 'p99',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    // Every 20th production request waits 1.5 emulated s: each minute with 20 or more requests has a p99 of 1.5 s.
    await waitFor(
      clock,
      async () => {
        await send(alb.production, 20);
        return alarmState(cw, name);
      },
      (s) => s === 'ALARM',
      { withinSeconds: 300, what: 'ALARM on the slow image' },
    );
  });

  it('a HealthyHostCount alarm reads the sampled target health: OK while the target is healthy, ALARM once it is not', async () => {
    const alb = await albWith('hosts', 'local/demo-app:green');
    const name = 'hosts-low';
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HealthyHostCount',
        Dimensions: asDimensions(alb.dimensions),
        Statistic: 'Minimum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
      }),
    );
    // One healthy target, sampled every minute: OK (not below 1).
    await waitFor(
      clock,
      () => alarmState(cw, name),
      (s) => s === 'OK',
      { withinSeconds: 300, what: 'OK' },
    );
    // The task dies: its health checks fail, the samples say 0 healthy hosts.
    await tasks.at(-1)?.stop('killed by the test');
    await waitFor(
      clock,
      () => alarmState(cw, name),
      (s) => s === 'ALARM',
      { withinSeconds: 300, what: 'ALARM' },
    );
    const unhealthy = await statistic('UnHealthyHostCount', alb.dimensions, clock.now() - 120_000, {
      Statistics: ['Maximum'],
    });
    expect(unhealthy.max).toBe(1);
  });
});
