/**
 * The live view on a terminal: an ora spinner with the current state and elapsed time, and permanent lines written
 * above it. The printer sees only the small `Spinner` interface, so it is tested with a fake, and ora (an ES module
 * jest cannot require) loads only when a terminal actually shows the live view.
 */
import * as readline from 'node:readline';

export interface Spinner {
  /** How wide the live line may be (the terminal's width, never 0). */
  readonly columns: number;
  readonly isSpinning: boolean;
  /** Starts spinning with `text`; `suffix` is evaluated at every frame, so a clock in it ticks between polls. */
  start(text: string, suffix?: () => string): void;
  setText(text: string): void;
  /** Writes permanent lines (above the spinner while it spins). */
  log(...lines: string[]): void;
  /** Erases the spinner and stops its timer; safe to call more than once. */
  stop(): void;
}

export interface TerminalStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** Node's tty streams keep this up to date on resize; a pseudo-terminal opened without a size reports 0. */
  readonly columns?: number;
}

/** Live view only on a terminal, and not in CI or on a dumb terminal (their logs keep every redraw). */
export function liveViewWanted(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const ci = env.CI?.toLowerCase();
  const inCi = ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
  return stream.isTTY === true && !inCi && env.TERM !== 'dumb';
}

/** Spinners on screen now, for an exit that cannot wait for their printer (a second Ctrl-C). */
const spinning = new Set<{ stop(): unknown }>();

export function stopAllSpinners(): void {
  for (const spinner of spinning) spinner.stop();
  spinning.clear();
}

export function oraSpinner(stream: TerminalStream, fallbackColumns = 80): Spinner {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- ES module, loaded on use (Node >= 20.19 require()s it)
  const { default: ora } = require('ora') as typeof import('ora');
  // Bound now, before ora hooks `stream.write`: our own lines must not trigger its clear-and-redraw hook twice.
  const write = stream.write.bind(stream);
  const columns = (): number =>
    stream.columns !== undefined && stream.columns > 0 ? stream.columns : fallbackColumns > 0 ? fallbackColumns : 80;
  // What ora draws on. Its width is never 0: ora divides by it, and with 0 columns it then erases Infinity lines,
  // an endless cursor-up/erase loop (seen under `script`, whose pseudo-terminal has no size without a terminal).
  const terminal = {
    isTTY: true,
    get columns(): number {
      return columns();
    },
    // Always true: ora waits for 'drain' otherwise, which this object never emits.
    write(chunk: string): boolean {
      write(chunk);
      return true;
    },
    cursorTo: (x: number): boolean => readline.cursorTo(asStream(terminal), x),
    moveCursor: (dx: number, dy: number): boolean => readline.moveCursor(asStream(terminal), dx, dy),
    clearLine: (dir: -1 | 0 | 1): boolean => readline.clearLine(asStream(terminal), dir),
  };
  const spinner = ora({
    stream: asStream(terminal),
    // Our caller decided (liveViewWanted); ora's own check would differ for CI=false.
    isEnabled: true,
    // ora would put stdin in raw mode and read it: Ctrl-C then no longer raises SIGINT, and stdin can keep the process
    // alive. The CLI reads nothing from stdin.
    discardStdin: false,
  });
  return {
    get columns() {
      return columns();
    },
    get isSpinning() {
      return spinner.isSpinning;
    },
    start(text, suffix) {
      spinner.text = text;
      spinner.suffixText = suffix ?? '';
      spinner.start();
      spinning.add(spinner);
    },
    setText(text) {
      spinner.text = text;
    },
    log(...lines) {
      const text = lines.map((line) => `${line}\n`).join('');
      if (!spinner.isSpinning) {
        write(text);
        return;
      }
      spinner.clear();
      write(text);
      spinner.render();
    },
    stop() {
      spinner.stop();
      spinning.delete(spinner);
    },
  };
}

function asStream(terminal: object): NodeJS.WriteStream {
  return terminal as NodeJS.WriteStream;
}
