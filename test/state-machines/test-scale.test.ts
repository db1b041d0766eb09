import { taskPids } from '../../bench/crash';
import { DescribeTaskSetsCommand, ECSClient, UpdateServiceCommand, UpdateTaskSetCommand } from '@aws-sdk/client-ecs';
import { statesEntered, type ExecutionResult } from '../../harness/demo/executions';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import { localClientConfig } from '../../local/aws/client-config';
import { LOCAL_REGION } from '../../local/local-aws';
import { MACHINE_TEST_TIMEOUT, oneVersionLive, startMachineStack, type MachineStack } from './machine-stack';

/**
 * Green at reduced size while it is only under test (deploy-green's testScalePercent, like Argo Rollouts'
 * previewReplicaCount): deploy-green creates green's task set at that percent of the service's desired count, and swap
 * scales it to 100 % and waits until it is fully healthy before any production traffic moves. The order is read from
 * the calls the state machines made (a call observer sees each one before local AWS applies it) and from the
 * execution history.
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

const DESIRED = 4;

let ms: MachineStack;
let ecs: ECSClient;
beforeAll(async () => {
  ms = await startMachineStack();
  ecs = new ECSClient(localClientConfig(ms.stack.aws.endpoint, LOCAL_REGION));
  await oneVersionLive(ms);
  // The operator's scaling: the service runs 4 tasks (the controller never changes the count once a version is live).
  await ecs.send(new UpdateServiceCommand({ ...ms.stack.service, desiredCount: DESIRED }));
  await fullyHealthy();
});
afterAll(async () => {
  ecs?.destroy();
  await ms?.close();
});
afterEach(async () => {
  await oneVersionLive(ms);
  await fullyHealthy();
});

/** Every task set steady at its computed count and every target healthy (a case starts and ends from there). */
async function fullyHealthy(): Promise<void> {
  const quiet = (): boolean => {
    const view = observe(ms.stack);
    return (
      view.taskSets.every(
        (ts) => ts.stabilityStatus === 'STEADY_STATE' && ts.runningCount === ts.computedDesiredCount,
      ) && view.targetGroups.every((tg) => tg.states.every((state) => state === 'healthy'))
    );
  };
  while (!quiet()) await ms.stack.aws.clock.sleep(1);
}

/** The production rule (port 80, priority 1). */
function productionRuleArn(): string {
  const listener = ms.stack.aws.elbv2.state().listeners.find((l) => l.port === 80);
  return listener?.rules.find((r) => r.Priority === '1')?.RuleArn as string;
}

/** A field of a call's input, whichever case the wire protocol gave its name. */
function field(call: { readonly input: Readonly<Record<string, unknown>> }, name: string): unknown {
  const lower = name.charAt(0).toLowerCase() + name.slice(1);
  return call.input[name] ?? call.input[lower];
}

/** A call the state machines made, and what green looked like as local AWS received it. */
interface SeenCall {
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly green?: { readonly scale?: number; readonly running: number; readonly healthy: number };
}

/** Runs `machine` with `input`, recording every call its role made (and green's state at that moment). */
async function recorded(
  run: () => Promise<ExecutionResult>,
  greenArn: () => string | undefined,
): Promise<{ result: ExecutionResult; calls: SeenCall[] }> {
  const calls: SeenCall[] = [];
  const stop = ms.fs.injector.observe((call) => {
    if (call.principal === undefined) return;
    const arn = greenArn();
    const view = observe(ms.stack);
    const green = view.taskSets.find((ts) => ts.arn === arn);
    const scale = ms.stack.aws.ecs
      .services()
      .flatMap((s) => s.taskSets)
      .find((ts) => ts.arn === arn)?.scale?.value;
    const tg = view.targetGroups.find((t) => t.arn === green?.targetGroupArn);
    calls.push({
      operation: call.operation,
      input: call.input,
      ...(green && {
        green: {
          ...(scale !== undefined && { scale }),
          running: green.runningCount,
          healthy: tg?.states.filter((s) => s === 'healthy').length ?? 0,
        },
      }),
    });
  });
  try {
    return { result: await run(), calls };
  } finally {
    stop();
  }
}

/** green's task set as ECS describes it. */
async function describeGreen(arn: string) {
  const { taskSets = [] } = await ecs.send(new DescribeTaskSetsCommand({ ...ms.stack.service, taskSets: [arn] }));
  return taskSets[0];
}

/** The task set the test listener forwards to (green under test). */
function greenUnderTest(): string {
  const view = observe(ms.stack);
  const tg = view.test.kind === 'forward' ? view.test.targetGroupArns[0] : undefined;
  const green = view.taskSets.find((ts) => ts.targetGroupArn === tg);
  if (!green) throw new Error('no green under test');
  return green.arn;
}

test('green at 50 % of 4 runs 2 tasks under test; swap makes it 4 healthy tasks before production moves', async () => {
  const deployed = await ms.deploy('green', '5ca1e50', { testScalePercent: 50 });
  expect([deployed.status, deployed.error]).toEqual(['SUCCEEDED', undefined]);
  expect(deployed.output).toMatchObject({ green: { testScalePercent: 50 } });
  const greenArn = greenUnderTest();
  expect(await describeGreen(greenArn)).toMatchObject({
    scale: { unit: 'PERCENT', value: 50 },
    computedDesiredCount: 2,
    runningCount: 2,
    stabilityStatus: 'STEADY_STATE',
  });
  expect(await probe(ms.stack.urls.test)).toMatchObject({ status: 200, colour: 'green' });
  const blueArn = observe(ms.stack).taskSets.find((ts) => ts.status === 'PRIMARY')?.arn;

  const prodRule = productionRuleArn();
  const { result: swap, calls } = await recorded(
    () => ms.run('swap', { ...ms.stack.service, bakeSeconds: 0 }),
    () => greenArn,
  );
  expect([swap.status, swap.error]).toEqual(['SUCCEEDED', undefined]);

  const scaleUps = calls.filter((c) => c.operation === 'UpdateTaskSet');
  expect(scaleUps.map((c) => [field(c, 'TaskSet'), field(c, 'Scale')])).toEqual([
    [greenArn, expect.objectContaining({ value: 100 })],
  ]);
  const firstScaleUp = calls.findIndex((c) => c.operation === 'UpdateTaskSet');
  const productionMoves = calls.flatMap((c, i) =>
    c.operation === 'ModifyRule' && field(c, 'RuleArn') === prodRule ? [i] : [],
  );
  expect(productionMoves.length).toBeGreaterThan(0);
  // UpdateTaskSet to 100 % precedes the first change of the production rule ...
  expect(firstScaleUp).toBeGreaterThanOrEqual(0);
  expect(firstScaleUp).toBeLessThan(productionMoves[0] ?? -1);
  // ... and every change of the production rule found green at full size: 4 running, 4 healthy targets.
  for (const i of productionMoves) {
    expect(calls[i]?.green).toEqual({ scale: 100, running: DESIRED, healthy: DESIRED });
  }
  // The gate ran, and passed, between the live-state checks and the first record of the swap.
  const states = statesEntered(swap.history);
  const at = (name: string): number => states.indexOf(name);
  expect(at('IsBlueServing')).toBeLessThan(at('ScaleGreenToFull'));
  expect(at('ScaleGreenToFull')).toBeLessThan(at('IsGreenFullSize'));
  expect(at('IsGreenFullSize')).toBeLessThan(at('RecordSwapping'));
  expect(states).not.toContain('NoteGreenNotFullSize');
  // Blue was never scaled by this.
  expect(calls.some((c) => c.operation === 'UpdateTaskSet' && field(c, 'TaskSet') === blueArn)).toBe(false);
  expect(observe(ms.stack).taskSets.find((ts) => ts.arn === blueArn)).toMatchObject({ runningCount: DESIRED });
  expect(await probe(ms.stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
});

test('a green at 100 % (the default) is not scaled: no UpdateTaskSet', async () => {
  const deployed = await ms.deploy('green', '5ca1e51');
  expect(deployed.status).toBe('SUCCEEDED');
  expect(deployed.output).toMatchObject({ green: { testScalePercent: 100 } });
  const greenArn = greenUnderTest();
  expect(await describeGreen(greenArn)).toMatchObject({ scale: { value: 100 }, runningCount: DESIRED });
  const { result: swap, calls } = await recorded(
    () => ms.run('swap', { ...ms.stack.service, bakeSeconds: 0 }),
    () => greenArn,
  );
  expect(swap.status).toBe('SUCCEEDED');
  expect(calls.filter((c) => c.operation === 'UpdateTaskSet')).toEqual([]);
  expect(statesEntered(swap.history)).not.toContain('ScaleGreenToFull');
});

test('a green whose extra tasks crash at full size: swap refuses, production still on its version, green back at 50 %', async () => {
  const before = observe(ms.stack);
  const served = await probe(ms.stack.urls.production);
  const tag = 'green-crash-at-full';
  const deployed = await ms.deploy(tag, '5ca1e52', { testScalePercent: 50 });
  expect([deployed.status, deployed.error]).toEqual(['SUCCEEDED', undefined]);
  const greenArn = greenUnderTest();
  const underTest = observe(ms.stack).test;
  // The task processes carry the image tag as their commit (local/ecs/launch-spec.ts): the two tested ones.
  const tested = new Set(await taskPids(tag));
  expect(tested.size).toBe(2);

  // From swap's UpdateTaskSet to 100 % until it scales green back, every task green starts beyond the two tested ones
  // crashes (SIGKILL, as an OOM kill) before each of the gate's reads: green never runs 4 healthy tasks, however slow
  // the runner is.
  let scaledUp = false;
  const stopObserving = ms.fs.injector.observe((call) => {
    if (call.principal !== undefined && call.operation === 'UpdateTaskSet') {
      scaledUp = (field(call, 'Scale') as { value: number }).value === 100;
    }
  });
  const running = (): number => observe(ms.stack).taskSets.find((ts) => ts.arn === greenArn)?.runningCount ?? 0;
  const ungate = ms.fs.injector.gate((call) => {
    if (!scaledUp || call.principal === undefined) return undefined;
    if (call.operation !== 'DescribeTaskSets' && call.operation !== 'DescribeTargetHealth') return undefined;
    return (async () => {
      for (const pid of await taskPids(tag)) if (!tested.has(pid)) process.kill(pid, 'SIGKILL');
      while (running() > tested.size) await ms.stack.aws.clock.sleep(1);
      return undefined;
    })();
  });
  const prodRule = productionRuleArn();
  let outcome: { result: ExecutionResult; calls: SeenCall[] };
  try {
    outcome = await recorded(
      () => ms.run('swap'),
      () => greenArn,
    );
  } finally {
    ungate();
    stopObserving();
  }
  const { result: swap, calls } = outcome;
  expect([swap.status, swap.error]).toEqual(['FAILED', 'BlueGreen.GreenNotHealthy']);
  expect(swap.failure).toMatchObject({ undone: 'everything', next: ['abort', 'swap'] });
  expect(swap.failure?.message).toMatch(
    /^Swap refused: green \(task set .*\) was tested at 50 % of the service and did not become healthy at full size within 600 seconds/,
  );
  expect(swap.failure?.message).toMatch(/Green is back at the scale it had under test and production never moved/);
  // Production was never touched; green went to 100 % and back to 50 %.
  expect(calls.some((c) => c.operation === 'ModifyRule' && field(c, 'RuleArn') === prodRule)).toBe(false);
  expect(
    calls.filter((c) => c.operation === 'UpdateTaskSet').map((c) => (field(c, 'Scale') as { value: number }).value),
  ).toEqual([100, 50]);
  const states = statesEntered(swap.history);
  expect(states).toEqual(expect.arrayContaining(['ScaleGreenToFull', 'NoteGreenNotFullSize', 'ScaleGreenBack']));
  expect(states).not.toContain('RecordSwapping');
  const after = observe(ms.stack);
  expect(after.production).toEqual(before.production);
  expect(after.test).toEqual(underTest);
  expect(await describeGreen(greenArn)).toMatchObject({ scale: { value: 50 }, computedDesiredCount: 2 });
  expect(await probe(ms.stack.urls.production)).toMatchObject({ status: 200, colour: served.colour });
  // The record still says green was tested at 50 %: swap again (green's tasks no longer crash) gates it at full size
  // again, then moves production.
  const again = await ms.run('swap', { ...ms.stack.service, bakeSeconds: 0 });
  expect([again.status, again.error]).toEqual(['SUCCEEDED', undefined]);
  expect(statesEntered(again.history)).toEqual(expect.arrayContaining(['ScaleGreenToFull', 'IsGreenFullSize']));
  const green = observe(ms.stack).taskSets.find((ts) => ts.arn === greenArn);
  expect(observe(ms.stack).production).toEqual({ kind: 'forward', targetGroupArns: [green?.targetGroupArn] });
  expect(await probe(ms.stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
});

test('a green recorded at 50 % but already at 100 % (an interrupted swap, or a hand) is still gated at full size', async () => {
  const deployed = await ms.deploy('green', '5ca1e53', { testScalePercent: 50 });
  expect(deployed.status).toBe('SUCCEEDED');
  const greenArn = greenUnderTest();
  await ecs.send(
    new UpdateTaskSetCommand({ ...ms.stack.service, taskSet: greenArn, scale: { unit: 'PERCENT', value: 100 } }),
  );
  const { result: swap, calls } = await recorded(
    () => ms.run('swap', { ...ms.stack.service, bakeSeconds: 0 }),
    () => greenArn,
  );
  expect([swap.status, swap.error]).toEqual(['SUCCEEDED', undefined]);
  const states = statesEntered(swap.history);
  expect(states.indexOf('ScaleGreenToFull')).toBeGreaterThan(-1);
  expect(states.indexOf('IsGreenFullSize')).toBeLessThan(states.indexOf('RecordSwapping'));
  const prodRule = productionRuleArn();
  for (const call of calls.filter((c) => c.operation === 'ModifyRule' && field(c, 'RuleArn') === prodRule)) {
    expect(call.green).toEqual({ scale: 100, running: DESIRED, healthy: DESIRED });
  }
});

test("swap's undo after production moved puts a green tested at 50 % back at 50 % (undone means undone)", async () => {
  const served = await probe(ms.stack.urls.production);
  const deployed = await ms.deploy('green', '5ca1e54', { testScalePercent: 50 });
  expect([deployed.status, deployed.error]).toEqual(['SUCCEEDED', undefined]);
  const greenArn = greenUnderTest();
  // Production moves to green (the gate made it 100 %), then making green primary fails for good (a client error,
  // which is not retried): swap undoes.
  ms.fs.injector.arm({
    api: [
      { service: 'ECS', operation: 'UpdateServicePrimaryTaskSet', kind: 'client-error', call: 1, through: Infinity },
    ],
  });
  let swap: ExecutionResult;
  try {
    swap = await ms.run('swap', { ...ms.stack.service, bakeSeconds: 0 });
  } finally {
    ms.fs.injector.disarm();
  }
  expect([swap.status, swap.failure?.undone]).toEqual(['FAILED', 'everything']);
  expect(statesEntered(swap.history)).toEqual(
    expect.arrayContaining([
      'ScaleGreenToFull',
      'PointProductionAtGreen',
      'UndoProductionToBlue',
      'UndoScaleGreenBack',
    ]),
  );
  expect(await describeGreen(greenArn)).toMatchObject({ scale: { value: 50 }, computedDesiredCount: 2 });
  expect(await probe(ms.stack.urls.production)).toMatchObject({ status: 200, colour: served.colour });
});
