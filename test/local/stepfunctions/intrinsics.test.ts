import { StateMachine } from '../../../local/stepfunctions/library';

// Intrinsic functions and backslashes (local/stepfunctions/README.md): results keep their backslashes, and only the
// escapes of literal arguments are undone, as on AWS. Without scripts/patch-aws-local-stepfunctions.mjs the first two
// tests fail (the library strips every backslash from every result).

async function evaluate(
  parameters: Record<string, string>,
  input: Parameters<StateMachine['run']>[0],
): Promise<Record<string, unknown>> {
  const machine = new StateMachine({
    StartAt: 'P',
    States: { P: { Type: 'Pass', Parameters: parameters, End: true } },
  });
  return (await machine.run(input).result) as Record<string, unknown>;
}

test('States.JsonToString of values holding quotes and backslashes is JSON that reads back the same', async () => {
  const value = { m: 'a "quoted" word', path: 'C:\\temp', states: ['unhealthy', 'initial'] };
  const { text } = await evaluate({ 'text.$': 'States.JsonToString($.value)' }, { value });
  expect(JSON.parse(text as string)).toEqual(value);
});

test('a message that quotes JSON, wrapped in a cause object and written out as JSON text, reads back', async () => {
  const machine = new StateMachine({
    StartAt: 'Note',
    States: {
      Note: {
        Type: 'Pass',
        Parameters: {
          Cause: { 'message.$': "States.Format('target states {}', States.JsonToString($.states))", next: ['abort'] },
        },
        ResultPath: '$.failure',
        Next: 'Write',
      },
      Write: { Type: 'Pass', Parameters: { 'cause.$': 'States.JsonToString($.failure.Cause)' }, End: true },
    },
  });
  const { cause } = (await machine.run({ states: ['unhealthy', 'unhealthy'] }).result) as { cause: string };
  expect(JSON.parse(cause)).toEqual({ message: 'target states ["unhealthy","unhealthy"]', next: ['abort'] });
});

test('escapes in a literal template are undone; inserted values are kept as they are', async () => {
  const { text } = await evaluate({ 'text.$': "States.Format('it\\'s {}', $.v)" }, { v: 'a\\b' });
  expect(text).toBe("it's a\\b");
});
