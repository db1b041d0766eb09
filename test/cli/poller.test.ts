import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { followExecution } from '../../cli/poller';
import type { LogEntry } from '../../cli/progress';
import { syntheticHistory } from './history-fixtures';

const sfnMock = mockClient(SFNClient);
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:Swap:x';
afterEach(() => sfnMock.reset());

/** Serves `history` in pages of two events (nextToken = offset), growing by one event per DescribeExecution. */
function serve(history: HistoryEvent[], endStatus: string, visibleAtStart = 2): void {
  let visible = visibleAtStart;
  sfnMock.on(DescribeExecutionCommand).callsFake(() => {
    visible = Math.min(history.length, visible + 1);
    return { status: visible >= history.length ? endStatus : 'RUNNING', startDate: history[0]?.timestamp };
  });
  sfnMock.on(GetExecutionHistoryCommand).callsFake((input: { nextToken?: string }) => {
    const from = Number(input.nextToken ?? 0);
    const page = history.slice(0, visible).slice(from, from + 2);
    return { events: page, nextToken: from + 2 < visible ? String(from + 2) : undefined };
  });
}

test('pages through the history and hands each event to the printer exactly once, until the end', async () => {
  const history = syntheticHistory(['A', 'B', 'C', 'D', 'E'], {
    type: 'ExecutionSucceeded',
    executionSucceededEventDetails: { output: '{"message":"done. Next: clean-up, or rollback."}' },
  });
  serve(history, 'SUCCEEDED');
  const seen: LogEntry[] = [];
  const sleeps: number[] = [];
  const outcome = await followExecution(new SFNClient({}), ARN, {
    machine: 'swap',
    pollMs: 500,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    onUpdate: (_p, entries) => seen.push(...entries),
  });
  expect(outcome.kind).toBe('ended');
  expect(outcome.progress).toMatchObject({ status: 'SUCCEEDED', message: 'done. Next: clean-up, or rollback.' });
  expect(seen.filter((e) => e.kind === 'state').map((e) => e.state)).toEqual(['A', 'B', 'C', 'D', 'E']);
  expect(sleeps.every((ms) => ms === 500)).toBe(true);
  // More than one page per poll once the history is longer than a page.
  expect(sfnMock.commandCalls(GetExecutionHistoryCommand).some((c) => c.args[0].input.nextToken !== undefined)).toBe(
    true,
  );
});

test('stops following when the timeout passes, leaving the execution running', async () => {
  serve(syntheticHistory(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']), 'SUCCEEDED', 1);
  let clock = 0;
  const outcome = await followExecution(new SFNClient({}), ARN, {
    machine: 'swap',
    pollMs: 1000,
    timeoutMs: 2500,
    now: () => new Date(clock),
    sleep: (ms) => {
      clock += ms;
      return Promise.resolve();
    },
    onUpdate: () => undefined,
  });
  expect(outcome.kind).toBe('timeout');
  expect(outcome.progress.status).toBe('RUNNING');
  expect(clock).toBe(2500);
});

test('stops following on abort (Ctrl-C) at once, even in the middle of a long wait between polls', async () => {
  serve(syntheticHistory(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']), 'SUCCEEDED', 1);
  const controller = new AbortController();
  let polls = 0;
  const started = Date.now();
  const outcome = await followExecution(new SFNClient({}), ARN, {
    machine: 'swap',
    pollMs: 60_000, // the real sleep: only the abort can end it in time
    signal: controller.signal,
    onUpdate: () => {
      polls += 1;
      setTimeout(() => controller.abort(), 20);
    },
  });
  expect(outcome.kind).toBe('interrupted');
  expect(polls).toBe(1);
  expect(Date.now() - started).toBeLessThan(5000);
});
