import { StateMachine } from '../../local/stepfunctions/library';
import type { Payload, TaskState } from '../../state-machines/authoring/asl';
import { recordStates } from '../../state-machines/authoring/lease';

/**
 * A record write is one Task whose States.Format writes the record's JSON text straight from the paths
 * (lease.ts recordStates()): the text must be exactly what States.JsonToString gave of the object a Pass built.
 */
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:swap:run-1';
const ENTERED = '2026-12-02T10:00:00.000Z';

async function textOf(fields: Payload, input: Record<string, unknown>): Promise<string> {
  const task = recordStates('Testing', fields, 'Next', 'Failed').RecordTesting as TaskState;
  const values = task.Parameters?.ExpressionAttributeValues as Record<string, Record<string, string>>;
  const format = values[':record']?.['S.$'] ?? '';
  const machine = new StateMachine({
    StartAt: 'Write',
    States: { Write: { Type: 'Pass', Parameters: { 'text.$': format }, End: true } },
  } as never);
  const { result } = machine.run(input as never, {
    context: { Execution: { Id: EXECUTION }, State: { EnteredTime: ENTERED } },
  });
  return ((await result) as { text: string }).text;
}

test('objects, numbers, texts and constants, nested: the compact JSON of the same object, keys in order', async () => {
  const live = { found: true, taskSetArn: 'arn:ts/1', note: 'a "quoted" \\ {braced} value' };
  const text = await textOf(
    {
      phase: 'testing',
      'live.$': '$.live',
      green: { found: true, 'taskSetArn.$': '$.arn', 'commit.$': '$.commit', 'testScalePercent.$': '$.percent' },
    },
    { live, arn: 'arn:aws:ecs:us-east-1:123456789012:task-set/c/s/ecs-svc/9', commit: 'abcdef0', percent: 25 },
  );
  expect(text).toBe(
    JSON.stringify({
      phase: 'testing',
      live,
      green: {
        found: true,
        taskSetArn: 'arn:aws:ecs:us-east-1:123456789012:task-set/c/s/ecs-svc/9',
        commit: 'abcdef0',
        testScalePercent: 25,
      },
      updatedBy: EXECUTION,
      updatedAt: ENTERED,
    }),
  );
});

test('a field whose kind is not declared is refused when the definition is rendered, naming the field', () => {
  expect(() => recordStates('X', { 'colour.$': '$.colour' }, 'Next', 'Failed')).toThrow(/field colour/);
});
