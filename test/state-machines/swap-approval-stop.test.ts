import { DescribeStateMachineCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { Duration } from 'aws-cdk-lib';
import { readWaitingApproval, type WaitingApproval } from '../../contract';
import { shellWords } from '../../cli/hints';
import { followExecution, runExecution, statesEntered, type ExecutionResult } from '../../harness/demo/executions';
import { startLocalStack, type LocalStack } from '../../harness/demo/local-stack';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import type { FaultCall } from '../../local/aws/faults';
import { AwsError } from '../../local/aws/service';
import { FaultInjector } from '../../oracles/faults/fault-plan';
import { armStop } from '../../oracles/faults/operator';
import { orphanProblems, roles } from '../../oracles/invariants/state-checks';
import { runInProcess } from '../cli/run-in-process';
import { userEnv } from '../cli/run-bin';
import { synthVariant } from '../support/harness';
import { MACHINE_TEST_TIMEOUT } from './machine-stack';

/**
 * An operator presses Stop (StopExecution) on the swap that waits for approval (swapApprovalMode 'step-functions',
 * contract/approvals.ts), in the states around the wait: while it waits (AwaitApproval); before it asks (a stop in
 * ReadApprovalWindow: nothing kept); as the wait begins (the approvals function keeping the token); right after
 * approval (AcquireLease's write refused or applied); while WithdrawApproval forgets a rejected wait; and before it
 * runs (a reject racing the Stop). Each time production never moved and green stays under test until the operator
 * acts; the deployment item, `bluegreen status`, `approve` and `reject` say so and print swap and abort; the printed
 * command, run as printed, converges to one version live and nothing orphaned. A re-run of a stopped waiter, and a
 * deploy-green after one, each replace the leftover approval, and approve moves production.
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

let stack: LocalStack;
let repo: string;
const injector = new FaultInjector();
/** The swap state machine's role (armStop holds its calls) and the approvals function's (its DynamoDB calls). */
let swapRole: string;
let approvalsRole: string | undefined;

const run = (machine: keyof LocalStack['stateMachines'], input: Record<string, unknown> = {}) =>
  runExecution(stack.sfn, stack.stateMachines[machine], { ...stack.service, ...input });
async function succeed(result: Promise<ExecutionResult>): Promise<ExecutionResult> {
  const done = await result;
  if (done.status !== 'SUCCEEDED') throw new Error(`set-up ended ${done.status}: ${done.error} ${done.cause}`);
  return done;
}
const cli = (...args: string[]) =>
  runInProcess(['--local', '--endpoint-url', stack.aws.endpoint, '--poll-interval', '50', ...args], {
    env: userEnv() as Record<string, string>,
  });
/**
 * A command line the CLI printed, run as printed (its words after the program name), polling faster (the hidden
 * --poll-interval changes only how often the CLI reads the execution it follows).
 */
const runPrinted = (command: string) =>
  runInProcess(['--poll-interval', '50', ...shellWords(command).slice(1)], {
    env: userEnv() as Record<string, string>,
  });
const ended = (executionArn: string) => followExecution(stack.sfn, executionArn, { pollMs: 25 });
const stop = (executionArn: string) =>
  stack.sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator.Stopped', cause: 'pressed Stop' }));

/** The service's deployment item, as the approvals function and the CLI read it. */
function item(): { approval?: WaitingApproval; lease: boolean; phase: string } {
  const found = stack.aws.dynamodb
    .state()
    .tables.flatMap((table) => table.items)
    .find((i) => i['record'] !== undefined);
  const approvalText = found?.['approval'];
  const recordText = found?.['record'];
  const approval = approvalText !== undefined && 'S' in approvalText ? readWaitingApproval(approvalText.S) : undefined;
  const phase =
    recordText !== undefined && 'S' in recordText ? (JSON.parse(recordText.S) as { phase: string }).phase : 'none';
  return { ...(approval && { approval }), lease: found?.['lease'] !== undefined, phase };
}

/** The approval a swap keeps once its wait has begun (the one for `executionArn`). */
async function waitingApproval(executionArn: string): Promise<WaitingApproval> {
  for (let i = 0; i < 400; i++) {
    const pending = item().approval;
    if (pending?.executionArn === executionArn) return pending;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`swap ${executionArn} never started waiting`);
}

/** The colour production serves now (`blue` or `green`), and the other one, which the next release deploys. */
async function colours(): Promise<{ live: string; next: string }> {
  const live = (await probe(stack.urls.production)).colour ?? 'none';
  return { live, next: live === 'blue' ? 'green' : 'blue' };
}

let commits = 0;
/**
 * deploy-green in step-functions mode of the colour production does not serve: green under test, and the swap it
 * started (its ARN), with the live and green colours.
 */
async function deploy(): Promise<{ swap: string; live: string; green: string }> {
  const { live, next } = await colours();
  const commit = `${next === 'blue' ? 'b1e' : 'c0f'}${String(++commits).padStart(4, '0')}`;
  const deployed = await succeed(run('deployGreen', { image: `${repo}:${next}`, commit }));
  const output = deployed.output as { swapApproval?: { swapExecutionArn?: string } };
  return { swap: output.swapApproval?.swapExecutionArn ?? '', live, green: next };
}

/** One version live, production on `colour`, nothing else: no green, nothing orphaned, no lease. */
async function expectOneVersionLive(colour: string): Promise<void> {
  const view = observe(stack);
  expect(orphanProblems(view)).toEqual([]);
  expect(roles(view)).toEqual({ live: expect.any(String), others: [] });
  expect(view.taskSets).toHaveLength(1);
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour });
  expect(item().lease).toBe(false);
}

/** What an operator sees of a swap stopped while its green is still under test: production unmoved, green tested. */
async function expectGreenStillUnderTest(live: string, green: string, greenTaskSet: string): Promise<void> {
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: live });
  expect(await probe(stack.urls.test)).toMatchObject({ status: 200, colour: green });
  expect(roles(observe(stack)).underTest).toBe(greenTaskSet);
  expect(item().phase).toBe('testing');
}

/** The commands a refusal printed, quoted as '…' after "with" / "discard it with". */
function quotedCommands(text: string): string[] {
  return [...text.matchAll(/'((?:bluegreen|npx bluegreen) [^']*)'/g)].map((m) => m[1] ?? '');
}

beforeAll(async () => {
  stack = await startLocalStack(
    synthVariant(() => ({
      swapApprovalMode: 'step-functions',
      swapApprovalTimeout: Duration.minutes(10),
      bakeTime: Duration.seconds(10),
    })),
    { timeScale: 0.01, ports: { api: 0, listeners: { 80: 0, 8080: 0 } }, faults: injector },
  );
  repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
  swapRole =
    (await stack.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stack.stateMachines.swap }))).roleArn ??
    '';
  // The approvals function's role: the principal that keeps the first token.
  const removeObserver = injector.observe((call) => {
    if (call.operation === 'UpdateItem' && String(call.input['UpdateExpression']).includes('#approval')) {
      approvalsRole ??= call.principal;
    }
  });
  // The first release: blue goes live by a swap started by hand; the waiter deploy-green started is then stale.
  const { swap: first } = await deploy();
  await waitingApproval(first);
  removeObserver();
  if (approvalsRole === undefined) throw new Error('the approvals function kept no token: its role is unknown');
  await succeed(run('swap'));
  await succeed(run('cleanUp'));
  await stop(first);
  await ended(first);
});
afterAll(async () => stack?.close());

/**
 * Stops `executionArn` when the approvals function (its role) makes the first call `match` picks, while that call is
 * held: `applied`, the call goes on to the service (it was on its way; the function, which Step Functions does not
 * cancel, carries on); `refused`, it fails (the stop won: the function's work never happens). Resolves once stopped.
 */
function stopAtApprovalsCall(
  match: (call: FaultCall) => boolean,
  inFlight: 'applied' | 'refused',
): { bind(executionArn: string): void; stopped: Promise<void>; dispose(): void } {
  let bind: (arn: string) => void = () => undefined;
  const arn = new Promise<string>((resolve) => (bind = resolve));
  let markStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  let done = false;
  const remove = injector.gate((call) => {
    if (done || call.principal !== approvalsRole || !match(call)) return undefined;
    done = true;
    return (async () => {
      await stop(await arn);
      markStopped();
      return inFlight === 'refused'
        ? new AwsError('RequestCanceled', 'The execution was stopped before this call reached the service.', 400)
        : undefined;
    })();
  });
  return {
    bind,
    stopped,
    dispose: () => {
      done = true;
      remove();
    },
  };
}

/** Arms a stop of the next swap at the first call of its own after it entered `state` (oracles/faults/operator.ts). */
function stopSwapAt(state: string, inFlight: 'applied' | 'refused') {
  return armStop(stack, injector, swapRole, { machine: 'swap', state, occurrence: 1, inFlight });
}

/**
 * After a Stop that left green under test: `bluegreen approve` and `reject` refuse (exit 2), answer nothing, and print
 * swap and abort as the way on; status names the same two. Returns the printed swap and abort commands.
 */
async function expectRefusedWithWayOn(): Promise<{ swap: string; abort: string }> {
  // Read-only when refused, so at once.
  const [approve, reject, status] = await Promise.all([
    cli('approve'),
    cli('reject', '--stage', 'ApproveSwap'),
    cli('status'),
  ]);
  expect([approve.code, reject.code, status.code]).toEqual([2, 2, 0]);
  const printed = quotedCommands(approve.stderr);
  expect(quotedCommands(reject.stderr)).toEqual(printed);
  expect(printed.map((c) => shellWords(c).slice(-1)[0])).toEqual(['swap', 'abort']);
  expect(/^Next: (.*)$/m.exec(status.stdout)?.[1]?.split(', or ')).toEqual(printed);
  return { swap: printed[0] ?? '', abort: printed[1] ?? '' };
}

test('Stop while the swap waits in AwaitApproval: its token stays, approve names swap and abort; a re-run waits again and converges', async () => {
  const { swap, live, green } = await deploy();
  const pending = await waitingApproval(swap);
  await stop(swap);
  expect((await ended(swap)).status).toBe('ABORTED');
  // The stopped swap never withdrew its approval: the item still names its (now closed) token, for the green under test.
  expect(item()).toMatchObject({ approval: pending, lease: false, phase: 'testing' });
  await expectGreenStillUnderTest(live, green, pending.green.taskSetArn);
  await expectRefusedWithWayOn();
  await expectGreenStillUnderTest(live, green, pending.green.taskSetArn);

  // The console's "New execution" from the stopped one (the same input, awaitApproval: true) waits again: its
  // approval replaces the leftover one, and approve moves production to that green.
  const rerun = await stack.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stack.stateMachines.swap,
      input: JSON.stringify({ ...stack.service, awaitApproval: true }),
    }),
  );
  const rerunArn = rerun.executionArn ?? '';
  const again = await waitingApproval(rerunArn);
  expect(again.green).toEqual(pending.green);
  expect((await cli('approve')).code).toBe(0);
  expect((await ended(rerunArn)).status).toBe('SUCCEEDED');
  await succeed(run('cleanUp'));
  await expectOneVersionLive(green);
  // Its approval stays behind too, for a green no longer under test, or the one of the clean-up the swap started
  // (made stale by the clean-up by hand, if it asked before it): approve refuses either, nothing moves.
  expect(item().approval?.green.taskSetArn).toBe(pending.green.taskSetArn);
  expect((await cli('approve')).code).toBe(2);
  await expectOneVersionLive(green);
});

test('Stop in ReadApprovalWindow (before the wait asks): nothing is kept, approve still names swap and abort', async () => {
  // The stop lands before the approvals function keeps a token: its first call is refused, so it keeps nothing.
  const stopper = stopAtApprovalsCall((call) => call.operation === 'GetItem', 'refused');
  const leftover = item().approval;
  const { swap, live, green } = await deploy();
  try {
    stopper.bind(swap);
    await stopper.stopped;
    expect((await ended(swap)).status).toBe('ABORTED');
  } finally {
    stopper.dispose();
  }
  // Only the earlier swap's leftover approval (for a green long gone), if any.
  expect(item()).toEqual({ approval: leftover, lease: false, phase: 'testing' });
  await expectGreenStillUnderTest(live, green, roles(observe(stack)).underTest ?? '');
  const { abort } = await expectRefusedWithWayOn();

  // The printed abort runs, held once it holds the lease: meanwhile approve names status (swap and abort cannot
  // start while it runs), and status, run as printed, names the abort to watch.
  const abortRole =
    (await stack.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stack.stateMachines.abort }))).roleArn ??
    '';
  let release: () => void = () => undefined;
  const released = new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
  let markHeld: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (markHeld = resolve));
  let holding = false;
  const remove = injector.gate((call) => {
    if (holding || call.principal !== abortRole || !item().lease) return undefined;
    holding = true;
    markHeld();
    return released;
  });
  try {
    const aborting = runPrinted(abort);
    await held;
    const approve = await cli('approve');
    expect(approve.code).toBe(2);
    const printed = quotedCommands(approve.stderr);
    expect(printed.map((c) => shellWords(c).slice(-1)[0])).toEqual(['status']);
    const status = await runPrinted(printed[0] ?? '');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Next: \S.* watch arn:\S+:execution:[^:]+-abort:/m);
    release();
    expect((await aborting).code).toBe(0);
  } finally {
    release();
    remove();
  }
  await expectOneVersionLive(live);
});

test('Stop as the wait begins (the approvals function keeping the token): the same as a stop while waiting', async () => {
  // The stop lands while the approvals function reads the item; it carries on (Step Functions does not cancel it).
  const stopper = stopAtApprovalsCall((call) => call.operation === 'GetItem', 'applied');
  const { swap, live, green } = await deploy();
  try {
    stopper.bind(swap);
    await stopper.stopped;
    expect((await ended(swap)).status).toBe('ABORTED');
    // It kept the token of a swap that no longer runs.
    const pending = await waitingApproval(swap);
    await expectGreenStillUnderTest(live, green, pending.green.taskSetArn);
  } finally {
    stopper.dispose();
  }
  const { abort } = await expectRefusedWithWayOn();
  expect((await runPrinted(abort)).code).toBe(0);
  await expectOneVersionLive(live);
});

test.each([
  ['before the lease is written', 'refused'],
  ['with the lease just written', 'applied'],
] as const)(
  'Stop right after approval, %s: production untouched, approve names swap and abort, each works',
  async (_when, inFlight) => {
    const { swap, live, green } = await deploy();
    const pending = await waitingApproval(swap);
    const stopper = stopSwapAt('AcquireLease', inFlight);
    try {
      stopper.bind(swap);
      expect((await cli('approve')).code).toBe(0);
      const done = await ended(swap);
      expect(done.status).toBe('ABORTED');
      expect(statesEntered(done.history).slice(-2)).toEqual(['AwaitApproval', 'AcquireLease']);
    } finally {
      stopper.dispose();
    }
    // The lease is left only when its write was on its way as the stop landed.
    expect(item()).toMatchObject({ approval: pending, lease: inFlight === 'applied', phase: 'testing' });
    await expectGreenStillUnderTest(live, green, pending.green.taskSetArn);
    const { swap: swapCommand, abort } = await expectRefusedWithWayOn();
    // Following the stopped swap (status named watch while it waited) ends with the same way on.
    const watched = await cli('watch', swap);
    expect(watched.code).toBe(1);
    const watchNext = /^Next: (.*)$/m.exec(watched.stderr)?.[1]?.split(', or ') ?? [];
    expect(watchNext.length).toBeGreaterThan(0);
    expect([swapCommand, abort]).toEqual(expect.arrayContaining(watchNext));
    if (inFlight === 'refused') {
      expect((await runPrinted(abort)).code).toBe(0);
      await expectOneVersionLive(live);
    } else {
      // swap takes over the lease the stopped swap left, and moves production to the green it had approved.
      expect((await runPrinted(swapCommand)).code).toBe(0);
      expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: green });
      await succeed(run('cleanUp'));
      await expectOneVersionLive(green);
    }
  },
);

test('Stop while WithdrawApproval forgets a rejected wait: the approvals function finishes, abort discards green', async () => {
  const { swap, live } = await deploy();
  const pending = await waitingApproval(swap);
  // The stop lands as the approvals function removes the token; it carries on and starts abort.
  const stopper = stopAtApprovalsCall(
    (call) => call.operation === 'UpdateItem' && String(call.input['UpdateExpression']).startsWith('REMOVE'),
    'applied',
  );
  try {
    stopper.bind(swap);
    expect((await cli('reject', '--stage', 'ApproveSwap')).code).toBe(0);
    await stopper.stopped;
    const done = await ended(swap);
    expect(done.status).toBe('ABORTED');
    expect(statesEntered(done.history).slice(-1)).toEqual(['WithdrawApproval']);
  } finally {
    stopper.dispose();
  }
  expect((await cli('wait')).code).toBe(0);
  expect(item()).toEqual({ lease: false, phase: 'stable' });
  await expectOneVersionLive(live);
  expect(observe(stack).taskSets.map((t) => t.arn)).not.toContain(pending.green.taskSetArn);
});

test('a reject racing a Stop that lands first (WithdrawApproval never runs): approve names swap and abort, abort works', async () => {
  const { swap, live, green } = await deploy();
  const pending = await waitingApproval(swap);
  // The stop wins: the approvals function's first call is refused, so the wait is neither forgotten nor aborted.
  const stopper = stopAtApprovalsCall((call) => call.operation === 'GetItem', 'refused');
  try {
    stopper.bind(swap);
    expect((await cli('reject', '--stage', 'ApproveSwap')).code).toBe(0);
    await stopper.stopped;
    expect((await ended(swap)).status).toBe('ABORTED');
  } finally {
    stopper.dispose();
  }
  expect(item()).toMatchObject({ approval: pending, lease: false, phase: 'testing' });
  await expectGreenStillUnderTest(live, green, pending.green.taskSetArn);
  const { abort } = await expectRefusedWithWayOn();
  expect((await runPrinted(abort)).code).toBe(0);
  await expectOneVersionLive(live);
});

test('a second deploy-green after a stopped waiter: refused while green is under test, then its waiter replaces the leftover cleanly', async () => {
  const { swap: first, green } = await deploy();
  const stale = await waitingApproval(first);
  await stop(first);
  expect((await ended(first)).status).toBe('ABORTED');
  // deploy-green while the stopped swap's green is under test: refused, and nothing changed.
  const refused = await run('deployGreen', { image: `${repo}:${green}`, commit: 'c0ffee0' });
  expect(refused.status).toBe('FAILED');
  expect(item()).toMatchObject({ approval: stale, lease: false, phase: 'testing' });
  await succeed(run('abort'));
  // The leftover approval is still there, for a green that is gone; the next waiter replaces it.
  expect(item().approval).toEqual(stale);
  const { swap: second, green: next } = await deploy();
  const pending = await waitingApproval(second);
  expect(pending.token).not.toBe(stale.token);
  const status = await cli('status');
  expect(status.stdout).toContain(`ApproveSwap (a task-token wait): swap ${second} waits`);
  expect((await cli('approve')).code).toBe(0);
  expect((await ended(second)).status).toBe('SUCCEEDED');
  await succeed(run('cleanUp'));
  await expectOneVersionLive(next);
});
