import { readAsl, STATE_MACHINE_NAMES } from '../../infra/lib/private/asl';

// state-machines/authoring/ holds the modules the .asl.json files are written from (shared retry policy, input
// checks, task set lookups). The files are what ships; this keeps the two from drifting apart.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NAMES, render } = require('../../state-machines/authoring/generate') as {
  NAMES: string[];
  render: (name: string) => string;
};

test('every shipped state machine has an authoring module', () => {
  expect([...NAMES].sort()).toEqual([...STATE_MACHINE_NAMES].sort());
});

test.each(STATE_MACHINE_NAMES)(
  '%s.asl.json is what its authoring module renders (run node state-machines/authoring/generate.js)',
  (name) => {
    expect(JSON.parse(readAsl(name))).toEqual(JSON.parse(render(name)));
  },
);
