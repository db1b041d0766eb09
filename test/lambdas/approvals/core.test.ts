import { APPROVAL_REJECTED, APPROVAL_SUPERSEDED, approvalIsCurrent, readPendingApproval } from '../../../contract';
import {
  abortsGreen,
  derivedExecutionName,
  executionArnOf,
  greenUnderTest,
  pendingApproval,
  readApprovalsRequest,
  readRecord,
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
    expect(() => readApprovalsRequest({ action: 'approve' })).toThrow(/not a request/);
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
    expect(greenUnderTest(readRecord(JSON.stringify({ phase: 'testing', green: GREEN })))).toEqual(GREEN);
    expect(greenUnderTest(readRecord(JSON.stringify({ phase: 'baking', green: GREEN })))).toMatch(/'baking'/);
    expect(greenUnderTest(readRecord(undefined))).toMatch(/'none'/);
  });

  it('round-trips a pending approval and tells whether it is still for the green under test', () => {
    const pending = pendingApproval('tok', 'arn:exec', GREEN, '2026-01-01T00:00:00.000Z', 600);
    expect(pending.expiresAt).toBe('2026-01-01T00:10:00.000Z');
    const read = readPendingApproval(JSON.stringify(pending));
    expect(read).toEqual(pending);
    expect(approvalIsCurrent(pending, { phase: 'testing', green: GREEN })).toBe(true);
    expect(approvalIsCurrent(pending, { phase: 'testing', green: { taskSetArn: 'other' } })).toBe(false);
    expect(approvalIsCurrent(pending, { phase: 'baking', green: GREEN })).toBe(false);
    expect(readPendingApproval('{"token":1}')).toBeUndefined();
    expect(readPendingApproval('not json')).toBeUndefined();
  });
});

describe('a wait that ended without approval', () => {
  it('aborts green only when rejected or expired', () => {
    expect(abortsGreen(APPROVAL_REJECTED)).toBe(true);
    expect(abortsGreen('States.Timeout')).toBe(true);
    expect(abortsGreen(APPROVAL_SUPERSEDED)).toBe(false);
    expect(abortsGreen('Lambda.ServiceException')).toBe(false);
    expect(withdrawnError('States.Timeout')).toBe('BlueGreen.ApprovalExpired');
    expect(withdrawnError(APPROVAL_REJECTED)).toBe(APPROVAL_REJECTED);
  });

  it('says what happened and what was started', () => {
    const rejected = withdrawnMessage({
      error: APPROVAL_REJECTED,
      cause: 'layout broken',
      green: GREEN,
      abortExecutionArn: 'arn:abort',
    });
    expect(rejected).toContain('layout broken');
    expect(rejected).toContain('arn:abort');
    expect(withdrawnMessage({ error: APPROVAL_SUPERSEDED, abortExecutionArn: null })).toContain('nothing was aborted');
    expect(
      withdrawnMessage({ error: 'States.Timeout', abortExecutionArn: null, stale: 'Nothing was aborted: gone.' }),
    ).toContain('Nothing was aborted: gone.');
  });
});
