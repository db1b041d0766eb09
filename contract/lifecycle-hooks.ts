/**
 * Lifecycle hooks: your code, run by the controller at fixed stages of a release, that answers whether the release goes
 * on. The protocol is ECS built-in blue/green's Lambda hook protocol, so a hook written for one runs under the other:
 *
 * - A hook is a Lambda function or a Step Functions state machine, configured on the stack per stage
 *   (infra/lib/constructs/lifecycle-hooks.ts). Hooks of one stage run one after another, in the order given.
 * - A Lambda hook receives a {@link HookEvent} and returns a {@link HookResponse}: `SUCCEEDED` (go on), `FAILED` (the
 *   machine undoes its work, as for any failed step), or `IN_PROGRESS` (invoke me again after `callBackDelay` seconds,
 *   default {@link DEFAULT_CALLBACK_DELAY_SECONDS}; `hookDetails` comes back in the next event). A function error, a
 *   response without a valid `hookStatus`, or a hook still in progress at its timeout counts as `FAILED`.
 * - A state-machine hook is started once per stage with the {@link HookEvent} as input and polled: it succeeds when its
 *   execution succeeds (unless its output is a {@link HookResponse} saying `FAILED`), and fails when the execution
 *   fails, times out or is aborted. At its timeout the runner stops it.
 *
 * The machines wait between calls with a Step Functions Wait, not inside a Lambda: a hook may take from seconds to its
 * timeout (up to {@link MAX_HOOK_TIMEOUT_SECONDS}) at three state transitions a call.
 */

/**
 * Where hooks run. ECS's names where ECS has the stage; `PRE_BLUE_REMOVAL` is clean-up's, before the old version's
 * task set is deleted (ECS removes blue after its bake with no hook of its own).
 */
export const LIFECYCLE_STAGES = [
  /** deploy-green: green's task set is steady and every target healthy; no traffic reaches it yet. */
  'POST_SCALE_UP',
  /** deploy-green: the test listener forwards to green; production is still on blue. The smoke test runs here. */
  'POST_TEST_TRAFFIC_SHIFT',
  /** swap: production forwards to green in full, before the bake; a failure moves production back to blue. */
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  /** clean-up: before the previous version (blue) is removed; a failure leaves blue in place. */
  'PRE_BLUE_REMOVAL',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const HOOK_STATUSES = ['SUCCEEDED', 'FAILED', 'IN_PROGRESS'] as const;
export type HookStatus = (typeof HOOK_STATUSES)[number];

/** ECS's default delay before a hook that answered IN_PROGRESS is called again. */
export const DEFAULT_CALLBACK_DELAY_SECONDS = 30;
/** Bounds of `callBackDelay` (the runner clamps to them): at least a second, at most a day between calls. */
export const MIN_CALLBACK_DELAY_SECONDS = 1;
export const MAX_CALLBACK_DELAY_SECONDS = 86_400;
/** How long a hook may keep answering IN_PROGRESS by default before it counts as failed. */
export const DEFAULT_HOOK_TIMEOUT_SECONDS = 3_600;
/** The longest hook timeout: a Standard execution lasts at most a year, and the hook runs inside one. */
export const MAX_HOOK_TIMEOUT_SECONDS = 365 * 86_400;
/** At most this many hooks per stage (each is one IAM statement and one environment entry of the runner). */
export const MAX_HOOKS_PER_STAGE = 10;

/** The error a failed hook fails its machine with; the cause names the hook, the stage and its reason. */
export const LIFECYCLE_HOOK_FAILED = 'BlueGreen.LifecycleHookFailed';

/** One configured hook, as the stack gives it to the runner (its `LIFECYCLE_HOOKS` environment variable). */
export interface HookConfig {
  /** The construct-given name of the hook, unique in the stack: how messages name it. */
  readonly name: string;
  readonly stage: LifecycleStage;
  readonly kind: 'lambda' | 'state-machine';
  readonly arn: string;
  readonly timeoutSeconds: number;
  /** Passed to the hook as `hookDetails` on its first call (ECS's `hookDetails` of the hook's configuration). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What a hook receives. */
export interface HookEvent {
  readonly stage: LifecycleStage;
  /** The state machine running the hook (deploy-green, swap, clean-up) and its execution. */
  readonly machine: string;
  readonly executionArn: string;
  readonly cluster: string;
  readonly service: string;
  /** The new version's task set and target group (deploy-green: and task definition; clean-up: the live version). */
  readonly green?: HookVersion;
  /** swap: the version production served before, which it goes back to if a hook fails. */
  readonly blue?: HookVersion;
  /** Where the test listener answers (deploy-green) and where production answers. */
  readonly testUrl?: string;
  readonly productionUrl?: string;
  /** The execution's input as it was started (the smoke test reads deploy-green's `smokeTest` from it). */
  readonly input?: unknown;
  /** The configured details on the first call; after IN_PROGRESS, what the hook returned. */
  readonly hookDetails?: unknown;
  /** 1 on the first call, then 2, 3, … while the hook answers IN_PROGRESS. */
  readonly invocation: number;
}

export interface HookVersion {
  readonly taskSetArn?: string;
  readonly targetGroupArn?: string;
  readonly taskDefinition?: string;
}

/** What a Lambda hook returns (ECS's hook response, plus an optional `reason` the failure message quotes). */
export interface HookResponse {
  readonly hookStatus: HookStatus;
  readonly callBackDelay?: number;
  readonly hookDetails?: unknown;
  readonly reason?: string;
}

/**
 * Where the runner is between calls, carried by the machine from one call to the next (opaque to the ASL): the
 * index of the hook running, its invocation count and details, when it started (for its timeout), and a
 * state-machine hook's execution.
 */
export interface HookProgress {
  readonly index: number;
  readonly invocation: number;
  readonly startedAt: string;
  readonly hookDetails?: unknown;
  readonly executionArn?: string;
}

/** The runner's answer to the machine. */
export interface HookRunResult {
  readonly status: HookStatus;
  /** With IN_PROGRESS: seconds until the machine calls again. */
  readonly callBackDelay: number;
  /** With IN_PROGRESS: pass back on the next call. */
  readonly progress?: HookProgress;
  /** With FAILED: what failed and why, in words (the machine's failure message quotes it). */
  readonly message?: string;
  /** Hooks that succeeded at this stage, by name, in order. */
  readonly succeeded: readonly string[];
}

/** What the machine passes the runner on each call. */
export interface HookRunRequest {
  readonly stage: LifecycleStage;
  /** The machine's clock (`$$.State.EnteredTime`), so timeouts run on the same clock as the machine's Waits. */
  readonly now: string;
  readonly event: Omit<HookEvent, 'stage' | 'hookDetails' | 'invocation'>;
  readonly progress?: HookProgress;
  readonly succeeded?: readonly string[];
}
