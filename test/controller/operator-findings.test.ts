import { HANDLER_TAG } from '../../infra/lib/private/bundled-function';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { localClientConfig } from '../../local/aws/client-config';
import { localLambdaFor } from '../../harness/deploy/local-lambdas';
import { DEPLOYMENT_FUNCTION_IDS, DEPLOYMENT_FUNCTIONS_ID } from '../../infra/lib/constructs/deployment-functions';
import { followExecution, statesEntered, type ExecutionResult } from '../../harness/demo/executions';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import { armStop } from '../../oracles/faults/operator';
import { roles } from '../../oracles/invariants/state-checks';
import { LOCAL_REGION } from '../../local/local-aws';
import { releaseBlue, restoreBaseline, startFaultStack, type FaultStack } from './support';

/**
 * Issue 9: one named test for each way the controller broke when operators used it as operators do (Stop, double
 * clicks, two machines at once, re-runs after a failure). Each asserts the corrected behaviour on local AWS, from the
 * execution history and the emulator's state. Finding 11 (every green task dying mid-bake) is measured by
 * `npm run bench` and asserted by test/bench/smoke.test.ts.
 */
type Machine = 'deployGreen' | 'swap' | 'cleanUp' | 'rollback' | 'abort';
const ELB = 'Elastic Load Balancing v2' as const;
const ECS = 'ECS' as const;

let fs: FaultStack;
beforeAll(async () => {
  fs = await startFaultStack(0.005, 1);
  await releaseBlue(fs);
}, 120_000);
afterAll(async () => fs?.close());
afterEach(async () => restoreBaseline(fs), 120_000);

const stack = () => fs.stack;
const arnOf = (machine: Machine): string => stack().stateMachines[machine];

async function start(machine: Machine, input: Record<string, unknown> = {}): Promise<string> {
  const { executionArn } = await stack().sfn.send(
    new StartExecutionCommand({
      stateMachineArn: arnOf(machine),
      input: JSON.stringify({ ...stack().service, ...input }),
    }),
  );
  if (!executionArn) throw new Error('no execution ARN');
  return executionArn;
}
const follow = (arn: string): Promise<ExecutionResult> => followExecution(stack().sfn, arn, { pollMs: 20 });
/** Key of the smoke-test function's local handler (harness/deploy/local-lambdas.ts). */
const SMOKE_TEST = `${DEPLOYMENT_FUNCTIONS_ID}${DEPLOYMENT_FUNCTION_IDS.smokeTest}`;
const run = async (machine: Machine, input: Record<string, unknown> = {}) => follow(await start(machine, input));
const deploy = (colour: string, commit: string, image = `${repo()}:${colour}`) =>
  run('deployGreen', { image, commit, healthTimeoutSeconds: 120 });
const repo = () => stack().deployed.outputs.ImageRepositoryUri ?? '';

/** Resolves once the execution has entered `state` (its history says so). */
async function entered(executionArn: string, state: string): Promise<void> {
  for (;;) {
    const { events } = await stack().sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    if (statesEntered(events ?? []).includes(state)) return;
    if ((events ?? []).some((e) => e.type?.startsWith('Execution') && e.type !== 'ExecutionStarted')) {
      throw new Error(`${executionArn} ended before entering ${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Probes production every few ms until stopped; counts what was not a 2xx. */
function watchProduction(): { stop(): Promise<{ probes: number; failures: string[] }> } {
  let running = true;
  const failures: string[] = [];
  let probes = 0;
  const loop = (async () => {
    while (running) {
      const answer = await probe(stack().urls.production);
      probes++;
      if (answer.status === undefined || answer.status >= 300) failures.push(JSON.stringify(answer));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { probes, failures };
    },
  };
}

const liveTaskSet = () => roles(observe(stack())).live;
const blueNow = () => {
  const view = observe(stack());
  const live = view.taskSets.find((ts) => ts.arn === roles(view).live);
  if (!live) throw new Error('no live version');
  return live;
};

async function roleOf(machine: Machine): Promise<string> {
  const described = await stack().sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arnOf(machine) }));
  return described.roleArn ?? '';
}

test('1: rollback that failed after production moved back finishes going back when re-run; it never rolls forward', async () => {
  const blue = blueNow();
  expect((await deploy('green', '1ee0001')).status).toBe('SUCCEEDED');
  expect((await run('swap', { bakeSeconds: 0 })).status).toBe('SUCCEEDED');
  // rollback's ModifyRule calls: test listener → blue (1), production → blue (2), close the test listener (3).
  fs.injector.arm({ api: [{ service: ELB, operation: 'ModifyRule', kind: 'client-error', call: 3 }] });
  const failed = await run('rollback');
  expect(failed.status).toBe('FAILED');
  expect(statesEntered(failed.history)).toContain('CloseTestListener');
  expect(observe(stack()).production).toEqual({ kind: 'forward', targetGroupArns: [blue.targetGroupArn] });
  fs.injector.disarm();

  const again = await run('rollback');
  expect([again.status, again.error]).toEqual(['SUCCEEDED', undefined]);
  expect(again.output).toMatchObject({ changed: true, primaryTaskSetArn: blue.arn });
  const view = observe(stack());
  expect(view.production).toEqual({ kind: 'forward', targetGroupArns: [blue.targetGroupArn] });
  expect(view.taskSets).toEqual([expect.objectContaining({ arn: blue.arn, status: 'PRIMARY' })]);
  expect(view.targetGroups.map((tg) => tg.arn)).toEqual([blue.targetGroupArn]);
  expect(await probe(stack().urls.production)).toMatchObject({ status: 200 });
});

test('2: clean-up and rollback started together: one runs, the other fails before any change; production answers throughout', async () => {
  expect((await deploy('green', '1ee0002')).status).toBe('SUCCEEDED');
  expect((await run('swap', { bakeSeconds: 0 })).status).toBe('SUCCEEDED');
  const watch = watchProduction();
  const [cleanUp, rollback] = await Promise.all([run('cleanUp'), run('rollback')]);
  const { probes, failures } = await watch.stop();
  const results = [cleanUp, rollback];
  expect(results.filter((r) => r.status === 'SUCCEEDED')).toHaveLength(1);
  const loser = results.find((r) => r.status === 'FAILED');
  expect(loser?.error).toBe('BlueGreen.OperationInProgress');
  expect(statesEntered(loser?.history ?? [])).not.toContain('DescribeService');
  expect(probes).toBeGreaterThan(0);
  expect(failures).toEqual([]);
  const view = observe(stack());
  expect(view.taskSets).toHaveLength(1);
  expect(roles(view).live).toBe(view.taskSets[0]?.arn);
});

test("3: clean-up during swap's bake is refused; blue stays, so the bake can still move back", async () => {
  const blue = blueNow();
  expect((await deploy('green', '1ee0003')).status).toBe('SUCCEEDED');
  // A bake long enough (1.5 s of wall time here, 30 health polls) that clean-up starts while swap holds the lease.
  const swap = await start('swap', { bakeSeconds: 300 });
  await entered(swap, 'WatchBake');
  const cleanUp = await run('cleanUp');
  expect([cleanUp.status, cleanUp.error]).toEqual(['FAILED', 'BlueGreen.OperationInProgress']);
  expect(cleanUp.cause).toContain(swap);
  expect(observe(stack()).taskSets.map((ts) => ts.arn)).toContain(blue.arn);
  expect((await follow(swap)).status).toBe('SUCCEEDED');
  expect(observe(stack()).previous).toEqual({ kind: 'forward', targetGroupArns: [blue.targetGroupArn] });
});

test('4: swap stopped during its bake, then swap again: it takes the lease over and bakes again from the start', async () => {
  const blue = blueNow();
  expect((await deploy('green', '1ee0004')).status).toBe('SUCCEEDED');
  // A bake long enough (6 s of wall time here) that the Stop surely lands during it.
  const first = await start('swap', { bakeSeconds: 1200 });
  await entered(first, 'WatchBake');
  await stack().sfn.send(new StopExecutionCommand({ executionArn: first }));
  // The next operation takes the stale lease over; clean-up then refuses, naming the unfinished swap.
  const cleanUp = await run('cleanUp');
  expect([cleanUp.error, cleanUp.failure?.next]).toEqual(['BlueGreen.SwapUnfinished', ['swap', 'rollback']]);
  expect(statesEntered(cleanUp.history)).toContain('TakeOverLease');
  expect(cleanUp.cause).toContain(first);

  const again = await run('swap', { bakeSeconds: 30 });
  expect([again.status, again.error]).toEqual(['SUCCEEDED', undefined]);
  const states = statesEntered(again.history);
  expect(states).toEqual(expect.arrayContaining(['ResumeSwap', 'StartBake', 'WatchBake']));
  expect(states.indexOf('StartBake')).toBeGreaterThan(states.indexOf('ResumeSwap'));
  expect(again.output).toMatchObject({ bakeSeconds: 30 });
  expect(observe(stack()).previous).toEqual({ kind: 'forward', targetGroupArns: [blue.targetGroupArn] });
  expect((await run('cleanUp')).status).toBe('SUCCEEDED');
});

test('5: two rollbacks at once: one rolls back, the other fails before any change; nothing is orphaned', async () => {
  const blue = blueNow();
  expect((await deploy('green', '1ee0005')).status).toBe('SUCCEEDED');
  expect((await run('swap', { bakeSeconds: 0 })).status).toBe('SUCCEEDED');
  const results = await Promise.all([run('rollback'), run('rollback')]);
  expect(results.map((r) => r.status).sort()).toEqual(['FAILED', 'SUCCEEDED']);
  expect(results.find((r) => r.status === 'FAILED')?.error).toBe('BlueGreen.OperationInProgress');
  const view = observe(stack());
  expect(view.taskSets).toEqual([expect.objectContaining({ arn: blue.arn, status: 'PRIMARY' })]);
  expect(view.targetGroups.map((tg) => tg.arn)).toEqual([blue.targetGroupArn]);
  expect(view.extraRules).toBe(0);
});

test('6: deploy-green stopped just before it detaches its health-check rule: swap, clean-up and the next deploy-green all work', async () => {
  const stop = armStop(stack(), fs.injector, await roleOf('deployGreen'), {
    machine: 'deployGreen',
    state: 'DetachGreenHealthRule',
    occurrence: 1,
    inFlight: 'refused',
  });
  try {
    const arn = await start('deployGreen', { image: `${repo()}:green`, commit: '1ee0006' });
    stop.bind(arn);
    const stopped = await follow(arn);
    expect(stopped.status).toBe('ABORTED');
    expect(stop.outcome().stopped).toBe(true);
  } finally {
    stop.dispose();
  }
  expect(observe(stack()).extraRules).toBe(1);
  expect((await run('swap', { bakeSeconds: 0 })).status).toBe('SUCCEEDED');
  expect((await run('cleanUp')).status).toBe('SUCCEEDED');
  const next = await deploy('teal', '1ee0007');
  expect([next.status, next.error]).toEqual(['SUCCEEDED', undefined]);
  expect(statesEntered(next.history)).toContain('DeleteDeploymentRule');
  expect(observe(stack()).extraRules).toBe(0);
  expect((await run('abort')).status).toBe('SUCCEEDED');
});

test("7: blue can't be made primary again during the bake's undo: the error names rollback, and rollback finishes the job", async () => {
  const blue = blueNow();
  expect((await deploy('green', '1ee0008')).status).toBe('SUCCEEDED');
  // Every health read after swap's own checks fails for good (DescribeTargetHealth: green's gate is call 1, blue's
  // check call 2), so the bake's green watch cannot be set up (its function's check, retried by swap) and the swap is
  // undone; UpdateServicePrimaryTaskSet: swap makes green primary (call 1), every attempt of the undo's "blue primary"
  // fails.
  fs.injector.arm({
    api: [
      { service: ELB, operation: 'DescribeTargetHealth', kind: 'client-error', call: 3, through: 50 },
      { service: ECS, operation: 'UpdateServicePrimaryTaskSet', kind: 'client-error', call: 2, through: 50 },
    ],
  });
  const swap = await run('swap', { bakeSeconds: 120 });
  expect([swap.status, swap.error]).toEqual(['FAILED', 'BlueGreen.UndoFailed']);
  expect(swap.failure).toMatchObject({ undone: 'failed', next: ['rollback'] });
  fs.injector.disarm();

  const rollback = await run('rollback');
  expect([rollback.status, rollback.error]).toEqual(['SUCCEEDED', undefined]);
  const view = observe(stack());
  expect(view.production).toEqual({ kind: 'forward', targetGroupArns: [blue.targetGroupArn] });
  expect(view.taskSets).toEqual([expect.objectContaining({ arn: blue.arn, status: 'PRIMARY' })]);
  expect(await probe(stack().urls.production)).toMatchObject({ status: 200 });
});

test('8: abort started the moment green turned healthy is refused; deploy-green reports a green that still exists', async () => {
  // Deploy-green is held in its smoke test (a stand-in handler that waits for the test; the smoke test is a lifecycle
  // hook the runner invokes through local Lambda), right after green turned healthy and the test listener moved: abort
  // starts while deploy-green certainly still runs, whatever the load.
  const smokeId = Object.keys(stack().deployed.functions).find((id) => id.replace(/[0-9A-F]{8}$/, '') === SMOKE_TEST);
  // The smoke test's local code needs nothing of its environment.
  const smokeTest = smokeId
    ? localLambdaFor(smokeId, { [HANDLER_TAG]: 'smoke-test' })?.({
        endpoint: '',
        region: '',
        credentials: { accessKeyId: '', secretAccessKey: '' },
        variables: {},
      })
    : undefined;
  if (!smokeId || !smokeTest) throw new Error('The template has no smoke-test function with a local handler.');
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  stack().aws.lambda.register(smokeId, async (event) => {
    await held;
    return smokeTest(event);
  });
  try {
    const deployArn = await start('deployGreen', {
      image: `${repo()}:green`,
      commit: '1ee0009',
      smokeTest: { paths: ['/'] },
    });
    await entered(deployArn, 'RunPostTestTrafficShiftHooks');
    const abort = await run('abort');
    expect([abort.status, abort.error]).toEqual(['FAILED', 'BlueGreen.OperationInProgress']);
    release();
    const deployed = await follow(deployArn);
    expect(deployed.status).toBe('SUCCEEDED');
    const green = (deployed.output as { green: { taskSetArn: string } }).green.taskSetArn;
    expect(observe(stack()).taskSets.map((ts) => ts.arn)).toContain(green);
    expect(roles(observe(stack())).underTest).toBe(green);
  } finally {
    release();
    stack().aws.lambda.register(smokeId, smokeTest);
  }
});

test("9: the sweeps never touch target groups that look like the controller's but lack its owner tags", async () => {
  const live = blueNow();
  const name = observe(stack()).targetGroups.find((tg) => tg.arn === live.targetGroupArn)?.name ?? '';
  const prefix = name.slice(0, name.lastIndexOf('-'));
  const elb = new ElasticLoadBalancingV2Client(localClientConfig(stack().aws.endpoint, LOCAL_REGION));
  const decoys: string[] = [];
  try {
    for (const [decoy, tags] of [
      [`${prefix}-canary`, []],
      [`${prefix}-v2-1a2b3c4d`, []],
      [
        `${prefix}-0ther000`,
        [
          { Key: 'bluegreen:stack', Value: 'AnotherStack' },
          { Key: 'bluegreen:service', Value: stack().service.service },
        ],
      ],
    ] as const) {
      const created = await elb.send(
        new CreateTargetGroupCommand({
          Name: decoy,
          Protocol: 'HTTP',
          Port: 80,
          VpcId: 'vpc-1',
          TargetType: 'ip',
          ...(tags.length > 0 ? { Tags: [...tags] } : {}),
        }),
      );
      decoys.push(created.TargetGroups?.[0]?.TargetGroupArn ?? '');
    }
    expect((await deploy('green', '1ee000a')).status).toBe('SUCCEEDED');
    for (const machine of ['abort', 'rollback', 'cleanUp'] as const)
      expect((await run(machine)).status).toBe('SUCCEEDED');
    const left = stack()
      .aws.elbv2.state()
      .targetGroups.map((tg) => tg.arn);
    expect(decoys.filter((arn) => !left.includes(arn))).toEqual([]);
  } finally {
    elb.destroy();
  }
  await restoreBaseline(fs);
});

test.each([
  ['a 5xx', ELB, 'CreateRule', 'server-error', '1ee000b'],
  ['no answer (connection closed)', ELB, 'CreateRule', 'drop', '1ee000c'],
  ['no answer (connection closed)', 'DynamoDB', 'UpdateItem', 'drop', '1ee000d'],
  ['no answer (connection closed)', 'ECS', 'CreateTaskSet', 'drop', '1ee000e'],
] as const)(
  '10: a change applied but answered with %s (%s %s): the repeated call recognises it, deploy-green succeeds and leaves nothing behind',
  async (_answer, service, operation, answer, commit) => {
    fs.injector.arm({ lost: [{ service, operation, answer, call: 1 }] });
    const deployed = await deploy('green', commit);
    expect([deployed.status, deployed.error]).toEqual(['SUCCEEDED', undefined]);
    expect(fs.injector.lostResponses().map((l) => [l.operation, l.answer])).toEqual([[operation, answer]]);
    // The lost call was applied, and sent again: by the machine's Retry after a 5xx, by Step Functions' client after
    // a closed connection (local/stepfunctions/README.md).
    const calls = stack().aws.server.callLog.entries({ operation });
    const lostAt = calls.findIndex((c) => c.lostResponse !== undefined);
    expect(calls[lostAt]?.outcome).toEqual({ ok: true });
    expect(calls.length).toBeGreaterThan(lostAt + 1);
    const view = observe(stack());
    expect(view.extraRules).toBe(0);
    expect(roles(view).underTest).toBeDefined();
    expect(liveTaskSet()).toBeDefined();
    expect((await run('abort')).status).toBe('SUCCEEDED');
    expect(observe(stack()).extraRules).toBe(0);
  },
);

test("an autoscaler scaling out during swap's bake does not fail a healthy release", async () => {
  // The gate's decision for each mix of target states is specified deterministically in
  // test/state-machines/bake-gate.test.ts; here the whole swap runs while the service scales out under it.
  expect((await deploy('green', '1ee0010')).status).toBe('SUCCEEDED');
  const swap = await start('swap', { bakeSeconds: 1200 });
  await entered(swap, 'WatchBake');
  const ecs = new ECSClient(localClientConfig(stack().aws.endpoint, LOCAL_REGION));
  try {
    await ecs.send(new UpdateServiceCommand({ ...stack().service, desiredCount: 3 }));
    const swapped = await follow(swap);
    expect([swapped.status, swapped.error]).toEqual(['SUCCEEDED', undefined]);
    expect(statesEntered(swapped.history)).not.toContain('NoteGreenDegradedAfterSwap');
    expect((await run('cleanUp')).status).toBe('SUCCEEDED');
  } finally {
    // Back to the suite's desired count for the cases after this one.
    await ecs.send(new UpdateServiceCommand({ ...stack().service, desiredCount: 1 }));
    ecs.destroy();
  }
});
