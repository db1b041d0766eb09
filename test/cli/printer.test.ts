import type { Spinner } from '../../cli/live-view';
import {
  createPrinter,
  entryLine,
  isLogged,
  type Printer,
  type PrinterMode,
  type PrinterOptions,
} from '../../cli/printer';
import { buildProgress, logEntries } from '../../cli/progress';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { recordedHistory, syntheticHistory } from './history-fixtures';

const ESC = String.fromCharCode(27);
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:StateMachinesDeployGreen1234:run-1';
const loop = syntheticHistory([
  'DescribeService',
  { name: 'WaitForGreen', type: 'WaitStateEntered' },
  'DescribeGreenTaskSet',
  { name: 'WaitForGreen', type: 'WaitStateEntered' },
  'DescribeGreenTaskSet',
]);

/** Feeds the loop to the printer as the poller would: two polls, each with the entries it has not seen. */
function feedLoop(printer: Printer): void {
  const firstPoll = loop.slice(0, 3);
  printer.update(buildProgress('deploy-green', firstPoll, new Date('2026-01-01T00:00:02Z')), logEntries(firstPoll));
  const seen = Math.max(...logEntries(firstPoll).map((e) => e.id));
  printer.update(
    buildProgress('deploy-green', loop, new Date('2026-01-01T00:01:15Z')),
    logEntries(loop).filter((e) => e.id > seen),
  );
}

function render(mode: Exclude<PrinterMode, 'tty'>, options: PrinterOptions = { verbose: true }): string {
  let text = '';
  const printer = createPrinter(mode, { write: (s: string) => (text += s) }, options);
  printer.started({ machine: 'deploy-green', executionArn: ARN, resumed: false });
  feedLoop(printer);
  printer.note('a note');
  printer.close();
  return text;
}

test('plain --verbose: one line per state, repeats only for Wait states, nothing redrawn', () => {
  const text = render('plain');
  expect(text).not.toContain('\r');
  expect(text).not.toContain(ESC);
  expect(text.split('\n')).toEqual([
    `Started deploy-green: ${ARN}`,
    '[    1s] DescribeService',
    '[    2s] WaitForGreen',
    '[    3s] DescribeGreenTaskSet',
    '[    4s] WaitForGreen (#2)',
    'a note',
    '',
  ]);
});

test('json: one JSON object per line, every state entry included', () => {
  const lines = render('json').trimEnd().split('\n');
  const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(events[0]).toEqual({ event: 'started', machine: 'deploy-green', executionArn: ARN });
  expect(events.filter((e) => e.event === 'state').map((e) => [e.state, e.count])).toEqual([
    ['DescribeService', 1],
    ['WaitForGreen', 1],
    ['DescribeGreenTaskSet', 1],
    ['WaitForGreen', 2],
    ['DescribeGreenTaskSet', 2],
  ]);
  expect(events[1]).toMatchObject({ time: '2026-01-01T00:00:01.000Z', elapsedSeconds: 1 });
  expect(events[events.length - 1]).toEqual({ event: 'note', message: 'a note' });
});

/** Stands in for the ora spinner: records what the printer asks of it, and what the live line would show. */
class FakeSpinner implements Spinner {
  isSpinning = false;
  starts = 0;
  stops = 0;
  text = '';
  /** Each permanent line, and whether the spinner was on screen under it when it was written. */
  readonly logged: Array<{ line: string; aboveSpinner: boolean }> = [];
  private suffix: () => string = () => '';

  constructor(readonly columns = 80) {}

  start(text: string, suffix?: () => string): void {
    this.starts += 1;
    this.isSpinning = true;
    this.text = text;
    this.suffix = suffix ?? (() => '');
  }
  setText(text: string): void {
    this.text = text;
  }
  log(...lines: string[]): void {
    for (const line of lines) this.logged.push({ line, aboveSpinner: this.isSpinning });
  }
  stop(): void {
    this.stops += 1;
    this.isSpinning = false;
  }
  /** The live line as ora would draw it (frame, text, suffix), or undefined when nothing spins. */
  live(): string | undefined {
    return this.isSpinning ? `⠋ ${this.text} ${this.suffix()}`.trimEnd() : undefined;
  }
}

function livePrinter(
  columns = 80,
  options: PrinterOptions = { verbose: true },
): { printer: Printer; spinner: FakeSpinner; clock: { ms: number } } {
  const spinner = new FakeSpinner(columns);
  const clock = { ms: 0 };
  const direct = (): never => {
    throw new Error('tty mode writes through the spinner only');
  };
  const printer = createPrinter('tty', { write: direct }, { ...options, spinner: () => spinner, now: () => clock.ms });
  return { printer, spinner, clock };
}

/** Polls `history` in `polls` growing slices, the way followExecution hands it to the printer. */
function replay(printer: Printer, history: readonly HistoryEvent[], polls: number): void {
  let seen = 0;
  for (let i = 1; i <= polls; i += 1) {
    const part = history.slice(0, Math.ceil((history.length * i) / polls));
    const fresh = logEntries(part).filter((e) => e.id > seen);
    seen = Math.max(seen, ...fresh.map((e) => e.id));
    printer.update(buildProgress('deploy-green', part, new Date()), fresh);
  }
}

describe('tty --verbose: the live view', () => {
  test('shows the current state and an elapsed time that ticks between polls', () => {
    const { printer, spinner, clock } = livePrinter();
    printer.started({ machine: 'deploy-green', executionArn: ARN, resumed: false });
    expect(spinner.live()).toBe('⠋ deploy-green starting');
    const firstPoll = loop.slice(0, 3);
    printer.update(buildProgress('deploy-green', firstPoll, new Date('2026-01-01T00:00:02Z')), logEntries(firstPoll));
    expect(spinner.live()).toBe('⠋ deploy-green WaitForGreen · 2s');
    clock.ms += 3000;
    expect(spinner.live()).toBe('⠋ deploy-green WaitForGreen · 5s');
    printer.update(buildProgress('deploy-green', loop, new Date('2026-01-01T00:01:15Z')), []);
    expect(spinner.live()).toBe('⠋ deploy-green DescribeGreenTaskSet (#2) · 1m 15s');
    printer.close();
    expect(spinner.live()).toBeUndefined();
  });

  test('every state entered is a permanent line above the spinner, once and in order', () => {
    const { printer, spinner } = livePrinter();
    const history = recordedHistory('deploy-green-succeeded');
    printer.started({ machine: 'deploy-green', executionArn: ARN, resumed: false });
    replay(printer, history, 7);
    const expected = logEntries(history).filter(isLogged).map(entryLine);
    expect(expected.length).toBeGreaterThan(20);
    expect(spinner.logged.map((l) => l.line)).toEqual([`Started deploy-green: ${ARN}`, ...expected]);
    // Lines of a poll that saw the execution still running go above the spinner; the end stops it first.
    expect(spinner.logged.filter((l) => l.aboveSpinner).length).toBeGreaterThan(expected.length / 2);
    expect(spinner.isSpinning).toBe(false);
  });

  test('the spinner stops on every way out, and close() may run more than once', () => {
    // Ended: the poll that sees the end stops the spinner, before the summary is written.
    const ended = livePrinter();
    ended.printer.started({ machine: 'deploy-green', executionArn: ARN, resumed: false });
    replay(ended.printer, recordedHistory('deploy-green-not-healthy'), 3);
    expect(ended.spinner.isSpinning).toBe(false);
    // Interrupted or timed out while running: close() stops it.
    const running = livePrinter();
    running.printer.started({ machine: 'deploy-green', executionArn: ARN, resumed: true });
    running.printer.update(buildProgress('deploy-green', loop, new Date()), logEntries(loop));
    expect(running.spinner.isSpinning).toBe(true);
    running.printer.close();
    running.printer.close();
    expect(running.spinner).toMatchObject({ isSpinning: false, starts: 1 });
    expect(running.spinner.logged[0]?.line).toBe(`Watching deploy-green: ${ARN}`);
  });

  test('notes are permanent lines too', () => {
    const { printer, spinner } = livePrinter();
    printer.started({ machine: 'swap', executionArn: ARN, resumed: false });
    printer.note('a note');
    expect(spinner.logged[1]).toEqual({ line: 'a note', aboveSpinner: true });
  });

  test('the live line fits the terminal, so it never wraps', () => {
    const { printer, spinner, clock } = livePrinter(30);
    printer.started({ machine: 'deploy-green', executionArn: ARN, resumed: false });
    printer.update(buildProgress('deploy-green', loop, new Date('2026-01-01T00:01:15Z')), logEntries(loop));
    clock.ms += 3_600_000;
    const line = spinner.live() ?? '';
    expect(line).toMatch(/^⠋ deploy-green \S*… · 1h 01m$/);
    expect(line.length).toBeLessThan(30);
  });
});

/** Gives a synthetic history's ExecutionStarted event an input. */
function withInput(history: HistoryEvent[], input: Record<string, unknown>): void {
  const first = history[0];
  if (first) first.executionStartedEventDetails = { input: JSON.stringify(input) };
}

/** The plain log of a whole history fed in `polls` polls, as followExecution would. */
function plainLog(
  machine: 'deploy-green' | 'swap',
  history: readonly HistoryEvent[],
  polls: number,
  options: PrinterOptions = {},
): string[] {
  let text = '';
  const printer = createPrinter('plain', { write: (s: string) => (text += s) }, options);
  printer.started({ machine, executionArn: ARN, resumed: false });
  let seen = 0;
  for (let i = 1; i <= polls; i += 1) {
    const part = history.slice(0, Math.ceil((history.length * i) / polls));
    const fresh = logEntries(part).filter((e) => e.id > seen);
    seen = Math.max(seen, ...fresh.map((e) => e.id));
    printer.update(buildProgress(machine, part, undefined), fresh);
  }
  printer.close();
  return text.trimEnd().split('\n').slice(1);
}

describe('plain: one line per step', () => {
  // The recorded histories predate the lease (they have AcquireDeploymentLock): a state of no known step is a line
  // of its own, so nothing is hidden.
  test('a healthy deploy is a handful of lines, the steps in order, no state names', () => {
    const history = recordedHistory('deploy-green-succeeded');
    const states = logEntries(history).filter(isLogged);
    const lines = plainLog('deploy-green', history, 5);
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(lines.length).toBeLessThan(states.length / 2);
    const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
    const order = [/checking input/, /checking the service/, /creating green/, /waiting for green/, /done/].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(lines.join('\n')).not.toMatch(/CreateGreenTaskSet|WaitForGreen/);
  });

  test('a failed deploy: the health wait as progress (of N, time left), then the undo', () => {
    const history = recordedHistory('deploy-green-not-healthy');
    const lines = plainLog('deploy-green', history, 12);
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(lines.some((l) => /waiting for green to be healthy: poll \d+ of \d+, .* left/.test(l))).toBe(true);
    expect(lines.some((l) => /undoing/.test(l))).toBe(true);
  });

  test('a wait loop: at most one progress line per poll, counting polls of N against the input', () => {
    const waits = Array.from({ length: 9 }, () => [
      { name: 'WaitForGreen', type: 'WaitStateEntered' },
      'CountHealthWait',
    ]).flat();
    const history = syntheticHistory(['CheckInputFields', 'StartHealthWait', ...waits, 'PointTestListenerAtGreen']);
    withInput(history, { healthTimeoutSeconds: 120 });
    const lines = plainLog('deploy-green', history, 3);
    const progress = lines.filter((l) => /: poll /.test(l));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(3);
    expect(progress[progress.length - 1]).toMatch(/poll \d+ of 12/);
    expect(lines.filter((l) => /waiting for green to be healthy$/.test(l))).toHaveLength(1);
  });

  test('a bake: one line, as the green watch waits on a task token (no polls to count)', () => {
    const history = syntheticHistory(['ValidateInput', 'PointProductionAtGreen', 'StartBake', 'WatchBake', 'Swapped']);
    withInput(history, { bakeSeconds: 60 });
    const lines = plainLog('swap', history, 2);
    expect(lines.filter((l) => /baking: watching green under production traffic$/.test(l))).toHaveLength(1);
    expect(lines.some((l) => /moving production/.test(l))).toBe(true);
  });

  test('--verbose: every state, as before', () => {
    const history = recordedHistory('deploy-green-succeeded');
    const lines = plainLog('deploy-green', history, 5, { verbose: true });
    expect(lines).toEqual(logEntries(history).filter(isLogged).map(entryLine));
  });

  test('local AWS: the log says its times are emulated', () => {
    const lines = plainLog('deploy-green', recordedHistory('deploy-green-succeeded'), 1, { emulated: true });
    expect(lines[0]).toMatch(/emulated/);
  });
});

describe('tty: the live view shows the step and its wait progress', () => {
  test('step lines stay; the wait progress is on the live line only', () => {
    const { printer, spinner } = livePrinter(120, {});
    printer.started({ machine: 'deploy-green', executionArn: ARN, resumed: false });
    printer.update(buildProgress('deploy-green', loop, new Date('2026-01-01T00:00:05Z')), logEntries(loop));
    expect(spinner.live()).toMatch(/deploy-green waiting for green to be healthy: poll 2 of 60, .* left · \d+s$/);
    expect(spinner.logged.map((l) => l.line).join('\n')).not.toMatch(/poll/);
  });

  test('local AWS: emulated time as of the last poll, and the wall time followed beside it', () => {
    const { printer, spinner, clock } = livePrinter(120, { emulated: true });
    printer.started({ machine: 'deploy-green', executionArn: ARN, resumed: false });
    printer.update(buildProgress('deploy-green', loop, undefined), logEntries(loop));
    expect(spinner.live()).toMatch(/· 5s emulated, 0s wall$/);
    clock.ms += 7000;
    expect(spinner.live()).toMatch(/· 5s emulated, 7s wall$/);
    // Both clocks fit: the live line never wraps.
    const narrow = livePrinter(60, { emulated: true });
    narrow.printer.started({ machine: 'deploy-green', executionArn: ARN, resumed: false });
    narrow.printer.update(buildProgress('deploy-green', loop, undefined), logEntries(loop));
    narrow.clock.ms += 3_599_000;
    expect((narrow.spinner.live() ?? '').length).toBeLessThan(60);
  });
});
