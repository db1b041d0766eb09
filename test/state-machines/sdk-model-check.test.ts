import * as fs from 'fs';
import * as path from 'path';
import { checkDefinitionAgainstModels, checkShippedStateMachines, formatProblem } from './sdk-model-check';

// The static check of every AWS SDK call against the SDK's service models (see sdk-model-check.ts for what it
// covers). Run alone: npx jest test/state-machines/sdk-model-check.test.ts

test('every aws-sdk and dynamodb Task of the shipped state machines agrees with the SDK models', () => {
  expect(checkShippedStateMachines().map(formatProblem)).toEqual([]);
});

describe('a deliberately wrong definition', () => {
  const fixture = path.join(__dirname, 'fixtures', 'sdk-model-wrong.asl.json');
  const problems = checkDefinitionAgainstModels('fixture', JSON.parse(fs.readFileSync(fixture, 'utf8')) as unknown);
  const found = problems.map((p) => [p.kind, p.state, p.name]);

  test('finds each mistake, and nothing else', () => {
    expect(found).toEqual(
      expect.arrayContaining([
        // A misspelt parameter (DescribeServices takes Services), so the required member is missing too.
        ['parameter', 'DescribeService', 'Parameters.Service'],
        ['parameter', 'DescribeService', 'Parameters.Services'],
        // A literal of the wrong type, and a value the model's enum does not have.
        ['parameter', 'DescribeService', 'Parameters.Include'],
        ['parameter', 'DescribeTaskSets', 'Parameters.Include[0]'],
        // Result paths in the wrong case: in ResultSelector, in a later Choice, in a later Pass's Parameters.
        ['result-path', 'DescribeService', '$.failures'],
        ['result-path', 'CheckService', '$.current.services[0].desiredCount'],
        ['result-path', 'UseTaskSet', '$.taskSets.TaskSets[0].runningCount'],
        // Errors the operation cannot raise, and a timeout the Task cannot have.
        ['error-name', 'DescribeService', 'Ecs.ThrottlingException'],
        ['error-name', 'DescribeService', 'Ecs.TaskSetNotFoundException'],
        ['error-name', 'DescribeTaskSets', 'States.Timeout'],
        ['error-name', 'DeleteTargetGroup', 'ElasticLoadBalancingV2.TargetGroupNotFoundException'],
      ]),
    );
    expect(found).toHaveLength(11);
  });

  test('says what the model allows', () => {
    const deleteCatch = problems.find((p) => p.state === 'DeleteTargetGroup');
    expect(deleteCatch?.message).toContain('ElasticLoadBalancingV2.ResourceInUseException');
    const misspelt = problems.find((p) => p.name === 'Parameters.Service');
    expect(misspelt?.message).toContain('Services');
    const wrongCase = problems.find((p) => p.state === 'CheckService');
    expect(wrongCase?.message).toContain('DesiredCount');
  });
});
