/**
 * The progress of one execution as a pure function of its history (GetExecutionHistory events, oldest first) and,
 * when known, its DescribeExecution result: status, current state, elapsed time, states entered, the final error and
 * cause, what the state machine says it undid, and the next command to run. No I/O: the poller feeds it, the printer
 * renders it, and the unit tests drive it with recorded histories.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { MACHINE_COMMAND, type MachineKind } from './machines';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface Described {
  readonly status?: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
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
  readonly message: string | undefined;
  readonly error: string | undefined;
  readonly cause: string | undefined;
  /** What the state machine says it undid (or that it changed nothing), from the cause. */
  readonly undone: string | undefined;
  /** CLI commands to run next, best first (empty while running). */
  readonly next: readonly string[];
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

function parseObject(json: string | undefined): Record<string, unknown> | undefined {
  if (json === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
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
 * What the cause says was undone. The state machines end every failure cause with one of: "Nothing was changed.",
 * "Undone: …", "… stopped part-way; …", or "… failed too (…). <what to do>".
 */
export function undoneFromCause(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  const undone = /\bUndone: (.+)$/s.exec(cause);
  if (undone?.[1]) return undone[1].trim();
  if (/failed too \(/.test(cause)) return 'the undo failed too: what this run made may still exist (see the cause).';
  if (/\bnothing was changed\b/i.test(cause)) return 'nothing: no change was made.';
  const partial =
    /([^.]*stopped part-way[^.]*\.)/.exec(cause) ??
    /([^.]*already serves the previous version again[^.]*\.)/.exec(cause);
  if (partial?.[1]) return partial[1].trim();
  if (/\bproduction (stays|still serves)\b/i.test(cause)) return 'nothing in production: it was not switched.';
  return undefined;
}

const COMMAND_WORDS: ReadonlyArray<[RegExp, MachineKind | 'deploy' | 'status']> = [
  [/\bdeploy(?:-green| again)\b/i, 'deploy'],
  [/\bswap\b/i, 'swap'],
  [/\bclean-up\b/i, 'clean-up'],
  [/\brollback\b/i, 'rollback'],
  [/\babort\b/i, 'abort'],
];

/**
 * The commands a message or cause recommends, in the order it names them: the sentences with "Next:", "Run …",
 * "re-run …", "wait for it, or abort it, then deploy again", etc. `self` is what "re-run" without a name means.
 */
export function recommendedCommands(text: string | undefined, self: MachineKind | undefined): string[] {
  if (!text) return [];
  const sentences = text.split(/(?<=\.)\s+/).filter((s) => /\bnext:|\b(run|re-run|deploy again|abort it)\b/i.test(s));
  const found: Array<{ at: number; command: string }> = [];
  for (const sentence of sentences) {
    const offset = text.indexOf(sentence);
    for (const [pattern, word] of COMMAND_WORDS) {
      const global = new RegExp(pattern.source, 'gi');
      for (const match of sentence.matchAll(global)) {
        const command = word === 'deploy' || word === 'status' ? word : MACHINE_COMMAND[word];
        found.push({ at: offset + (match.index ?? 0), command: `bluegreen ${command}` });
      }
    }
    const again = /\bre-run\b(?! (rollback|clean-up|abort|swap))|\brun this again\b/i;
    if (self && again.test(sentence)) {
      const at = offset + sentence.search(again);
      found.push({ at, command: `bluegreen ${MACHINE_COMMAND[self]}` });
    }
  }
  return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.command))];
}

const DEFAULT_NEXT: Readonly<Record<MachineKind, readonly string[]>> = {
  'deploy-green': ['bluegreen swap', 'bluegreen abort'],
  swap: ['bluegreen cleanup', 'bluegreen rollback'],
  'clean-up': ['bluegreen deploy'],
  rollback: ['bluegreen deploy'],
  abort: ['bluegreen deploy'],
};

function latest(history: readonly HistoryEvent[]): number {
  return asDate(history[history.length - 1]?.timestamp)?.getTime() ?? 0;
}

export function buildProgress(
  machine: MachineKind | undefined,
  history: readonly HistoryEvent[],
  now: Date,
  described?: Described,
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
  const cause = described?.cause ?? details?.cause;
  const output = parseObject(described?.output ?? (end?.type === 'ExecutionSucceeded' ? details?.output : undefined));
  const message = typeof output?.message === 'string' ? output.message : undefined;
  let next: string[] = [];
  if (status === 'SUCCEEDED') {
    next = recommendedCommands(message, machine);
    if (next.length === 0 && machine) next = [...DEFAULT_NEXT[machine]];
  } else if ((status === 'ABORTED' || status === 'TIMED_OUT') && machine) {
    // Stopped part-way: the same machine run again takes over its lease and finishes or reports what is left
    // (README "Failure handling", the Stop table).
    next = [`bluegreen ${MACHINE_COMMAND[machine]}`];
  } else if (status !== 'RUNNING') {
    next = recommendedCommands(cause, machine);
    // A deploy that failed and undid itself is fixed by deploying again (a healthy image, a longer health timeout).
    if (next.length === 0) next = machine === 'deploy-green' ? ['bluegreen deploy'] : ['bluegreen status'];
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
          (endedAt ?? now).getTime() - startedAt.getTime(),
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
    undone: status === 'SUCCEEDED' || status === 'RUNNING' ? undefined : undoneFromCause(cause),
    next,
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
      entries.push({ ...base, kind: 'task-failed', error: details?.error, cause: details?.cause });
    } else if (event.type !== undefined && event.type in TERMINAL) {
      const details = endDetails(event);
      entries.push({
        ...base,
        kind: 'end',
        status: TERMINAL[event.type],
        error: details?.error,
        cause: details?.cause,
      });
    }
  }
  return entries;
}
