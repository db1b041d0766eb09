/**
 * Task tokens and their timers (callback-task.ts), on jest's fake timers: a closed or stopped task leaves no timer
 * behind, timeouts longer than setTimeout can hold do not fire early, and the Send* lookup answers by token state.
 */
import { createClock } from '../../../local/aws/clock';
import { CallbackRegistry, ExecutionCallbacks } from '../../../local/stepfunctions/callback-task';

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:swap:e1';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

function callbacks(timeScale: number, timing: Record<string, unknown>) {
  const registry = new CallbackRegistry(createClock(timeScale));
  return { registry, execution: new ExecutionCallbacks(registry, EXECUTION, new Map([['Bake', timing]])) };
}

test('a token is issued only for callback states, each entry its own; the handler claims the latest', () => {
  const { registry, execution } = callbacks(1, {});
  expect(execution.taskToken('Other', {})).toBeUndefined();
  const first = execution.taskToken('Bake', {});
  const second = execution.taskToken('Bake', {});
  expect(first).not.toBe(second);
  expect(execution.claim('Bake').token).toBe(second);
  // The first entry never reached its Task (its Parameters failed, say): closed.
  expect(() => registry.openTask(first ?? '')).toThrow(expect.objectContaining({ code: 'TaskTimedOut' }));
  expect(registry.openTask(second ?? '').isOpen).toBe(true);
  expect(() => execution.claim('Bake')).toThrow(/No task token was issued/);
});

test('Stop (the abort signal) settles the wait and clears the timeout and heartbeat timers', async () => {
  const { execution } = callbacks(1, { timeoutSecondsPath: '$.bake', heartbeatSeconds: 60 });
  execution.taskToken('Bake', { bake: 3600 });
  const task = execution.claim('Bake');
  expect(task.timing).toEqual({ timeoutSeconds: 3600, heartbeatSeconds: 60 });
  const stop = new AbortController();
  task.start(stop.signal);
  expect(jest.getTimerCount()).toBe(2);
  stop.abort(new Error('Execution stopped'));
  await expect(task.outcome).resolves.toMatchObject({ ok: false, error: { message: 'Execution stopped' } });
  expect(jest.getTimerCount()).toBe(0);
  expect(task.isOpen).toBe(false);
});

test('the end of the execution closes every task it issued, started or not, with no timer left', () => {
  const { registry, execution } = callbacks(1, { timeoutSeconds: 600 });
  const started = execution.taskToken('Bake', {}) ?? '';
  execution.claim('Bake').start(new AbortController().signal);
  const unclaimed = execution.taskToken('Bake', {}) ?? '';
  execution.closeAll();
  expect(jest.getTimerCount()).toBe(0);
  for (const token of [started, unclaimed]) {
    expect(() => registry.openTask(token)).toThrow(expect.objectContaining({ code: 'TaskTimedOut' }));
  }
});

test('a success settles the wait once and clears its timers; later outcomes change nothing', async () => {
  const { execution } = callbacks(1, { timeoutSeconds: 600, heartbeatSeconds: 60 });
  execution.taskToken('Bake', {});
  const task = execution.claim('Bake');
  task.start(new AbortController().signal);
  task.succeed({ verdict: 'healthy' });
  task.fail(new Error('late'));
  expect(jest.getTimerCount()).toBe(0);
  await expect(task.outcome).resolves.toEqual({ ok: true, output: { verdict: 'healthy' } });
});

test('the default timeout (99999999 s, past what setTimeout holds) does not fire early', () => {
  const { execution } = callbacks(1, {});
  execution.taskToken('Bake', {});
  const task = execution.claim('Bake');
  task.start(new AbortController().signal);
  jest.advanceTimersByTime(2 ** 31 + 10_000);
  expect(task.isOpen).toBe(true);
  task.close();
  expect(jest.getTimerCount()).toBe(0);
});

test('the heartbeat fires in emulated time as States.HeartbeatTimeout unless a heartbeat restarts it', async () => {
  // timeScale 0.01: 100 emulated seconds are 1 s of wall time.
  const { execution } = callbacks(0.01, { timeoutSeconds: 1000, heartbeatSeconds: 100 });
  execution.taskToken('Bake', {});
  const task = execution.claim('Bake');
  task.start(new AbortController().signal);
  jest.advanceTimersByTime(900);
  task.heartbeat();
  jest.advanceTimersByTime(900);
  expect(task.isOpen).toBe(true);
  jest.advanceTimersByTime(100);
  await expect(task.outcome).resolves.toMatchObject({ ok: false, error: { name: 'States.HeartbeatTimeout' } });
  expect(jest.getTimerCount()).toBe(0);
});

test('Send* lookups: InvalidToken for what is not a token, TaskDoesNotExist for a well-formed unknown one', () => {
  const { registry } = callbacks(1, {});
  expect(() => registry.openTask('not a token')).toThrow(expect.objectContaining({ code: 'InvalidToken' }));
  const foreign = new CallbackRegistry(createClock(1)).issue(EXECUTION, 'Bake', {}).token;
  expect(() => registry.openTask(foreign)).toThrow(expect.objectContaining({ code: 'TaskDoesNotExist' }));
});
