import {
  iamActionOf,
  permissionsFor,
  type PermissionScope,
} from '../../../../infra/lib/private/state-machine-permissions';

const scope: PermissionScope = {
  partition: 'aws',
  region: 'eu-west-1',
  account: '111122223333',
  clusterName: 'c',
  serviceName: 's',
  targetGroupNamePrefix: 'bg-s',
  taskDefinitionFamily: 'fam',
  ruleArns: { ProdRuleArn: 'arn:prod-rule', TestRuleArn: 'arn:test-rule', PreviousRuleArn: 'arn:previous-rule' },
  passableRoleArns: ['arn:role/task'],
};
const task = (resource: string, parameters: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: resource,
  Parameters: parameters,
  End: true,
});

test('maps ASL actions to IAM actions', () => {
  expect(iamActionOf('ecs', 'createTaskSet')).toBe('ecs:CreateTaskSet');
  expect(iamActionOf('elasticloadbalancingv2', 'modifyRule')).toBe('elasticloadbalancing:ModifyRule');
  expect(() => iamActionOf('s3', 'getObject')).toThrow(/No IAM mapping for aws-sdk service 's3'/);
});

test('scopes each action to this service, including Tasks nested in Map states', () => {
  const definition = {
    States: {
      A: task('arn:aws:states:::aws-sdk:ecs:describeServices'),
      M: { Type: 'Map', ItemProcessor: { States: { B: task('arn:aws:states:::aws-sdk:ecs:deleteTaskSet') } } },
      C: task('arn:aws:states:::aws-sdk:elasticloadbalancingv2:modifyRule', { RuleArn: '${TestRuleArn}' }),
      D: task('arn:aws:states:::aws-sdk:elasticloadbalancingv2:createTargetGroup'),
    },
  };
  const statements = permissionsFor(definition, scope);
  const find = (action: string) => statements.find((s) => s.actions.includes(action));
  expect(find('ecs:DescribeServices')?.resources).toEqual(['arn:aws:ecs:eu-west-1:111122223333:service/c/s']);
  expect(find('ecs:DeleteTaskSet')?.resources).toEqual(['arn:aws:ecs:eu-west-1:111122223333:task-set/c/s/*']);
  expect(find('elasticloadbalancing:ModifyRule')?.resources).toEqual(['arn:test-rule']);
  expect(find('elasticloadbalancing:AddTags')?.resources).toEqual([
    'arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/bg-s-*/*',
  ]);
  expect(statements.flatMap((s) => s.actions)).not.toContain('ecs:CreateTaskSet');
});

test('refuses a ModifyRule whose rule is not a known placeholder, and an action with no scope', () => {
  expect(() =>
    permissionsFor(
      { States: { A: task('arn:aws:states:::aws-sdk:elasticloadbalancingv2:modifyRule', { 'RuleArn.$': '$.rule' }) } },
      scope,
    ),
  ).toThrow(/A modifyRule Task must pass RuleArn as a \$\{Placeholder\}/);
  expect(() => permissionsFor({ States: { A: task('arn:aws:states:::aws-sdk:ecs:deleteService') } }, scope)).toThrow(
    /No resource scope is defined for ecs:DeleteService/,
  );
});

test('grants iam:PassRole only to ECS tasks, and only when a task definition is registered', () => {
  const statements = permissionsFor(
    { States: { A: task('arn:aws:states:::aws-sdk:ecs:registerTaskDefinition') } },
    scope,
  );
  expect(statements).toContainEqual({
    actions: ['iam:PassRole'],
    resources: ['arn:role/task'],
    conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
  });
  expect(
    permissionsFor({ States: { A: task('arn:aws:states:::aws-sdk:ecs:describeServices') } }, scope).flatMap(
      (s) => s.actions,
    ),
  ).not.toContain('iam:PassRole');
});

test('CreateRule and DeleteRule are scoped to the listener the definition adds rules to', () => {
  const definition = {
    States: {
      A: task('arn:aws:states:::aws-sdk:elasticloadbalancingv2:createRule', { ListenerArn: '${TestListenerArn}' }),
      B: task('arn:aws:states:::aws-sdk:elasticloadbalancingv2:deleteRule', { 'RuleArn.$': '$.rule' }),
    },
  };
  const statements = permissionsFor(definition, {
    ...scope,
    listenerArns: { TestListenerArn: 'arn:listener/test' },
    listenerRulePatterns: { TestListenerArn: 'arn:listener-rule/test/*' },
  });
  const find = (action: string) => statements.find((s) => s.actions.includes(action));
  expect(find('elasticloadbalancing:CreateRule')?.resources).toEqual(['arn:listener/test']);
  expect(find('elasticloadbalancing:DeleteRule')?.resources).toEqual(['arn:listener-rule/test/*']);
  expect(() => permissionsFor({ States: { B: definition.States.B } }, scope)).toThrow(
    /DeleteRule must also CreateRule/,
  );
});
