import type { HistoryEvent } from '@aws-sdk/client-sfn';
import * as fs from 'fs';
import * as path from 'path';

/** Execution histories recorded from local AWS (GetExecutionHistory, state inputs and outputs left out). */
export function recordedHistory(name: 'deploy-green-succeeded' | 'deploy-green-not-healthy'): HistoryEvent[] {
  const raw = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', `${name}.history.json`), 'utf8')) as Array<
    HistoryEvent & { timestamp: string }
  >;
  return raw.map((e) => ({ ...e, timestamp: new Date(e.timestamp) }));
}

/** A synthetic history: ExecutionStarted at t0, then the given states one second apart, then an optional end. */
export function syntheticHistory(
  states: ReadonlyArray<string | { name: string; type: string }>,
  end?: Omit<HistoryEvent, 'id' | 'timestamp'>,
  t0 = new Date('2026-01-01T00:00:00Z'),
): HistoryEvent[] {
  const events: HistoryEvent[] = [{ id: 1, type: 'ExecutionStarted', timestamp: t0 }];
  states.forEach((s, i) => {
    const { name, type } = typeof s === 'string' ? { name: s, type: 'TaskStateEntered' } : s;
    events.push({
      id: i + 2,
      type: type as HistoryEvent['type'],
      timestamp: new Date(t0.getTime() + (i + 1) * 1000),
      stateEnteredEventDetails: { name },
    });
  });
  if (end)
    events.push({ ...end, id: events.length + 1, timestamp: new Date(t0.getTime() + (states.length + 1) * 1000) });
  return events;
}
