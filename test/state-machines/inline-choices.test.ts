import { StateMachine } from '../../local/stepfunctions/library';
import type { ChoiceState, States } from '../../state-machines/authoring/asl';
import { inlineChoiceStates, KEPT_CHOICES, MAX_RULES } from '../../state-machines/authoring/inline-choices';

/**
 * Folding Choice chains (state-machines/authoring/inline-choices.ts): fewer states entered, the same decisions. Each
 * case runs the original and the folded machine on aws-local-stepfunctions over inputs that take every branch, and
 * compares where they end.
 */
const end = (name: string) => ({ Type: 'Pass' as const, Result: name, End: true as const });

/** A: x present and 1 → Y; x absent → Out1; else Z. Y: y true → Out2, else Out3. Z (also reached from P): y → Out4. */
const chain: States = {
  P: { Type: 'Pass', Next: 'A' },
  A: {
    Type: 'Choice',
    Choices: [
      {
        And: [
          { Variable: '$.x', IsPresent: true },
          { Variable: '$.x', NumericEquals: 1 },
        ],
        Next: 'Y',
      },
      { Not: { Variable: '$.x', IsPresent: true }, Next: 'Out1' },
    ],
    Default: 'Z',
  },
  Y: {
    Type: 'Choice',
    Choices: [
      {
        And: [
          { Variable: '$.y', IsPresent: true },
          { Variable: '$.y', BooleanEquals: true },
        ],
        Next: 'Out2',
      },
    ],
    Default: 'Out3',
  },
  Z: {
    Type: 'Choice',
    Choices: [{ Variable: '$.y', IsPresent: true, Next: 'Out4' }],
    Default: 'Out5',
  },
  Out1: end('Out1'),
  Out2: end('Out2'),
  Out3: end('Out3'),
  Out4: end('Out4'),
  Out5: end('Out5'),
};

/** Where the machine ends, and how many states it entered (the library's event log). */
async function runAt(states: States, input: Record<string, unknown>): Promise<{ result: unknown; entered: number }> {
  const machine = new StateMachine({ StartAt: 'P', States: structuredClone(states) } as never);
  const { result, eventLogs } = machine.run(input as never);
  let entered = 0;
  for await (const event of eventLogs) if (event.type === 'StateEntered') entered++;
  return { result: await result, entered };
}

/** Inputs that take every branch, and how many states folding saves each (none where A decides alone). */
const INPUTS: Array<[Record<string, unknown>, number]> = [
  [{}, 0],
  [{ x: 1 }, 1],
  [{ x: 1, y: true }, 1],
  [{ x: 1, y: false }, 1],
  [{ x: 2 }, 1],
  [{ x: 2, y: false }, 1],
];

test.each(INPUTS)('input %j ends where it ended before, through %d state(s) fewer', async (input, saved) => {
  const before = await runAt(chain, input);
  const after = await runAt(inlineChoiceStates('P', chain), input);
  expect(after.result).toEqual(before.result);
  expect(after.entered).toBe(before.entered - saved);
});

test('a rule to a Choice becomes its rules under And, then the rule to its Default; a Default takes its rules', () => {
  const a = inlineChoiceStates('P', chain).A as ChoiceState;
  expect(a.Choices).toEqual([
    {
      And: [
        { Variable: '$.x', IsPresent: true },
        { Variable: '$.x', NumericEquals: 1 },
        {
          And: [
            { Variable: '$.y', IsPresent: true },
            { Variable: '$.y', BooleanEquals: true },
          ],
        },
      ],
      Next: 'Out2',
    },
    {
      And: [
        { Variable: '$.x', IsPresent: true },
        { Variable: '$.x', NumericEquals: 1 },
      ],
      Next: 'Out3',
    },
    { Not: { Variable: '$.x', IsPresent: true }, Next: 'Out1' },
    { Variable: '$.y', IsPresent: true, Next: 'Out4' },
  ]);
  expect(a.Default).toBe('Out5');
});

test('a folded Choice no transition reaches is dropped; one reached from elsewhere stays', () => {
  // R (a Pass) also leads to Z, so Z stays after A takes its rules in; Y is reached only from A.
  const a = chain.A as ChoiceState;
  const withR: States = {
    ...chain,
    A: { ...a, Choices: a.Choices.map((rule) => (rule.Next === 'Out1' ? { ...rule, Next: 'R' } : rule)) },
    R: { Type: 'Pass', Next: 'Z' },
  };
  const folded = inlineChoiceStates('P', withR);
  expect(folded.Y).toBeUndefined();
  expect(folded.Z).toEqual(chain.Z);
  expect((folded.A as ChoiceState).Default).toBe('Out5');
});

test('a kept Choice is never folded into another', () => {
  const kept = KEPT_CHOICES[0] ?? 'ResumeSwap';
  const states: States = {
    P: { Type: 'Pass', Next: 'A' },
    A: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: kept }], Default: 'Out1' },
    [kept]: { Type: 'Choice', Choices: [{ Variable: '$.y', IsPresent: true, Next: 'Out2' }], Default: 'Out3' },
    Out1: end('Out1'),
    Out2: end('Out2'),
    Out3: end('Out3'),
  };
  expect(inlineChoiceStates('P', states)).toEqual(states);
});

test(`a fold that would give a Choice more than ${MAX_RULES} rules is not made`, () => {
  const many = Array.from({ length: MAX_RULES }, (_, i) => ({ Variable: `$.v${i}`, IsPresent: true, Next: 'Out1' }));
  const states: States = {
    P: { Type: 'Pass', Next: 'A' },
    A: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'Out1' }], Default: 'B' },
    B: { Type: 'Choice', Choices: many, Default: 'Out2' },
    Out1: end('Out1'),
    Out2: end('Out2'),
  };
  expect(inlineChoiceStates('P', states)).toEqual(states);
});
