import { isIndefinitePath } from '../../../local/stepfunctions/jsonpath-shape';
import { StateMachine } from '../../../local/stepfunctions/library';

// JSONPath result shapes as on AWS (Jayway JsonPath; local/stepfunctions/README.md): an indefinite path gives an
// array of its matches, `[]` when none; a definite path gives its value, and fails the state when nothing is there.

async function evaluate(path: string, input: Parameters<StateMachine['run']>[0]): Promise<unknown> {
  const machine = new StateMachine({
    StartAt: 'P',
    States: { P: { Type: 'Pass', Parameters: { 'value.$': path }, End: true } },
  });
  const output = (await machine.run(input).result) as { value: unknown };
  return output.value;
}

const taskSets = {
  TaskSets: [
    { Id: 'ecs-svc/1', Status: 'PRIMARY', ExternalId: 'blue' },
    { Id: 'ecs-svc/2', Status: 'ACTIVE', ExternalId: 'green' },
  ],
};

test.each([
  ['$.a.b', false],
  ['$.a[0].b', false],
  ["$['a'].b", false],
  ["$['a.b,c']", false],
  ['$.a[*].b', true],
  ['$.a.*', true],
  ['$..b', true],
  ["$.a[?(@.s == 'x')].b", true],
  ['$.a[0:2]', true],
  ['$.a[0,1]', true],
  ["$['a','b']", true],
])('%s is indefinite: %s', (path, indefinite) => {
  expect(isIndefinitePath(path)).toBe(indefinite);
});

test('a filter matching one element gives an array of one', async () => {
  expect(await evaluate("$.TaskSets[?(@.Status == 'ACTIVE')].Id", taskSets)).toEqual(['ecs-svc/2']);
});

test('a filter matching nothing gives an empty array, not a failure', async () => {
  expect(await evaluate("$.TaskSets[?(@.Status == 'DRAINING')].Id", taskSets)).toEqual([]);
});

test('a wildcard over an empty list gives an empty array', async () => {
  expect(await evaluate('$.TaskSets[*].Id', { TaskSets: [] })).toEqual([]);
});

test('a definite path to nothing still fails the state (States.Runtime)', async () => {
  await expect(evaluate('$.TaskSets[2].Id', taskSets)).rejects.toThrow(/does not point to a value/);
});
