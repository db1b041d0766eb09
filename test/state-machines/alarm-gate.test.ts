import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { statesEntered, type ExecutionResult } from '../../harness/demo/executions';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import { localClientConfig } from '../../local/aws/client-config';
import { LOCAL_REGION } from '../../local/local-aws';
import { MACHINE_TEST_TIMEOUT, oneVersionLive, startMachineStack, type MachineStack } from './machine-stack';

/**
 * swap's alarm gates (contract/green-watch.ts, step 3), on local AWS with the real stack: local CloudWatch evaluates
 * the built-in alarms the green-watch function points at green, from the data plane's real ALB metrics, and its
 * `CloudWatch Alarm State Change` events reach the function through the stack's EventBridge rule. The green under
 * test passes deploy-green (its health checks and test traffic answer 200) and misbehaves only under production
 * traffic, which the test generates while swap runs. Emulated time runs 100x faster (a 60-second alarm period lasts
 * 0.6 wall seconds); the bad green's bake is long so a starved runner still sees a period with enough errors, and ends
 * as soon as the alarm wakes swap.
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

let ms: MachineStack;
let cw: CloudWatchClient;
beforeAll(async () => {
  ms = await startMachineStack();
  cw = new CloudWatchClient(localClientConfig(ms.stack.aws.endpoint, LOCAL_REGION));
  await oneVersionLive(ms);
});
afterAll(async () => {
  cw?.destroy();
  await ms?.close();
});
afterEach(async () => oneVersionLive(ms));

/**
 * Production traffic until stopped: four clients, each sending a request, then pausing an emulated quarter second
 * (paced on the emulated clock). On a fast runner that is a few hundred requests an alarm period; on a starved one,
 * where each request takes 50 wall ms (5 emulated s), still about 48, so a fifth failing is well above the
 * threshold of 5.
 */
function productionLoad(): { stop: () => Promise<Array<{ status: number; colour?: string }>> } {
  let running = true;
  const seen: Array<{ status: number; colour?: string }> = [];
  const client = async (): Promise<void> => {
    while (running) {
      const p = await probe(ms.stack.urls.production);
      seen.push({ status: p.status, ...(p.colour !== undefined && { colour: p.colour }) });
      await ms.stack.aws.clock.sleep(0.25);
    }
  };
  const clients = [client(), client(), client(), client()];
  return {
    stop: async () => {
      running = false;
      await Promise.all(clients);
      return seen;
    },
  };
}

/** The built-in alarms (named `…-green-<suffix>`) as local CloudWatch describes them. */
async function builtInAlarms(): Promise<MetricAlarm[]> {
  const all = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 100 }));
  return (all.MetricAlarms ?? []).filter((a) => /-green-(5xx|p99|healthy-hosts)$/.test(a.AlarmName ?? ''));
}

/** `targetgroup/NAME/ID` of a target group ARN (the TargetGroup dimension). */
const dimensionOf = (arn: string): string => arn.split(':').slice(5).join(':');

/** The dimensions a built-in alarm on green must have: green's target group, on the stack's load balancer. */
function onGreen(green: string): Array<{ Name: string; Value: string }> {
  const lb = ms.stack.aws.elbv2.state().loadBalancers[0]?.arn ?? '';
  return [
    { Name: 'TargetGroup', Value: dimensionOf(green) },
    { Name: 'LoadBalancer', Value: dimensionOf(lb).replace(/^loadbalancer\//, '') },
  ];
}

async function deployGreen(image: string, commit: string): Promise<string> {
  const deployed = await ms.run('deployGreen', { ...ms.stack.service, image, commit });
  expect(deployed.status).toBe('SUCCEEDED');
  const test = observe(ms.stack).test;
  if (test.kind !== 'forward') throw new Error('no green under test after deploy-green');
  return test.targetGroupArns[0] ?? '';
}

test("a green failing a fifth of production's requests trips the built-in 5XX alarm and swap sends production back to blue", async () => {
  const blue = observe(ms.stack).production;
  const green = await deployGreen('local/error-rate:green-errors-20', 'e220000');
  const load = productionLoad();
  let swap;
  try {
    swap = await ms.run('swap', { ...ms.stack.service, bakeSeconds: 3600 });
  } finally {
    await load.stop();
  }
  expect(swap.status).toBe('FAILED');
  expect(swap.error).toBe('BlueGreen.GreenUnhealthyAfterSwap');
  expect(swap.cause).toMatch(/alarm \S+-green-5xx is in ALARM during the bake \(Threshold Crossed/);
  // Woken by the alarm during the bake (not at its end, not by a target-health check), then undone.
  const states = statesEntered(swap.history);
  expect(states).toEqual(expect.arrayContaining(['WatchBake', 'NoteGreenDegradedAfterSwap', 'UndoRestoreProduction']));
  expect(states).not.toContain('CheckBake');
  // Production is blue's alone again, and answers without errors.
  expect(observe(ms.stack).production).toEqual(blue);
  expect(await probe(ms.stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
  // The alarm that tripped watched green's target group only.
  const errors = (await builtInAlarms()).find((a) => a.AlarmName?.endsWith('-green-5xx'));
  expect(errors).toMatchObject({ StateValue: 'ALARM', MetricName: 'HTTPCode_Target_5XX_Count' });
  expect(errors?.Dimensions).toEqual(onGreen(green));
});

test("an alarm whose event reaches the function only after the bake's watch timed out still sends production back to blue", async () => {
  // EventBridge and Lambda take seconds on AWS: a breach in the bake's last minute can reach the function after the
  // watch's Task timed out. Here every wake-up (the function's SendTaskFailure) is held until swap has ended, so the
  // 5XX alarm's state change reaches swap only through the check it makes as the watch ends.
  const blue = observe(ms.stack).production;
  await deployGreen('local/error-rate:green-errors-20', 'e220001');
  let swapEnded!: () => void;
  const ended = new Promise<void>((resolve) => (swapEnded = resolve));
  const wakes: string[] = [];
  const removeGate = ms.fs.injector.gate((call) => {
    if (call.operation !== 'SendTaskFailure' || !call.principal?.includes('GreenWatch')) return undefined;
    wakes.push(call.operation);
    return ended.then(() => undefined);
  });
  const load = productionLoad();
  let swap;
  try {
    swap = await ms.run('swap', { ...ms.stack.service, bakeSeconds: 300 });
  } finally {
    swapEnded();
    removeGate();
    await load.stop();
  }
  // The alarm did go to ALARM during the bake, and its event tried to wake swap (held).
  expect(wakes.length).toBeGreaterThan(0);
  expect([swap.status, swap.error]).toEqual(['FAILED', 'BlueGreen.GreenUnhealthyAfterSwap']);
  expect(swap.cause).toMatch(/alarm \S+-green-5xx is in ALARM during the bake \(Threshold Crossed.*as the watch ended/);
  const states = statesEntered(swap.history);
  expect(states).toEqual(
    expect.arrayContaining(['WatchBake', 'CheckBake', 'NoteGreenDegradedAfterSwap', 'UndoRestoreProduction']),
  );
  expect(observe(ms.stack).production).toEqual(blue);
  expect(await probe(ms.stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
});

test('a healthy green bakes through under production traffic with its alarms on it and none in ALARM', async () => {
  const green = await deployGreen(`${ms.repo}:green`, '9ee0a00');
  const load = productionLoad();
  let swap;
  let seen;
  try {
    swap = await ms.run('swap', { ...ms.stack.service, bakeSeconds: 240 });
  } finally {
    seen = await load.stop();
  }
  expect([swap.status, swap.error, swap.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
  expect(statesEntered(swap.history)).toEqual(expect.arrayContaining(['WatchBake', 'CheckBake']));
  // Production traffic reached green during the bake, so the alarms had data to judge.
  expect(seen.filter((s) => s.colour === 'green').length).toBeGreaterThan(0);
  // The built-in alarms were pointed at this green (replacing the previous green's), and none is in ALARM: the 5XX and
  // healthy-host alarms judged at least one period (OK); the p99 one keeps its state below 1,000 samples a period.
  const alarms = await builtInAlarms();
  expect(alarms).toHaveLength(3);
  for (const alarm of alarms) {
    expect(alarm.Dimensions).toEqual(onGreen(green));
    expect(alarm.StateValue).not.toBe('ALARM');
  }
  expect(alarms.filter((a) => a.StateValue === 'OK').map((a) => a.MetricName)).toEqual(
    expect.arrayContaining(['HTTPCode_Target_5XX_Count', 'HealthyHostCount']),
  );
});

/** When the execution entered `state` (emulated epoch ms). */
function enteredAt(result: ExecutionResult, state: string): number {
  const entered = result.history.find((e) => e.stateEnteredEventDetails?.name === state);
  if (entered?.timestamp === undefined) throw new Error(`the execution never entered ${state}`);
  return new Date(entered.timestamp).getTime();
}

/** Green's targets: all healthy, as many as its tasks, none still registering. */
function greenHealthy(green: string): boolean {
  const group = ms.stack.aws.elbv2.state().targetGroups.find((tg) => tg.arn === green);
  const targets = group?.targets ?? [];
  return targets.length > 0 && targets.every((t) => t.health.state === 'healthy');
}

test("a green whose targets registered in the minutes just before the bake is not failed for it: the healthy-hosts alarm's breach from before the watch re-arms it", async () => {
  // The ALB reports HealthyHostCount 0 for green while its targets register, and the built-in alarm, created as the
  // watch begins, reads the two minutes before (Minimum < 1 in both: ALARM). To put those minutes right before the
  // watch, every task of a slow-starting green (90 s before it answers) is stopped under test; the task set starts
  // new ones, and swap starts as soon as they are healthy. When that falls within one minute, the alarm's first
  // evaluation is such a breach; otherwise the next attempt tries again, aimed by how long the last one took.
  const ecs = new ECSClient(localClientConfig(ms.stack.aws.endpoint, LOCAL_REGION));
  let exercised = false;
  // Stop to healthy (and the stopped tasks' targets drained): about 100 emulated s on a quiet host (the new tasks' 90 s
  // start counts from their launch, then the health checks); longer on a loaded one, so each attempt measures it.
  let registrationMs = 100_000;
  try {
    for (let attempt = 1; attempt <= 5 && !exercised; attempt++) {
      await oneVersionLive(ms);
      const green = await deployGreen('local/slow-start:green-slow-90', `5105${attempt}00`);
      const greenSet = observe(ms.stack).taskSets.find((ts) => ts.targetGroupArn === green)?.arn ?? '';
      const greenId = greenSet.split('/').slice(-2).join('/');
      // Stopped so that green turns healthy some 10 s into a minute: swap's watch then begins within that minute
      // (its steps before the watch take a few emulated seconds, more on a loaded host), and the minute before
      // reports 0 healthy hosts too.
      const stopSecond = (((10 - Math.round(registrationMs / 1000)) % 60) + 60) % 60;
      while (Math.floor(ms.stack.aws.clock.now() / 1000) % 60 !== stopSecond) await ms.stack.aws.clock.sleep(0.5);
      for (const task of ms.stack.aws.ecs.state().tasks.filter((t) => t.taskSetId === greenId)) {
        await ecs.send(new StopTaskCommand({ cluster: ms.stack.service.cluster, task: task.arn, reason: 'test' }));
      }
      const stoppedAt = ms.stack.aws.clock.now();
      while (ms.stack.aws.clock.now() - stoppedAt < 20_000 || !greenHealthy(green)) {
        // Local CloudWatch samples the count once a minute, at a phase set by when the stack started; sampled every
        // half second here, each minute of the registration reports its 0.
        ms.stack.aws.cloudwatch.sampleHostCounts();
        await ms.stack.aws.clock.sleep(0.5);
      }
      registrationMs = ms.stack.aws.clock.now() - stoppedAt;
      const swap = await ms.run('swap', { ...ms.stack.service, bakeSeconds: 180 });
      expect([swap.status, swap.error, swap.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
      const alarms = await builtInAlarms();
      const hosts = alarms.find((a) => a.AlarmName?.endsWith('-green-healthy-hosts'));
      expect(hosts?.StateValue).not.toBe('ALARM');
      // Did the alarm's first evaluation after the watch began read two minutes of 0 healthy hosts?
      const watchBegan = enteredAt(swap, 'WatchBake');
      const minute = 60_000;
      const firstPeriod = Math.floor(watchBegan / minute) * minute - minute;
      const stats = await cw.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'HealthyHostCount',
          Dimensions: onGreen(green),
          StartTime: new Date(firstPeriod),
          EndTime: new Date(firstPeriod + 2 * minute),
          Period: 60,
          Statistics: ['Minimum'],
        }),
      );
      const minima = (stats.Datapoints ?? []).map((d) => d.Minimum);
      exercised = minima.length === 2 && minima.every((m) => m === 0);
      if (exercised) {
        // Re-armed after its first evaluation: configured again a minute or more after the watch began.
        const configured = hosts?.AlarmConfigurationUpdatedTimestamp?.getTime() ?? 0;
        expect(configured - watchBegan).toBeGreaterThan(minute - (watchBegan % minute) - 1_000);
      }
    }
  } finally {
    ecs.destroy();
  }
  expect(exercised).toBe(true);
});
