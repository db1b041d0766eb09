/**
 * The live view with the real ora spinner, on a fake terminal in a child process (live-view-harness.ts; jest cannot
 * load ora, an ES module), and when stdout/stderr is a terminal.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { liveViewWanted } from '../../cli/live-view';
import { StepLog } from '../../cli/printer';
import { logEntries } from '../../cli/progress';
import { recordedHistory } from './history-fixtures';
import { screen } from './terminal-screen';

const ESC = String.fromCharCode(27);
const HARNESS = path.join(__dirname, 'live-view-harness.ts');

interface HarnessResult {
  readonly output: string;
  readonly beforeEnd: string;
  readonly timers: string[];
}

/** Runs the harness; rejects if it has not ended by itself within `withinMs` (a spinner left running, a hang). */
function runHarness(columns: number, withinMs = 20_000): Promise<HarnessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', HARNESS, String(columns)], {
      cwd: path.join(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the harness did not end within ${withinMs} ms; stderr:\n${stderr}\nstdout: ${stdout.length}`));
    }, withinMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`the harness exited ${String(code)}:\n${stderr}`));
      else resolve(JSON.parse(stdout) as HarnessResult);
    });
  });
}

// What stays on screen is one line per step (a wait loop's progress is shown on the live line only).
const expectedLines = new StepLog('deploy-green')
  .feed(logEntries(recordedHistory('deploy-green-succeeded')), undefined)
  .filter((l) => !l.progress)
  .map((l) => l.line);
const cursorUps = (text: string): number => text.split(`${ESC}[1A`).length - 1;

test('on a terminal: an ora spinner under the state lines, gone at the end, and no timer left behind', async () => {
  const { output, beforeEnd, timers } = await runHarness(80);
  // While running, the last line on screen is the spinner with the current state and elapsed time.
  const running = screen(beforeEnd);
  expect(running[running.length - 1]).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] deploy-green [a-z].* · \d+s$/);
  // Every frame ora drew was erased again: the screen holds the state lines, each once, and nothing else.
  expect(screen(output)).toEqual([
    'Started deploy-green: arn:aws:states:us-east-1:123456789012:execution:DeployGreen:harness',
    ...expectedLines,
  ]);
  expect(output).toContain(`${ESC}[?25l`);
  expect(output.endsWith(`${ESC}[?25h`)).toBe(true);
  expect(timers).toEqual([]);
  // One line high: nothing ever needs erasing above it.
  expect(cursorUps(output)).toBe(0);
});

test('a terminal that reports 0 columns (a pseudo-terminal without a size) neither hangs nor floods', async () => {
  const { output } = await runHarness(0);
  expect(cursorUps(output)).toBe(0);
  expect(output.length).toBeLessThan(50_000);
  expect(screen(output).slice(1)).toEqual(expectedLines);
});

test('a narrow terminal: the live line is cut to fit rather than wrapped', async () => {
  const { beforeEnd, output } = await runHarness(30);
  const running = screen(beforeEnd);
  const live = running[running.length - 1] ?? '';
  expect(live).toMatch(/… · \d+s$/);
  expect(live.length).toBeLessThan(30);
  expect(cursorUps(output)).toBe(0);
});

test.each([
  [{ isTTY: true }, {}, true],
  [{ isTTY: true }, { CI: 'true' }, false],
  [{ isTTY: true }, { CI: '1' }, false],
  [{ isTTY: true }, { CI: 'false' }, true],
  [{ isTTY: true }, { CI: '' }, true],
  [{ isTTY: true }, { TERM: 'dumb' }, false],
  [{ isTTY: false }, {}, false],
  [{}, {}, false],
])('live view wanted for %j with environment %j: %s', (stream, env, wanted) => {
  expect(liveViewWanted(stream, env)).toBe(wanted);
});
