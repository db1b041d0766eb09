import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { followExecution, statesEntered, type ExecutionResult } from '../../harness/demo/executions';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import { localClientConfig } from '../../local/aws/client-config';
import { LOCAL_REGION } from '../../local/local-aws';
import { armStop } from '../../oracles/faults/operator';
import {
  MACHINE_TEST_TIMEOUT,
  oneVersionLive,
  startMachineStack,
  type Machine,
  type MachineStack,
} from './machine-stack';

/**
 * swap's traffic shifting (trafficShift: canary, linear, custom steps): production forwards by weight to blue and
 * green at each step while green is watched, then to green alone, green primary, then the bake. The weights are read
 * from local ELBv2's own state at every health poll the swap makes (a call observer, so no wall-clock timing), and
 * each case's steps are a few emulated seconds long.
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

let ms: MachineStack;
let elb: ElasticLoadBalancingV2Client;
beforeAll(async () => {
  ms = await startMachineStack();
  elb = new ElasticLoadBalancingV2Client(localClientConfig(ms.stack.aws.endpoint, LOCAL_REGION));
  await oneVersionLive(ms);
});
afterAll(async () => {
  elb?.destroy();
  await ms?.close();
});
afterEach(async () => oneVersionLive(ms));

interface Versions {
  readonly blue: string;
  readonly green: string;
}

/** Deploys green (real deploy-green) beside the live blue; returns both target groups. */
async function deployGreen(commit: string): Promise<Versions> {
  const blue = observe(ms.stack).production;
  expect((await ms.deploy('green', commit)).status).toBe('SUCCEEDED');
  const green = observe(ms.stack).test;
  if (blue.kind !== 'forward' || green.kind !== 'forward') throw new Error('no blue live, or no green under test');
  return { blue: blue.targetGroupArns[0] ?? '', green: green.targetGroupArns[0] ?? '' };
}

/** The production rule as local ELBv2 holds it, e.g. `blue:900 green:100`, or `blue:1` for a plain forward. */
function productionWeights(v: Versions): string {
  const listener = ms.stack.aws.elbv2.state().listeners.find((l) => l.port === 80);
  const rule = listener?.rules.find((r) => r.Priority === '1');
  const action = (rule?.Actions as Array<{ ForwardConfig?: { TargetGroups?: Array<Record<string, unknown>> } }>)[0];
  const groups = action?.ForwardConfig?.TargetGroups ?? [];
  if (groups.length === 0) return 'fixed';
  return groups
    .map(
      (g) =>
        `${g.TargetGroupArn === v.blue ? 'blue' : g.TargetGroupArn === v.green ? 'green' : '?'}:${String(g.Weight)}`,
    )
    .join(' ');
}

/** The production weights at each health poll (DescribeTargetHealth) the state machines make, each change once. */
function watchWeights(v: Versions): { seen: string[]; stop: () => void } {
  const seen: string[] = [];
  const stop = ms.fs.injector.observe((call) => {
    if (call.operation !== 'DescribeTargetHealth' || call.principal === undefined) return;
    const now = productionWeights(v);
    if (seen.at(-1) !== now) seen.push(now);
  });
  return { seen, stop };
}

/** Runs swap with `input` on the service, and returns it with the production weights its health polls saw. */
async function watchedSwap(
  v: Versions,
  input: Record<string, unknown>,
): Promise<{ swap: ExecutionResult; seen: string[] }> {
  const watch = watchWeights(v);
  try {
    return { swap: await ms.run('swap', { ...ms.stack.service, ...input }), seen: watch.seen };
  } finally {
    watch.stop();
  }
}

const arnOf = (machine: Machine): string => ms.stack.stateMachines[machine];

async function start(machine: Machine, input: Record<string, unknown>): Promise<string> {
  const started = await ms.stack.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: arnOf(machine),
      input: JSON.stringify({ ...ms.stack.service, ...input }),
    }),
  );
  return started.executionArn ?? '';
}

/** Runs swap with `input`, stopped (StopExecution) at the first call after it entered `state` `occurrence` times. */
async function swapStoppedAt(
  input: Record<string, unknown>,
  state: string,
  occurrence: number,
): Promise<ExecutionResult> {
  const described = await ms.stack.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arnOf('swap') }));
  const stop = armStop(ms.stack, ms.fs.injector, described.roleArn ?? '', {
    machine: 'swap',
    state,
    occurrence,
    inFlight: 'applied',
  });
  try {
    const arn = await start('swap', input);
    stop.bind(arn);
    const stopped = await followExecution(ms.stack.sfn, arn);
    // The error and cause too, so a run that failed instead of being stopped says why.
    expect([stopped.status, stopped.error, stopped.status === 'ABORTED' ? '' : stopped.cause]).toEqual([
      'ABORTED',
      'Operator.Stopped',
      '',
    ]);
    expect(stop.outcome().stopped).toBe(true);
    return stopped;
  } finally {
    stop.dispose();
  }
}

/** The ModifyRule parameters of each ShiftProduction state in a history, as `blue:W green:W`. */
function shiftedWeights(result: ExecutionResult, v: Versions): string[] {
  const scheduled = result.history.filter(
    (e, i) =>
      e.type === 'TaskScheduled' &&
      result.history
        .slice(0, i)
        .reverse()
        .find((p) => p.type === 'TaskStateEntered')?.stateEnteredEventDetails?.name === 'ShiftProduction',
  );
  return scheduled.map((e) => {
    const parameters = JSON.parse(e.taskScheduledEventDetails?.parameters ?? '{}') as {
      Actions: Array<{ ForwardConfig: { TargetGroups: Array<{ TargetGroupArn: string; Weight: number }> } }>;
    };
    return (parameters.Actions[0]?.ForwardConfig.TargetGroups ?? [])
      .map((g) => `${g.TargetGroupArn === v.blue ? 'blue' : 'green'}:${g.Weight}`)
      .join(' ');
  });
}

function expectGreenLiveBlueKept(v: Versions): void {
  const view = observe(ms.stack);
  expect(view.production).toEqual({ kind: 'forward', targetGroupArns: [v.green] });
  expect(view.taskSets.find((ts) => ts.targetGroupArn === v.green)?.status).toBe('PRIMARY');
  expect(view.taskSets.find((ts) => ts.targetGroupArn === v.blue)?.status).toBe('ACTIVE');
  expect(view.previous).toEqual({ kind: 'forward', targetGroupArns: [v.blue] });
}

function expectBlueAloneAndPrimary(v: Versions): void {
  const view = observe(ms.stack);
  expect(view.production).toEqual({ kind: 'forward', targetGroupArns: [v.blue] });
  expect(view.taskSets.find((ts) => ts.targetGroupArn === v.blue)?.status).toBe('PRIMARY');
}

test('canary 10 % for 20 s: production is split 900/100 through the canary, then green alone, primary, baked', async () => {
  const v = await deployGreen('ca0a001');
  const { swap, seen } = await watchedSwap(v, {
    bakeSeconds: 10,
    trafficShift: { type: 'canary', percent: 10, intervalSeconds: 20 },
  });
  expect([swap.status, swap.error]).toEqual(['SUCCEEDED', undefined]);
  expect(swap.output).toMatchObject({ undone: 'not-needed', next: ['clean-up', 'rollback'], bakeSeconds: 10 });
  // The pre-swap gate saw blue alone; the canary's polls the split; the bake's polls green alone.
  expect(seen).toEqual(['blue:1', 'blue:900 green:100', 'green:1']);
  expect(shiftedWeights(swap, v)).toEqual(['blue:900 green:100']);
  const states = statesEntered(swap.history);
  // The canary's 20 s are one green watch on a task token, and one check of green as it ends (no polls).
  expect(states.filter((s) => s === 'WatchShiftStep')).toHaveLength(1);
  expect(states.filter((s) => s === 'CheckShiftStep')).toHaveLength(1);
  expect(states.indexOf('PointProductionAtGreen')).toBeGreaterThan(states.lastIndexOf('ShiftProduction'));
  expect(states.indexOf('MakeGreenPrimary')).toBeGreaterThan(states.indexOf('PointProductionAtGreen'));
  expect(states).toContain('RecordShifting');
  expectGreenLiveBlueKept(v);
  expect(await probe(ms.stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
});

test('linear 30 % every 10 s: 300, 600, 900 of 1000 to green, each watched, then green alone', async () => {
  const v = await deployGreen('1ea0001');
  const { swap, seen } = await watchedSwap(v, {
    bakeSeconds: 0,
    trafficShift: { type: 'linear', percent: 30, intervalSeconds: 10 },
  });
  expect([swap.status, swap.error]).toEqual(['SUCCEEDED', undefined]);
  expect(seen).toEqual(['blue:1', 'blue:700 green:300', 'blue:400 green:600', 'blue:100 green:900']);
  expect(shiftedWeights(swap, v)).toEqual(['blue:700 green:300', 'blue:400 green:600', 'blue:100 green:900']);
  expect(statesEntered(swap.history).filter((s) => s === 'RecordShifting')).toHaveLength(3);
  expectGreenLiveBlueKept(v);
});

test('custom steps, one of 0 s and one of 15 s: no watch for the first, one green watch (no polls) for the second', async () => {
  const v = await deployGreen('57e0001');
  const swap = await ms.run('swap', {
    ...ms.stack.service,
    bakeSeconds: 0,
    trafficShift: {
      type: 'steps',
      steps: [
        { percent: 0.1, seconds: 0 },
        { percent: 50, seconds: 15 },
      ],
    },
  });
  expect([swap.status, swap.error]).toEqual(['SUCCEEDED', undefined]);
  expect(shiftedWeights(swap, v)).toEqual(['blue:999 green:1', 'blue:500 green:500']);
  const states = statesEntered(swap.history);
  // The 15 s step waits once, on a task token, and checks green once as it ends.
  expect(states.filter((s) => s === 'WatchShiftStep')).toHaveLength(1);
  expect(states.filter((s) => s === 'CheckShiftStep')).toHaveLength(1);
  expectGreenLiveBlueKept(v);
});

test('green turns unhealthy mid-shift: production goes back to blue alone at once, blue primary; undone and next say so', async () => {
  const v = await deployGreen('bad0001');
  // The first health poll while production is split finds green's targets deregistered (draining): as a task that
  // died would be. The poll is held until local ELBv2 has deregistered them, so no timing is involved.
  let held = false;
  const removeGate = ms.fs.injector.gate((call) => {
    if (held || call.operation !== 'DescribeTargetHealth' || call.principal === undefined) return undefined;
    if (!productionWeights(v).includes('green:')) return undefined;
    held = true;
    return (async () => {
      const targets = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: v.green }));
      await elb.send(
        new DeregisterTargetsCommand({
          TargetGroupArn: v.green,
          Targets: (targets.TargetHealthDescriptions ?? []).map((d) => ({
            Id: d.Target?.Id ?? '',
            Port: d.Target?.Port,
          })),
        }),
      );
      return undefined;
    })();
  });
  let swap: ExecutionResult;
  try {
    swap = await ms.run('swap', {
      ...ms.stack.service,
      trafficShift: { type: 'linear', percent: 25, intervalSeconds: 30 },
    });
  } finally {
    removeGate();
  }
  expect([swap.status, swap.error]).toEqual(['FAILED', 'BlueGreen.GreenUnhealthyDuringShift']);
  expect(swap.failure).toMatchObject({ undone: 'everything', next: ['abort', 'swap'] });
  // The green watch's own check, as the step's watch begins, finds green's targets draining.
  expect(swap.failure?.message).toMatch(
    /^Green \(task set \S+\) failed at step 1 of 3 of the linear traffic shift, with 25 % of production on green: green's targets are not all healthy: \S+ draining/,
  );
  const states = statesEntered(swap.history);
  expect(states.slice(states.indexOf('NoteGreenDegradedDuringShift'))).toEqual(
    expect.arrayContaining(['UndoRestoreProduction', 'UndoProductionToBlue', 'UndoReleasePreviousRule', 'FailUndone']),
  );
  // Blue was never made anything but primary: no primary change to undo.
  expect(states).not.toContain('MakeGreenPrimary');
  expect(states).not.toContain('UndoMakeBluePrimary');
  expectBlueAloneAndPrimary(v);
  expect(observe(ms.stack).previous.kind).toBe('fixed');
  // (The baseline's live version may show any colour: a case that swapped leaves its green live.)
  expect(await probe(ms.stack.urls.production)).toMatchObject({ status: 200 });
});

describe('a swap stopped mid-shift (production split 400/600)', () => {
  const linear = { type: 'linear', percent: 30, intervalSeconds: 10 };
  let v: Versions;
  beforeEach(async () => {
    v = await deployGreen('5709001');
    const stopped = await swapStoppedAt({ bakeSeconds: 0, trafficShift: linear }, 'ShiftProduction', 2);
    expect(statesEntered(stopped.history)).toContain('RecordShifting');
    expect(productionWeights(v)).toBe('blue:400 green:600');
  });

  test('abort and clean-up refuse, naming swap and rollback; deploy-green refuses too; nothing changes', async () => {
    const before = observe(ms.stack);
    for (const machine of ['abort', 'cleanUp'] as const) {
      const refused = await ms.run(machine);
      expect([refused.status, refused.error]).toEqual(['FAILED', 'BlueGreen.SwapUnfinished']);
      expect(refused.failure).toMatchObject({ undone: 'nothing-changed', next: ['swap', 'rollback'] });
    }
    const deploy = await ms.deploy('teal', '5709002');
    expect([deploy.status, deploy.error]).toEqual(['FAILED', 'BlueGreen.SwapUnfinished']);
    expect(observe(ms.stack)).toEqual(before);
    expect(productionWeights(v)).toBe('blue:400 green:600');
    // Finish it, for the next case's baseline.
    expect((await ms.run('rollback')).status).toBe('SUCCEEDED');
  });

  test('swap again: it shifts again from the first step (never beyond where it was unwatched), then green alone', async () => {
    const { swap: again, seen } = await watchedSwap(v, { bakeSeconds: 10, trafficShift: linear });
    expect([again.status, again.error]).toEqual(['SUCCEEDED', undefined]);
    const states = statesEntered(again.history);
    expect(states).toEqual(expect.arrayContaining(['TakeOverLease', 'ResumeSwap', 'StartShift', 'StartBake']));
    expect(shiftedWeights(again, v)).toEqual(['blue:700 green:300', 'blue:400 green:600', 'blue:100 green:900']);
    expect(seen).toEqual([
      'blue:400 green:600',
      'blue:700 green:300',
      'blue:400 green:600',
      'blue:100 green:900',
      'green:1',
    ]);
    expectGreenLiveBlueKept(v);
  });

  test('swap again, all at once: production goes to green alone', async () => {
    const again = await ms.run('swap', { ...ms.stack.service, bakeSeconds: 0 });
    expect([again.status, again.error]).toEqual(['SUCCEEDED', undefined]);
    expect(statesEntered(again.history)).not.toContain('ShiftProduction');
    expectGreenLiveBlueKept(v);
  });

  test('rollback from the split: production back on blue alone, blue primary, green removed', async () => {
    const rollback = await ms.run('rollback');
    expect([rollback.status, rollback.error]).toEqual(['SUCCEEDED', undefined]);
    expect(rollback.output).toMatchObject({ changed: true, undone: 'not-needed', next: ['deploy-green'] });
    expectBlueAloneAndPrimary(v);
    const view = observe(ms.stack);
    expect(view.taskSets).toHaveLength(1);
    expect(view.targetGroups.map((tg) => tg.arn)).toEqual([v.blue]);
    // (The baseline's live version may show any colour: a case that swapped leaves its green live.)
    expect(await probe(ms.stack.urls.production)).toMatchObject({ status: 200 });
  });
});

test('production split by hand (no shift recorded): abort, clean-up and rollback refuse with ProductionSplit; swap converges', async () => {
  const v = await deployGreen('5b1a001');
  const listener = ms.stack.aws.elbv2.state().listeners.find((l) => l.port === 80);
  const ruleArn = String(listener?.rules.find((r) => r.Priority === '1')?.RuleArn);
  await elb.send(
    new ModifyRuleCommand({
      RuleArn: ruleArn,
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: v.blue, Weight: 800 },
              { TargetGroupArn: v.green, Weight: 200 },
            ],
          },
        },
      ],
    }),
  );
  const before = observe(ms.stack);
  for (const [machine, next] of [
    ['abort', ['swap', 'rollback']],
    ['cleanUp', ['swap', 'rollback']],
    ['rollback', ['swap']],
  ] as const) {
    const refused = await ms.run(machine);
    expect([machine, refused.status, refused.error]).toEqual([machine, 'FAILED', 'BlueGreen.ProductionSplit']);
    expect(refused.failure).toMatchObject({ undone: 'nothing-changed', next });
    expect(refused.failure?.message).toMatch(/is split between two versions by weight/);
  }
  expect(observe(ms.stack)).toEqual(before);
  const swap = await ms.run('swap', { ...ms.stack.service, bakeSeconds: 0 });
  expect([swap.status, swap.error]).toEqual(['SUCCEEDED', undefined]);
  expectGreenLiveBlueKept(v);
});

describe('a Stop at any state of a shifting swap converges: swap again, or rollback', () => {
  // linear 40 %: two steps (40 %, 80 %) of 10 s each, then green alone, then a 10 s bake.
  const input = { bakeSeconds: 10, trafficShift: { type: 'linear', percent: 40, intervalSeconds: 10 } };
  const stops: Array<[string, number]> = [
    ['KeepBlueInUse', 1],
    ['RecordShifting', 1],
    ['ShiftProduction', 1],
    ['WatchShiftStep', 1],
    ['CheckShiftStep', 1],
    ['RecordShifting', 2],
    ['PointProductionAtGreen', 1],
    ['MakeGreenPrimary', 1],
    ['RecordBaking', 1],
  ];
  test.each(stops.flatMap(([state, n]) => (['swap', 'rollback'] as const).map((then) => [state, n, then] as const)))(
    'stopped at %s (#%d), then %s',
    async (state, occurrence, then) => {
      const v = await deployGreen(
        `c0${String(stops.findIndex(([s, n]) => s === state && n === occurrence)).padStart(2, '0')}${then === 'swap' ? 'a' : 'b'}00`,
      );
      const stopped = await swapStoppedAt(input, state, occurrence);
      expect(statesEntered(stopped.history).filter((s) => s === state)).toHaveLength(occurrence);
      const result = await ms.run(then, { ...ms.stack.service, ...(then === 'swap' ? input : {}) });
      expect([result.status, result.error, result.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
      if (then === 'swap') {
        expectGreenLiveBlueKept(v);
        // Past the shift (green made primary), the re-run does not shift back; before it, it shifts from step 1.
        const shifted = shiftedWeights(result, v);
        expect(shifted).toEqual(
          ['MakeGreenPrimary', 'RecordBaking'].includes(state) ? [] : ['blue:600 green:400', 'blue:200 green:800'],
        );
      } else {
        expectBlueAloneAndPrimary(v);
        expect(observe(ms.stack).taskSets).toHaveLength(1);
      }
    },
  );
});

test('production split by hand with green listed first: swap does not take green for blue, and refuses (RecordDrift)', async () => {
  const v = await deployGreen('5b1a002');
  const listener = ms.stack.aws.elbv2.state().listeners.find((l) => l.port === 80);
  const ruleArn = String(listener?.rules.find((r) => r.Priority === '1')?.RuleArn);
  const split = (first: string, second: string) =>
    elb.send(
      new ModifyRuleCommand({
        RuleArn: ruleArn,
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: first, Weight: first === v.green ? 200 : 800 },
                { TargetGroupArn: second, Weight: second === v.green ? 200 : 800 },
              ],
            },
          },
        ],
      }),
    );
  await split(v.green, v.blue);
  const before = observe(ms.stack);
  const swap = await ms.run('swap', { ...ms.stack.service, bakeSeconds: 0 });
  expect([swap.status, swap.error]).toEqual(['FAILED', 'BlueGreen.RecordDrift']);
  expect(swap.failure).toMatchObject({ undone: 'nothing-changed' });
  expect(observe(ms.stack)).toEqual(before);
  // Put back in swap's order (blue first), swap converges it.
  await split(v.blue, v.green);
  expect((await ms.run('swap', { ...ms.stack.service, bakeSeconds: 0 })).status).toBe('SUCCEEDED');
  expectGreenLiveBlueKept(v);
});
