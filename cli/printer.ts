/**
 * Renders a followed execution. Three modes, chosen by the caller:
 * - `tty`: stderr is a terminal (and not CI): each new state on its own permanent line, and under them a live
 *   spinner line (ora, see live-view.ts) with the current state and the elapsed time;
 * - `plain`: stderr is not a terminal (CI, pipes): one line per new state, nothing redrawn;
 * - `json`: one JSON object per event on stderr, for machines.
 * Everything here goes to stderr; the result itself (URL, message, JSON document) is the command's, on stdout.
 */
import { formatDuration } from './format';
import { oraSpinner, type Spinner, type TerminalStream } from './live-view';
import type { MachineKind } from './machines';
import type { LogEntry, Progress } from './progress';

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

export function entryLine(entry: LogEntry): string {
  const at = `[${formatDuration(entry.elapsedMs).padStart(6)}]`;
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
}

/** Room after the text for the elapsed time (" · 59m 59s") and the spinner frame, so the live line never wraps. */
const SUFFIX_ROOM = 14;

export function createPrinter(mode: PrinterMode, err: Writer, options: PrinterOptions = {}): Printer {
  if (mode === 'tty') return livePrinter(err, options);
  let machine: MachineKind | undefined;
  return {
    started(info) {
      machine = info.machine;
      if (mode === 'json') {
        err.write(
          `${JSON.stringify({ event: info.resumed ? 'watching' : 'started', machine, executionArn: info.executionArn })}\n`,
        );
        return;
      }
      err.write(`${info.resumed ? 'Watching' : 'Started'} ${machine ?? 'execution'}: ${info.executionArn}\n`);
    },
    update(_progress, entries) {
      if (mode === 'json') {
        for (const entry of entries)
          if (entry.kind !== 'end') err.write(`${JSON.stringify(jsonEvent(entry, machine))}\n`);
        return;
      }
      for (const entry of entries.filter(isLogged)) err.write(`${entryLine(entry)}\n`);
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
  let last: Progress | undefined;
  let lastAt = 0;
  let shownMs = 0;
  // Polls come every few seconds: between them the clock runs on from the last poll's elapsed time, never backwards.
  const elapsed = (): string => {
    if (!last) return '';
    const ms = last.status === 'RUNNING' ? last.elapsedMs + Math.max(0, now() - lastAt) : last.elapsedMs;
    shownMs = Math.max(shownMs, ms);
    return `· ${formatDuration(shownMs)}`;
  };
  const fit = (text: string): string => {
    const max = Math.max(10, spinner.columns - SUFFIX_ROOM);
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  };
  return {
    started(info) {
      machine = info.machine;
      spinner.log(`${info.resumed ? 'Watching' : 'Started'} ${machine ?? 'execution'}: ${info.executionArn}`);
      spinner.start(fit(statusText(machine, undefined)), elapsed);
    },
    update(progress, entries) {
      last = progress;
      lastAt = now();
      // The text first: the spinner redrawn under the new lines shows where they lead.
      if (progress.status === 'RUNNING') spinner.setText(fit(statusText(machine, progress)));
      else spinner.stop();
      const lines = entries.filter(isLogged).map(entryLine);
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
