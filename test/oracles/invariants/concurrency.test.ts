import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionResult } from '../../../harness/demo/executions';
import { pairProblems, timed } from '../../../oracles/invariants/concurrency';

const T0 = Date.UTC(2026, 11, 1);
const at = (s: number): Date => new Date(T0 + s * 1000);

/** A history: started at `start`, entered AcquireLease at `lease`, then one ECS change from `change` to change+1. */
function history(start: number, lease: number | number[], change: number): HistoryEvent[] {
  const events: Array<Omit<HistoryEvent, 'id'>> = [
    { type: 'ExecutionStarted', timestamp: at(start) },
    { type: 'TaskStateEntered', timestamp: at(start), stateEnteredEventDetails: { name: 'CheckInputFields' } },
    ...[lease].flat().map((t) => ({
      type: 'TaskStateEntered' as const,
      timestamp: at(t),
      stateEnteredEventDetails: { name: 'AcquireLease' },
    })),
    {
      type: 'TaskScheduled',
      timestamp: at(change),
      taskScheduledEventDetails: {
        resourceType: 'aws-sdk:ecs',
        resource: 'updateServicePrimaryTaskSet',
        region: 'x',
        parameters: '{}',
      },
    },
    {
      type: 'TaskSucceeded',
      timestamp: at(change + 1),
      taskSucceededEventDetails: { resourceType: 'aws-sdk:ecs', resource: 'x' },
    },
    { type: 'ExecutionSucceeded', timestamp: at(change + 2) },
  ];
  return events.map((event, i) => ({ ...event, id: i + 1 }) as HistoryEvent);
}
const result = (events: HistoryEvent[]): ExecutionResult => ({
  executionArn: 'arn:x',
  status: 'SUCCEEDED',
  history: events,
});

test('a second operation that asks for the lease after the first one changed its last thing may act, after it', () => {
  // B starts while A changes (t=10..11), but checks its input first and asks for the lease at t=12.
  const a = timed('A swap', result(history(0, 1, 10)));
  const b = timed('B clean-up', result(history(10.5, 12, 13)));
  expect(pairProblems(a, b)).toEqual([]);
});

test('one that asks for the lease while the first still changes things and changes things too is flagged', () => {
  const a = timed('A swap', result(history(0, 1, 10)));
  const b = timed('B clean-up', result(history(9, 10.5, 13)));
  expect(pairProblems(a, b)).toEqual([
    expect.stringMatching(/^B clean-up asked for the lease while A swap was still changing things/),
  ]);
});

test('changes that interleave are flagged whatever the lease says', () => {
  const a = timed('A swap', result(history(0, 1, 10)));
  const b = timed('B clean-up', result(history(0.5, 2, 10.5)));
  expect(pairProblems(a, b)).toEqual([expect.stringMatching(/^both changed things at the same time/)]);
});

test('the attempt that got the lease counts: a first attempt that met the holder, then a second after it let go', () => {
  const a = timed('A swap', result(history(0, 1, 10)));
  const b = timed('B rollback', result(history(9, [10.5, 12], 13)));
  expect(pairProblems(a, b)).toEqual([]);
});
