import { GREEN_DEGRADED } from '../../contract';
import { readAsl } from '../../infra/lib/private/asl';

/**
 * How swap's watches end, as shipped (swap.asl.json): a watch that nothing woke times out into `Check<name>`, where the
 * green-watch function reads green's target health and the watched alarms once more (contract/green-watch.ts, step
 * 4), and only that check leads on. What the check decides (target states, alarms) is tested on the function
 * (test/lambdas/green-watch/handler.test.ts); that it catches an alarm whose event came too late, end to end, in
 * test/state-machines/alarm-gate.test.ts.
 */
type State = Record<string, unknown> & { Next?: string; Catch?: Array<{ ErrorEquals: string[]; Next: string }> };

function statesOf(node: unknown, name: string): Record<string, State> | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const record = node as { States?: Record<string, State> };
  if (record.States?.[name]) return record.States;
  for (const value of Object.values(node)) {
    const found = statesOf(value, name);
    if (found) return found;
  }
  return undefined;
}

const shipped = statesOf(JSON.parse(readAsl('swap')), 'WatchBake') ?? {};
const caught = (state: string, error: string): string | undefined =>
  shipped[state]?.Catch?.find((c) => c.ErrorEquals.includes(error))?.Next;

test.each([
  ['Bake', 'bake', 'RecordSwapped', 'NoteGreenDegradedAfterSwap'],
  ['ShiftStep', 'shift', 'NextShiftStep', 'NoteGreenDegradedDuringShift'],
])('the %s watch ends with the check, which alone leads on', (name, kind, passed, degraded) => {
  expect(caught(`Watch${name}`, 'States.Timeout')).toBe(`Check${name}`);
  expect(shipped[`Watch${name}`]?.Next).toBe(`Check${name}`);
  const check = shipped[`Check${name}`];
  expect(check).toMatchObject({
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: '${GreenWatchFunctionArn}', Payload: { action: 'check', kind } },
    Next: passed,
  });
  // The check failing GreenDegraded is read and undone like a wake-up during the watch; any other error undoes too.
  expect(caught(`Check${name}`, GREEN_DEGRADED)).toBe(`Read${name}Degraded`);
  expect(shipped[`Read${name}Degraded`]?.Next).toBe(degraded);
  expect(caught(`Check${name}`, 'States.ALL')).toBe('UndoRestoreProduction');
});

test("no other read of green's target health stands between a watch and what follows it", () => {
  const gates = Object.keys(shipped).filter((name) => /^(Describe|Summarize|Any|Is)(Baking|Shifting)Green/.test(name));
  expect(gates).toEqual([]);
});
