/**
 * The approvals function's decisions, pure (contract/approvals.ts states the protocol): reading requests and the
 * deployment item, naming the executions it starts, and what a wait that ended without approval leads to.
 */
import { createHash } from 'crypto';
import { z } from 'zod';
import {
  APPROVAL_EXPIRED,
  APPROVAL_REJECTED,
  APPROVAL_SUPERSEDED,
  type ApprovalsRequest,
  type PendingSwapApproval,
} from '../../contract';

const requestSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('start'),
    cluster: z.string().min(1),
    service: z.string().min(1),
    deployGreenExecutionArn: z.string().min(1),
    swapStateMachineArn: z.string().min(1),
  }),
  z.object({
    action: z.literal('request'),
    token: z.string().min(1),
    executionArn: z.string().min(1),
    now: z.string().min(1),
    timeoutSeconds: z.number().int().positive(),
  }),
  z.object({
    action: z.literal('withdraw'),
    cluster: z.string().min(1),
    service: z.string().min(1),
    executionArn: z.string().min(1),
    error: z.string(),
    cause: z.string().optional(),
    abortStateMachineArn: z.string().min(1),
  }),
]);

export function readApprovalsRequest(event: unknown): ApprovalsRequest {
  const parsed = requestSchema.safeParse(event);
  if (!parsed.success) {
    throw new Error(`approvals: not a request as the state machines send it: ${parsed.error.message}`);
  }
  return parsed.data;
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

/** What the deployment record says about green, as far as approvals care. */
export interface RecordView {
  readonly phase: string;
  readonly green?: { readonly taskSetArn: string; readonly commit?: string };
}

const recordSchema = z
  .object({
    phase: z.string(),
    green: z.object({ taskSetArn: z.string().optional(), commit: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

/** The record's JSON text read; a missing record is the first one a service has (`none`). */
export function readRecord(text: string | undefined): RecordView {
  if (text === undefined) return { phase: 'none' };
  const parsed = recordSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`approvals: the deployment record is not one the machines write: ${text}`);
  const { phase, green } = parsed.data;
  return {
    phase,
    ...(green?.taskSetArn !== undefined && {
      green: { taskSetArn: green.taskSetArn, ...(green.commit !== undefined && { commit: green.commit }) },
    }),
  };
}

/** The green under test, which an approval may be asked for; or why there is none. */
export function greenUnderTest(record: RecordView): { readonly taskSetArn: string; readonly commit?: string } | string {
  if (record.phase !== 'testing' || record.green === undefined) {
    return `no green is under test (the deployment record's phase is '${record.phase}'; deploy-green leaves 'testing')`;
  }
  return record.green;
}

export function pendingApproval(
  token: string,
  executionArn: string,
  green: { readonly taskSetArn: string; readonly commit?: string },
  now: string,
  timeoutSeconds: number,
): PendingSwapApproval {
  const expires = new Date(Date.parse(now) + timeoutSeconds * 1000);
  return { token, executionArn, green, requestedAt: now, expiresAt: expires.toISOString() };
}

/** The swap's error for how its wait ended: rejected, expired (Step Functions' States.Timeout), superseded, other. */
export function withdrawnError(error: string): string {
  if (error === 'States.Timeout') return APPROVAL_EXPIRED;
  return error;
}

/** Whether a wait that ended this way discards green: a rejection or an expiry, as the pipeline's approval does. */
export function abortsGreen(error: string): boolean {
  return error === APPROVAL_REJECTED || error === 'States.Timeout';
}

/** The sentence swap's failure says. */
export function withdrawnMessage({
  error,
  cause,
  green,
  abortExecutionArn,
  stale,
}: {
  error: string;
  cause?: string;
  green?: { readonly taskSetArn: string; readonly commit?: string };
  abortExecutionArn: string | null;
  stale?: string;
}): string {
  const what = green ? `green ${green.commit ?? ''} (task set ${green.taskSetArn})`.replace('  ', ' ') : 'green';
  const reason = cause !== undefined && cause !== '' ? `: ${cause}` : '';
  const aborted =
    abortExecutionArn === null
      ? ''
      : ` Abort was started (execution ${abortExecutionArn}) to discard ${what}, as for a rejected pipeline approval.`;
  if (error === APPROVAL_REJECTED) {
    return `The swap approval was rejected${reason}. Production never moved.${aborted || ` ${stale ?? 'Nothing was aborted.'}`}`;
  }
  if (error === 'States.Timeout') {
    return `No one answered the swap approval within its window. Production never moved.${aborted || ` ${stale ?? 'Nothing was aborted.'}`}`;
  }
  if (error === APPROVAL_SUPERSEDED) {
    return `This swap's approval was replaced${reason}. Production never moved and nothing was aborted.`;
  }
  return `The swap approval wait failed (${error}${reason}). Production never moved and nothing was aborted: green is still under test; run swap to move production, or abort to discard it.`;
}
