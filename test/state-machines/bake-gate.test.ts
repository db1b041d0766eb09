import { StateMachine } from 'aws-local-stepfunctions';
import { readAsl } from '../../infra/lib/private/asl';

/**
 * swap's bake gate, as shipped: its two states taken from swap.asl.json and run on aws-local-stepfunctions with the
 * target states a DescribeTargetHealth poll could return. Deterministic, unlike waiting for an autoscaler's new
 * target to be caught in `initial` by a poll every 10 s.
 */
type States = Record<string, Record<string, unknown>>;

function statesOf(node: unknown, name: string): States | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const record = node as { States?: States };
  if (record.States?.[name]) return record.States;
  for (const value of Object.values(node)) {
    const found = statesOf(value, name);
    if (found) return found;
  }
  return undefined;
}

const shipped = statesOf(JSON.parse(readAsl('swap')), 'SummarizeBakingGreenHealth') ?? {};
const summarize = shipped.SummarizeBakingGreenHealth ?? {};
const decide = shipped.IsBakingGreenHealthy as { Choices: Array<Record<string, unknown>>; Default: string };

async function bakeSays(targets: string[]): Promise<'keeps baking' | 'undoes the swap'> {
  const gate = new StateMachine({
    StartAt: 'Summarize',
    States: {
      Summarize: { ...summarize, Next: 'Decide' },
      Decide: {
        ...decide,
        Choices: decide.Choices.map((choice) => ({ ...choice, Next: 'KeepsBaking' })),
        Default: 'UndoesTheSwap',
      },
      KeepsBaking: { Type: 'Pass', Result: 'keeps baking', End: true },
      UndoesTheSwap: { Type: 'Pass', Result: 'undoes the swap', End: true },
    },
  } as never);
  const { result } = gate.run({ bake: { health: { states: targets } } });
  return (await result) as 'keeps baking' | 'undoes the swap';
}

test('the gate is the shipped one (its states exist in swap.asl.json)', () => {
  expect(summarize.Type).toBe('Pass');
  expect(decide.Default).toBe('NoteGreenUnhealthyAfterSwap');
});

test.each([
  [['healthy'], 'keeps baking'],
  [['healthy', 'healthy'], 'keeps baking'],
  // An autoscaler scaled out: the new tasks are still registering.
  [['healthy', 'initial', 'initial'], 'keeps baking'],
  // A task died (or was scaled in): deregistered, indistinguishable, so the bake moves production back.
  [['healthy', 'draining'], 'undoes the swap'],
  [['draining', 'initial'], 'undoes the swap'],
  [['healthy', 'unhealthy'], 'undoes the swap'],
  [['healthy', 'unavailable'], 'undoes the swap'],
  [['initial'], 'undoes the swap'],
  [[], 'undoes the swap'],
])('targets %j: the bake %s', async (targets, expected) => {
  expect(await bakeSays(targets)).toBe(expected);
});
