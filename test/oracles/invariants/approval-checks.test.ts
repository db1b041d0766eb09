import {
  cliProblems,
  forwardProblems,
  settled,
  waiterProblems,
  waitingNow,
  waitsOf,
  windowProblems,
  type ExecutionView,
} from '../../../oracles/invariants/approval-checks';

const SWAP = 'arn:aws:states:us-east-1:1:stateMachine:swap';
const ABORT = 'arn:aws:states:us-east-1:1:stateMachine:abort';

/** A swap that entered AwaitApproval at t=1000 ms; `then` lists the events after the Task's start. */
function swap(id: string, status: string, then: Array<[string, number]>, submitted = true): ExecutionView {
  return {
    executionArn: `${SWAP.replace(':stateMachine:', ':execution:')}:${id}`,
    stateMachineArn: SWAP,
    status,
    input: '{"awaitApproval":true}',
    history: [
      { type: 'ExecutionStarted', timestamp: 0 },
      { type: 'TaskStateEntered', timestamp: 1000, name: 'AwaitApproval' },
      { type: 'TaskScheduled', timestamp: 1000 },
      { type: 'TaskStarted', timestamp: 1000 },
      ...(submitted ? [{ type: 'TaskSubmitted', timestamp: 1100 }] : []),
      ...then.map(([type, timestamp]) => ({ type, timestamp })),
    ],
  };
}
const abort = (status: string): ExecutionView => ({
  executionArn: 'arn:aws:states:us-east-1:1:execution:abort:x',
  stateMachineArn: ABORT,
  status,
  input: '{}',
  history: [{ type: 'ExecutionStarted', timestamp: 0 }],
});

describe('waits', () => {
  test('a waiter is running, its token out, its Task open', () => {
    const waiting = swap('w', 'RUNNING', []);
    const notYet = swap('n', 'RUNNING', [], false);
    const answered = swap('a', 'RUNNING', [
      ['TaskSucceeded', 2000],
      ['TaskStateExited', 2000],
    ]);
    expect(waitingNow([waiting, notYet, answered])).toEqual([waiting.executionArn]);
    expect(settled([waiting])).toBe(true);
    expect(settled([waiting, notYet])).toBe(false);
    expect(settled([waiting, abort('RUNNING')])).toBe(false);
    expect(
      settled(
        [waiting, abort('SUCCEEDED'), answered].map((e) => ({ ...e, status: e === waiting ? 'RUNNING' : 'SUCCEEDED' })),
      ),
    ).toBe(true);
  });

  test('(2) at most one waits, and the item names it', () => {
    const a = swap('a', 'RUNNING', []);
    const b = swap('b', 'RUNNING', []);
    expect(waiterProblems([a], a.executionArn)).toEqual([]);
    expect(waiterProblems([a, b], a.executionArn)[0]).toMatch(/^\[2\] 2 swaps wait/);
    expect(waiterProblems([a], undefined)[0]).toMatch(/names nothing/);
    expect(waiterProblems([a], b.executionArn)[0]).toMatch(/names arn/);
    const ended = swap('e', 'FAILED', [['TaskFailed', 2000]]);
    expect(waiterProblems([ended], ended.executionArn)).toEqual([]);
    expect(waiterProblems([], undefined)).toEqual([]);
    const shifting = swap('s', 'RUNNING', [['TaskSucceeded', 2000]]);
    expect(waiterProblems([shifting], shifting.executionArn)[0]).toMatch(/running but not waiting/);
  });

  test('(3) every wait ends within its window and slack', () => {
    const window = 300;
    const onTime = swap('t', 'FAILED', [['TaskTimedOut', 1000 + 300_000]]);
    const late = swap('l', 'FAILED', [['TaskTimedOut', 1000 + 500_000]]);
    const open = swap('o', 'RUNNING', []);
    expect(windowProblems(waitsOf([onTime]), window, 60)).toEqual([]);
    expect(windowProblems(waitsOf([late]), window, 60)[0]).toMatch(
      /waited 500 s \(TaskTimedOut\), past its 300 s window/,
    );
    expect(windowProblems(waitsOf([open]), window, 60)[0]).toMatch(/still waits/);
    // A swap that never waited (started by hand) has no wait to check.
    expect(waitsOf([abort('SUCCEEDED')])).toEqual([]);
  });
});

test('(1) production forwards only to what was live, approved or swapped to by hand', () => {
  const allowed = new Map([
    ['ts-blue', 'live before' as const],
    ['ts-green', 'approved' as const],
  ]);
  expect(forwardProblems(['ts-blue', 'ts-green', 'ts-blue'], allowed)).toEqual([]);
  expect(forwardProblems(['ts-blue', 'ts-other'], allowed)).toEqual([
    '[1] production forwarded to task set ts-other, which nobody approved or swapped to by hand',
  ]);
});

test('(5) exit codes 0 or 2; 2 changed nothing; one waiter accepts one answer', () => {
  const run = (args: string[], code: number, extra: object = {}) => ({
    args,
    code,
    stderr: 'why\nmore',
    concurrent: false,
    ...extra,
  });
  expect(cliProblems([run(['approve'], 0), run(['reject'], 2)])).toEqual([]);
  expect(cliProblems([run(['approve'], 1)])).toEqual(['[5] bluegreen approve exited 1: why']);
  expect(cliProblems([run(['reject'], 2, { changed: 'the service changed' })])).toEqual([
    '[5] bluegreen reject exited 2, yet the service changed',
  ]);
  const pair = [run(['approve'], 0, { concurrent: true }), run(['reject'], 0, { concurrent: true })];
  expect(cliProblems(pair, [pair])).toEqual([
    '[5] 2 commands run at once were all accepted for one waiter: approve, reject',
  ]);
});
