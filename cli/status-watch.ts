/**
 * `status --watch`: the poller and the printer around the pure picture of cli/status-model.ts, the way
 * `kubectl argo rollouts get rollout --watch` works. The poller reads the deployment every interval until Ctrl-C (or
 * `--timeout`); the printer shows each reading:
 * - `tty` (stdout is a terminal, live-view.ts liveViewWanted): the picture is redrawn in place, each line cut to the
 *   terminal's width and the picture to its height, so nothing wraps or scrolls away;
 * - `plain` (pipes, files, CI): the picture is printed again only when it changed, under a line with the wall-clock
 *   time; no escape sequences. How long something has run does not count as a change, and a bake counts in tenths;
 * - `json`: one JSON object (the StatusView) per line, again only when it changed.
 */
import { sleep as realSleep } from './poller';
import type { Writer } from './printer';
import { changeKey, statusLines, type StatusView } from './status-model';

export type StatusPrinterMode = 'tty' | 'plain' | 'json';

export interface StatusPrinter {
  /** Shows one reading. */
  show(view: StatusView): void;
  /** A reading failed (the last picture stays); `text` is one line. */
  notice(text: string): void;
  /** Leaves the last picture on screen and the cursor under it. */
  close(): void;
}

export interface StatusPrinterOptions {
  readonly out: Writer;
  /** Where notices go off a terminal (logs on stderr). */
  readonly err: Writer;
  readonly intervalSeconds: number;
  /** The terminal's size as of now (getters follow a resize); 80×24 when unknown or 0. */
  readonly terminal?: { readonly columns?: number; readonly rows?: number };
  /** The wall clock (tests pass a fake). */
  readonly now?: () => Date;
}

const ESC = '\x1b[';

/** An ISO time without milliseconds. */
const stamp = (date: Date): string => date.toISOString().replace(/\.\d+Z$/, 'Z');

export function createStatusPrinter(mode: StatusPrinterMode, options: StatusPrinterOptions): StatusPrinter {
  const now = options.now ?? (() => new Date());
  if (mode === 'tty') return ttyPrinter(options, now);
  let lastKey: string | undefined;
  return {
    show(view) {
      const key = changeKey(view);
      if (key === lastKey) return;
      lastKey = key;
      if (mode === 'json') {
        options.out.write(`${JSON.stringify(view)}\n`);
        return;
      }
      const at = now();
      options.out.write(
        `[${stamp(at)}] status of stack ${view.stack}\n${statusLines(view, { now: at }).join('\n')}\n\n`,
      );
    },
    notice(text) {
      options.err.write(
        mode === 'json'
          ? `${JSON.stringify({ event: 'poll-failed', time: now().toISOString(), message: text })}\n`
          : `[${stamp(now())}] ${text}\n`,
      );
    },
    close() {},
  };
}

/** Cuts a line to `width` characters (an ellipsis marks the cut). */
export function fitLine(line: string, width: number): string {
  const chars = Array.from(line);
  return chars.length <= width ? line : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

function ttyPrinter(options: StatusPrinterOptions, now: () => Date): StatusPrinter {
  const { out } = options;
  let height = 0;
  let lastText: string | undefined;
  let last: StatusView | undefined;
  let notice: string | undefined;
  const draw = (): void => {
    if (last === undefined && notice === undefined) return;
    const columns = options.terminal?.columns || 80;
    const rows = options.terminal?.rows || 24;
    const at = now();
    const header = `Every ${options.intervalSeconds}s: status of stack ${last?.stack ?? '?'} · ${stamp(at)} · Ctrl-C to stop`;
    let lines = [header, '', ...(last ? statusLines(last, { now: at }) : []), ...(notice ? ['', `! ${notice}`] : [])];
    // The picture must fit: a line that wraps, or a picture taller than the screen, breaks the cursor-up redraw.
    if (lines.length > rows - 1) {
      const hidden = lines.length - (rows - 2);
      lines = [...lines.slice(0, rows - 2), `… ${hidden} more lines: make the terminal taller to see them`];
    }
    lines = lines.map((line) => fitLine(line, columns - 1));
    const text = lines.join('\n');
    if (text === lastText) return;
    lastText = text;
    let chunk = height > 0 ? `${ESC}${height}A` : `${ESC}?25l`;
    for (let i = 0; i < Math.max(height, lines.length); i += 1) chunk += `\r${ESC}2K${lines[i] ?? ''}\n`;
    if (height > lines.length) chunk += `${ESC}${height - lines.length}A`;
    height = lines.length;
    out.write(chunk);
  };
  return {
    show(view) {
      last = view;
      notice = undefined;
      draw();
    },
    notice(text) {
      notice = text;
      draw();
    },
    close() {
      out.write(`${ESC}?25h`);
    },
  };
}

export interface WatchOptions {
  readonly read: () => Promise<StatusView>;
  readonly printer: StatusPrinter;
  readonly intervalMs: number;
  /** Stop after this long (`--timeout`). */
  readonly timeoutMs?: number;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Milliseconds, for the timeout (tests pass a fake clock). */
  readonly clock?: () => number;
}

/**
 * Reads and shows the deployment every `intervalMs` until Ctrl-C (`interrupted`) or `timeoutMs` (`timeout`). A first
 * reading that fails ends the watch with its error (an unknown stack is a usage error); a later one that fails
 * (throttling, a network blip) is shown as a notice and the watch goes on.
 */
export async function watchStatus(options: WatchOptions): Promise<'interrupted' | 'timeout'> {
  const pause = options.sleep ?? realSleep;
  const clock = options.clock ?? Date.now;
  const deadline = options.timeoutMs === undefined ? undefined : clock() + options.timeoutMs;
  let first = true;
  try {
    for (;;) {
      if (options.signal?.aborted) return 'interrupted';
      try {
        options.printer.show(await options.read());
      } catch (error) {
        if (first || options.signal?.aborted) throw error;
        const err = error as { name?: string; message?: string };
        const detail = `${err.name ?? 'Error'}: ${(err.message ?? String(error)).split('\n')[0] ?? ''}`;
        options.printer.notice(
          `reading the deployment failed (${detail}); trying again every ${options.intervalMs / 1000}s`,
        );
      }
      first = false;
      if (options.signal?.aborted) return 'interrupted';
      if (deadline !== undefined && clock() >= deadline) return 'timeout';
      const wait = deadline === undefined ? options.intervalMs : Math.min(options.intervalMs, deadline - clock());
      await pause(Math.max(0, wait), options.signal);
    }
  } finally {
    options.printer.close();
  }
}
