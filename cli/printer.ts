/**
 * Renders a followed execution. Three modes, chosen by the caller:
 * - `tty`: stderr is a terminal (and not CI): each step entered (steps.ts: checking input, taking the lease, …) on
 *   its own permanent line, and under them a live spinner line (ora, see live-view.ts) with the current step, how
 *   far its wait loop is, and the elapsed time;
 * - `plain`: stderr is not a terminal (CI, pipes): one line per step entered, and at most one line per poll for a
 *   wait loop's progress ("waiting for green to be healthy: poll 3 of 60, 9m 40s left"), nothing redrawn;
 * - `json`: one JSON object per event on stderr, for machines.
 * `verbose` (tty and plain): every state entered instead of the steps, each Wait tick included, and failed tasks.
 * Everything here goes to stderr; the result itself (URL, message, JSON document) is the command's, on stdout.
 */
import { formatDuration } from './format';
import { oraSpinner, type Spinner, type TerminalStream } from './live-view';
import type { MachineKind } from './machines';
import type { LogEntry, Progress } from './progress';
import { stepOf, waitProgressText, type Step } from './steps';

export type PrinterMode = 'tty' | 'plain' | 'json';

export interface Writer {
  write(text: string): unknown;
  /** The terminal's width, when it is one (Node's tty streams). */
  readonly columns?: number;
}

export interface Printer {
  started(info: {
    readonly machine: MachineKind | undefined;
    readonly executionArn: string;
    readonly resumed: boolean;
  }): void;
  update(progress: Progress, entries: readonly LogEntry[]): void;
  /** Erases the live line and stops its timer (nothing keeps the process alive); call before the final summary. */
  close(): void;
  /** A free-form log line (plain and tty) or event (json). */
  note(text: string, fields?: Record<string, unknown>): void;
}

/** Whether an entry belongs in the human log: each state the first time, Wait states on every tick, failed tasks. */
export function isLogged(entry: LogEntry): boolean {
  if (entry.kind === 'task-failed') return true;
  if (entry.kind !== 'state') return false;
  return entry.count === 1 || entry.wait === true;
}

function stamp(entry: LogEntry): string {
  return `[${formatDuration(entry.elapsedMs).padStart(6)}]`;
}

export function entryLine(entry: LogEntry): string {
  const at = stamp(entry);
  if (entry.kind === 'task-failed')
    return `${at}   ! ${entry.error ?? 'task failed'}${entry.cause ? `: ${oneLine(entry.cause, 160)}` : ''}`;
  const times = entry.count !== undefined && entry.count > 1 ? ` (#${entry.count})` : '';
  return `${at} ${entry.state ?? ''}${times}`;
}

/** The live line's text beside the spinner (the elapsed time follows it, see createPrinter). */
export function statusText(machine: MachineKind | undefined, progress: Progress | undefined): string {
  const state = progress?.currentState ?? 'starting';
  const times = progress && progress.currentStateCount > 1 ? ` (#${progress.currentStateCount})` : '';
  return `${machine ?? 'execution'} ${state}${times}`;
}

/**
 * The step log: which step the execution is in, and how far its wait loop is. `feed` takes the new entries of one
 * poll and returns the lines to print: a line for each step entered (a state of no known step counts as a step of
 * its own, so nothing is hidden), then at most one line for the wait loop's progress, when it moved.
 */
export interface StepLine {
  readonly line: string;
  /** A wait loop's progress (the plain log prints it; the live view shows it on the live line instead). */
  readonly progress: boolean;
}

export class StepLog {
  private key: string | undefined;
  private step: Step | undefined;
  private state: string | undefined;
  private polls = 0;
  private shownPolls = 0;

  constructor(private readonly machine: MachineKind | undefined) {}

  feed(entries: readonly LogEntry[], input: Readonly<Record<string, unknown>> | undefined): StepLine[] {
    const lines: StepLine[] = [];
    let waited: LogEntry | undefined;
    for (const entry of entries) {
      if (entry.kind !== 'state' || entry.state === undefined) continue;
      const step = stepOf(this.machine, entry.state);
      const key = step?.id ?? `state:${entry.state}`;
      if (key !== this.key) {
        this.key = key;
        this.step = step;
        this.polls = 0;
        this.shownPolls = 0;
        waited = undefined;
        lines.push({ line: `${stamp(entry)} ${step?.text ?? entry.state}`, progress: false });
      }
      this.state = entry.state;
      if (step?.wait?.state === entry.state) {
        this.polls += 1;
        waited = entry;
      }
    }
    const progress = this.progress(input);
    if (waited && progress !== undefined && this.polls !== this.shownPolls) {
      this.shownPolls = this.polls;
      lines.push({ line: `${stamp(waited)} ${this.step?.text ?? ''}: ${progress}`, progress: true });
    }
    return lines;
  }

  /** How far the current step's wait loop is ("poll 3 of 60, 9m 40s left"), once it has waited. */
  progress(input: Readonly<Record<string, unknown>> | undefined): string | undefined {
    const wait = this.step?.wait;
    return wait && this.polls > 0 ? waitProgressText(wait, this.polls, input) : undefined;
  }

  /** The live line's text: the current step and its progress. */
  status(input: Readonly<Record<string, unknown>> | undefined): string {
    if (this.key === undefined) return 'starting';
    const progress = this.progress(input);
    const text = this.step?.text ?? this.state ?? '';
    return progress === undefined ? text : `${text}: ${progress}`;
  }
}

/** The current step of a progress in words (or the state's name when it belongs to no known step). */
export function stepText(progress: Progress): string {
  const state = progress.currentState;
  if (state === undefined) return 'starting';
  return stepOf(progress.machine, state)?.text ?? state;
}

/** The note under the Started line on local AWS: its timestamps run on an emulated clock. */
export const EMULATED_NOTE =
  'Local AWS: times in [ ] are emulated (its clock runs faster than the wall clock); the summary gives both.';

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function jsonEvent(entry: LogEntry, machine: MachineKind | undefined): Record<string, unknown> {
  return {
    event: entry.kind,
    machine,
    time: entry.at.toISOString(),
    elapsedSeconds: Math.round(entry.elapsedMs / 100) / 10,
    ...(entry.state !== undefined && { state: entry.state, count: entry.count }),
    ...(entry.status !== undefined && { status: entry.status }),
    ...(entry.error !== undefined && { error: entry.error }),
    ...(entry.cause !== undefined && { cause: entry.cause }),
  };
}

export interface PrinterOptions {
  /** The terminal's width when `err` does not say (tty mode). */
  readonly columns?: number;
  /** Makes the live line (tty mode); by default an ora spinner on `err`. */
  readonly spinner?: (stream: TerminalStream, columns: number | undefined) => Spinner;
  /** Wall clock in ms, for the elapsed time between polls (tests). */
  readonly now?: () => number;
  /** Every state entered (as the log was before steps), not one line per step. */
  readonly verbose?: boolean;
  /**
   * The execution's timestamps are emulated (local AWS): the log says so, and the live line shows the emulated
   * elapsed time as of the last poll beside the wall time followed, never one run on from the other.
   */
  readonly emulated?: boolean;
}

/** Room after the text for the elapsed time (" · 59m 59s") and the spinner frame, so the live line never wraps. */
const SUFFIX_ROOM = 14;
/** The same with both clocks (" · 59m 59s emulated, 59m 59s wall"). */
const EMULATED_SUFFIX_ROOM = 36;

export function createPrinter(mode: PrinterMode, err: Writer, options: PrinterOptions = {}): Printer {
  if (mode === 'tty') return livePrinter(err, options);
  let machine: MachineKind | undefined;
  let steps = new StepLog(undefined);
  return {
    started(info) {
      machine = info.machine;
      steps = new StepLog(machine);
      if (mode === 'json') {
        err.write(
          `${JSON.stringify({ event: info.resumed ? 'watching' : 'started', machine, executionArn: info.executionArn })}\n`,
        );
        return;
      }
      err.write(`${info.resumed ? 'Watching' : 'Started'} ${machine ?? 'execution'}: ${info.executionArn}\n`);
      if (options.emulated) err.write(`${EMULATED_NOTE}\n`);
    },
    update(progress, entries) {
      if (mode === 'json') {
        for (const entry of entries)
          if (entry.kind !== 'end') err.write(`${JSON.stringify(jsonEvent(entry, machine))}\n`);
        return;
      }
      const lines = options.verbose
        ? entries.filter(isLogged).map(entryLine)
        : steps.feed(entries, progress.input).map((l) => l.line);
      for (const line of lines) err.write(`${line}\n`);
    },
    close() {},
    note(text, fields) {
      if (mode === 'json') err.write(`${JSON.stringify({ event: 'note', message: text, ...fields })}\n`);
      else err.write(`${text}\n`);
    },
  };
}

/** tty mode: the plain log's lines, permanent, above a spinner line with the current state and elapsed time. */
function livePrinter(err: Writer, options: PrinterOptions): Printer {
  const now = options.now ?? Date.now;
  const spinner = (options.spinner ?? oraSpinner)(err, options.columns);
  let machine: MachineKind | undefined;
  let steps = new StepLog(undefined);
  let last: Progress | undefined;
  let lastAt = 0;
  let shownMs = 0;
  let startedAt = now();
  // Polls come every few seconds: between them the clock runs on from the last poll's elapsed time, never backwards.
  // Emulated timestamps (local AWS) do not run at the wall clock's pace: the emulated time stays as the last poll
  // saw it, and the wall time followed ticks beside it.
  const elapsed = (): string => {
    if (!last) return '';
    if (options.emulated) {
      return `· ${formatDuration(last.elapsedMs)} emulated, ${formatDuration(now() - startedAt)} wall`;
    }
    const ms = last.status === 'RUNNING' ? last.elapsedMs + Math.max(0, now() - lastAt) : last.elapsedMs;
    shownMs = Math.max(shownMs, ms);
    return `· ${formatDuration(shownMs)}`;
  };
  const text = (progress: Progress | undefined): string =>
    options.verbose || !progress
      ? statusText(machine, progress)
      : `${machine ?? 'execution'} ${steps.status(progress.input)}`;
  const fit = (text: string): string => {
    const max = Math.max(10, spinner.columns - (options.emulated ? EMULATED_SUFFIX_ROOM : SUFFIX_ROOM));
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  };
  return {
    started(info) {
      machine = info.machine;
      steps = new StepLog(machine);
      startedAt = now();
      spinner.log(`${info.resumed ? 'Watching' : 'Started'} ${machine ?? 'execution'}: ${info.executionArn}`);
      if (options.emulated) spinner.log(EMULATED_NOTE);
      spinner.start(fit(statusText(machine, undefined)), elapsed);
    },
    update(progress, entries) {
      last = progress;
      lastAt = now();
      // Only the step lines are permanent: a wait loop's progress is shown on the live line.
      const lines = options.verbose
        ? entries.filter(isLogged).map(entryLine)
        : steps
            .feed(entries, progress.input)
            .filter((l) => !l.progress)
            .map((l) => l.line);
      // The text first: the spinner redrawn under the new lines shows where they lead.
      if (progress.status === 'RUNNING') spinner.setText(fit(text(progress)));
      else spinner.stop();
      if (lines.length > 0) spinner.log(...lines);
    },
    close() {
      spinner.stop();
    },
    note(text) {
      spinner.log(text);
    },
  };
}
