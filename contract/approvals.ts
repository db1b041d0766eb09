/**
 * The swap approval: testers say "go" before production moves to green. Two ways to collect it, chosen per stack:
 *
 * - `pipeline` (the default): CodePipeline's manual approval ApproveSwap, 5 minutes to 60 days; the pipeline runs swap
 *   when it is approved, abort when it is rejected or expires (pipeline/).
 * - `step-functions`: a Step Functions task-token wait inside the flow, for test windows up to
 *   {@link MAX_STEP_FUNCTIONS_APPROVAL_SECONDS}. Every deploy-green that succeeds starts a swap execution with
 *   `awaitApproval: true`; it waits (no lease held, nothing changed) until `bluegreen approve` / `reject` answers its
 *   task token or the window ends. Approved: the swap goes on, for exactly the green that was approved. Rejected or
 *   expired: abort runs, as the pipeline's rejection does. The pipeline then ends at DeployGreen.
 *
 * The waiting swap keeps its token in the service's deployment item (attribute {@link APPROVAL_ATTRIBUTE}, beside the
 * lease and the record) with the green it is for, so the CLI finds it, and a newer waiter replaces (and fails) an older
 * one: at most one approval waits per service.
 */

import { ERRORS } from './errors';

export const SWAP_APPROVAL_MODES = ['pipeline', 'step-functions'] as const;
export type SwapApprovalMode = (typeof SWAP_APPROVAL_MODES)[number];

/** CodePipeline's manual approval: 5 minutes to 60 days (86,400 minutes), in whole minutes. */
export const PIPELINE_APPROVAL_MINUTES = { min: 5, max: 86_400 } as const;
/**
 * The longest task-token window: a Standard execution lasts at most a year (365 days), and the swap that waited must
 * then still shift (at most 33 steps of at most a day) and bake (at most a day) inside it, so 330 days.
 */
export const MAX_STEP_FUNCTIONS_APPROVAL_SECONDS = 330 * 86_400;
/** The shortest window either way, CodePipeline's. */
export const MIN_APPROVAL_SECONDS = 5 * 60;

/**
 * What is wrong with a swap approval window of `seconds` in `mode`, as a sentence naming the prop and the fix, or
 * undefined when it is allowed: CodePipeline's 5 minutes to 60 days in whole minutes, or 5 minutes to 330 days in
 * whole seconds for the task-token wait.
 */
export function approvalWindowProblem(mode: string, seconds: number, shown: string): string | undefined {
  if (!(SWAP_APPROVAL_MODES as readonly string[]).includes(mode)) {
    return `swapApprovalMode is '${mode}', but it must be one of ${SWAP_APPROVAL_MODES.map((m) => `'${m}'`).join(', ')}: 'pipeline' for CodePipeline's manual approval (up to 60 days), 'step-functions' for a task-token wait inside swap (up to 330 days).`;
  }
  if (mode === 'pipeline') {
    const minutes = seconds / 60;
    return Number.isInteger(minutes) &&
      minutes >= PIPELINE_APPROVAL_MINUTES.min &&
      minutes <= PIPELINE_APPROVAL_MINUTES.max
      ? undefined
      : `swapApprovalTimeout is ${shown}, but CodePipeline approvals last from 5 minutes to 60 days (86,400 minutes), in whole minutes. Choose a Duration in that range, or set swapApprovalMode: 'step-functions' for test windows up to 330 days.`;
  }
  return Number.isInteger(seconds) && seconds >= MIN_APPROVAL_SECONDS && seconds <= MAX_STEP_FUNCTIONS_APPROVAL_SECONDS
    ? undefined
    : `swapApprovalTimeout is ${shown}, but with swapApprovalMode 'step-functions' it must be a whole number of seconds from 5 minutes to 330 days: the swap that waits must still shift and bake within Step Functions' one-year execution limit. Choose a Duration in that range.`;
}

/** The deployment item's attribute holding the waiting approval (a JSON text of {@link PendingSwapApproval}). */
export const APPROVAL_ATTRIBUTE = 'approval';

/** What the deployment item says about the approval that waits. */
export interface PendingSwapApproval {
  /** The waiting Task's token: SendTaskSuccess approves, SendTaskFailure rejects. */
  readonly token: string;
  /** The swap execution that waits. */
  readonly executionArn: string;
  /** The green it is for, as deploy-green recorded it: an approval never moves production to another one. */
  readonly green: { readonly taskSetArn: string; readonly commit?: string };
  readonly requestedAt: string;
  /** When the window ends (then abort runs, as for a rejection). */
  readonly expiresAt: string;
}

/** What `bluegreen approve` sends as the waiting Task's output (SendTaskSuccess). */
export interface SwapApprovalAnswer {
  /** The green that was approved (from {@link PendingSwapApproval.green}); swap refuses any other. */
  readonly green: { readonly taskSetArn: string };
  readonly comment?: string;
}

/** SendTaskFailure's error when someone rejects. */
export const APPROVAL_REJECTED = 'BlueGreen.ApprovalRejected';
/** SendTaskFailure's error for a waiter that a newer deployment's waiter replaced (it never aborts anything). */
export const APPROVAL_SUPERSEDED = 'BlueGreen.ApprovalSuperseded';
/** The swap's error when its window ended unanswered. */
export const APPROVAL_EXPIRED = 'BlueGreen.ApprovalExpired';
/** The swap's error when nothing waits for approval (no green under test) as it starts waiting. */
export const NOTHING_TO_APPROVE = ERRORS.nothingToApprove;
/** The swap's error when the approved green is no longer the one under test. */
export const APPROVED_GREEN_GONE = ERRORS.approvedGreenGone;

/** What the approvals function is asked to do (lambdas/approvals). */
export type ApprovalsRequest =
  /** deploy-green, once green is under test: start the swap that waits (idempotent per deploy-green execution). */
  | {
      readonly action: 'start';
      readonly cluster: string;
      readonly service: string;
      readonly deployGreenExecutionArn: string;
      readonly swapStateMachineArn: string;
    }
  /** swap, as its wait begins (a callback Task): keep the token for the green under test. */
  | {
      readonly action: 'request';
      readonly token: string;
      readonly executionArn: string;
      readonly now: string;
      readonly timeoutSeconds: number;
    }
  /**
   * swap, when its wait ended without approval: forget the token and, if it was rejected or expired while its green
   * is still the one under test, start abort.
   */
  | {
      readonly action: 'withdraw';
      readonly cluster: string;
      readonly service: string;
      readonly executionArn: string;
      readonly error: string;
      readonly cause?: string;
      readonly abortStateMachineArn: string;
    };

/** The answer to `start`. */
export interface ApprovalStarted {
  readonly swapExecutionArn: string;
}
/** The answer to `withdraw`: the abort started (if any), and the sentence swap's failure ends with. */
export interface ApprovalWithdrawn {
  readonly abortExecutionArn: string | null;
  readonly message: string;
}

/** The approval attribute's JSON text read; anything else is no approval (never an error: the CLI reads it too). */
export function readPendingApproval(text: string | undefined): PendingSwapApproval | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const green = v['green'] as Record<string, unknown> | null | undefined;
  const strings = ['token', 'executionArn', 'requestedAt', 'expiresAt'].every((k) => typeof v[k] === 'string');
  if (!strings || green === null || typeof green !== 'object' || typeof green['taskSetArn'] !== 'string') {
    return undefined;
  }
  return {
    token: v['token'] as string,
    executionArn: v['executionArn'] as string,
    green: {
      taskSetArn: green['taskSetArn'],
      ...(typeof green['commit'] === 'string' && { commit: green['commit'] }),
    },
    requestedAt: v['requestedAt'] as string,
    expiresAt: v['expiresAt'] as string,
  };
}

/**
 * The waiting approval is for the green still under test (the record's phase is `testing` and names the same green
 * task set): answering it means what it says.
 */
export function approvalIsCurrent(
  pending: PendingSwapApproval,
  record: { readonly phase: string; readonly green?: { readonly taskSetArn?: string } },
): boolean {
  return record.phase === 'testing' && record.green?.taskSetArn === pending.green.taskSetArn;
}
