/**
 * Random operator plans around the approvals that wait (swapApprovalMode 'step-functions', contract/approvals.ts):
 * after a deploy-green that starts the waiting swap, one to four things an operator does, in order. A swap that moves
 * production starts a clean-up that waits for ApproveCleanUp, which the same approve answers. Pure: the runner is test/controller/approval-property.test.ts, the checks oracles/invariants/approval-checks.ts.
 */
import fc from 'fast-check';

export type ApprovalAction =
  /** `bluegreen approve`. */
  | 'approve'
  /** `bluegreen reject --stage ApproveSwap`. */
  | 'reject'
  /** `bluegreen reject --stage ApproveCleanUp` (rollback runs when a clean-up waits for it). */
  | 'rejectCleanUp'
  /** rollback started by hand (while a clean-up waits, or when there is nothing to roll back). */
  | 'rollback'
  /** abort started by hand (not through the approval). */
  | 'abort'
  /** deploy-green again: after an abort it deploys, while green is under test it is refused. */
  | 'deployGreen'
  /** swap started by hand (no approval asked for). */
  | 'swap'
  /** Nobody answers: wait until nothing waits any more (the window ends). */
  | 'expire'
  /** Two `bluegreen approve` at once (a double click). */
  | 'doubleApprove'
  /** `bluegreen approve` and `bluegreen reject --stage ApproveSwap` at once. */
  | 'approveVsReject';

export const APPROVAL_ACTIONS: readonly ApprovalAction[] = [
  'approve',
  'reject',
  'rejectCleanUp',
  'rollback',
  'abort',
  'deployGreen',
  'swap',
  'expire',
  'doubleApprove',
  'approveVsReject',
];

/** The two CLI commands, as the runner passes them to the CLI. */
export const APPROVE_ARGS = ['approve', '--comment', 'tested'] as const;
export const REJECT_ARGS = ['reject', '--stage', 'ApproveSwap', '--comment', 'not good'] as const;
export const REJECT_CLEAN_UP_ARGS = ['reject', '--stage', 'ApproveCleanUp', '--comment', 'keep blue'] as const;

/** One case: deploy-green (which starts the waiting swap), then these actions, each after the previous settled. */
export interface ApprovalPlan {
  readonly actions: readonly ApprovalAction[];
}

/** Waiting out a window costs the most wall time, so it is drawn less often than the rest. */
export const approvalActionArbitrary: fc.Arbitrary<ApprovalAction> = fc.oneof(
  {
    arbitrary: fc.constantFrom<ApprovalAction>('approve', 'reject', 'rejectCleanUp', 'abort', 'deployGreen', 'swap'),
    weight: 10,
  },
  { arbitrary: fc.constant<ApprovalAction>('rollback'), weight: 2 },
  { arbitrary: fc.constantFrom<ApprovalAction>('doubleApprove', 'approveVsReject'), weight: 4 },
  { arbitrary: fc.constant<ApprovalAction>('expire'), weight: 1 },
);

export const approvalPlanArbitrary: fc.Arbitrary<ApprovalPlan> = fc.record({
  actions: fc.array(approvalActionArbitrary, { minLength: 1, maxLength: 4 }),
});

/** The CLI commands an action runs, and whether they run at the same time. */
export function cliCommandsOf(action: ApprovalAction): {
  readonly commands: ReadonlyArray<readonly string[]>;
  readonly concurrent: boolean;
} {
  switch (action) {
    case 'approve':
      return { commands: [APPROVE_ARGS], concurrent: false };
    case 'reject':
      return { commands: [REJECT_ARGS], concurrent: false };
    case 'rejectCleanUp':
      return { commands: [REJECT_CLEAN_UP_ARGS], concurrent: false };
    case 'doubleApprove':
      return { commands: [APPROVE_ARGS, APPROVE_ARGS], concurrent: true };
    case 'approveVsReject':
      return { commands: [APPROVE_ARGS, REJECT_ARGS], concurrent: true };
    default:
      return { commands: [], concurrent: false };
  }
}
