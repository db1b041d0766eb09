/**
 * The callback pattern (`arn:aws:states:::lambda:invoke.waitForTaskToken`): each time such a Task state is entered or
 * retried it gets a task token (`$$.Task.Token`, context-object.ts); the Task invokes the Lambda, ignores what it
 * returns (a Lambda error fails the Task at once), then waits until SendTaskSuccess / SendTaskFailure names the token,
 * its TimeoutSeconds(Path) or HeartbeatSeconds(Path) elapse in emulated time, or the execution ends.
 *
 * Tokens live in one registry per local Step Functions (the Send* API looks them up there) and are never forgotten:
 * a token whose task has closed (succeeded, failed, timed out, execution stopped or ended) answers TaskTimedOut.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../aws/clock';
import { AwsError } from '../aws/service';
import { isJsonObject, type JsonObject } from './definition-walk';
import { statesTimeoutError } from './library';
import { LocalRuntimeError, TaskFailure } from './task-errors';

/** What a callback Task's definition says about its timeouts (the original, unscaled values). */
export interface CallbackTiming {
  readonly timeoutSeconds?: number;
  readonly timeoutSecondsPath?: string;
  readonly heartbeatSeconds?: number;
  readonly heartbeatSecondsPath?: string;
}

/** AWS's Task timeout when a Task names none (the Task state reference: 99999999 seconds). */
export const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
/** The longest delay setTimeout holds; longer waits are re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const TOKEN_VERSION = 1;

export function callbackTiming(state: JsonObject): CallbackTiming {
  const number = (key: string): number | undefined => (typeof state[key] === 'number' ? state[key] : undefined);
  const text = (key: string): string | undefined => (typeof state[key] === 'string' ? state[key] : undefined);
  const timing = {
    timeoutSeconds: number('TimeoutSeconds'),
    timeoutSecondsPath: text('TimeoutSecondsPath'),
    heartbeatSeconds: number('HeartbeatSeconds'),
    heartbeatSecondsPath: text('HeartbeatSecondsPath'),
  };
  return Object.fromEntries(Object.entries(timing).filter(([, v]) => v !== undefined)) as CallbackTiming;
}

/** Resolved at the moment the state is entered, from its raw input. */
export interface ResolvedTiming {
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
}

type JsonPathQuery = (options: { path: string; json: unknown; wrap: false }) => unknown;
// The same jsonpath-plus instance the library evaluates paths with (context-object.ts patches it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { JSONPath } = require('jsonpath-plus') as { JSONPath: JsonPathQuery };

/**
 * TimeoutSecondsPath / HeartbeatSecondsPath: a reference path into the state's input that must select a positive
 * integer (Task state reference); anything else fails the state with States.Runtime.
 */
function secondsAt(field: string, path: string, input: unknown): number {
  let value: unknown;
  try {
    value = JSONPath({ path, json: input, wrap: false });
  } catch (error) {
    throw new LocalRuntimeError(`${field} '${path}' could not be evaluated: ${(error as Error).message}`);
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new LocalRuntimeError(
      `${field} '${path}' must select a positive integer in the state input, got ${JSON.stringify(value) ?? 'nothing'}`,
    );
  }
  return value;
}

export function resolveTiming(timing: CallbackTiming, input: unknown): ResolvedTiming {
  const timeoutSeconds =
    timing.timeoutSecondsPath !== undefined
      ? secondsAt('TimeoutSecondsPath', timing.timeoutSecondsPath, input)
      : timing.timeoutSeconds;
  const heartbeatSeconds =
    timing.heartbeatSecondsPath !== undefined
      ? secondsAt('HeartbeatSecondsPath', timing.heartbeatSecondsPath, input)
      : timing.heartbeatSeconds;
  return {
    ...(timeoutSeconds !== undefined && { timeoutSeconds }),
    ...(heartbeatSeconds !== undefined && { heartbeatSeconds }),
  };
}

/** Runs `fire` after `seconds` of emulated time, however long (re-armed past setTimeout's limit); returns cancel. */
function emulatedTimer(clock: Clock, seconds: number, fire: () => void): () => void {
  let remainingMs = clock.wallMs(seconds);
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const step = Math.min(remainingMs, MAX_TIMER_MS);
    remainingMs -= step;
    timer = setTimeout(() => (remainingMs > 0 ? arm() : fire()), step);
  };
  arm();
  return () => clearTimeout(timer);
}

interface TokenBody {
  readonly v: number;
  /** Execution ARN. */
  readonly e: string;
  /** State name. */
  readonly s: string;
  readonly n: string;
}

function encodeToken(executionArn: string, stateName: string): string {
  const body: TokenBody = { v: TOKEN_VERSION, e: executionArn, s: stateName, n: randomUUID() };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64');
}

/** True when `token` has the shape of a token this emulator issues (whether or not it is known). */
function isWellFormedToken(token: string): boolean {
  if (!/^[A-Za-z0-9+/]+=*$/.test(token)) return false;
  try {
    const body = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as unknown;
    return (
      isJsonObject(body) &&
      body['v'] === TOKEN_VERSION &&
      typeof body['e'] === 'string' &&
      typeof body['s'] === 'string' &&
      typeof body['n'] === 'string'
    );
  } catch {
    return false;
  }
}

export type CallbackOutcome =
  { readonly ok: true; readonly output: unknown } | { readonly ok: false; readonly error: Error };

/** One attempt of a callback Task: its token, its timers and how it ended. */
export class CallbackTask {
  private open = true;
  private cancelTimers: Array<() => void> = [];
  private heartbeatSeconds?: number;
  private settle!: (outcome: CallbackOutcome) => void;
  /** Settles once: the callback's output, or the error that ends the Task. */
  readonly outcome: Promise<CallbackOutcome>;

  constructor(
    readonly token: string,
    readonly executionArn: string,
    readonly stateName: string,
    private readonly clock: Clock,
    /** The timeouts from the state's input, or why they could not be read (States.Runtime when the Task runs). */
    readonly timing: ResolvedTiming | { readonly problem: Error },
  ) {
    this.outcome = new Promise((resolve) => (this.settle = resolve));
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** The Task has started (TaskStarted): the timeout and heartbeat clocks run from now. */
  start(signal: AbortSignal): void {
    if (!this.open) return;
    if (signal.aborted) return this.end({ ok: false, error: signal.reason as Error });
    const onAbort = (): void => this.end({ ok: false, error: signal.reason as Error });
    signal.addEventListener('abort', onAbort, { once: true });
    this.cancelTimers.push(() => signal.removeEventListener('abort', onAbort));
    const timing = 'problem' in this.timing ? {} : this.timing;
    const timeout = timing.timeoutSeconds ?? AWS_DEFAULT_TASK_TIMEOUT_SECONDS;
    this.cancelTimers.push(
      emulatedTimer(this.clock, timeout, () => {
        // The library's own States.Timeout error class: Retry/Catch treat it as States.Timeout, which the
        // States.TaskFailed wildcard does not match (as on AWS).
        void statesTimeoutError().then((error) => this.end({ ok: false, error }));
      }),
    );
    this.heartbeatSeconds = timing.heartbeatSeconds;
    this.armHeartbeat();
  }

  private cancelHeartbeat?: () => void;

  private armHeartbeat(): void {
    this.cancelHeartbeat?.();
    if (this.heartbeatSeconds === undefined) return;
    this.cancelHeartbeat = emulatedTimer(this.clock, this.heartbeatSeconds, () =>
      this.end({
        ok: false,
        error: new TaskFailure('States.HeartbeatTimeout', 'The task did not send a heartbeat in time.'),
      }),
    );
  }

  succeed(output: unknown): void {
    this.end({ ok: true, output });
  }

  fail(error: Error): void {
    this.end({ ok: false, error });
  }

  heartbeat(): void {
    if (this.open) this.armHeartbeat();
  }

  /** Ends the task without an outcome anyone waits for (the execution ended, or the attempt never ran). */
  close(): void {
    this.end({ ok: false, error: new Error('The task was closed') });
  }

  private end(outcome: CallbackOutcome): void {
    if (!this.open) return;
    this.open = false;
    for (const cancel of this.cancelTimers) cancel();
    this.cancelTimers = [];
    this.cancelHeartbeat?.();
    this.settle(outcome);
  }
}

/** Every task token issued by one local Step Functions. */
export class CallbackRegistry {
  private readonly tasks = new Map<string, CallbackTask>();

  constructor(private readonly clock: Clock) {}

  issue(executionArn: string, stateName: string, timing: CallbackTask['timing']): CallbackTask {
    const task = new CallbackTask(encodeToken(executionArn, stateName), executionArn, stateName, this.clock, timing);
    this.tasks.set(task.token, task);
    return task;
  }

  /**
   * The open task a Send* call names. InvalidToken: not a token at all; TaskDoesNotExist: a token of ours that this
   * service never issued; TaskTimedOut: its task has closed (API reference: "the task token has either expired or the
   * task associated with the token has already been closed").
   */
  openTask(token: string): CallbackTask {
    const task = this.tasks.get(token);
    if (task === undefined) {
      if (!isWellFormedToken(token)) throw new AwsError('InvalidToken', `Invalid Token: 'Invalid token'`);
      throw new AwsError('TaskDoesNotExist', `Task Does Not Exist: 'Provided task does not exist'`);
    }
    if (!task.isOpen) throw new AwsError('TaskTimedOut', `Task Timed Out: 'Provided task does not exist anymore'`);
    return task;
  }
}

/** The callback Tasks of one execution: tokens issued as states are entered, claimed by their Task handler. */
export class ExecutionCallbacks {
  /** The token issued at the latest entry of each callback state, until its handler claims it. */
  private readonly unclaimed = new Map<string, CallbackTask>();
  private readonly all: CallbackTask[] = [];

  constructor(
    private readonly registry: CallbackRegistry,
    private readonly executionArn: string,
    private readonly timings: ReadonlyMap<string, CallbackTiming>,
  ) {}

  /** context-object.ts: a state was entered or retried with this raw input; its token if it is a callback Task. */
  readonly taskToken = (stateName: string, input: unknown): string | undefined => {
    const timing = this.timings.get(stateName);
    if (timing === undefined) return undefined;
    let resolved: CallbackTask['timing'];
    try {
      resolved = resolveTiming(timing, input);
    } catch (error) {
      resolved = { problem: error as Error };
    }
    // An earlier token never claimed belongs to an attempt that failed before its Task ran (InputPath, Parameters).
    this.unclaimed.get(stateName)?.close();
    const task = this.registry.issue(this.executionArn, stateName, resolved);
    this.unclaimed.set(stateName, task);
    this.all.push(task);
    return task.token;
  };

  /**
   * The task of the attempt whose handler is starting. The library calls the handler synchronously right after it
   * logs StateEntered/StateRetried and evaluates Parameters, so the latest token of the state is this attempt's.
   */
  claim(stateName: string): CallbackTask {
    const task = this.unclaimed.get(stateName);
    if (task === undefined)
      throw new LocalRuntimeError(`No task token was issued for the callback Task '${stateName}'`);
    this.unclaimed.delete(stateName);
    return task;
  }

  /** The execution has ended: every token it issued is closed and its timers stopped. */
  closeAll(): void {
    for (const task of this.all) task.close();
    this.unclaimed.clear();
  }
}
