/**
 * Renders a followed execution. Three modes, chosen by the caller:
 * - `tty`: stderr is a terminal: each new state on its own line, and one redrawn status line (spinner, current
 *   state, elapsed) under them;
 * - `plain`: stderr is not a terminal (CI, pipes): one line per new state, nothing redrawn;
 * - `json`: one JSON object per event on stderr, for machines.
 * Everything here goes to stderr; the result itself (URL, message, JSON document) is the command's, on stdout.
 */
import { formatDuration } from './format';
import type { MachineKind } from './machines';
import type { LogEntry, Progress } from './progress';

export type PrinterMode = 'tty' | 'plain' | 'json';

export interface Writer {
  write(text: string): unknown;
}

export interface Printer {
  started(info: {
    readonly machine: MachineKind | undefined;
    readonly executionArn: string;
    readonly resumed: boolean;
  }): void;
  update(progress: Progress, entries: readonly LogEntry[]): void;
  /** Clears the live line; call before the final summary. */
  stop(): void;
  /** A free-form log line (plain and tty) or event (json). */
  note(text: string, fields?: Record<string, unknown>): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

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

export function statusLine(progress: Progress, frame: string): string {
  const state = progress.currentState ? ` ${progress.currentState}` : ' starting';
  const times = progress.currentStateCount > 1 ? ` (#${progress.currentStateCount})` : '';
  return `${frame} ${progress.machine ?? 'execution'}${state}${times} · ${formatDuration(progress.elapsedMs)}`;
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

export function createPrinter(
  mode: PrinterMode,
  err: Writer,
  options: { readonly animate?: boolean; readonly columns?: number } = {},
): Printer {
  let machine: MachineKind | undefined;
  let last: Progress | undefined;
  let frame = 0;
  let live = false;
  let timer: NodeJS.Timeout | undefined;
  const clear = (): void => {
    if (live) err.write('\r\x1b[2K');
    live = false;
  };
  const draw = (): void => {
    if (!last) return;
    clear();
    // Never wider than the terminal: a wrapped line could not be erased with \r.
    const line = statusLine(last, FRAMES[frame % FRAMES.length] ?? '*');
    const max = Math.max(20, (options.columns ?? 80) - 1);
    err.write(line.length > max ? `${line.slice(0, max - 1)}…` : line);
    live = true;
  };
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
      if (mode === 'tty' && options.animate) {
        timer = setInterval(() => {
          frame += 1;
          draw();
        }, 120);
        timer.unref();
      }
    },
    update(progress, entries) {
      if (mode === 'json') {
        for (const entry of entries)
          if (entry.kind !== 'end') err.write(`${JSON.stringify(jsonEvent(entry, machine))}\n`);
        return;
      }
      const lines = entries.filter(isLogged).map(entryLine);
      if (mode === 'tty') {
        clear();
        for (const line of lines) err.write(`${line}\n`);
        last = progress;
        if (progress.status === 'RUNNING') draw();
        return;
      }
      for (const line of lines) err.write(`${line}\n`);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      clear();
    },
    note(text, fields) {
      if (mode === 'json') {
        err.write(`${JSON.stringify({ event: 'note', message: text, ...fields })}\n`);
        return;
      }
      const wasLive = live;
      clear();
      err.write(`${text}\n`);
      if (wasLive) draw();
    },
  };
}
