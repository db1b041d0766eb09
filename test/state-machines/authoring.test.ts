import { readAsl, STATE_MACHINE_NAMES } from '../../infra/lib/private/asl';
import { checkDefinition, type States } from '../../state-machines/authoring/asl';
import { NAMES, render } from '../../state-machines/authoring/generate';

// state-machines/authoring/ holds the typed modules the .asl.json files are written from (shared retry policy, input
// checks, lease, health gate, clean-up fragments). The files are what ships; this keeps the two from drifting apart.

test('every shipped state machine has an authoring module', () => {
  expect([...NAMES].sort()).toEqual([...STATE_MACHINE_NAMES].sort());
});

test.each(STATE_MACHINE_NAMES)(
  '%s.asl.json is what its authoring module renders (run npx tsx state-machines/authoring/generate.ts)',
  (name) => {
    expect(JSON.parse(readAsl(name))).toEqual(JSON.parse(render(name)));
  },
);

describe('render-time checks of a definition', () => {
  const pass = (next: string): States[string] => ({ Type: 'Pass', Next: next });
  const done: States[string] = { Type: 'Succeed' };

  test('a Next to a state that does not exist', () => {
    expect(() => checkDefinition('m', 'A', { A: pass('Typo'), B: done })).toThrow(
      'm: A goes to Typo, which is not a state here',
    );
  });

  test('a StartAt, Default or Catch to a state that does not exist', () => {
    expect(() => checkDefinition('m', 'Nope', { A: done })).toThrow('StartAt goes to Nope');
    expect(() =>
      checkDefinition('m', 'A', {
        A: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'B' }], Default: 'C' },
        B: done,
      }),
    ).toThrow('A goes to C');
    expect(() =>
      checkDefinition('m', 'A', {
        A: { Type: 'Task', Resource: 'r', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'C' }], Next: 'B' },
        B: done,
      }),
    ).toThrow('A goes to C');
  });

  test('a transition out of a Map into the machine (each scope has its own states)', () => {
    expect(() =>
      checkDefinition('m', 'M', {
        M: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'X', States: { X: pass('After') } },
          Next: 'After',
        },
        After: done,
      }),
    ).toThrow('m/M: X goes to After, which is not a state here');
  });

  test('neither or both of Next and End, an unreachable state, a comparison with two operators', () => {
    expect(() => checkDefinition('m', 'A', { A: { Type: 'Pass' } })).toThrow('A: needs exactly one of Next and End');
    expect(() => checkDefinition('m', 'A', { A: { Type: 'Pass', Next: 'B', End: true }, B: done })).toThrow(
      'needs exactly one of Next and End',
    );
    expect(() => checkDefinition('m', 'A', { A: pass('B'), B: done, C: done })).toThrow('no transition leads to C');
    const twoOperators = { Variable: '$.x', IsPresent: true, BooleanEquals: true, Next: 'B' };
    expect(() =>
      checkDefinition('m', 'A', { A: { Type: 'Choice', Choices: [twoOperators], Default: 'B' }, B: done }),
    ).toThrow('exactly one operator');
  });

  test('a misspelt field is a type error', () => {
    // @ts-expect-error ResultsPath is not a field of a Pass state
    const misspelt: States[string] = { Type: 'Pass', ResultsPath: '$.x', End: true };
    // @ts-expect-error StringEqual is not a comparison operator
    const rule: States[string] = { Type: 'Choice', Choices: [{ Variable: '$.x', StringEqual: 'a', Next: 'A' }] };
    expect([misspelt, rule]).toHaveLength(2);
  });
});
