/**
 * Target tracking end to end inside the process: local CloudWatch's real AWS/ApplicationELB metrics (requests as the
 * data plane reports them, HealthyHostCount as its minute sampler takes it) read by the scaling loop, decided and
 * applied to a stand-in ECS service's desired count. The emulated clock is driven by hand, minute by minute, so the
 * test depends on no timer and no wall-clock speed.
 */
import {
  createApplicationAutoScalingService,
  type LocalApplicationAutoScaling,
} from '../../../local/applicationautoscaling/service';
import type { ScalableResources } from '../../../local/applicationautoscaling/scalable-resources';
import { createClock, type Clock } from '../../../local/aws/clock';
import type { TargetGroupHostCount } from '../../../local/cloudwatch/alb-metrics';
import { createCloudWatchService, type LocalCloudWatch } from '../../../local/cloudwatch/service';

const scope = { region: 'us-east-1', accountId: '123456789012' };
const LB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop/0123456789abcdef';
const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/0123456789abcdef/aaaabbbbccccdddd';
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/fedcba9876543210';
const LABEL = 'app/shop/0123456789abcdef/targetgroup/web/fedcba9876543210';
const RESOURCE = 'service/shop/web';
const MINUTE = 60_000;

/** A clock only the test moves; sleeps wait until aborted (the loop's own timer never fires). */
function manualClock(start: number): Clock & { set(t: number): void } {
  let now = start;
  return {
    timeScale: 1,
    now: () => now,
    wallMs: (s) => s * 1000,
    sleep: (_s, signal) =>
      new Promise<void>((_resolve, reject) =>
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
      ),
    every: () => () => undefined,
    set: (t) => {
      now = t;
    },
  };
}

let clock: ReturnType<typeof manualClock>;
let cloudwatch: LocalCloudWatch;
let aas: LocalApplicationAutoScaling;
let hosts: TargetGroupHostCount[];
/** The stand-in ECS service's desired count and every UpdateService it got. */
let desired: number;
let updates: number[];
let failUpdates: boolean;

beforeEach(() => {
  clock = manualClock(Date.UTC(2026, 11, 1, 12, 0, 0));
  hosts = [];
  desired = 2;
  updates = [];
  failUpdates = false;
  cloudwatch = createCloudWatchService({ clock, ...scope, hostCounts: () => hosts });
  const resources: ScalableResources = {
    desiredCount: (id) => (id.cluster === 'shop' && id.service === 'web' ? desired : undefined),
    setDesiredCount: (_id, count) => {
      if (failUpdates) return Promise.reject(new Error('ServiceNotActiveException'));
      desired = count;
      updates.push(count);
      return Promise.resolve();
    },
    statistics: (...args) => cloudwatch.statistics(...args),
  };
  aas = createApplicationAutoScalingService({ clock, ...scope, resources });
});

afterEach(async () => {
  await aas.close();
  await cloudwatch.close();
});

const call = (operation: string, input: Record<string, unknown>) => aas.invoke(operation, input, scope);
const ids = { ServiceNamespace: 'ecs', ResourceId: RESOURCE, ScalableDimension: 'ecs:service:DesiredCount' };

async function setUp(policy: Record<string, unknown> = {}, target: Record<string, unknown> = {}): Promise<void> {
  await call('RegisterScalableTarget', { ...ids, MinCapacity: 1, MaxCapacity: 10, ...target });
  await call('PutScalingPolicy', {
    ...ids,
    PolicyName: 'requests',
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: 100,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: LABEL },
      ...policy,
    },
  });
}

/** One emulated minute: `healthy` targets sampled, `requests` forwarded to the target group, then its evaluation. */
async function minute(requests: number, healthy: number): Promise<void> {
  const start = Math.floor(clock.now() / MINUTE) * MINUTE;
  clock.set(start + 1000);
  hosts = [{ targetGroupArn: TG, loadBalancerArns: [LB], healthy, unhealthy: 0 }];
  cloudwatch.sampleHostCounts();
  for (let i = 0; i < requests; i++) {
    clock.set(start + 2000 + Math.floor((i * 50_000) / requests));
    cloudwatch.recordListenerRequest({ listenerId: LISTENER, groupId: TG, statusCode: 200, from: 'target' });
  }
  clock.set(start + MINUTE);
  await aas.evaluate(start + MINUTE);
}

async function minutes(n: number, requests: number, healthy: number): Promise<void> {
  for (let i = 0; i < n; i++) await minute(requests, healthy);
}

test('three minutes above the target scale out to ceil(healthy × requests per target / target), once', async () => {
  await setUp();
  await minutes(2, 300, 2);
  expect(updates).toEqual([]);
  await minute(300, 2);
  // 300 requests / 2 healthy = 150 per target; 2 × 150 / 100 = 3.
  expect(updates).toEqual([3]);
  expect(aas.activities()).toEqual([
    expect.objectContaining({ resourceId: RESOURCE, direction: 'out', from: 2, to: 3 }),
  ]);
  // The same load asks for no more, whether the new task is healthy yet or not; a larger load, within the
  // ScaleOutCooldown, scales out at once (a larger scale-out is not held back).
  await minutes(2, 300, 2);
  await minutes(2, 300, 3);
  expect(updates).toEqual([3]);
  await minutes(3, 1200, 3);
  expect(updates).toEqual([3, 10]);
});

test('MaxCapacity bounds a scale-out and MinCapacity a scale-in', async () => {
  await setUp({ ScaleInCooldown: 0 }, { MinCapacity: 2, MaxCapacity: 4 });
  await minutes(3, 2000, 2);
  expect(desired).toBe(4);
  await minutes(15, 10, 4);
  expect(desired).toBe(2);
});

test('DynamicScalingOutSuspended stops scale-out until resumed; the other flags are left as they were', async () => {
  await setUp({}, { SuspendedState: { DynamicScalingOutSuspended: true, DynamicScalingInSuspended: true } });
  await minutes(5, 1000, 2);
  expect(updates).toEqual([]);
  await call('RegisterScalableTarget', { ...ids, SuspendedState: { DynamicScalingOutSuspended: false } });
  expect(aas.target(RESOURCE)?.suspended).toEqual({
    dynamicScalingIn: true,
    dynamicScalingOut: false,
    scheduledScaling: false,
  });
  await minute(1000, 2);
  expect(updates).toEqual([10]);
});

test('scale-in needs 15 minutes below 90 % of the target; DynamicScalingInSuspended and DisableScaleIn block it', async () => {
  desired = 6;
  await setUp({ ScaleInCooldown: 60 });
  await minutes(14, 60, 6);
  expect(updates).toEqual([]);
  await call('RegisterScalableTarget', { ...ids, SuspendedState: { DynamicScalingInSuspended: true } });
  await minutes(5, 60, 6);
  expect(updates).toEqual([]);
  // Resumed: the low minutes already seen count (the alarm has been low all along), so the next evaluation scales in.
  await call('RegisterScalableTarget', { ...ids, SuspendedState: { DynamicScalingInSuspended: false } });
  await minute(60, 6);
  // 60 requests / 6 healthy = 10 per target; 6 × 10 / 100 → 1.
  expect(updates).toEqual([1]);

  desired = 6;
  await call('PutScalingPolicy', {
    ...ids,
    PolicyName: 'requests',
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: 100,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: LABEL },
      DisableScaleIn: true,
    },
  });
  await minutes(16, 60, 6);
  expect(desired).toBe(6);
});

test('no requests is no data: no scaling either way, however long', async () => {
  desired = 6;
  await setUp({ ScaleInCooldown: 0 });
  await minutes(20, 0, 6);
  expect(updates).toEqual([]);
  // Requests but no healthy target: no datapoint either.
  await minutes(5, 1000, 0);
  expect(updates).toEqual([]);
});

test('an UpdateService that fails is recorded and starts no cooldown', async () => {
  await setUp();
  failUpdates = true;
  await minutes(3, 300, 2);
  expect(aas.activities()).toEqual([expect.objectContaining({ direction: 'out', to: 3, failed: expect.any(String) })]);
  expect(aas.target(RESOURCE)?.lastScaleOut).toBeUndefined();
  failUpdates = false;
  await minute(300, 2);
  expect(updates).toEqual([3]);
});

test('a deregistered target is no longer scaled', async () => {
  await setUp();
  await call('DeregisterScalableTarget', ids);
  await minutes(4, 1000, 2);
  expect(updates).toEqual([]);
});

test('the service evaluates by itself every emulated minute', async () => {
  // A fast real clock (an emulated minute lasts 60 ms) and metrics that are high in every minute.
  const fast = createClock(0.001);
  const scaled: number[] = [];
  const own = createApplicationAutoScalingService({
    clock: fast,
    ...scope,
    resources: {
      desiredCount: () => scaled.at(-1) ?? 2,
      setDesiredCount: (_id, count) => {
        scaled.push(count);
        return Promise.resolve();
      },
      statistics: (_namespace, metric) =>
        metric === 'RequestCount'
          ? { SampleCount: 1000, Sum: 1000, Minimum: 1, Maximum: 1, Average: 1 }
          : { SampleCount: 1, Sum: 2, Minimum: 2, Maximum: 2, Average: 2 },
    },
  });
  try {
    await own.invoke('RegisterScalableTarget', { ...ids, MinCapacity: 1, MaxCapacity: 8 }, scope);
    await own.invoke(
      'PutScalingPolicy',
      {
        ...ids,
        PolicyName: 'requests',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 100,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: LABEL },
        },
      },
      scope,
    );
    const deadline = fast.now() + 30 * MINUTE;
    while (scaled.length === 0 && fast.now() < deadline) await fast.sleep(30);
    // 1000 requests / 2 healthy = 500 per target: 2 × 500 / 100 = 10, bounded by MaxCapacity 8.
    expect(scaled).toEqual([8]);
    expect(own.activities()[0]).toMatchObject({ direction: 'out', from: 2, to: 8 });
  } finally {
    await own.close();
  }
});
