import { BlueGreenStack, type BlueGreenStackProps } from '../../examples/demo/bluegreen-stack';
import { synthStack, testApp } from './synth';

/**
 * The stack prop `trafficShift`: swap's strategy when its input has none. Checked in the constructor with the
 * contract's rules (contract/traffic-shift.ts), each error naming the value, what is allowed and the fix; passed to
 * swap (only swap) as the `${TrafficShift}` substitution in the contract's compact form.
 */
const build = (props: BlueGreenStackProps) => () => new BlueGreenStack(testApp(), 'EcsBlueGreen', props);

function swapSubstitutions(props: BlueGreenStackProps): Record<string, Record<string, string>> {
  const machines = synthStack(props).template.findResources('AWS::StepFunctions::StateMachine');
  return Object.fromEntries(
    Object.entries(machines).map(([id, r]) => [
      id,
      (r as { Properties: { DefinitionSubstitutions: Record<string, string> } }).Properties.DefinitionSubstitutions,
    ]),
  );
}

test.each([
  [
    { trafficShift: { type: 'linear', percent: 1, intervalSeconds: 60 } },
    /trafficShift\.percent is 1 but must be a number from 3 to 100 with at most one decimal .* Omit trafficShift for all-at-once \(the default\)/,
  ],
  [
    { trafficShift: { type: 'canary', percent: 10, intervalSeconds: 90_000 } },
    /trafficShift\.intervalSeconds is 90000 but must be a whole number of seconds from 0 to 86400 \(0 to 1440 minutes/,
  ],
  [
    { trafficShift: { type: 'gradual' } },
    /trafficShift\.type is "gradual" but must be one of all-at-once, canary, linear, steps/,
  ],
  [
    {
      trafficShift: {
        type: 'steps',
        steps: [
          { percent: 20, seconds: 60 },
          { percent: 10, seconds: 60 },
        ],
      },
    },
    /trafficShift\.steps\[1\]\.percent is 10 but must be larger than the step before \(20\)/,
  ],
] as unknown as Array<[BlueGreenStackProps, RegExp]>)('%j fails in the constructor', (props, message) => {
  expect(build(props)).toThrow(message);
});

test('the default is all-at-once; a canary reaches swap as canary:10:300, and no other machine gets it', () => {
  const byDefault = Object.entries(swapSubstitutions({}));
  expect(byDefault.find(([id]) => id.includes('Swap'))?.[1].TrafficShift).toBe('all-at-once');
  const canary = Object.entries(
    swapSubstitutions({ trafficShift: { type: 'canary', percent: 10, intervalSeconds: 300 } }),
  );
  expect(canary.find(([id]) => id.includes('Swap'))?.[1].TrafficShift).toBe('canary:10:300');
  for (const [id, substitutions] of canary.filter(([machine]) => !machine.includes('Swap'))) {
    expect([id, substitutions.TrafficShift]).toEqual([id, undefined]);
  }
});
