import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { Duration } from 'aws-cdk-lib';
import {
  APPROVAL_EXPIRED,
  APPROVAL_REJECTED,
  APPROVAL_SUPERSEDED,
  APPROVED_LIVE_GONE,
  ERRORS,
  NOTHING_TO_APPROVE,
} from '../../contract';

const OPERATION_IN_PROGRESS = ERRORS.operationInProgress;

import { observe } from '../../harness/demo/observe';
import type { Probe } from '../../harness/demo/probe';
import { roles } from '../../oracles/invariants/state-checks';
import type { ExecutionResult } from '../../harness/demo/executions';
import type { LocalLambda } from '../../local/stepfunctions/lambda-task';
import { FaultInjector } from '../../oracles/faults/fault-plan';
import { entered, startApprovalStack, until, type ApprovalStack } from '../support/approval-stack';
import { stackTemplate } from '../support/harness';
import { MACHINE_TEST_TIMEOUT } from './machine-stack';

/**
 * The clean-up approval as a Step Functions task-token wait (swapApprovalMode 'step-functions', contract/approvals.ts),
 * on local AWS with the state machines' and the approvals function's roles enforced by local IAM: every swap that
 * moves production starts a clean-up that waits for ApproveCleanUp, holding nothing. Approved, it removes blue while
 * production keeps answering from green; rejected, or unanswered within its window, it starts rollback; an approval
 * for a version production no longer serves removes nothing; after a first release a rejection starts nothing; a
 * deploy-green while it waits is refused with nothing made, and the next release's swap waiter replaces a stale one.
 * In pipeline mode a swap starts no clean-up at all.
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

/** The colours production answered with, in order, each run of the same colour once; and every status seen. */
function answers(probes: readonly Probe[]): { colours: string[]; statuses: number[] } {
  const colours: string[] = [];
  for (const p of probes) {
    const colour = p.colour ?? `(${p.status})`;
    if (colours[colours.length - 1] !== colour) colours.push(colour);
  }
  return { colours, statuses: [...new Set(probes.map((p) => p.status))] };
}

/** The rollback a clean-up's failure message says it started: "Rollback was started (execution ARN)". */
const startedIn = (message: string | undefined): string | undefined =>
  /execution (arn:\S+?)\)/.exec(message ?? '')?.[1];

describe('windows of a day (every approval answered well within its window)', () => {
  let a: ApprovalStack;
  /** Never armed with a plan: its gates hold a call while a test acts. */
  const injector = new FaultInjector();
  beforeAll(async () => {
    a = await startApprovalStack({
      swapApprovalTimeout: Duration.days(1),
      cleanUpApprovalTimeout: Duration.days(1),
      bakeTime: Duration.seconds(10),
      faults: injector,
    });
  });
  afterAll(async () => a?.close());

  test('first release, swapped by hand: a clean-up waits; rejecting it starts no rollback and says so; production keeps serving', async () => {
    const { swap: swapWaiter, pending: swapApproval } = await a.deploy();
    // The swap by hand, with no blue: production goes live, and a clean-up starts waiting for the first release.
    const swap = await a.succeed('swap');
    expect(entered(swap)).toEqual(
      expect.arrayContaining(['RecordSwapped', 'StartCleanUpAwaitingApproval', 'FirstReleaseLive']),
    );
    const cleanUp = a.waiterOf('cleanUp', swap.executionArn);
    const pending = await a.waiting(cleanUp, 'ApproveCleanUp');
    const watch = a.watchProduction();
    const live = roles(observe(a.stack)).live;
    expect(pending.green.taskSetArn).toBe(live);
    expect(a.item()).toEqual({ approval: pending, phase: 'swapped', live });
    // It replaced the swap's own waiter, whose green is no longer under test: that one ended without aborting.
    const superseded = await a.ended(swapWaiter);
    expect({ status: superseded.status, error: superseded.error }).toEqual({
      status: 'FAILED',
      error: APPROVAL_SUPERSEDED,
    });
    expect(entered(superseded)).not.toContain('AcquireLease');
    expect(await a.statusOf(a.rejectionOf('abort', swapWaiter))).toBe('none');
    expect(swapApproval.green.taskSetArn).toBe(live);

    await a.reject(pending, 'first release looks wrong');
    const done = await a.ended(cleanUp);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'FAILED', error: APPROVAL_REJECTED });
    expect(entered(done)).toEqual(expect.arrayContaining(['AwaitApproval', 'WithdrawApproval']));
    expect(entered(done)).not.toContain('AcquireLease');
    expect(done.failure?.message).toContain('The clean-up approval was rejected: first release looks wrong.');
    expect(done.failure?.message).toContain(
      'Nothing was rolled back: this was the first release, so there is no earlier version to go back to',
    );
    expect(startedIn(done.failure?.message)).toBeUndefined();
    expect(await a.executions('rollback')).toEqual([]);
    // The approval is forgotten; nothing else changed: production serves the first release, the record says swapped.
    expect(a.item()).toEqual({ phase: 'swapped', live });
    const seen = answers(await watch.stop());
    expect(seen).toEqual({ colours: ['blue'], statuses: [200] });
    // As the message says, clean-up by hand closes the test listener.
    await a.succeed('cleanUp');
    await a.expectOneVersionLive('blue');
  });

  test('approve: the waiting clean-up removes blue while production answers 200 from green throughout', async () => {
    const watch = a.watchProduction();
    const { swap, cleanUp, pending, blue, green, blueTaskSet, blueTargetGroup } = await a.release();
    expect(entered(swap)).toEqual(
      expect.arrayContaining(['RecordSwapped', 'StartCleanUpAwaitingApproval', 'SwappedAfterBake']),
    );
    // The clean-up waits holding nothing: no lease, blue still standing by, the record says swapped.
    expect(await a.statusOf(cleanUp)).toBe('RUNNING');
    const live = roles(observe(a.stack)).live;
    expect(pending.green.taskSetArn).toBe(live);
    expect(a.item()).toEqual({ approval: pending, phase: 'swapped', live, previous: blueTaskSet });
    expect(roles(observe(a.stack)).standby).toBe(blueTaskSet);

    await a.approve(pending);
    const done = await a.ended(cleanUp);
    expect(done.status).toBe('SUCCEEDED');
    // It waited, then took the lease, compared the approved green with the one production serves, and removed blue.
    expect(entered(done)).toEqual(
      expect.arrayContaining(['AwaitApproval', 'AcquireLease', 'CheckCleanUpRecord', 'DeleteOldTaskSet']),
    );
    expect(entered(done)).not.toContain('WithdrawApproval');
    expect(entered(done)).not.toContain('RejectApprovedLiveGone');
    const view = observe(a.stack);
    expect(view.taskSets.map((t) => t.arn)).not.toContain(blueTaskSet);
    expect(view.targetGroups.map((t) => t.arn)).not.toContain(blueTargetGroup);
    await a.expectOneVersionLive(green);
    expect(a.item().phase).toBe('stable');
    const seen = answers(await watch.stop());
    // Production moved once, at the swap, and answered from green, 200, from then on.
    expect(seen).toEqual({ colours: [blue, green], statuses: [200] });
    expect(await a.statusOf(a.rejectionOf('rollback', cleanUp))).toBe('none');
  });

  test('reject: the clean-up fails ApprovalRejected and the rollback it starts puts production back on blue', async () => {
    const { cleanUp, pending, blue, green, blueTaskSet } = await a.release();
    const watch = a.watchProduction();
    await a.reject(pending, 'checkout broken');
    const done = await a.ended(cleanUp);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'FAILED', error: APPROVAL_REJECTED });
    expect(entered(done)).not.toContain('AcquireLease');
    expect(done.failure?.message).toContain('The clean-up approval was rejected: checkout broken.');
    const rollbackArn = startedIn(done.failure?.message);
    expect(rollbackArn).toBe(a.rejectionOf('rollback', cleanUp));
    expect(await a.executions('rollback')).toContain(rollbackArn);
    const rollback = await a.ended(rollbackArn ?? '');
    expect(rollback.status).toBe('SUCCEEDED');
    expect(observe(a.stack).taskSets.map((t) => t.arn)).toEqual([blueTaskSet]);
    await a.expectOneVersionLive(blue);
    expect(a.item()).toEqual({ phase: 'stable', live: blueTaskSet });
    expect(answers(await watch.stop())).toEqual({ colours: [green, blue], statuses: [200] });
  });

  test('rollback by hand while the clean-up waits, then an approval of its token: ApprovedLiveGone, nothing removed', async () => {
    const { cleanUp, pending, blue, blueTaskSet } = await a.release();
    await a.succeed('rollback');
    expect(await a.statusOf(cleanUp)).toBe('RUNNING');
    const before = a.snapshot();
    const watch = a.watchProduction();
    // The stale token still answers: approved for the green production served when the wait began.
    await a.approve(pending);
    const done = await a.ended(cleanUp);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'FAILED', error: APPROVED_LIVE_GONE });
    expect(entered(done)).toEqual(expect.arrayContaining(['AcquireLease', 'LiveLocate', 'RejectApprovedLiveGone']));
    expect(entered(done)).not.toContain('CloseTestListener');
    expect(done.failure).toMatchObject({ undone: 'nothing-changed', next: ['status'] });
    expect(done.failure?.message).toContain(`the approval was for green task set ${pending.green.taskSetArn}`);
    expect(a.snapshot()).toEqual(before);
    await a.expectOneVersionLive(blue);
    expect(a.item().live).toBe(blueTaskSet);
    expect(answers(await watch.stop())).toEqual({ colours: [blue], statuses: [200] });
  });

  test('an approval that names no green (SendTaskSuccess by hand with {}) approves nothing: refused, blue kept', async () => {
    const { cleanUp, pending, green } = await a.release();
    const before = a.snapshot();
    await a.stack.sfn.send(new SendTaskSuccessCommand({ taskToken: pending.token, output: '{}' }));
    const done = await a.ended(cleanUp);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'FAILED', error: APPROVED_LIVE_GONE });
    expect(entered(done)).toEqual(expect.arrayContaining(['AcquireLease', 'RejectApprovalNamesNoGreen']));
    expect(entered(done)).not.toContain('CloseTestListener');
    expect(done.failure).toMatchObject({ undone: 'nothing-changed', next: ['status'] });
    expect(a.snapshot()).toEqual(before);
    // Blue still stands by; the documented clean-up by hand finishes the release.
    await a.succeed('cleanUp');
    await a.expectOneVersionLive(green);
  });

  test('rollback by hand while the clean-up waits, then a rejection of its token: no second rollback, and it says why', async () => {
    const { cleanUp, pending, blue } = await a.release();
    await a.succeed('rollback');
    const before = a.snapshot();
    await a.reject(pending, 'too late');
    const done = await a.ended(cleanUp);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'FAILED', error: APPROVAL_REJECTED });
    expect(done.failure?.message).toContain(
      "Nothing was rolled back: the green it was for is no longer what production serves after a swap (the record's phase is 'stable')",
    );
    expect(await a.statusOf(a.rejectionOf('rollback', cleanUp))).toBe('none');
    expect(a.snapshot()).toEqual(before);
    await a.expectOneVersionLive(blue);
  });

  test('deploy-green while the clean-up waits is refused with nothing made; after clean-up by hand, the next release replaces the stale waiter', async () => {
    const { cleanUp, pending, green } = await a.release();
    const before = a.snapshot();
    const swapsBefore = await a.executions('swap');
    // One operation at a time: the record says swapped, so deploy-green refuses before making anything.
    const refused = await a.run('deployGreen', { image: `${a.repo}:green`, commit: 'c0ffee9' });
    expect({ status: refused.status, error: refused.error }).toEqual({
      status: 'FAILED',
      error: 'BlueGreen.DeploymentInProgress',
    });
    expect(refused.failure?.next).toEqual(['clean-up', 'rollback']);
    expect(entered(refused)).not.toContain('StartSwapAwaitingApproval');
    expect(a.snapshot()).toEqual(before);
    expect(await a.executions('swap')).toEqual(swapsBefore);
    // A swap waiter started by hand (a console re-run) finds nothing to approve and replaces nothing.
    const swapWaiter = await a.run('swap', { awaitApproval: true });
    expect({ status: swapWaiter.status, error: swapWaiter.error }).toEqual({
      status: 'FAILED',
      error: NOTHING_TO_APPROVE,
    });
    // A swap by hand finds production already on green and starts no second clean-up.
    const swapAgain = await a.succeed('swap');
    expect(entered(swapAgain)).toContain('AlreadySwapped');
    expect(await a.statusOf(a.waiterOf('cleanUp', swapAgain.executionArn))).toBe('none');
    expect(a.snapshot()).toEqual(before);
    expect(a.item()).toMatchObject({ approval: pending, phase: 'swapped' });
    expect(await a.statusOf(cleanUp)).toBe('RUNNING');

    // The refusal's way on: clean-up by hand. The waiter is now stale; the next release's swap waiter replaces it.
    await a.succeed('cleanUp');
    await a.expectOneVersionLive(green);
    const next = await a.deploy();
    const stale = await a.ended(cleanUp);
    expect({ status: stale.status, error: stale.error }).toEqual({ status: 'FAILED', error: APPROVAL_SUPERSEDED });
    expect(entered(stale)).not.toContain('AcquireLease');
    expect(stale.failure?.message).toContain(`swap execution ${next.swap} now waits at ApproveSwap`);
    expect(await a.statusOf(a.rejectionOf('rollback', cleanUp))).toBe('none');
    expect(a.item().approval).toEqual(next.pending);
    // That release is discarded (its rejection starts abort): one version live again.
    await a.reject(next.pending, 'not this one');
    expect((await a.ended(next.swap)).error).toBe(APPROVAL_REJECTED);
    expect((await a.ended(a.rejectionOf('abort', next.swap))).status).toBe('SUCCEEDED');
    await a.expectOneVersionLive(green);
  });

  /** The rejected clean-up of the next test and the rollback it started, which the test.failing after it reads. */
  let withdrawnTwice: { done: ExecutionResult; rollback: string } | undefined;

  test('WithdrawApproval retried after its first answer was lost: the rollback it started runs once, production back on blue', async () => {
    const { cleanUp, pending, blue, green } = await a.release();
    // The approvals function runs; then Lambda's answer is lost (Lambda.ServiceException, one of the errors the Task
    // retries), so Step Functions invokes it again with the same request.
    const real = a.stack.aws.sfn.registeredLambda(a.approvalsFunction) as LocalLambda;
    let lost = 0;
    a.stack.aws.sfn.registerLambda(a.approvalsFunction, async (event) => {
      const answer = await real(event);
      if ((event as { action?: unknown }).action === 'withdraw' && lost++ === 0) {
        throw Object.assign(new Error('the answer of a withdraw that ran was lost'), {
          name: 'Lambda.ServiceException',
        });
      }
      return answer;
    });
    let done: ExecutionResult;
    try {
      await a.reject(pending, 'broken');
      done = await a.ended(cleanUp);
    } finally {
      a.stack.aws.sfn.registerLambda(a.approvalsFunction, real);
    }
    expect(lost).toBe(2);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'FAILED', error: APPROVAL_REJECTED });
    // The first run started rollback (named after the clean-up, so the retry could never start a second one).
    const rollbackArn = a.rejectionOf('rollback', cleanUp);
    expect((await a.ended(rollbackArn)).status).toBe('SUCCEEDED');
    expect((await a.executions('rollback')).filter((arn) => arn === rollbackArn)).toHaveLength(1);
    await a.expectOneVersionLive(blue);
    expect(green).not.toBe(blue);
    withdrawnTwice = { done, rollback: rollbackArn };
  });

  // The retried request finds the approval already removed by the run whose answer was lost: it reads whether that
  // run started the rollback (DescribeExecution of its derived name) and names it, rather than "nothing was rolled
  // back" while that rollback puts production back on blue.
  test('after that retry, the clean-up says which rollback it started', () => {
    expect(withdrawnTwice?.done.failure?.message).toContain(
      `Rollback was started (execution ${withdrawnTwice?.rollback})`,
    );
  });

  /** The clean-up approved while the swap that started it had not yet given its lease back. */
  let approvedEarly: ExecutionResult | undefined;

  test('approved while the swap that started it still holds the lease: nothing is removed early, and the release converges', async () => {
    const { swap, pending: swapApproval, live: blue, green } = await a.deploy();
    const cleanUp = a.waiterOf('cleanUp', swap);
    // The swap's lease release (ReleaseLeaseOnSuccess, slow as a throttled DynamoDB makes it) is held.
    let releaseLease: () => void = () => undefined;
    const leaseReleased = new Promise<undefined>((resolve) => (releaseLease = () => resolve(undefined)));
    let markHeld: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (markHeld = resolve));
    const remove = injector.gate((call) => {
      if (call.principal !== a.roleArns.swap || call.operation !== 'UpdateItem') return undefined;
      if (!String(call.input['UpdateExpression']).startsWith('REMOVE #lease')) return undefined;
      markHeld();
      return leaseReleased;
    });
    const watch = a.watchProduction();
    try {
      await a.approve(swapApproval);
      await held;
      // The swap started the clean-up before giving its lease back (were it started only after, let the lease go now).
      if ((await a.statusOf(cleanUp)) === 'none') releaseLease();
      // Approved as soon as it waits (automation that approves what waits; or a person, while DynamoDB retries).
      await a.approve(await a.waiting(cleanUp, 'ApproveCleanUp'));
      // It meets the swap's lease, still held, and waits for it (WaitForLeaseAfterApproval) instead of refusing; the
      // swap gives the lease back once the clean-up waits (or has ended: then the test below fails).
      await until('the clean-up to wait for the lease, or to end', async () => {
        const execution = a.stack.aws.sfn.executions().find((e) => e.executionArn === cleanUp);
        const waits = execution?.history.some((h) => h.details?.['name'] === 'WaitForLeaseAfterApproval');
        return waits === true || (await a.statusOf(cleanUp)) !== 'RUNNING' ? true : undefined;
      });
      releaseLease();
      expect((await a.ended(swap)).status).toBe('SUCCEEDED');
      approvedEarly = await a.ended(cleanUp);
    } finally {
      releaseLease();
      remove();
    }
    if (approvedEarly.status !== 'SUCCEEDED') {
      // Refused before any change: blue still stands by; clean-up by hand finishes the release.
      expect(approvedEarly.failure?.undone).toBe('nothing-changed');
      expect(roles(observe(a.stack)).standby).toBeDefined();
      await a.succeed('cleanUp');
    }
    await a.expectOneVersionLive(green);
    expect(answers(await watch.stop())).toEqual({ colours: [blue, green], statuses: [200] });
  });

  // The clean-up becomes approvable while the swap that started it still holds the lease: an approval in that window
  // waits for the lease (lease.ts, approvedLeaseWaitRules: a minute at most) instead of failing
  // BlueGreen.OperationInProgress with the approval used up.
  test('that approval removes blue once the swap gives the lease back (it waits for it, not OperationInProgress)', () => {
    expect({ status: approvedEarly?.status, error: approvedEarly?.error }).toEqual({
      status: 'SUCCEEDED',
      error: undefined,
    });
  });

  test('approved while a rollback by hand holds the lease for over a minute: it waits 12 times, then refuses OperationInProgress; nothing removed', async () => {
    const { cleanUp, pending, blue } = await a.release();
    // The rollback's first ELBv2 call is held: it holds the lease, running, as long as the test says.
    let release: () => void = () => undefined;
    const released = new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
    let markHeld: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (markHeld = resolve));
    const remove = injector.gate((call) => {
      if (call.principal !== a.roleArns.rollback || call.operation !== 'DescribeRules') return undefined;
      markHeld();
      return released;
    });
    try {
      const rollback = await a.start('rollback');
      await held;
      expect(a.item().leaseHolder).toBe(rollback);
      await a.approve(pending);
      const done = await a.ended(cleanUp);
      expect({ status: done.status, error: done.error }).toEqual({ status: 'FAILED', error: OPERATION_IN_PROGRESS });
      expect(entered(done).filter((state) => state === 'WaitForLeaseAfterApproval')).toHaveLength(12);
      expect(entered(done)).not.toContain('CloseTestListener');
      release();
      expect((await a.ended(rollback)).status).toBe('SUCCEEDED');
    } finally {
      release();
      remove();
    }
    await a.expectOneVersionLive(blue);
  });

  test('every call the state machines and the approvals function made is allowed by their roles', async () => {
    expect(await a.iamViolations()).toEqual([]);
  });
});

describe('a clean-up window of 5 emulated minutes', () => {
  let a: ApprovalStack;
  beforeAll(async () => {
    a = await startApprovalStack({
      swapApprovalTimeout: Duration.days(1),
      cleanUpApprovalTimeout: Duration.minutes(5),
      bakeTime: Duration.seconds(10),
    });
    // The first release, approved; its clean-up by hand (the waiter it left is then stale and expires harmlessly).
    const first = await a.deploy();
    await a.approve(first.pending);
    expect((await a.ended(first.swap)).status).toBe('SUCCEEDED');
    const firstCleanUp = a.waiterOf('cleanUp', first.swap);
    await a.waiting(firstCleanUp, 'ApproveCleanUp');
    await a.succeed('cleanUp');
    const stale = await a.ended(firstCleanUp);
    expect({ status: stale.status, error: stale.error }).toEqual({ status: 'FAILED', error: APPROVAL_EXPIRED });
    expect(await a.executions('rollback')).toEqual([]);
  });
  afterAll(async () => a?.close());

  test('no answer within the window: the clean-up fails ApprovalExpired and rollback puts production back on blue', async () => {
    const { cleanUp, pending, blue, green, blueTaskSet } = await a.release();
    const watch = a.watchProduction();
    // The item says when the window ends: the stack's cleanUpApprovalTimeout after the wait began.
    expect(Date.parse(pending.expiresAt) - Date.parse(pending.requestedAt)).toBe(5 * 60_000);
    const done = await a.ended(cleanUp);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'FAILED', error: APPROVAL_EXPIRED });
    expect(entered(done)).not.toContain('AcquireLease');
    expect(done.failure?.message).toContain('No one answered the clean-up approval within its window.');
    const rollbackArn = startedIn(done.failure?.message);
    expect(rollbackArn).toBe(a.rejectionOf('rollback', cleanUp));
    expect((await a.ended(rollbackArn ?? '')).status).toBe('SUCCEEDED');
    expect(observe(a.stack).taskSets.map((t) => t.arn)).toEqual([blueTaskSet]);
    await a.expectOneVersionLive(blue);
    expect(answers(await watch.stop())).toEqual({ colours: [green, blue], statuses: [200] });
    expect(await a.iamViolations()).toEqual([]);
  });
});

describe('pipeline mode (the default)', () => {
  let a: ApprovalStack;
  beforeAll(async () => {
    a = await startApprovalStack({
      template: stackTemplate(),
      swapApprovalTimeout: Duration.days(7),
      cleanUpApprovalTimeout: Duration.days(7),
      bakeTime: Duration.seconds(0),
    });
  });
  afterAll(async () => a?.close());

  test('a swap starts no clean-up execution, and nothing calls the approvals function', async () => {
    const byHand: string[] = [];
    for (const [colour, commit] of [
      ['blue', 'b1e0001'],
      ['green', 'c0f0002'],
    ] as const) {
      const deployed = await a.succeed('deployGreen', { image: `${a.repo}:${colour}`, commit });
      expect(deployed.output).toMatchObject({ swapApproval: { mode: 'pipeline' } });
      expect(deployed.output).not.toHaveProperty('swapApproval.swapExecutionArn');
      const swap = await a.succeed('swap', { bakeSeconds: 0 });
      expect(entered(swap)).toContain('RecordSwapped');
      expect(entered(swap)).not.toContain('StartCleanUpAwaitingApproval');
      // The only clean-ups are the ones run by hand.
      expect(await a.executions('cleanUp')).toEqual(byHand);
      byHand.unshift((await a.succeed('cleanUp')).executionArn);
    }
    expect(await a.executions('swap')).toHaveLength(2);
    const approvalsCalls = a.stack.aws.server.callLog.entries().filter((c) => c.principal === a.roleArns.approvals);
    expect(approvalsCalls).toEqual([]);
    await a.expectOneVersionLive('green');
  });
});
