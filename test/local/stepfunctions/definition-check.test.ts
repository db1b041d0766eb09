/** CreateStateMachine rejects, up front and by name, whatever a local run could not do as AWS does. */
import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { createClock } from '../../../local/aws/clock';
import { createStepFunctionsService, type StepFunctionsService } from '../../../local/stepfunctions/service';
import { awsErrorOf, createMachine, CTX, ROLE } from './harness';

let sfn: StepFunctionsService;

beforeEach(() => {
  sfn = createStepFunctionsService({
    clock: createClock(0.001),
    region: 'us-east-1',
    accountId: '123456789012',
    endpoint: () => 'http://127.0.0.1:9',
  });
});

afterEach(() => sfn.close());

const task = (resource: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  Type: 'Task',
  Resource: resource,
  End: true,
  ...extra,
});

function create(definition: unknown): Promise<unknown> {
  return sfn.invoke(
    'CreateStateMachine',
    { name: 'checked', definition: JSON.stringify(definition), roleArn: ROLE },
    CTX,
  );
}

describe('CreateStateMachine definition checks', () => {
  it.each([
    [
      'QueryLanguage JSONata',
      { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      /QueryLanguage "JSONata"/,
    ],
    [
      'Arguments',
      { StartAt: 'P', States: { P: { Type: 'Pass', Arguments: { a: 1 }, End: true } } },
      /the field 'Arguments'/,
    ],
    [
      'Output',
      { StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $states.input %}', End: true } } },
      /the field 'Output'/,
    ],
    ['Assign', { StartAt: 'P', States: { P: { Type: 'Pass', Assign: { x: 1 }, End: true } } }, /the field 'Assign'/],
    [
      'Choice Condition',
      {
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'P' }], Default: 'P' },
          P: { Type: 'Pass', End: true },
        },
      },
      /Choice rule 'Condition'/,
    ],
  ])('rejects JSONata (%s) as InvalidDefinition', async (_what, definition, message) => {
    const error = await awsErrorOf(create(definition));
    expect(error.code).toBe('InvalidDefinition');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/JSONata/);
  });

  it.each([
    ['an SQS integration', 'arn:aws:states:::sqs:sendMessage'],
    ['a direct Lambda ARN', 'arn:aws:lambda:us-east-1:123456789012:function:deploy'],
    ['an aws-sdk service that is not emulated', 'arn:aws:states:::aws-sdk:s3:getObject'],
    ['a .sync integration', 'arn:aws:states:::aws-sdk:ecs:runTask.sync'],
    ['a .waitForTaskToken integration other than lambda:invoke', 'arn:aws:states:::sqs:sendMessage.waitForTaskToken'],
    ['an activity', 'arn:aws:states:us-east-1:123456789012:activity:approve'],
  ])('rejects %s', async (_what, resource) => {
    const error = await awsErrorOf(
      create({ StartAt: 'T', States: { T: task(resource, { Parameters: { FunctionName: 'f' } }) } }),
    );
    expect(error.code).toBe('InvalidDefinition');
    expect(error.message).toMatch(/\/States\/T: /);
  });

  it('rejects unsupported resources nested in Parallel branches and Map iterators', async () => {
    const error = await awsErrorOf(
      create({
        StartAt: 'Par',
        States: {
          Par: {
            Type: 'Parallel',
            End: true,
            Branches: [
              {
                StartAt: 'Each',
                States: {
                  Each: {
                    Type: 'Map',
                    End: true,
                    ItemProcessor: { StartAt: 'Send', States: { Send: task('arn:aws:states:::sns:publish') } },
                  },
                },
              },
            ],
          },
        },
      }),
    );
    expect(error.code).toBe('InvalidDefinition');
    expect(error.message).toMatch(
      /\/States\/Par\/Branches\/0\/States\/Each\/ItemProcessor\/States\/Send: Resource 'arn:aws:states:::sns:publish'/,
    );
  });

  it('rejects an ECS action that does not exist and a parameter the action does not have', async () => {
    const unknownAction = await awsErrorOf(
      create({ StartAt: 'T', States: { T: task('arn:aws:states:::aws-sdk:ecs:createTaskSets') } }),
    );
    expect(unknownAction).toMatchObject({
      code: 'InvalidDefinition',
      message: expect.stringMatching(/ecs has no API action 'createTaskSets'/),
    });

    const unknownParameter = await awsErrorOf(
      create({
        StartAt: 'T',
        States: {
          T: task('arn:aws:states:::aws-sdk:ecs:describeServices', { Parameters: { cluster: 'c', Services: ['web'] } }),
        },
      }),
    );
    expect(unknownParameter).toMatchObject({
      code: 'InvalidDefinition',
      message: expect.stringMatching(/the field 'cluster' is not supported/),
    });
  });

  it('rejects lambda:invoke without a FunctionName and Distributed Map', async () => {
    const noFunction = await awsErrorOf(
      create({ StartAt: 'T', States: { T: task('arn:aws:states:::lambda:invoke', { Parameters: { Payload: {} } }) } }),
    );
    expect(noFunction.message).toMatch(/FunctionName/);
    const distributed = await awsErrorOf(
      create({
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            End: true,
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'P',
              States: { P: { Type: 'Pass', End: true } },
            },
          },
        },
      }),
    );
    expect(distributed).toMatchObject({ code: 'InvalidDefinition', message: expect.stringMatching(/Distributed Map/) });
  });

  it('reports asl-validator findings and JSON syntax errors', async () => {
    const dangling = await awsErrorOf(create({ StartAt: 'P', States: { P: { Type: 'Pass', Next: 'Nowhere' } } }));
    expect(dangling).toMatchObject({ code: 'InvalidDefinition', message: expect.stringMatching(/Nowhere/) });
    const notJson = await awsErrorOf(
      sfn.invoke('CreateStateMachine', { name: 'x', definition: '{', roleArn: ROLE }, CTX),
    );
    expect(notJson).toMatchObject({ code: 'InvalidDefinition', message: expect.stringMatching(/not valid JSON/) });
  });

  const shipped = path.join(__dirname, '../../../state-machines/deploy-green.asl.json');
  (existsSync(shipped) ? it : it.skip)('accepts the shipped deploy-green definition', async () => {
    await expect(createMachine(sfn, 'deploy-green', JSON.parse(readFileSync(shipped, 'utf8')))).resolves.toMatch(
      /:stateMachine:deploy-green$/,
    );
  });
});
