/**
 * The approvals function's decisions, pure (contract/approvals.ts states the protocol): reading requests and the
 * deployment item, naming the executions it starts, and what a wait that ended without approval leads to.
 */
import { createHash } from 'crypto';
import { z } from 'zod';
import {
  APPROVAL_EXPIRED,
  APPROVAL_REJECTED,
  APPROVAL_STAGE_SPECS,
  APPROVAL_STAGES,
  APPROVAL_SUPERSEDED,
  approvableVersion,
  type ApprovalRecordView,
  type ApprovalsRequest,
  type ApprovalStage,
  type WaitingApproval,
} from '../../contract';

const stage = z.enum(APPROVAL_STAGES);

/**
 * The requests, as the state machines send them. A machine definition written before the clean-up approval existed
 * (an execution that started before a stack update and still runs) sends a swap's request without `stage`, with
 * `deployGreenExecutionArn` and `swapStateMachineArn` for `start` and `abortStateMachineArn` for `withdraw`: read as
 * the ApproveSwap request it is.
 */
const requestSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('start'),
    stage: stage.default('ApproveSwap'),
    cluster: z.string().min(1),
    service: z.string().min(1),
    fromExecutionArn: z.string().min(1).optional(),
    stateMachineArn: z.string().min(1).optional(),
    deployGreenExecutionArn: z.string().min(1).optional(),
    swapStateMachineArn: z.string().min(1).optional(),
  }),
  z.object({
    action: z.literal('request'),
    stage: stage.default('ApproveSwap'),
    token: z.string().min(1),
    executionArn: z.string().min(1),
    now: z.string().min(1),
    timeoutSeconds: z.number().int().positive(),
  }),
  z.object({
    action: z.literal('withdraw'),
    stage: stage.default('ApproveSwap'),
    cluster: z.string().min(1),
    service: z.string().min(1),
    executionArn: z.string().min(1),
    error: z.string(),
    cause: z.string().optional(),
    rejectStateMachineArn: z.string().min(1).optional(),
    abortStateMachineArn: z.string().min(1).optional(),
  }),
]);

function notARequest(why: string): Error {
  return new Error(`approvals: not a request as the state machines send it: ${why}`);
}

export function readApprovalsRequest(event: unknown): ApprovalsRequest {
  const parsed = requestSchema.safeParse(event);
  if (!parsed.success) throw notARequest(parsed.error.message);
  const r = parsed.data;
  switch (r.action) {
    case 'start': {
      const fromExecutionArn = r.fromExecutionArn ?? r.deployGreenExecutionArn;
      const stateMachineArn = r.stateMachineArn ?? r.swapStateMachineArn;
      if (fromExecutionArn === undefined || stateMachineArn === undefined) {
        throw notARequest('start needs fromExecutionArn and stateMachineArn');
      }
      const { stage, cluster, service } = r;
      return { action: 'start', stage, cluster, service, fromExecutionArn, stateMachineArn };
    }
    case 'request':
      return r;
    case 'withdraw': {
      const rejectStateMachineArn = r.rejectStateMachineArn ?? r.abortStateMachineArn;
      if (rejectStateMachineArn === undefined) throw notARequest('withdraw needs rejectStateMachineArn');
      const { stage, cluster, service, executionArn, error, cause } = r;
      return {
        action: 'withdraw',
        stage,
        cluster,
        service,
        executionArn,
        error,
        ...(cause !== undefined && { cause }),
        rejectStateMachineArn,
      };
    }
  }
}

/**
 * An execution name derived from the execution that asks for it: the same request, retried after a lost answer,
 * starts nothing twice (StartExecution answers ExecutionAlreadyExists). At most 80 characters, as names must be.
 */
export function derivedExecutionName(prefix: 'approval' | 'rejected', fromExecutionArn: string): string {
  return `${prefix}-${createHash('sha256').update(fromExecutionArn).digest('hex').slice(0, 32)}`;
}

/** The ARN StartExecution gave (or would have given) an execution of `stateMachineArn` named `name`. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** What the deployment record says, as far as approvals care. */
export interface RecordView extends ApprovalRecordView {
  /** The version production can go back to (the record's `previous`), when it names one. */
  readonly previous?: { readonly taskSetArn: string };
}

const versionSchema = z
  .object({ taskSetArn: z.string().optional(), commit: z.string().optional() })
  .passthrough()
  .optional();
const recordSchema = z
  .object({ phase: z.string(), green: versionSchema, live: versionSchema, previous: versionSchema })
  .passthrough();

function version(
  v: { taskSetArn?: string | undefined; commit?: string | undefined } | undefined,
): { readonly taskSetArn: string; readonly commit?: string } | undefined {
  if (v?.taskSetArn === undefined) return undefined;
  return { taskSetArn: v.taskSetArn, ...(v.commit !== undefined && { commit: v.commit }) };
}

/** The record's JSON text read; a missing record is the first one a service has (`none`). */
export function readRecord(text: string | undefined): RecordView {
  if (text === undefined) return { phase: 'none' };
  const parsed = recordSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`approvals: the deployment record is not one the machines write: ${text}`);
  const { phase } = parsed.data;
  const green = version(parsed.data.green);
  const live = version(parsed.data.live);
  const previous = version(parsed.data.previous);
  return {
    phase,
    ...(green !== undefined && { green }),
    ...(live !== undefined && { live }),
    ...(previous !== undefined && { previous: { taskSetArn: previous.taskSetArn } }),
  };
}

/** The version an approval at `stage` may be asked for now; or why there is none. */
export function versionToApprove(
  stage: ApprovalStage,
  record: RecordView,
): { readonly taskSetArn: string; readonly commit?: string } | string {
  const found = approvableVersion(stage, record);
  if (found !== undefined) return found;
  return stage === 'ApproveSwap'
    ? `no green is under test (the deployment record's phase is '${record.phase}'; deploy-green leaves 'testing')`
    : `production does not serve a swapped green that blue still backs (the deployment record's phase is '${record.phase}'; swap leaves 'swapped')`;
}

export function pendingApproval(
  stage: ApprovalStage,
  token: string,
  executionArn: string,
  green: { readonly taskSetArn: string; readonly commit?: string },
  now: string,
  timeoutSeconds: number,
): WaitingApproval {
  const expires = new Date(Date.parse(now) + timeoutSeconds * 1000);
  return { stage, token, executionArn, green, requestedAt: now, expiresAt: expires.toISOString() };
}

/** The waiting execution's error for how its wait ended: rejected, expired (States.Timeout), superseded, other. */
export function withdrawnError(error: string): string {
  if (error === 'States.Timeout') return APPROVAL_EXPIRED;
  return error;
}

/**
 * Whether a wait that ended this way starts the stage's rejection machine (abort, or rollback): a rejection or an
 * expiry, as the pipeline's approval does.
 */
export function startsRejection(error: string): boolean {
  return error === APPROVAL_REJECTED || error === 'States.Timeout';
}

/** The sentence the waiting execution's failure says. */
export function withdrawnMessage({
  stage = 'ApproveSwap',
  error,
  cause,
  green,
  startedExecutionArn,
  stale,
}: {
  stage?: ApprovalStage;
  error: string;
  cause?: string;
  green?: { readonly taskSetArn: string; readonly commit?: string };
  startedExecutionArn: string | null;
  stale?: string;
}): string {
  const spec = APPROVAL_STAGE_SPECS[stage];
  const what = green ? `green ${green.commit ?? ''} (task set ${green.taskSetArn})`.replace('  ', ' ') : 'green';
  const reason = cause !== undefined && cause !== '' ? `: ${cause}` : '';
  const title = spec.title.replace(/^the /, 'The ');
  const started =
    startedExecutionArn === null
      ? ''
      : stage === 'ApproveSwap'
        ? ` Abort was started (execution ${startedExecutionArn}) to discard ${what}, as for a rejected pipeline approval.`
        : ` Rollback was started (execution ${startedExecutionArn}) to move production back from ${what} to blue, as for a rejected pipeline approval.`;
  const unchanged = stage === 'ApproveSwap' ? 'Production never moved.' : 'Nothing was removed: blue still runs.';
  const none = stage === 'ApproveSwap' ? 'Nothing was aborted.' : 'Nothing was rolled back.';
  if (error === APPROVAL_REJECTED) {
    return `${title} was rejected${reason}. ${unchanged}${started || ` ${stale ?? none}`}`;
  }
  if (error === 'States.Timeout') {
    return `No one answered ${spec.title} within its window. ${unchanged}${started || ` ${stale ?? none}`}`;
  }
  if (error === APPROVAL_SUPERSEDED) {
    return `This ${spec.machine}'s approval was replaced${reason}. ${unchanged} ${none}`;
  }
  return stage === 'ApproveSwap'
    ? `The swap approval wait failed (${error}${reason}). Production never moved and nothing was aborted: green is still under test; run swap to move production, or abort to discard it.`
    : `The clean-up approval wait failed (${error}${reason}). Nothing was removed and nothing was rolled back: production serves green and blue still runs; run clean-up to remove blue, or rollback to go back to it.`;
}
