import { StateMachine } from '../../local/stepfunctions/library';
import { readAsl } from '../../infra/lib/private/asl';

/**
 * swap's bake gate, as shipped: its states (the DescribeTargetHealth Task, which answers with the target states a
 * poll could return, and the Choices and Pass after it) taken from swap.asl.json and run on aws-local-stepfunctions.
 * Deterministic, unlike waiting for an autoscaler's new target to be caught in `initial` by a poll every 10 s.
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

const DESCRIBE = 'DescribeBakingGreenTargetHealth';
const shipped = statesOf(JSON.parse(readAsl('swap')), DESCRIBE) ?? {};
/** Where the gate leads: on to the record of the swap, or to the undo. */
const OUTCOMES: Record<string, string> = {
  RecordSwapped: 'KeepsBaking',
  NoteGreenUnhealthyAfterSwap: 'UndoesTheSwap',
};
const GATE = [DESCRIBE, 'AnyBakingGreenTargets', 'SummarizeBakingGreenHealth', 'IsBakingGreenHealthy'];

/** A shipped state with its transitions out of the gate sent to the outcomes (a target elsewhere fails the test). */
function gateState(name: string): Record<string, unknown> {
  const { Retry: _retry, Catch: _catch, ...state } = shipped[name] ?? {};
  const to = (next: unknown): string => {
    if (typeof next !== 'string') throw new Error(`${name}: no transition`);
    if (GATE.includes(next)) return next;
    const outcome = OUTCOMES[next];
    if (outcome === undefined) throw new Error(`${name} goes to ${next}, outside the gate`);
    return outcome;
  };
  if (state.Type === 'Choice') {
    const choices = state.Choices as Array<Record<string, unknown>>;
    return { ...state, Choices: choices.map((c) => ({ ...c, Next: to(c.Next) })), Default: to(state.Default) };
  }
  return { ...state, Next: to(state.Next) };
}

async function bakeSays(targets: string[]): Promise<'keeps baking' | 'undoes the swap'> {
  const states = Object.fromEntries(GATE.filter((name) => shipped[name]).map((name) => [name, gateState(name)]));
  const gate = new StateMachine({
    StartAt: DESCRIBE,
    States: {
      ...states,
      KeepsBaking: { Type: 'Pass', Result: 'keeps baking', End: true },
      UndoesTheSwap: { Type: 'Pass', Result: 'undoes the swap', End: true },
    },
  } as never);
  const descriptions = targets.map((state, i) => ({
    Target: { Id: `10.0.0.${i + 1}`, Port: 8080 },
    TargetHealth: { State: state },
  }));
  const { result } = gate.run(
    { green: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/g/1' } },
    { overrides: { taskResourceLocalHandlers: { [DESCRIBE]: () => ({ TargetHealthDescriptions: descriptions }) } } },
  );
  return (await result) as 'keeps baking' | 'undoes the swap';
}

test('the gate is the shipped one (its states exist in swap.asl.json)', () => {
  expect(shipped[DESCRIBE]?.Type).toBe('Task');
  expect(shipped.SummarizeBakingGreenHealth?.Type).toBe('Pass');
  expect(shipped.IsBakingGreenHealthy?.Default).toBe('NoteGreenUnhealthyAfterSwap');
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
