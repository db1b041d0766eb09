import { APPROVAL_REJECTED, APPROVAL_SUPERSEDED, approvalIsCurrent, readWaitingApproval } from '../../../contract';
import {
  derivedExecutionName,
  executionArnOf,
  pendingApproval,
  readApprovalsRequest,
  readRecord,
  startsRejection,
  versionToApprove,
  withdrawnError,
  withdrawnMessage,
} from '../../../lambdas/approvals/core';

const GREEN = { taskSetArn: 'arn:aws:ecs:us-east-1:1:task-set/c/s/ecs-svc/1', commit: 'c0ffee1' };

describe('requests', () => {
  it('reads each action and refuses anything else, naming the problem', () => {
    expect(
      readApprovalsRequest({
        action: 'request',
        token: 't',
        executionArn: 'e',
        now: '2026-01-01T00:00:00Z',
        timeoutSeconds: 300,
      }),
    ).toMatchObject({ action: 'request', timeoutSeconds: 300 });
    expect(() => readApprovalsRequest({ action: 'request', token: 't' })).toThrow(/not a request/);
    expect(() =>
      readApprovalsRequest({ action: 'start', stage: 'ApproveEverything', cluster: 'c', service: 's' }),
    ).toThrow(/not a request/);
    expect(() => readApprovalsRequest({ action: 'approve' })).toThrow(/not a request/);
  });
});

describe('requests from a definition older than the clean-up approval', () => {
  // An execution that started before a stack update keeps its definition: its swap approval still sends these.
  it('reads a start, request and withdraw without a stage as the swap approval they are', () => {
    expect(
      readApprovalsRequest({
        action: 'start',
        cluster: 'c',
        service: 's',
        deployGreenExecutionArn: 'arn:dg',
        swapStateMachineArn: 'arn:swap',
      }),
    ).toEqual({
      action: 'start',
      stage: 'ApproveSwap',
      cluster: 'c',
      service: 's',
      fromExecutionArn: 'arn:dg',
      stateMachineArn: 'arn:swap',
    });
    expect(
      readApprovalsRequest({
        action: 'withdraw',
        cluster: 'c',
        service: 's',
        executionArn: 'arn:e',
        error: 'States.Timeout',
        abortStateMachineArn: 'arn:abort',
      }),
    ).toEqual({
      action: 'withdraw',
      stage: 'ApproveSwap',
      cluster: 'c',
      service: 's',
      executionArn: 'arn:e',
      error: 'States.Timeout',
      rejectStateMachineArn: 'arn:abort',
    });
    expect(() =>
      readApprovalsRequest({ action: 'withdraw', cluster: 'c', service: 's', executionArn: 'e', error: 'x' }),
    ).toThrow(/rejectStateMachineArn/);
    // An approval kept by an earlier function has no stage: it is a swap's.
    const { stage: _stage, ...old } = pendingApproval(
      'ApproveSwap',
      'tok',
      'arn:exec',
      GREEN,
      '2026-01-01T00:00:00.000Z',
      60,
    );
    expect(readWaitingApproval(JSON.stringify(old))?.stage).toBe('ApproveSwap');
  });
});

describe('execution names', () => {
  it('are the same for the same asking execution, different otherwise, and at most 80 characters', () => {
    const a = derivedExecutionName('approval', 'arn:x:1');
    expect(derivedExecutionName('approval', 'arn:x:1')).toBe(a);
    expect(derivedExecutionName('approval', 'arn:x:2')).not.toBe(a);
    expect(a.length).toBeLessThanOrEqual(80);
    expect(executionArnOf('arn:aws:states:us-east-1:1:stateMachine:S-swap', a)).toBe(
      `arn:aws:states:us-east-1:1:execution:S-swap:${a}`,
    );
  });
});

describe('the record and the pending approval', () => {
  it('finds the green under test only in phase testing', () => {
    expect(versionToApprove('ApproveSwap', readRecord(JSON.stringify({ phase: 'testing', green: GREEN })))).toEqual(
      GREEN,
    );
    expect(versionToApprove('ApproveSwap', readRecord(JSON.stringify({ phase: 'baking', green: GREEN })))).toMatch(
      /'baking'/,
    );
    expect(versionToApprove('ApproveSwap', readRecord(undefined))).toMatch(/'none'/);
  });

  it('finds the green production serves after a swap only in phase swapped, for the clean-up approval', () => {
    const swapped = readRecord(JSON.stringify({ phase: 'swapped', live: GREEN, previous: { taskSetArn: 'blue' } }));
    expect(versionToApprove('ApproveCleanUp', swapped)).toEqual(GREEN);
    expect(swapped.previous).toEqual({ taskSetArn: 'blue' });
    expect(versionToApprove('ApproveSwap', swapped)).toMatch(/'swapped'/);
    expect(versionToApprove('ApproveCleanUp', readRecord(JSON.stringify({ phase: 'stable', live: GREEN })))).toMatch(
      /'stable'/,
    );
    const pending = pendingApproval('ApproveCleanUp', 'tok', 'arn:exec', GREEN, '2026-01-01T00:00:00.000Z', 600);
    expect(readWaitingApproval(JSON.stringify(pending))).toEqual(pending);
    expect(approvalIsCurrent(pending, { phase: 'swapped', live: GREEN })).toBe(true);
    expect(approvalIsCurrent(pending, { phase: 'testing', green: GREEN })).toBe(false);
    expect(approvalIsCurrent(pending, { phase: 'stable', live: GREEN })).toBe(false);
    expect(readWaitingApproval(JSON.stringify({ ...pending, stage: 'ApproveAll' }))).toBeUndefined();
  });

  it('round-trips a pending approval and tells whether it is still for the green under test', () => {
    const pending = pendingApproval('ApproveSwap', 'tok', 'arn:exec', GREEN, '2026-01-01T00:00:00.000Z', 600);
    expect(pending.expiresAt).toBe('2026-01-01T00:10:00.000Z');
    const read = readWaitingApproval(JSON.stringify(pending));
    expect(read).toEqual(pending);
    expect(approvalIsCurrent(pending, { phase: 'testing', green: GREEN })).toBe(true);
    expect(approvalIsCurrent(pending, { phase: 'testing', green: { taskSetArn: 'other' } })).toBe(false);
    expect(approvalIsCurrent(pending, { phase: 'baking', green: GREEN })).toBe(false);
    expect(readWaitingApproval('{"token":1}')).toBeUndefined();
    expect(readWaitingApproval('not json')).toBeUndefined();
  });
});

describe('a wait that ended without approval', () => {
  it('starts abort or rollback only when rejected or expired', () => {
    expect(startsRejection(APPROVAL_REJECTED)).toBe(true);
    expect(startsRejection('States.Timeout')).toBe(true);
    expect(startsRejection(APPROVAL_SUPERSEDED)).toBe(false);
    expect(startsRejection('Lambda.ServiceException')).toBe(false);
    expect(withdrawnError('States.Timeout')).toBe('BlueGreen.ApprovalExpired');
    expect(withdrawnError(APPROVAL_REJECTED)).toBe(APPROVAL_REJECTED);
  });

  it('says what happened and what was started', () => {
    const rejected = withdrawnMessage({
      error: APPROVAL_REJECTED,
      cause: 'layout broken',
      green: GREEN,
      startedExecutionArn: 'arn:abort',
    });
    expect(rejected).toContain('layout broken');
    expect(rejected).toContain('arn:abort');
    expect(withdrawnMessage({ error: APPROVAL_SUPERSEDED, startedExecutionArn: null })).toContain(
      'Nothing was aborted',
    );
    expect(
      withdrawnMessage({ error: 'States.Timeout', startedExecutionArn: null, stale: 'Nothing was aborted: gone.' }),
    ).toContain('Nothing was aborted: gone.');
    const cleanUp = withdrawnMessage({
      stage: 'ApproveCleanUp',
      error: APPROVAL_REJECTED,
      green: GREEN,
      startedExecutionArn: 'arn:rollback',
    });
    expect(cleanUp).toMatch(/^The clean-up approval was rejected\. Nothing was removed/);
    expect(cleanUp).toContain('Rollback was started (execution arn:rollback)');
    expect(withdrawnMessage({ stage: 'ApproveCleanUp', error: 'States.Timeout', startedExecutionArn: null })).toContain(
      'Nothing was rolled back',
    );
  });
});
