/**
 * The progress of one execution as a pure function of its history (GetExecutionHistory events, oldest first) and,
 * when known, its DescribeExecution result: status, current state, elapsed time, states entered, the final error and
 * cause, what the state machine says it undid, and the next command to run. No I/O: the poller feeds it, the printer
 * renders it, and the unit tests drive it with recorded histories.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { parseFailureCause, parseJsonObject, parseSuccessOutput, type NextStep, type Undone } from '../contract';
import { hint, PLAIN_HINTS, type Hints } from './hints';
import { MACHINE_COMMAND, type MachineKind } from './machines';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface Described {
  readonly status?: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /** The execution's input (JSON text), as DescribeExecution returns it. */
  readonly input?: string;
}

export interface Progress {
  readonly machine: MachineKind | undefined;
  readonly status: ExecutionStatus;
  readonly startedAt: Date | undefined;
  readonly endedAt: Date | undefined;
  readonly elapsedMs: number;
  /** The state entered last (while running: the one running now). */
  readonly currentState: string | undefined;
  /** Every state entered, in order, repeats included. */
  readonly statesEntered: readonly string[];
  /** How many times the current state has been entered (3 = the third health check). */
  readonly currentStateCount: number;
  readonly output: Record<string, unknown> | undefined;
  /** In words: the output's message, or the message of a structured failure cause. */
  readonly message: string | undefined;
  readonly error: string | undefined;
  /** The cause as the execution reports it (for a failure the state machine wrote: JSON text). */
  readonly cause: string | undefined;
  /** What became of the run's changes, as the output or the cause states it (contract/results.ts). */
  readonly undone: Undone | undefined;
  /** CLI commands to run next, best first (empty while running). */
  readonly next: readonly string[];
  /** The execution's input (the health timeout and bake seconds the follow log counts down). */
  readonly input: Record<string, unknown> | undefined;
}

/** One line of the event log: a state entered, a failed task (before a retry or catch), or the end. */
export interface LogEntry {
  readonly id: number;
  readonly kind: 'state' | 'task-failed' | 'end';
  readonly at: Date;
  readonly elapsedMs: number;
  readonly state?: string;
  /** Whether the state was a Wait (its re-entries are the loop ticks worth showing). */
  readonly wait?: boolean;
  /** How many times this state has been entered so far, this entry included. */
  readonly count?: number;
  readonly error?: string;
  readonly cause?: string;
  readonly status?: ExecutionStatus;
}

const TERMINAL: Readonly<Record<string, ExecutionStatus>> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

function asDate(value: Date | string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function endDetails(event: HistoryEvent): { error?: string; cause?: string; output?: string } | undefined {
  return (
    event.executionSucceededEventDetails ??
    event.executionFailedEventDetails ??
    event.executionTimedOutEventDetails ??
    event.executionAbortedEventDetails
  );
}

/**
 * The arguments that start `machine` again with the same input as the run it is given (`input`: the execution's
 * input JSON), e.g. `deploy --image … --commit …`: what `fix-input` and a stopped run's "run it again" mean.
 */
export function rerunArgs(machine: MachineKind, input: Record<string, unknown> | undefined): string[] {
  const args = [MACHINE_COMMAND[machine]];
  const text = (key: string): string | undefined => (typeof input?.[key] === 'string' ? input[key] : undefined);
  const number = (key: string): number | undefined => (typeof input?.[key] === 'number' ? input[key] : undefined);
  if (machine === 'deploy-green') {
    const image = text('image');
    const taskDefinition = text('taskDefinition');
    if (image !== undefined) args.push('--image', image);
    else if (taskDefinition !== undefined) args.push('--task-definition', taskDefinition);
    else args.push('--image', 'IMAGE_URI');
    const commit = text('commit');
    if (commit !== undefined) args.push('--commit', commit);
    const healthTimeout = number('healthTimeoutSeconds');
    if (healthTimeout !== undefined) args.push('--health-timeout', String(healthTimeout));
    const testScale = number('testScalePercent');
    if (testScale !== undefined) args.push('--test-scale', String(testScale));
  } else if (machine === 'swap') {
    const bake = number('bakeSeconds');
    if (bake !== undefined) args.push('--bake-seconds', String(bake));
    args.push(...shiftArgs(input?.trafficShift));
  }
  return args;
}

/** swap's `trafficShift` input as the flag that gives it (`--canary 10:300s`), if it has one. */
function shiftArgs(shift: unknown): string[] {
  if (shift === null || typeof shift !== 'object') return [];
  const s = shift as { type?: unknown; percent?: unknown; intervalSeconds?: unknown; steps?: unknown };
  if ((s.type === 'canary' || s.type === 'linear') && typeof s.percent === 'number') {
    return [`--${s.type}`, `${s.percent}:${String(s.intervalSeconds)}s`];
  }
  if (s.type === 'steps' && Array.isArray(s.steps)) {
    const steps = (s.steps as Array<{ percent?: unknown; seconds?: unknown }>).map(
      (step) => `${String(step.percent)}:${String(step.seconds)}s`,
    );
    return ['--steps', steps.join(',')];
  }
  return [];
}

/** Where a step's command comes from besides the step itself. */
export interface StepContext {
  /** The machine that ran (what `fix-input` starts again). */
  readonly self?: MachineKind;
  /** With `wait`: the execution that holds the service. */
  readonly holder?: string;
  /** The input of the run (to start the same machine again with it). */
  readonly input?: Record<string, unknown>;
  readonly hints?: Hints;
}

/** The arguments (after the prefix) of the CLI command for a step the state machine recommends (contract/results.ts). */
export function argsForStep(step: NextStep, context: StepContext = {}): string[] {
  const { self, holder, input, hints = PLAIN_HINTS } = context;
  if (step === 'wait') return holder ? ['watch', holder] : ['wait'];
  if (step === 'status') return ['status'];
  if (step === 'fix-input') return self ? rerunArgs(self, input) : ['status'];
  if (step === self && input !== undefined) return rerunArgs(step, input);
  if (step === 'deploy-green') return ['deploy', ...(hints.deployArgs ?? ['--image', 'IMAGE_URI'])];
  return [MACHINE_COMMAND[step]];
}

/**
 * The CLI command for a step the state machine recommends (contract/results.ts NextStep), as the user runs it
 * (hints.ts: `npx bluegreen --local swap`, …).
 */
export function commandForStep(step: NextStep, context: StepContext = {}): string {
  return hint(context.hints ?? PLAIN_HINTS, ...argsForStep(step, context));
}

/** The commands for the steps of a result, best first, without repeats. */
export function nextCommands(steps: readonly NextStep[], context: StepContext = {}): string[] {
  return [...new Set(steps.map((step) => commandForStep(step, context)))];
}

function latest(history: readonly HistoryEvent[]): number {
  return asDate(history[history.length - 1]?.timestamp)?.getTime() ?? 0;
}

/**
 * `now`: the wall clock, for the elapsed time of a running execution; undefined when the service's timestamps are
 * on another clock (local AWS's emulated one): the elapsed time then spans the history only.
 */
export function buildProgress(
  machine: MachineKind | undefined,
  history: readonly HistoryEvent[],
  now: Date | undefined,
  described?: Described,
  hints: Hints = PLAIN_HINTS,
): Progress {
  const started = history.find((e) => e.type === 'ExecutionStarted');
  const end = history.find((e) => e.type !== undefined && e.type in TERMINAL);
  const statesEntered = history.flatMap((e) =>
    e.stateEnteredEventDetails?.name !== undefined ? [e.stateEnteredEventDetails.name] : [],
  );
  const currentState = statesEntered[statesEntered.length - 1];
  const status: ExecutionStatus =
    (described?.status as ExecutionStatus | undefined) ?? (end?.type ? TERMINAL[end.type] : undefined) ?? 'RUNNING';
  const startedAt = asDate(started?.timestamp) ?? described?.startDate;
  const endedAt = status === 'RUNNING' ? undefined : (described?.stopDate ?? asDate(end?.timestamp));
  const details = end ? endDetails(end) : undefined;
  const error = described?.error ?? details?.error;
  const rawCause = described?.cause ?? details?.cause;
  const cause = rawCause === undefined ? undefined : withoutStackTrace(rawCause);
  const output = parseJsonObject(
    described?.output ?? (end?.type === 'ExecutionSucceeded' ? details?.output : undefined),
  );
  const success = status === 'SUCCEEDED' ? parseSuccessOutput(described?.output ?? details?.output) : undefined;
  const failure = status === 'FAILED' ? parseFailureCause(cause) : undefined;
  const message =
    success?.message ?? failure?.message ?? (typeof output?.message === 'string' ? output.message : undefined);
  const input = parseJsonObject(started?.executionStartedEventDetails?.input ?? described?.input);
  const context: StepContext = { self: machine, input, hints };
  let next: string[] = [];
  if (success) {
    next = nextCommands(success.next, context);
  } else if (failure) {
    next = nextCommands(failure.next, { ...context, holder: failure.holder });
  } else if ((status === 'ABORTED' || status === 'TIMED_OUT') && machine) {
    // Stopped part-way: the same machine run again takes over its lease and finishes or reports what is left
    // (README "Failure handling", the Stop table).
    next = [hint(hints, ...rerunArgs(machine, input))];
  } else if (status !== 'RUNNING') {
    // An end the state machine did not write (a runtime error, an output without the contract's fields): look first.
    next = [hint(hints, 'status')];
  }
  return {
    machine,
    status,
    startedAt,
    endedAt,
    // While running: up to now, but at least up to the newest event (a clock behind the service's, or an emulator
    // whose clock runs faster than the wall clock, must not show less time than the history already spans).
    elapsedMs: startedAt
      ? Math.max(
          0,
          (endedAt ?? now ?? startedAt).getTime() - startedAt.getTime(),
          endedAt ? 0 : latest(history) - startedAt.getTime(),
        )
      : 0,
    currentState,
    statesEntered,
    currentStateCount: statesEntered.filter((s) => s === currentState).length,
    output,
    message,
    error,
    cause,
    undone: success?.undone ?? failure?.undone,
    next,
    input,
  };
}

/** The log entries of a history (all of them; the follower prints those with an id above the last it printed). */
export function logEntries(history: readonly HistoryEvent[]): LogEntry[] {
  const startedAt = asDate(history.find((e) => e.type === 'ExecutionStarted')?.timestamp);
  const counts = new Map<string, number>();
  const entries: LogEntry[] = [];
  for (const event of history) {
    const at = asDate(event.timestamp) ?? new Date(0);
    const base = { id: event.id ?? 0, at, elapsedMs: startedAt ? Math.max(0, at.getTime() - startedAt.getTime()) : 0 };
    const name = event.stateEnteredEventDetails?.name;
    if (name !== undefined) {
      const count = (counts.get(name) ?? 0) + 1;
      counts.set(name, count);
      entries.push({ ...base, kind: 'state', state: name, wait: event.type === 'WaitStateEntered', count });
    } else if (event.type === 'TaskFailed' || event.type === 'TaskTimedOut') {
      const details = event.taskFailedEventDetails ?? event.taskTimedOutEventDetails;
      entries.push({
        ...base,
        kind: 'task-failed',
        error: details?.error,
        cause: details?.cause === undefined ? undefined : withoutStackTrace(details.cause),
      });
    } else if (event.type !== undefined && event.type in TERMINAL) {
      const details = endDetails(event);
      entries.push({
        ...base,
        kind: 'end',
        status: TERMINAL[event.type],
        error: details?.error,
        cause: details?.cause === undefined ? undefined : withoutStackTrace(details.cause),
      });
    }
  }
  return entries;
}

/** The keys a Lambda error payload carries its stack trace in (Node: `stackTrace`; local AWS and Python: `trace`). */
const TRACE_KEYS = new Set(['stackTrace', 'trace']);

function dropTraces(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropTraces);
  if (value === null || typeof value !== 'object') {
    // A payload nested as JSON text (a Lambda error inside a cause) is cleaned too.
    if (typeof value === 'string' && /^\s*\{/.test(value) && /"(stackTrace|trace)"/.test(value)) {
      return withoutStackTrace(value);
    }
    return value;
  }
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !TRACE_KEYS.has(key))
      .map(([key, v]) => [key, dropTraces(v)]),
  );
}

/**
 * An error cause without a stack trace: a JSON payload (a Lambda's `{errorType, errorMessage, stackTrace}`) keeps
 * every field but `stackTrace`/`trace`, at any depth; plain text is cut before its first `    at …` frame.
 */
export function withoutStackTrace(cause: string): string {
  if (!/stackTrace|"trace"|\n\s+at /.test(cause)) return cause;
  let value: unknown;
  try {
    value = JSON.parse(cause);
  } catch {
    return cause.replace(/\n\s+at [\s\S]*$/, '');
  }
  if (value === null || typeof value !== 'object') return cause;
  return JSON.stringify(dropTraces(value));
}
