import validator from 'asl-validator';
import { placeholdersOf, readAsl, sdkIntegrationsOf, STATE_MACHINE_NAMES } from '../../infra/lib/private/asl';

/** Fields that only JSONata state machines use; our definitions are JSONPath (see shared notes). */
const JSONATA_FIELDS = ['QueryLanguage', 'Arguments', 'Output', 'Assign'];

function walkStates(
  states: Record<string, Record<string, unknown>>,
  visit: (name: string, state: Record<string, unknown>) => void,
): void {
  for (const [name, state] of Object.entries(states)) {
    visit(name, state);
    const nested = (state.ItemProcessor ?? state.Iterator) as
      { States: Record<string, Record<string, unknown>> } | undefined;
    if (nested) walkStates(nested.States, visit);
    for (const branch of (state.Branches as Array<{ States: Record<string, Record<string, unknown>> }> | undefined) ??
      [])
      walkStates(branch.States, visit);
  }
}

describe.each(STATE_MACHINE_NAMES)('%s.asl.json', (name) => {
  const text = readAsl(name);
  const definition = JSON.parse(text) as { States: Record<string, Record<string, unknown>> };

  test('is valid ASL (asl-validator)', () => {
    const result = validator(structuredClone(definition) as never);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  test('is JSONPath only, without fields the local runner ignores or mishandles', () => {
    walkStates(definition.States, (stateName, state) => {
      for (const field of JSONATA_FIELDS)
        expect([stateName, field, state[field]]).toEqual([stateName, field, undefined]);
      expect([stateName, state.ResultPath]).not.toEqual([stateName, '$']);
      if (state.Type === 'Choice') {
        for (const rule of state.Choices as Array<Record<string, unknown>>)
          expect(typeof rule.Condition).toBe('undefined');
      }
    });
  });

  test('calls only ECS, ELBv2, Step Functions and Application Auto Scaling (aws-sdk integrations), the deployment table (DynamoDB) and our own functions (lambda:invoke by placeholder ARN)', () => {
    const integrations = sdkIntegrationsOf(definition);
    expect(integrations.length).toBeGreaterThan(0);
    walkStates(definition.States, (_, state) => {
      if (state.Type !== 'Task') return;
      if (
        state.Resource === 'arn:aws:states:::lambda:invoke' ||
        state.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken'
      ) {
        expect((state.Parameters as { FunctionName: string }).FunctionName).toMatch(/^\$\{\w+FunctionArn\}$/);
      } else if (String(state.Resource).startsWith('arn:aws:states:::dynamodb:')) {
        expect(state.Resource).toMatch(/^arn:aws:states:::dynamodb:(getItem|updateItem)$/);
        expect((state.Parameters as { TableName: string }).TableName).toBe('${DeploymentTableName}');
      } else {
        expect(state.Resource).toMatch(
          /^arn:aws:states:::aws-sdk:(ecs:[a-z][A-Za-z]+|elasticloadbalancingv2:[a-z][A-Za-z]+|sfn:describeExecution|applicationautoscaling:putScalingPolicy)$/,
        );
      }
    });
  });

  test('every failure path ends in a Fail state that carries an error and a cause', () => {
    walkStates(definition.States, (stateName, state) => {
      if (state.Type === 'Fail')
        expect([stateName, Boolean(state.Error ?? state.ErrorPath), Boolean(state.Cause ?? state.CausePath)]).toEqual([
          stateName,
          true,
          true,
        ]);
    });
  });

  test('uses placeholders only in the ${Name} form CloudFormation substitutes', () => {
    expect(placeholdersOf(text).size).toBeGreaterThan(0);
    expect(text).not.toMatch(/\$\{[^A-Za-z]/);
  });
});
