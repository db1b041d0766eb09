/**
 * The lifecycle-hook runner's decisions, pure (contract/lifecycle-hooks.ts states the protocol): reading its
 * configuration and requests, reading a hook's answer, and what to tell the machine next.
 */
import { createHash } from 'crypto';
import { z } from 'zod';
import {
  DEFAULT_CALLBACK_DELAY_SECONDS,
  HOOK_STATUSES,
  LIFECYCLE_STAGES,
  MAX_CALLBACK_DELAY_SECONDS,
  MIN_CALLBACK_DELAY_SECONDS,
  type HookConfig,
  type HookEvent,
  type HookProgress,
  type HookResponse,
  type HookRunRequest,
  type HookRunResult,
} from '../../contract';
import { show } from '../shared/errors';

/** The runner's environment variable holding its hooks (a JSON array of HookConfig). */
export const HOOKS_VARIABLE = 'LIFECYCLE_HOOKS';

const configSchema = z.array(
  z.strictObject({
    name: z.string().min(1),
    stage: z.enum(LIFECYCLE_STAGES),
    kind: z.enum(['lambda', 'state-machine']),
    arn: z.string().min(1),
    timeoutSeconds: z.number().int().positive(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
);

/** The configured hooks; a configuration the construct did not write is the stack's bug, said plainly. */
export function readHookConfigs(text: string | undefined): readonly HookConfig[] {
  const parsed = configSchema.safeParse(JSON.parse(text ?? '[]'));
  if (!parsed.success) {
    throw new Error(`${HOOKS_VARIABLE} is not a list of hooks as LifecycleHooks writes it: ${parsed.error.message}`);
  }
  return parsed.data;
}

/**
 * The runner's own part of the progress it hands the machine (opaque to the ASL and to hooks): Invokes of the current
 * Lambda hook that got no answer in a row (throttled, Lambda's own 5xx, no response), and the last one's error.
 */
export interface RunnerProgress extends HookProgress {
  readonly unanswered?: number;
  readonly lastUnanswered?: string;
}

/** The progress once the hook answered: no Invoke in a row went unanswered. */
export function answeredProgress(progress: RunnerProgress): HookProgress {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- dropped on purpose
  const { unanswered, lastUnanswered, ...answered } = progress;
  return answered;
}

const progressSchema = z.object({
  index: z.number().int().nonnegative(),
  invocation: z.number().int().positive(),
  startedAt: z.string(),
  hookDetails: z.unknown().optional(),
  executionArn: z.string().optional(),
  unanswered: z.number().int().positive().optional(),
  lastUnanswered: z.string().optional(),
});

const requestSchema = z.object({
  stage: z.enum(LIFECYCLE_STAGES),
  now: z.string(),
  event: z
    .object({ machine: z.string(), executionArn: z.string(), cluster: z.string(), service: z.string() })
    .passthrough(),
  progress: progressSchema.optional(),
  succeeded: z.array(z.string()).optional(),
});

export function readRunRequest(event: unknown): HookRunRequest & { readonly progress?: RunnerProgress } {
  const parsed = requestSchema.safeParse(event);
  if (!parsed.success) {
    throw new Error(`lifecycle-hooks: not a request as the state machines send it: ${parsed.error.message}`);
  }
  return parsed.data as HookRunRequest & { readonly progress?: RunnerProgress };
}

const responseSchema = z.object({
  hookStatus: z.enum(HOOK_STATUSES),
  callBackDelay: z.number().optional(),
  hookDetails: z.unknown().optional(),
  reason: z.string().optional(),
});

/** A hook's answer, or why it is not one (which counts as FAILED, as ECS counts it). */
export function readHookResponse(payload: unknown): HookResponse | { readonly problem: string } {
  const parsed = responseSchema.safeParse(payload);
  return parsed.success
    ? parsed.data
    : {
        problem: `it returned ${show(payload, 200)}, not {"hookStatus": "SUCCEEDED" | "FAILED" | "IN_PROGRESS"}`,
      };
}

/** `callBackDelay` as the machine waits it: a whole number of seconds within the contract's bounds. */
export function callBackDelay(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_CALLBACK_DELAY_SECONDS;
  return Math.min(MAX_CALLBACK_DELAY_SECONDS, Math.max(MIN_CALLBACK_DELAY_SECONDS, Math.ceil(requested)));
}

/** The hooks of one stage, in the configured order. */
export function hooksAt(hooks: readonly HookConfig[], stage: HookRunRequest['stage']): readonly HookConfig[] {
  return hooks.filter((hook) => hook.stage === stage);
}

/** Where the run starts: the first hook's first call. */
export function firstProgress(hooks: readonly HookConfig[], now: string): HookProgress {
  return { index: 0, invocation: 1, startedAt: now, hookDetails: hooks[0]?.details };
}

/** Seconds from `startedAt` to `now` (both ISO timestamps of the machine's clock). */
export function elapsedSeconds(startedAt: string, now: string): number {
  return Math.max(0, (Date.parse(now) - Date.parse(startedAt)) / 1000);
}

/** The event a hook receives on this call. */
export function hookEvent(request: HookRunRequest, progress: HookProgress): HookEvent {
  return {
    ...request.event,
    stage: request.stage,
    invocation: progress.invocation,
    ...(progress.hookDetails !== undefined && { hookDetails: progress.hookDetails }),
  };
}

/**
 * The name of a state-machine hook's execution: the same for every call of one stage of one execution (so a retried
 * StartExecution returns the running execution instead of starting another), distinct across executions and hooks.
 */
export function hookExecutionName(stage: string, index: number, executionArn: string): string {
  const digest = createHash('sha256').update(executionArn).digest('hex').slice(0, 32);
  return `bluegreen-${stage.toLowerCase().replace(/_/g, '-')}-${index}-${digest}`;
}

/** How messages name a hook. */
export const describeHook = (hook: HookConfig): string =>
  `lifecycle hook ${hook.name} (${hook.kind === 'lambda' ? 'Lambda function' : 'state machine'} ${hook.arn}) at ${hook.stage}`;

export const succeeded = (names: readonly string[]): HookRunResult => ({
  status: 'SUCCEEDED',
  callBackDelay: 0,
  succeeded: names,
});

export const failed = (hook: HookConfig, why: string, names: readonly string[]): HookRunResult => ({
  status: 'FAILED',
  callBackDelay: 0,
  message: `The ${describeHook(hook)} failed: ${why}.`,
  succeeded: names,
});

export const inProgress = (delay: number, progress: HookProgress, names: readonly string[]): HookRunResult => ({
  status: 'IN_PROGRESS',
  callBackDelay: delay,
  progress,
  succeeded: names,
});

/** The message of a hook still answering IN_PROGRESS (or not answering at all) at its timeout. */
export const timedOut = (hook: HookConfig, progress: RunnerProgress): string =>
  `it did not answer SUCCEEDED within its timeout of ${hook.timeoutSeconds} s (${progress.invocation - 1} call${
    progress.invocation === 2 ? '' : 's'
  } answered IN_PROGRESS${
    progress.unanswered === undefined
      ? ''
      : `; the last ${progress.unanswered === 1 ? 'Invoke' : `${progress.unanswered} Invokes`} got no answer: ${
          progress.lastUnanswered ?? 'unknown error'
        }`
  })`;

/**
 * Lambda Invoke errors that mean "not now" rather than "not ever": the request throughput limit (429), Lambda's own
 * internal error (500), and the function not ready yet (a VPC connection being re-established, an update or a
 * SnapStart initialization in progress, EC2 throttling Lambda while it sets the function up). The other modelled
 * errors are the caller's or the function's configuration (not found, access denied, payload, KMS, subnets, …), which
 * no wait fixes.
 */
const TRANSIENT_INVOKE_ERRORS = new Set([
  'TooManyRequestsException',
  'ServiceException',
  'ResourceNotReadyException',
  'ResourceConflictException',
  'SnapStartNotReadyException',
  'EC2ThrottledException',
]);
/**
 * Step Functions errors (StartExecution, DescribeExecution, StopExecution of a state-machine hook) that mean "not now":
 * the API's throttling (ThrottlingException, HTTP 400, and the SDK's own retries spent), and its 5xx. Anything else
 * (the state machine does not exist, access denied, an invalid name, …) no wait fixes.
 */
const TRANSIENT_STEP_FUNCTIONS_ERRORS = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerError',
]);
/** Node's and the SDK's names for a request that got no response (timeouts, resets, unreachable). */
const NO_RESPONSE = new Set([
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
]);

/** How the runner reads an error of a hook's Invoke. */
export type InvokeErrorVerdict =
  /** Call again later, after `retryAfterSeconds` when Lambda said (TooManyRequestsException's Retry-After). */
  | { readonly kind: 'transient'; readonly description: string; readonly retryAfterSeconds?: number }
  /** Lambda refused the Invoke for good: the hook fails. */
  | { readonly kind: 'refused'; readonly description: string }
  /** Not an answer of Lambda's API (a bug): the runner fails. */
  | { readonly kind: 'unknown' };

/**
 * Whether an Invoke error is worth waiting out. `modelled` says the SDK parsed it as one of Lambda's modelled errors
 * (any other answer of Lambda's API is the SDK's generic service exception, judged by its HTTP status: 5xx waits).
 */
export function invokeErrorVerdict(error: unknown, modelled: (error: unknown) => boolean): InvokeErrorVerdict {
  return apiErrorVerdict(error, modelled, TRANSIENT_INVOKE_ERRORS);
}

/** The same reading of an error of a state-machine hook's Step Functions call (StartExecution, DescribeExecution, …). */
export function stepFunctionsErrorVerdict(error: unknown, modelled: (error: unknown) => boolean): InvokeErrorVerdict {
  return apiErrorVerdict(error, modelled, TRANSIENT_STEP_FUNCTIONS_ERRORS);
}

function apiErrorVerdict(
  error: unknown,
  modelled: (error: unknown) => boolean,
  transientNames: ReadonlySet<string>,
): InvokeErrorVerdict {
  if (!(error instanceof Error)) return { kind: 'unknown' };
  const meta = error as Error & {
    readonly $metadata?: { readonly httpStatusCode?: number };
    readonly Message?: unknown;
    readonly code?: unknown;
    readonly retryAfterSeconds?: unknown;
  };
  const status = meta.$metadata?.httpStatusCode;
  // Lambda's shapes carry the message as `Message` or `message`; the SDK copies it to the error's message.
  const message = error.message || String(meta.Message ?? '');
  const description = `${error.name}${status === undefined ? '' : ` (HTTP ${status})`}: ${message}`;
  if (status !== undefined) {
    const transient = status === 429 || transientNames.has(error.name) || (!modelled(error) && status >= 500);
    if (!transient) return { kind: 'refused', description };
    const retryAfter = Number(meta.retryAfterSeconds);
    return {
      kind: 'transient',
      description,
      ...(meta.retryAfterSeconds !== undefined && Number.isFinite(retryAfter) && { retryAfterSeconds: retryAfter }),
    };
  }
  const code = typeof meta.code === 'string' ? meta.code : error.name;
  return NO_RESPONSE.has(code) || NO_RESPONSE.has(error.name)
    ? { kind: 'transient', description: `no response (${code}: ${error.message})` }
    : { kind: 'unknown' };
}

/** The longest wait between Invokes that got no answer. */
export const MAX_UNANSWERED_DELAY_SECONDS = 300;

/**
 * Seconds until the next Invoke after `unanswered` Invokes in a row got no answer: Lambda's Retry-After when it gave
 * one, else 2, 4, 8, … up to MAX_UNANSWERED_DELAY_SECONDS; never past the hook's timeout (`remainingSeconds`), where
 * the next call fails the hook.
 */
export function unansweredDelay(
  unanswered: number,
  retryAfterSeconds: number | undefined,
  remainingSeconds: number,
): number {
  const backOff = retryAfterSeconds ?? 2 ** Math.min(unanswered, 16);
  const delay = Math.min(MAX_UNANSWERED_DELAY_SECONDS, backOff, Math.ceil(remainingSeconds));
  return Math.max(MIN_CALLBACK_DELAY_SECONDS, Math.ceil(delay));
}
