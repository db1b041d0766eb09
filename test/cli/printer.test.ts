import { createPrinter, type PrinterMode } from '../../cli/printer';
import { buildProgress, logEntries } from '../../cli/progress';
import { syntheticHistory } from './history-fixtures';

const ESC = String.fromCharCode(27);
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:StateMachinesDeployGreen1234:run-1';
const loop = syntheticHistory([
  'DescribeService',
  { name: 'WaitForGreen', type: 'WaitStateEntered' },
  'DescribeGreenTaskSet',
  { name: 'WaitForGreen', type: 'WaitStateEntered' },
  'DescribeGreenTaskSet',
]);

function render(mode: PrinterMode, columns?: number): string {
  let text = '';
  const printer = createPrinter(mode, { write: (s: string) => (text += s) }, { columns });
  printer.started({ machine: 'deploy-green', executionArn: ARN, resumed: false });
  // Two polls: the first sees three events' worth of history, the second the rest.
  const firstPoll = loop.slice(0, 3);
  printer.update(buildProgress('deploy-green', firstPoll, new Date('2026-01-01T00:00:02Z')), logEntries(firstPoll));
  const seen = Math.max(...logEntries(firstPoll).map((e) => e.id));
  printer.update(
    buildProgress('deploy-green', loop, new Date('2026-01-01T00:01:15Z')),
    logEntries(loop).filter((e) => e.id > seen),
  );
  printer.note('a note');
  printer.stop();
  return text;
}

test('plain: one line per state, repeats only for Wait states, nothing redrawn', () => {
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

test('tty: state lines above a redrawn status line with the current state and elapsed time, cleared at the end', () => {
  const text = render('tty');
  expect(text).toContain('[    4s] WaitForGreen (#2)\n');
  // The live line is drawn after each update and erased (\r + clear line) before anything else is written.
  expect(text).toMatch(/\S deploy-green DescribeGreenTaskSet \(#2\) · 1m 15s/);
  expect(text).toContain('\r\x1b[2K');
  expect(text.endsWith('\r\x1b[2K')).toBe(true);
  const visible = text.split('\n').map((l) => l.split(`\r${ESC}[2K`).pop() ?? '');
  expect(visible).toContain('a note');
});

test('tty: the live line never wraps (it could not be erased)', () => {
  const text = render('tty', 30);
  // What each erase wipes: the text since the last newline before it.
  const live = text
    .split(`\r${ESC}[2K`)
    .slice(0, -1)
    .map((part) => part.split('\n').pop() ?? '')
    .filter((part) => part !== '');
  expect(live.length).toBeGreaterThan(0);
  for (const line of live) expect(line.length).toBeLessThanOrEqual(29);
  expect(live[live.length - 1]).toMatch(/…$/);
});
