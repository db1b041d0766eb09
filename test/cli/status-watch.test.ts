/**
 * status --watch: the printer in its three modes and the poller, with a fake clock and fake sleep (nothing here
 * depends on the wall clock's speed). The tty printer's output is replayed through a small terminal emulator
 * (terminal-screen.ts), so the tests see what a terminal would show after the redraws.
 */
import { createStatusPrinter, fitLine, watchStatus, type StatusPrinter } from '../../cli/status-watch';
import type { StatusView } from '../../cli/status-model';
import { runInProcess } from './run-in-process';
import { screen } from './terminal-screen';
import { expectUsageError } from './usage-error';

const view = (phase: string, extra: Partial<StatusView> = {}): StatusView => ({
  stack: 'EcsBlueGreen',
  clock: 'wall',
  record: { phase },
  production: { url: 'http://p/', status: 200, version: 'blue/b1e0000', rule: { kind: 'unknown' } },
  test: { url: 'http://t/', status: 503, rule: { kind: 'fixed', statusCode: '503' } },
  taskSets: [],
  inFlight: [],
  pendingApprovals: [],
  next: ['bluegreen deploy --image IMAGE_URI'],
  ownership: [],
  ...extra,
});

function capture(): { readonly writer: { write: (s: string) => void }; text: () => string } {
  let text = '';
  return { writer: { write: (s: string) => (text += s) }, text: () => text };
}

const fixedNow = (): Date => new Date('2026-01-01T10:00:00.000Z');

describe('plain (pipes, files, CI)', () => {
  test('the picture again only when it changed, each under a wall-clock time, no escape sequences', () => {
    const out = capture();
    const printer = createStatusPrinter('plain', {
      out: out.writer,
      err: capture().writer,
      intervalSeconds: 2,
      now: fixedNow,
    });
    printer.show(view('testing'));
    printer.show(view('testing'));
    printer.show(view('baking'));
    printer.close();
    const text = out.text();
    expect(text).not.toContain('\x1b');
    expect(text.match(/^\[2026-01-01T10:00:00Z\] status of stack EcsBlueGreen$/gm)).toHaveLength(2);
    expect(text.match(/^Phase: /gm)).toEqual(['Phase: ', 'Phase: ']);
    expect(text).toMatch(/Phase: testing[\s\S]*Phase: baking/);
  });

  test('a failed reading is a timestamped line on stderr, not stdout', () => {
    const out = capture();
    const err = capture();
    const printer = createStatusPrinter('plain', {
      out: out.writer,
      err: err.writer,
      intervalSeconds: 2,
      now: fixedNow,
    });
    printer.notice('reading the deployment failed (ThrottlingException: slow down)');
    expect(out.text()).toBe('');
    expect(err.text()).toBe('[2026-01-01T10:00:00Z] reading the deployment failed (ThrottlingException: slow down)\n');
  });
});

test('json: one StatusView object per line, only when it changed', () => {
  const out = capture();
  const printer = createStatusPrinter('json', { out: out.writer, err: capture().writer, intervalSeconds: 2 });
  printer.show(view('testing'));
  printer.show(view('testing'));
  printer.show(view('baking'));
  const lines = out.text().trimEnd().split('\n');
  expect(lines.map((line) => (JSON.parse(line) as StatusView).record.phase)).toEqual(['testing', 'baking']);
});

describe('tty: redrawn in place', () => {
  /** A tty printer on a terminal of this size, and what the terminal shows so far. */
  function onTerminal(terminal = { columns: 200, rows: 60 }): { printer: StatusPrinter; shown: () => string[] } {
    const out = capture();
    const printer = createStatusPrinter('tty', {
      out: out.writer,
      err: capture().writer,
      intervalSeconds: 2,
      terminal,
      now: fixedNow,
    });
    return { printer, shown: () => screen(out.text()) };
  }

  test('the screen shows only the newest picture, also when it got shorter', () => {
    const { printer, shown: screenNow } = onTerminal();
    const approval = { pipelineName: 'P', stageName: 'ApproveSwap', actionName: 'ApproveSwap' };
    printer.show(view('testing', { pendingApprovals: [approval, { ...approval, stageName: 'ApproveCleanUp' }] }));
    printer.show(view('stable'));
    printer.close();
    const shown = screenNow();
    expect(shown[0]).toBe('Every 2s: status of stack EcsBlueGreen · 2026-01-01T10:00:00Z · Ctrl-C to stop');
    expect(shown).toContain('Phase: stable (one version live, nothing in flight)');
    expect(shown.join('\n')).not.toMatch(/testing|ApproveSwap|ApproveCleanUp/);
    // Each picture is drawn once: "Stack EcsBlueGreen" appears on one row only.
    expect(shown.filter((row) => row === 'Stack EcsBlueGreen')).toHaveLength(1);
  });

  test('no line is wider than the terminal and the picture fits its height', () => {
    const small = { columns: 40, rows: 10 };
    const { printer, shown: screenNow } = onTerminal(small);
    printer.show(view('testing'));
    const shown = screenNow();
    expect(shown.length).toBeLessThanOrEqual(small.rows - 1);
    for (const row of shown) expect(Array.from(row).length).toBeLessThan(small.columns);
    expect(shown[shown.length - 1]).toMatch(/^… \d+ more lines/);
  });

  test('a failed reading shows under the last picture until the next one', () => {
    const { printer, shown: screenNow } = onTerminal();
    printer.show(view('testing'));
    printer.notice('reading the deployment failed (TimeoutError: socket hang up)');
    expect(screenNow()).toContain('! reading the deployment failed (TimeoutError: socket hang up)');
    printer.show(view('testing'));
    expect(screenNow().join('\n')).not.toContain('failed');
  });

  test('fitLine cuts with an ellipsis', () => {
    expect(fitLine('abcdef', 4)).toBe('abc…');
    expect(fitLine('abc', 4)).toBe('abc');
  });
});

describe('the poller', () => {
  /** A fake clock that only sleep advances. */
  function fakeTime(): { clock: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
    let t = 0;
    const slept: number[] = [];
    return {
      clock: () => t,
      sleep: async (ms) => {
        slept.push(ms);
        t += ms;
      },
      slept,
    };
  }
  const recorder = (): StatusPrinter & { shown: string[]; notices: string[]; closed: boolean } => {
    const p = {
      shown: [] as string[],
      notices: [] as string[],
      closed: false,
      show: (v: StatusView) => p.shown.push(v.record.phase),
      notice: (text: string) => p.notices.push(text),
      close: () => {
        p.closed = true;
      },
    };
    return p;
  };

  test('reads every interval until --timeout, then ends with "timeout" and closes the printer', async () => {
    const time = fakeTime();
    const printer = recorder();
    let n = 0;
    const ended = await watchStatus({
      read: async () => view(`phase-${++n}`),
      printer,
      intervalMs: 2000,
      timeoutMs: 5000,
      clock: time.clock,
      sleep: time.sleep,
    });
    expect(ended).toBe('timeout');
    expect(printer.shown).toEqual(['phase-1', 'phase-2', 'phase-3', 'phase-4']);
    expect(time.slept).toEqual([2000, 2000, 1000]);
    expect(printer.closed).toBe(true);
  });

  test('Ctrl-C ends it with "interrupted"', async () => {
    const time = fakeTime();
    const controller = new AbortController();
    const printer = recorder();
    let n = 0;
    const ended = await watchStatus({
      read: async () => {
        if (++n === 3) controller.abort();
        return view('testing');
      },
      printer,
      intervalMs: 2000,
      signal: controller.signal,
      clock: time.clock,
      sleep: time.sleep,
    });
    expect(ended).toBe('interrupted');
    expect(printer.shown).toHaveLength(3);
    expect(printer.closed).toBe(true);
  });

  test('a first reading that fails ends the watch with its error; a later one is a notice, and it goes on', async () => {
    const time = fakeTime();
    await expect(
      watchStatus({
        read: async () => {
          throw new Error('Stack Nope does not exist');
        },
        printer: recorder(),
        intervalMs: 1000,
        clock: time.clock,
        sleep: time.sleep,
      }),
    ).rejects.toThrow('Stack Nope does not exist');
    const printer = recorder();
    let n = 0;
    const ended = await watchStatus({
      read: async () => {
        n += 1;
        if (n === 2) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return view('testing');
      },
      printer,
      intervalMs: 1000,
      timeoutMs: 2500,
      clock: time.clock,
      sleep: time.sleep,
    });
    expect(ended).toBe('timeout');
    expect(printer.notices).toEqual([
      'reading the deployment failed (ThrottlingException: Rate exceeded); trying again every 1s',
    ]);
    expect(printer.shown).toHaveLength(3);
  });
});

describe('the command line', () => {
  test.each([
    [
      ['status', '--watch', '--interval', '0'],
      /--interval must be whole seconds from 1 to 3600 \(e\.g\. --interval 5\), not '0'/,
    ],
    [['status', '--watch', '--interval', '1.5'], /--interval must be whole seconds/],
    [['status', '--interval', '5'], /--interval applies only with --watch: add --watch, or drop --interval\./],
  ])('%j: a usage error, exit 2, one line naming the flag and the fix', async (argv, line) => {
    const result = await runInProcess(['--local', ...argv], { parseOnly: true });
    expectUsageError(result, line);
  });

  test('status --watch --interval 5 parses', async () => {
    expect((await runInProcess(['--local', 'status', '--watch', '--interval', '5'], { parseOnly: true })).code).toBe(0);
  });
});
