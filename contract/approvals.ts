/**
 * The approvals: testers say "go" before production moves to green (ApproveSwap), and again before the previous
 * version is removed (ApproveCleanUp). Two ways to collect them, chosen per stack by `swapApprovalMode`:
 *
 * - `pipeline` (the default): CodePipeline's manual approvals ApproveSwap and ApproveCleanUp, 5 minutes to 60 days;
 *   the pipeline runs swap or clean-up when one is approved, abort or rollback when it is rejected or expires
 *   (pipeline/).
 * - `step-functions`: Step Functions task-token waits inside the flow, for windows up to
 *   {@link MAX_STEP_FUNCTIONS_APPROVAL_SECONDS}. Every deploy-green that succeeds starts a swap execution with
 *   `awaitApproval: true`, and every swap that moves production starts a clean-up execution with `awaitApproval:
 *   true`. Each waits (no lease held, nothing changed) until `bluegreen approve` / `reject` answers its task token or
 *   its window ends. Approved: it goes on, for exactly the version that was approved. Rejected or expired: abort (at
 *   ApproveSwap) or rollback (at ApproveCleanUp) runs, as the pipeline's rejection does. The pipeline then ends at
 *   DeployGreen.
 *
 * The waiting execution keeps its token in the service's deployment item (attribute {@link APPROVAL_ATTRIBUTE}, beside
 * the lease and the record) with its stage and the version it is for, so the CLI finds it, and a newer waiter replaces
 * (and fails) an older one: at most one approval waits per service.
 */

import { ERRORS } from './errors';

export const SWAP_APPROVAL_MODES = ['pipeline', 'step-functions'] as const;
export type SwapApprovalMode = (typeof SWAP_APPROVAL_MODES)[number];

/** The two approvals, named as the pipeline's stages are (and as `bluegreen reject --stage` takes them). */
export const APPROVAL_STAGES = ['ApproveSwap', 'ApproveCleanUp'] as const;
export type ApprovalStage = (typeof APPROVAL_STAGES)[number];

/** What each approval is, stated once: the machine that waits for it, what it approves, what a rejection starts. */
export const APPROVAL_STAGE_SPECS: Readonly<
  Record<
    ApprovalStage,
    {
      /** The machine that waits for this approval (step-functions mode), or that the pipeline runs once it is given. */
      readonly machine: 'swap' | 'clean-up';
      /** The record's phase while this approval means something: `testing` (green under test) or `swapped`. */
      readonly phase: 'testing' | 'swapped';
      /** The record's field naming the version approved: the green under test, or the green production serves. */
      readonly versionField: 'green' | 'live';
      /** What a rejection or an expiry starts. */
      readonly rejectStarts: 'abort' | 'rollback';
      /** The stack prop setting its window. */
      readonly timeoutProp: 'swapApprovalTimeout' | 'cleanUpApprovalTimeout';
      /** In words, for messages: "the swap approval". */
      readonly title: string;
    }
  >
> = {
  ApproveSwap: {
    machine: 'swap',
    phase: 'testing',
    versionField: 'green',
    rejectStarts: 'abort',
    timeoutProp: 'swapApprovalTimeout',
    title: 'the swap approval',
  },
  ApproveCleanUp: {
    machine: 'clean-up',
    phase: 'swapped',
    versionField: 'live',
    rejectStarts: 'rollback',
    timeoutProp: 'cleanUpApprovalTimeout',
    title: 'the clean-up approval',
  },
};

/** CodePipeline's manual approval: 5 minutes to 60 days (86,400 minutes), in whole minutes. */
export const PIPELINE_APPROVAL_MINUTES = { min: 5, max: 86_400 } as const;
/**
 * The longest task-token window: a Standard execution lasts at most a year (365 days), and the swap that waited must
 * then still shift (at most 33 steps of at most a day) and bake (at most a day) inside it, so 330 days. The clean-up
 * approval takes the same limit.
 */
export const MAX_STEP_FUNCTIONS_APPROVAL_SECONDS = 330 * 86_400;
/** The shortest window either way, CodePipeline's. */
export const MIN_APPROVAL_SECONDS = 5 * 60;

/**
 * What is wrong with an approval window of `seconds` in `mode`, as a sentence naming the prop (`swapApprovalTimeout`
 * unless `prop` says otherwise) and the fix, or undefined when it is allowed: CodePipeline's 5 minutes to 60 days in
 * whole minutes, or 5 minutes to 330 days in whole seconds for the task-token wait.
 */
export function approvalWindowProblem(
  mode: string,
  seconds: number,
  shown: string,
  prop: ApprovalStageSpec['timeoutProp'] = 'swapApprovalTimeout',
): string | undefined {
  if (!(SWAP_APPROVAL_MODES as readonly string[]).includes(mode)) {
    return `swapApprovalMode is '${mode}', but it must be one of ${SWAP_APPROVAL_MODES.map((m) => `'${m}'`).join(', ')}: 'pipeline' for CodePipeline's manual approvals (up to 60 days), 'step-functions' for task-token waits inside swap and clean-up (up to 330 days).`;
  }
  if (mode === 'pipeline') {
    const minutes = seconds / 60;
    return Number.isInteger(minutes) &&
      minutes >= PIPELINE_APPROVAL_MINUTES.min &&
      minutes <= PIPELINE_APPROVAL_MINUTES.max
      ? undefined
      : `${prop} is ${shown}, but CodePipeline approvals last from 5 minutes to 60 days (86,400 minutes), in whole minutes. Choose a Duration in that range, or set swapApprovalMode: 'step-functions' for windows up to 330 days.`;
  }
  return Number.isInteger(seconds) && seconds >= MIN_APPROVAL_SECONDS && seconds <= MAX_STEP_FUNCTIONS_APPROVAL_SECONDS
    ? undefined
    : `${prop} is ${shown}, but with swapApprovalMode 'step-functions' it must be a whole number of seconds from 5 minutes to 330 days: the ${prop === 'swapApprovalTimeout' ? 'swap that waits must still shift and bake' : 'clean-up that waits must still remove blue'} within Step Functions' one-year execution limit. Choose a Duration in that range.`;
}

type ApprovalStageSpec = (typeof APPROVAL_STAGE_SPECS)[ApprovalStage];

/** The deployment item's attribute holding the waiting approval (a JSON text of {@link WaitingApproval}). */
export const APPROVAL_ATTRIBUTE = 'approval';

/** What the deployment item says about the approval that waits. */
export interface WaitingApproval {
  /** Which approval: ApproveSwap (a swap waits) or ApproveCleanUp (a clean-up waits). */
  readonly stage: ApprovalStage;
  /** The waiting Task's token: SendTaskSuccess approves, SendTaskFailure rejects. */
  readonly token: string;
  /** The execution that waits (swap at ApproveSwap, clean-up at ApproveCleanUp). */
  readonly executionArn: string;
  /**
   * The version it is for, as the record names it: at ApproveSwap the green under test, at ApproveCleanUp the green
   * production now serves (the record's `live`). An approval never acts on another one.
   */
  readonly green: { readonly taskSetArn: string; readonly commit?: string };
  readonly requestedAt: string;
  /** When the window ends (then abort or rollback runs, as for a rejection). */
  readonly expiresAt: string;
}

/** What `bluegreen approve` sends as the waiting Task's output (SendTaskSuccess), at either stage. */
export interface ApprovalAnswer {
  /** The version that was approved (from {@link WaitingApproval.green}); the waiting execution refuses any other. */
  readonly green: { readonly taskSetArn: string };
  readonly comment?: string;
}

/** SendTaskFailure's error when someone rejects. */
export const APPROVAL_REJECTED = 'BlueGreen.ApprovalRejected';
/** SendTaskFailure's error for a waiter that a newer waiter replaced (it never aborts or rolls back anything). */
export const APPROVAL_SUPERSEDED = 'BlueGreen.ApprovalSuperseded';
/** The waiting execution's error when its window ended unanswered. */
export const APPROVAL_EXPIRED = 'BlueGreen.ApprovalExpired';
/** The waiting execution's error when, as it starts waiting, there is nothing to approve at its stage. */
export const NOTHING_TO_APPROVE = ERRORS.nothingToApprove;
/** swap's error when the approved green is no longer the one under test. */
export const APPROVED_GREEN_GONE = ERRORS.approvedGreenGone;
/** clean-up's error when the approved version is no longer the one production serves. */
export const APPROVED_LIVE_GONE = ERRORS.approvedLiveGone;

/** What the approvals function is asked to do (lambdas/approvals). */
export type ApprovalsRequest =
  /**
   * deploy-green once green is under test (ApproveSwap), or swap once production serves green (ApproveCleanUp): start
   * the execution that waits, named after the asking one, so a retried request starts nothing twice.
   */
  | {
      readonly action: 'start';
      readonly stage: ApprovalStage;
      readonly cluster: string;
      readonly service: string;
      /** The execution asking (deploy-green, or swap). */
      readonly fromExecutionArn: string;
      /** The machine to start (swap, or clean-up). */
      readonly stateMachineArn: string;
    }
  /** The waiting execution, as its wait begins (a callback Task): keep the token for the version of its stage. */
  | {
      readonly action: 'request';
      readonly stage: ApprovalStage;
      readonly token: string;
      readonly executionArn: string;
      readonly now: string;
      readonly timeoutSeconds: number;
    }
  /**
   * The waiting execution, when its wait ended without approval: forget the token and, if it was rejected or expired
   * while its version is still the current one, start abort (ApproveSwap) or rollback (ApproveCleanUp).
   */
  | {
      readonly action: 'withdraw';
      readonly stage: ApprovalStage;
      readonly cluster: string;
      readonly service: string;
      readonly executionArn: string;
      readonly error: string;
      readonly cause?: string;
      /** The machine a rejection starts: abort at ApproveSwap, rollback at ApproveCleanUp. */
      readonly rejectStateMachineArn: string;
    };

/**
 * The answer to `start`. `swapExecutionArn` repeats it for a deploy-green whose definition predates the clean-up
 * approval (an execution that started before a stack update reads that field).
 */
export interface ApprovalStarted {
  readonly executionArn: string;
  readonly swapExecutionArn: string;
}
/**
 * The answer to `withdraw`: what was started (abort or rollback, if any), and the sentence the failure ends with.
 * `abortExecutionArn` repeats it for a swap whose definition predates the clean-up approval.
 */
export interface ApprovalWithdrawn {
  readonly startedExecutionArn: string | null;
  readonly abortExecutionArn: string | null;
  readonly message: string;
}

/**
 * The approval attribute's JSON text read; anything else is no approval (never an error: the CLI reads it too). An
 * item written before the clean-up approval existed has no stage: it is a swap's.
 */
export function readWaitingApproval(text: string | undefined): WaitingApproval | undefined {
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
  const stage = v['stage'] ?? 'ApproveSwap';
  if (!(APPROVAL_STAGES as readonly unknown[]).includes(stage)) return undefined;
  return {
    stage: stage as ApprovalStage,
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

/** The parts of the deployment record an approval depends on. */
export interface ApprovalRecordView {
  readonly phase: string;
  readonly green?: { readonly taskSetArn?: string; readonly commit?: string };
  readonly live?: { readonly taskSetArn?: string; readonly commit?: string };
}

/**
 * The version an approval at `stage` would be for, from the record: the green under test (phase `testing`) at
 * ApproveSwap, the green production serves (phase `swapped`, the record's `live`) at ApproveCleanUp; undefined when
 * the record is in no such phase.
 */
export function approvableVersion(
  stage: ApprovalStage,
  record: ApprovalRecordView,
): { readonly taskSetArn: string; readonly commit?: string } | undefined {
  const spec = APPROVAL_STAGE_SPECS[stage];
  if (record.phase !== spec.phase) return undefined;
  const version = record[spec.versionField];
  if (version?.taskSetArn === undefined) return undefined;
  return { taskSetArn: version.taskSetArn, ...(version.commit !== undefined && { commit: version.commit }) };
}

/**
 * The waiting approval is for the version its stage is about now (the record is in the stage's phase and names the
 * same task set): answering it means what it says.
 */
export function approvalIsCurrent(pending: WaitingApproval, record: ApprovalRecordView): boolean {
  return approvableVersion(pending.stage, record)?.taskSetArn === pending.green.taskSetArn;
}
