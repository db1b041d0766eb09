import { readAsl } from '../../infra/lib/private/asl';

/**
 * A path that does not point to a value fails the execution as States.Runtime, which no Catch handles. swap keeps the
 * autoscaling flag at `$.autoScaling` from RecordSwapping on (state-machines/authoring/autoscaling.ts); a state that
 * reads it unguarded (not a Choice's IsPresent-guarded rule) must be reachable only through RecordSwapping. A re-run
 * that found production already on green (AlreadySwapped) once read it without having written it.
 */
type State = Record<string, unknown> & {
  Next?: string;
  Default?: string;
  Choices?: Array<{ Next: string }>;
  Catch?: Array<{ Next: string }>;
  Type: string;
};

const WRITER = 'RecordSwapping';

test('every swap state that reads $.autoScaling outside a guarded Choice comes after RecordSwapping on every path', () => {
  const definition = JSON.parse(readAsl('swap')) as { StartAt: string; States: Record<string, State> };
  const next = (state: State): string[] =>
    [
      state.Next,
      state.Default,
      ...(state.Choices ?? []).map((c) => c.Next),
      ...(state.Catch ?? []).map((c) => c.Next),
    ].filter((n): n is string => typeof n === 'string');
  const reachable = new Set<string>();
  const queue = [definition.StartAt];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (reachable.has(name) || name === WRITER) continue;
    reachable.add(name);
    queue.push(...next(definition.States[name] as State));
  }
  expect(reachable.has('ReleaseLeaseOnSuccess')).toBe(true);
  const readers = Object.entries(definition.States)
    .filter(([, state]) => state.Type !== 'Choice' && JSON.stringify(state).includes('$.autoScaling'))
    .map(([name]) => name);
  expect(readers.length).toBeGreaterThan(0);
  expect(readers.filter((name) => reachable.has(name))).toEqual([]);
});
