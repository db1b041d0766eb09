import { Duration } from 'aws-cdk-lib';
import { NOTHING_TO_APPROVE } from '../../contract';
import type { ExecutionResult } from '../../harness/demo/executions';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import type { FaultCall } from '../../local/aws/faults';
import { AwsError } from '../../local/aws/service';
import { FaultInjector } from '../../oracles/faults/fault-plan';
import { armStop } from '../../oracles/faults/operator';
import { roles } from '../../oracles/invariants/state-checks';
import { entered, startApprovalStack, until, type ApprovalStack } from '../support/approval-stack';
import { MACHINE_TEST_TIMEOUT } from './machine-stack';

/**
 * An operator presses Stop (StopExecution) around the clean-up approval (swapApprovalMode 'step-functions',
 * contract/approvals.ts), on local AWS with the machines' and the approvals function's roles enforced: on the clean-up
 * that waits for ApproveCleanUp (it holds nothing), right after it is approved (as it takes the lease, before and after
 * the lease's write), after a rejection while WithdrawApproval forgets it (before it reads the item, as it removes the
 * token, as it starts rollback), and on the swap after it recorded production on green (before it started the
 * clean-up that waits, and as the approvals function starts it). Each time production keeps answering 200 from the
 * version it served, nothing is half-removed, and the documented recovery (clean-up or rollback by hand, or the
 * waiter's re-run and an approval) converges to one version live with nothing left over and no lease.
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

const injector = new FaultInjector();
let a: ApprovalStack;

beforeAll(async () => {
  a = await startApprovalStack({
    swapApprovalTimeout: Duration.days(1),
    cleanUpApprovalTimeout: Duration.days(1),
    bakeTime: Duration.seconds(10),
    faults: injector,
  });
  // The first release (no blue), approved; its clean-up approved too.
  const first = await a.deploy();
  await a.approve(first.pending);
  expect((await a.ended(first.swap)).status).toBe('SUCCEEDED');
  const cleanUp = a.waiterOf('cleanUp', first.swap);
  await a.approve(await a.waiting(cleanUp, 'ApproveCleanUp'));
  expect((await a.ended(cleanUp)).status).toBe('SUCCEEDED');
  await a.expectOneVersionLive('blue');
});
afterAll(async () => a?.close());

/**
 * Stops `executionArn()` when the approvals function makes the first call `match` picks, while that call is held:
 * `applied`, the call then reaches the service (the function, which Step Functions does not cancel, carries on);
 * `refused`, it fails (the stop won). Resolves `stopped` once StopExecution has returned.
 */
function stopAtApprovalsCall(
  executionArn: () => string,
  match: (call: FaultCall) => boolean,
  inFlight: 'applied' | 'refused',
): { stopped: Promise<void>; dispose(): void } {
  let markStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  let done = false;
  const remove = injector.gate((call) => {
    if (done || call.principal !== a.roleArns.approvals || !match(call)) return undefined;
    done = true;
    return (async () => {
      await a.stop(executionArn());
      markStopped();
      return inFlight === 'refused'
        ? new AwsError('RequestCanceled', 'The execution was stopped before this call reached the service.', 400)
        : undefined;
    })();
  });
  return {
    stopped,
    dispose: () => {
      done = true;
      remove();
    },
  };
}

/**
 * Sends `answer`, with the approvals function's first call matching `match` holding until `executionArn` is stopped
 * (stopAtApprovalsCall); returns that execution, which ended ABORTED.
 */
async function answerThenStop(
  answer: () => Promise<void>,
  executionArn: string,
  match: (call: FaultCall) => boolean,
  inFlight: 'applied' | 'refused',
): Promise<ExecutionResult> {
  const stopper = stopAtApprovalsCall(() => executionArn, match, inFlight);
  try {
    await answer();
    await stopper.stopped;
    const done = await a.ended(executionArn);
    expect(done.status).toBe('ABORTED');
    return done;
  } finally {
    stopper.dispose();
  }
}

const isRemoveApproval = (call: FaultCall) =>
  call.operation === 'UpdateItem' && String(call.input['UpdateExpression']).startsWith('REMOVE #approval');
const isStartOf = (machine: 'cleanUp' | 'rollback') => (call: FaultCall) =>
  call.operation === 'StartExecution' && call.input['stateMachineArn'] === a.stack.stateMachines[machine];

/** What a stop between swap and clean-up leaves: production on green answering 200, blue standing by, record swapped. */
async function expectSwappedWithBlueStandingBy(green: string, blueTaskSet: string): Promise<void> {
  expect(await probe(a.stack.urls.production, 10_000)).toMatchObject({ status: 200, colour: green });
  expect(roles(observe(a.stack))).toMatchObject({ standby: blueTaskSet, others: [] });
  expect(a.item().phase).toBe('swapped');
}

/** The documented ways on after such a stop, each run by hand. */
const RECOVERIES = {
  /** clean-up by hand: removes blue, keeps green. */
  cleanUp: async (green: string) => {
    await a.succeed('cleanUp');
    await a.expectOneVersionLive(green);
  },
  /** rollback by hand: production back on blue, green removed. */
  rollback: async (_green: string, blue: string) => {
    await a.succeed('rollback');
    await a.expectOneVersionLive(blue);
  },
} as const;

describe('Stop on the clean-up that waits for ApproveCleanUp', () => {
  test.each([['cleanUp'], ['rollback']] as const)(
    'Stop while it waits holds nothing: its token stays in the item, and %s by hand works',
    async (recovery) => {
      const { cleanUp, pending, blue, green, blueTaskSet } = await a.release();
      const watch = a.watchProduction();
      await a.stop(cleanUp);
      expect((await a.ended(cleanUp)).status).toBe('ABORTED');
      // Nothing held: no lease; the approval it kept stays (its token now closed); nothing removed.
      expect(a.item()).toMatchObject({ approval: pending, phase: 'swapped' });
      expect(a.item().leaseHolder).toBeUndefined();
      await expectSwappedWithBlueStandingBy(green, blueTaskSet);
      await RECOVERIES[recovery](green, blue);
      const seen = await watch.stop();
      expect(seen.every((p) => p.status === 200)).toBe(true);
      expect(await a.executions('rollback')).not.toContain(a.rejectionOf('rollback', cleanUp));
      // The console's "New execution" of the stopped waiter, now: nothing to approve, it replaces nothing.
      const before = a.snapshot();
      const rerun = await a.run('cleanUp', { awaitApproval: true });
      expect({ status: rerun.status, error: rerun.error }).toEqual({ status: 'FAILED', error: NOTHING_TO_APPROVE });
      expect(rerun.failure?.undone).toBe('nothing-changed');
      expect(a.item().approval).toEqual(pending);
      expect(a.snapshot()).toEqual(before);
      await a.expectOneVersionLive(recovery === 'cleanUp' ? green : blue);
    },
  );

  test('Stop while it waits, then its re-run (awaitApproval: true) waits again, replaces the leftover, and approve removes blue', async () => {
    const { cleanUp, pending, green, blueTaskSet } = await a.release();
    await a.stop(cleanUp);
    expect((await a.ended(cleanUp)).status).toBe('ABORTED');
    const rerun = await a.start('cleanUp', { awaitApproval: true });
    const again = await a.waiting(rerun, 'ApproveCleanUp');
    expect(again.token).not.toBe(pending.token);
    expect(again.green).toEqual(pending.green);
    await a.approve(again);
    expect((await a.ended(rerun)).status).toBe('SUCCEEDED');
    expect(observe(a.stack).taskSets.map((t) => t.arn)).not.toContain(blueTaskSet);
    await a.expectOneVersionLive(green);
  });

  test.each([
    ['before the lease is written', 'refused', 'rollback'],
    ['with the lease just written', 'applied', 'cleanUp'],
    ['with the lease just written', 'applied', 'rollback'],
  ] as const)(
    'Stop right after approval, %s (%s): nothing removed; %s by hand takes over and converges',
    async (_when, inFlight, recovery) => {
      const { cleanUp, pending, blue, green, blueTaskSet } = await a.release();
      // Its first call of its own after the wait is AcquireLease's write: the stop lands there.
      const stopper = armStop(a.stack, injector, a.roleArns.cleanUp, {
        machine: 'cleanUp',
        state: 'AcquireLease',
        occurrence: 1,
        inFlight,
      });
      try {
        stopper.bind(cleanUp);
        await a.approve(pending);
        const done = await a.ended(cleanUp);
        expect(done.status).toBe('ABORTED');
        expect(entered(done).slice(-2)).toEqual(['AwaitApproval', 'AcquireLease']);
        expect(stopper.outcome()).toMatchObject({ stopped: true, atCall: 'DynamoDB UpdateItem' });
      } finally {
        stopper.dispose();
      }
      // The lease is left only when its write was on its way as the stop landed; held by an execution that no longer
      // runs, the next operation takes it over.
      expect(a.item().leaseHolder).toBe(inFlight === 'applied' ? cleanUp : undefined);
      expect(a.item().approval).toEqual(pending);
      await expectSwappedWithBlueStandingBy(green, blueTaskSet);
      await RECOVERIES[recovery](green, blue);
    },
  );
});

describe('Stop on a rejected clean-up, in WithdrawApproval', () => {
  test('the stop lands first (before the approvals function reads the item): nothing forgotten, nothing started; rollback by hand works', async () => {
    const { cleanUp, pending, blue, green, blueTaskSet } = await a.release();
    const done = await answerThenStop(
      () => a.reject(pending, 'broken'),
      cleanUp,
      (call) => call.operation === 'GetItem',
      'refused',
    );
    expect(entered(done).slice(-1)).toEqual(['WithdrawApproval']);
    expect(a.item()).toMatchObject({ approval: pending, phase: 'swapped' });
    expect(await a.statusOf(a.rejectionOf('rollback', cleanUp))).toBe('none');
    await expectSwappedWithBlueStandingBy(green, blueTaskSet);
    await RECOVERIES.rollback(green, blue);
  });

  test('the stop lands as the approvals function removes the token: it carries on, and the rollback it starts puts blue back', async () => {
    const { cleanUp, pending, blue } = await a.release();
    await answerThenStop(() => a.reject(pending, 'broken'), cleanUp, isRemoveApproval, 'applied');
    const rollbackArn = a.rejectionOf('rollback', cleanUp);
    const rollback = await a.ended(
      await until('the rollback to start', async () => {
        return (await a.statusOf(rollbackArn)) === 'none' ? undefined : rollbackArn;
      }),
    );
    expect(rollback.status).toBe('SUCCEEDED');
    await a.expectOneVersionLive(blue);
    expect(a.item()).toEqual({ phase: 'stable', live: roles(observe(a.stack)).live });
  });

  test('the stop lands as the approvals function starts rollback: no rollback runs, and the token stays as a Stop while waiting leaves it; clean-up by hand works', async () => {
    const { cleanUp, pending, green, blueTaskSet } = await a.release();
    await answerThenStop(() => a.reject(pending, 'broken'), cleanUp, isStartOf('rollback'), 'refused');
    expect(await a.statusOf(a.rejectionOf('rollback', cleanUp))).toBe('none');
    // Rollback starts before the token is forgotten (a retry then finds one or the other), so the token of the
    // stopped clean-up stays: harmless, as after a Stop while it waits (nothing runs to answer it).
    expect(a.item().approval?.executionArn).toBe(cleanUp);
    await expectSwappedWithBlueStandingBy(green, blueTaskSet);
    await RECOVERIES.cleanUp(green);
  });
});

describe('Stop on the swap between RecordSwapped and the clean-up it starts', () => {
  /** deploy-green: the swap it started, waiting for ApproveSwap, and the blue task set production serves. */
  async function approvedSwap() {
    const blueTaskSet = roles(observe(a.stack)).live ?? '';
    const deployed = await a.deploy();
    return { ...deployed, blueTaskSet };
  }

  test.each([['swap'], ['rollback']] as const)(
    'stopped as RecordSwapped writes (no clean-up started): production on green; a re-run of %s by hand converges',
    async (rerun) => {
      const { swap, pending, live: blue, green, blueTaskSet } = await approvedSwap();
      const cleanUpsBefore = await a.executions('cleanUp');
      const stopper = armStop(a.stack, injector, a.roleArns.swap, {
        machine: 'swap',
        state: 'RecordSwapped',
        occurrence: 1,
        inFlight: 'applied',
      });
      try {
        stopper.bind(swap);
        await a.approve(pending);
        const done = await a.ended(swap);
        expect(done.status).toBe('ABORTED');
        expect(entered(done).slice(-1)).toEqual(['RecordSwapped']);
      } finally {
        stopper.dispose();
      }
      // The record says swapped and the stopped swap still holds the lease; no clean-up was started.
      expect(a.item()).toMatchObject({ phase: 'swapped', leaseHolder: swap });
      expect(await a.executions('cleanUp')).toEqual(cleanUpsBefore);
      await expectSwappedWithBlueStandingBy(green, blueTaskSet);
      if (rerun === 'swap') {
        // swap by hand takes the lease over and finds production already on green. The record it read says swapped,
        // so it starts the clean-up that waits, which the stopped run never did: approving it finishes the release.
        const again = await a.succeed('swap');
        expect(entered(again)).toEqual(
          expect.arrayContaining([
            'TakeOverLease',
            'EnsureGreenPrimary',
            'RestartCleanUpAwaitingApproval',
            'AlreadySwapped',
          ]),
        );
        const waiter = a.waiterOf('cleanUp', again.executionArn);
        await a.approve(await a.waiting(waiter, 'ApproveCleanUp'));
        expect((await a.ended(waiter)).status).toBe('SUCCEEDED');
        await a.expectOneVersionLive(green);
        // Run once more, swap finds production on green with nothing swapped to keep: no second waiter.
        const third = await a.run('swap');
        expect(entered(third)).not.toContain('RestartCleanUpAwaitingApproval');
        await a.expectOneVersionLive(green);
      } else {
        await RECOVERIES.rollback(green, blue);
      }
    },
  );

  test('stopped as the approvals function starts the clean-up (the start refused): none waits; clean-up by hand converges', async () => {
    const { swap, pending, green, blueTaskSet } = await approvedSwap();
    const done = await answerThenStop(() => a.approve(pending), swap, isStartOf('cleanUp'), 'refused');
    expect(entered(done).slice(-1)).toEqual(['StartCleanUpAwaitingApproval']);
    expect(await a.statusOf(a.waiterOf('cleanUp', swap))).toBe('none');
    expect(a.item()).toMatchObject({ phase: 'swapped', leaseHolder: swap });
    await expectSwappedWithBlueStandingBy(green, blueTaskSet);
    await RECOVERIES.cleanUp(green);
  });

  test('stopped as the approvals function starts the clean-up (the start applied): it waits, and approved it takes the lease over and removes blue', async () => {
    const { swap, pending, green, blueTaskSet } = await approvedSwap();
    await answerThenStop(() => a.approve(pending), swap, isStartOf('cleanUp'), 'applied');
    const cleanUp = a.waiterOf('cleanUp', swap);
    const waiting = await a.waiting(cleanUp, 'ApproveCleanUp');
    expect(a.item()).toMatchObject({ phase: 'swapped', leaseHolder: swap });
    await expectSwappedWithBlueStandingBy(green, blueTaskSet);
    await a.approve(waiting);
    const done = await a.ended(cleanUp);
    expect(done.status).toBe('SUCCEEDED');
    expect(entered(done)).toContain('TakeOverLease');
    await a.expectOneVersionLive(green);
  });
});

describe('afterwards', () => {
  test('every call the state machines and the approvals function made is allowed by their roles', async () => {
    expect(await a.iamViolations()).toEqual([]);
  });
});
