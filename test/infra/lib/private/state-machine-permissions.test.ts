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
      D: task('arn:aws:states:::aws-sdk:elasticloadbalancingv2:createTargetGroup', {
        Tags: [{ Key: 'bluegreen:commit', 'Value.$': '$.commit' }],
      }),
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

describe('ownership by tag', () => {
  const TG = 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/bg-s-*/*';
  const TASK_SETS = 'arn:aws:ecs:eu-west-1:111122223333:task-set/c/s/*';
  const TASK_DEFINITIONS = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/fam:*';
  const owned = { ...scope, stackName: 'Stack', listenerArns: { TestListenerArn: 'arn:listener/test' } };
  const withRules = { ...owned, listenerRulePatterns: { TestListenerArn: 'arn:listener-rule/test/*' } };
  const OWNED_TAGS = [
    { Key: 'bluegreen:stack', Value: '${StackName}' },
    { Key: 'bluegreen:service', Value: '${ServiceName}' },
    { Key: 'bluegreen:commit', 'Value.$': '$.commit' },
  ];
  const sdk = (action: string, parameters: Record<string, unknown> = {}) =>
    task(`arn:aws:states:::aws-sdk:${action}`, parameters);
  const deployGreen = {
    States: {
      Td: sdk('ecs:registerTaskDefinition', { Family: 'fam', Tags: OWNED_TAGS }),
      Tg: sdk('elasticloadbalancingv2:createTargetGroup', { Tags: OWNED_TAGS }),
      Attrs: sdk('elasticloadbalancingv2:modifyTargetGroupAttributes', { 'TargetGroupArn.$': '$.tg' }),
      Lock: sdk('elasticloadbalancingv2:createRule', { ListenerArn: '${TestListenerArn}', Tags: OWNED_TAGS }),
      Attach: sdk('elasticloadbalancingv2:modifyRule', { 'RuleArn.$': '$.rule' }),
      Open: sdk('elasticloadbalancingv2:modifyRule', { RuleArn: '${TestRuleArn}' }),
      Unlock: sdk('elasticloadbalancingv2:deleteRule', { 'RuleArn.$': '$.rule' }),
      Ts: sdk('ecs:createTaskSet', { Tags: OWNED_TAGS }),
      UndoTs: sdk('ecs:deleteTaskSet'),
      UndoTg: sdk('elasticloadbalancingv2:deleteTargetGroup', { 'TargetGroupArn.$': '$.tg' }),
      Read: sdk('ecs:describeServices'),
    },
  };
  const conditionsOf = (statements: ReturnType<typeof permissionsFor>, action: string, resource?: string) =>
    statements
      .filter((s) => s.actions.includes(action) && (resource === undefined || s.resources.includes(resource)))
      .map((s) => s.conditions);
  const requestTags = {
    'aws:RequestTag/bluegreen:stack': 'Stack',
    'aws:RequestTag/bluegreen:service': 's',
  };
  const tagKeys = {
    'ForAllValues:StringEquals': { 'aws:TagKeys': ['bluegreen:commit', 'bluegreen:service', 'bluegreen:stack'] },
  };
  const resourceTags = {
    StringEquals: { 'aws:ResourceTag/bluegreen:stack': 'Stack', 'aws:ResourceTag/bluegreen:service': 's' },
  };

  test('conditions sit exactly on the actions whose SAR entry lists the key', () => {
    const statements = permissionsFor(deployGreen, withRules);
    // Creates: aws:RequestTag/… and aws:TagKeys.
    for (const action of [
      'elasticloadbalancing:CreateTargetGroup',
      'elasticloadbalancing:CreateRule',
      'ecs:CreateTaskSet',
      'ecs:RegisterTaskDefinition',
    ]) {
      expect([action, conditionsOf(statements, action)]).toEqual([action, [{ StringEquals: requestTags, ...tagKeys }]]);
    }
    // Tag on create: the tag action, only for the creating call, on the new resource.
    expect(conditionsOf(statements, 'elasticloadbalancing:AddTags', TG)).toEqual([
      { StringEquals: { 'elasticloadbalancing:CreateAction': 'CreateTargetGroup', ...requestTags }, ...tagKeys },
    ]);
    expect(conditionsOf(statements, 'elasticloadbalancing:AddTags', 'arn:listener-rule/test/*')).toEqual([
      { StringEquals: { 'elasticloadbalancing:CreateAction': 'CreateRule', ...requestTags }, ...tagKeys },
    ]);
    expect(conditionsOf(statements, 'ecs:TagResource', TASK_SETS)).toEqual([
      { StringEquals: { 'ecs:CreateAction': 'CreateTaskSet', ...requestTags }, ...tagKeys },
    ]);
    expect(conditionsOf(statements, 'ecs:TagResource', TASK_DEFINITIONS)).toEqual([
      { StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition', ...requestTags }, ...tagKeys },
    ]);
    // Changes to created resources: aws:ResourceTag/….
    for (const action of [
      'elasticloadbalancing:DeleteTargetGroup',
      'elasticloadbalancing:ModifyTargetGroupAttributes',
      'elasticloadbalancing:DeleteRule',
      'ecs:DeleteTaskSet',
    ]) {
      expect([action, conditionsOf(statements, action)]).toEqual([action, [resourceTags]]);
    }
    // ModifyRule: CloudFormation's rule by ARN, unconditioned; created rules by tag.
    expect(conditionsOf(statements, 'elasticloadbalancing:ModifyRule', 'arn:test-rule')).toEqual([undefined]);
    expect(conditionsOf(statements, 'elasticloadbalancing:ModifyRule', 'arn:listener-rule/test/*')).toEqual([
      resourceTags,
    ]);
    // Reads: none. The name prefix stays as a second fence.
    expect(conditionsOf(statements, 'ecs:DescribeServices')).toEqual([undefined]);
    expect(statements.find((s) => s.actions.includes('elasticloadbalancing:DeleteTargetGroup'))?.resources).toEqual([
      TG,
    ]);
  });

  test('before the scope names the stack, creates are conditioned on the ownership tags they already set', () => {
    const today = {
      States: {
        Tg: sdk('elasticloadbalancingv2:createTargetGroup', {
          Tags: [
            { Key: 'bluegreen:service', Value: '${ServiceName}' },
            { Key: 'bluegreen:commit', 'Value.$': '$.commit' },
          ],
        }),
        UndoTg: sdk('elasticloadbalancingv2:deleteTargetGroup', { 'TargetGroupArn.$': '$.tg' }),
        Ts: sdk('ecs:createTaskSet'),
      },
    };
    const statements = permissionsFor(today, scope);
    const tags = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['bluegreen:commit', 'bluegreen:service'] } };
    expect(conditionsOf(statements, 'elasticloadbalancing:CreateTargetGroup')).toEqual([
      { StringEquals: { 'aws:RequestTag/bluegreen:service': 's' }, ...tags },
    ]);
    expect(conditionsOf(statements, 'elasticloadbalancing:AddTags')).toEqual([
      {
        StringEquals: {
          'elasticloadbalancing:CreateAction': 'CreateTargetGroup',
          'aws:RequestTag/bluegreen:service': 's',
        },
        ...tags,
      },
    ]);
    expect(conditionsOf(statements, 'elasticloadbalancing:DeleteTargetGroup')).toEqual([undefined]);
    expect(conditionsOf(statements, 'ecs:CreateTaskSet')).toEqual([undefined]);
    expect(statements.flatMap((s) => s.actions)).not.toContain('ecs:TagResource');
  });

  test('once the scope names the stack, a create that does not tag (or tags wrongly) fails the synth', () => {
    const untagged = { States: { Ts: sdk('ecs:createTaskSet') } };
    expect(() => permissionsFor(untagged, owned)).toThrow(
      /Ts \(createTaskSet\) must tag what it creates with \{"Key": "bluegreen:stack", "Value": "\$\{StackName\}"\}/,
    );
    const wrong = {
      States: { Ts: sdk('ecs:createTaskSet', { Tags: [{ Key: 'bluegreen:stack', 'Value.$': '$.stack' }] }) },
    };
    expect(() => permissionsFor(wrong, owned)).toThrow(/sets the ownership tag bluegreen:stack to a dynamic value/);
    const dynamic = { States: { Ts: sdk('ecs:createTaskSet', { 'Tags.$': '$.tags' }) } };
    expect(() => permissionsFor(dynamic, owned)).toThrow(/builds its Tags dynamically/);
    expect(() => permissionsFor(deployGreen, { ...withRules, stackName: undefined })).toThrow(
      /tags bluegreen:stack with \$\{StackName\}, but the scope gives no stackName/,
    );
  });

  test('a rule found by listing may be modified only under ownership by tag, and then only by tag', () => {
    const abort = {
      States: {
        List: sdk('elasticloadbalancingv2:describeRules', { ListenerArn: '${TestListenerArn}' }),
        Tags: sdk('elasticloadbalancingv2:describeTags', { 'ResourceArns.$': 'States.Array($.rule)' }),
        Release: sdk('elasticloadbalancingv2:modifyRule', { 'RuleArn.$': '$.rule' }),
        Delete: sdk('elasticloadbalancingv2:deleteRule', { 'RuleArn.$': '$.rule' }),
      },
    };
    const statements = permissionsFor(abort, withRules);
    expect(conditionsOf(statements, 'elasticloadbalancing:ModifyRule', 'arn:listener-rule/test/*')).toEqual([
      resourceTags,
    ]);
    expect(statements.find((s) => s.actions.includes('elasticloadbalancing:DescribeTags'))?.resources).toEqual(['*']);
    expect(() => permissionsFor(abort, { ...withRules, stackName: undefined })).toThrow(
      /A modifyRule Task must pass RuleArn as a \$\{Placeholder\}/,
    );
  });
});

describe('lease integrations', () => {
  const leases = {
    States: {
      Get: task('arn:aws:states:::dynamodb:getItem', { TableName: '${DeploymentTableName}', Key: {} }),
      Put: task('arn:aws:states:::dynamodb:putItem', { TableName: '${DeploymentTableName}', Item: {} }),
      Holder: task('arn:aws:states:::aws-sdk:sfn:describeExecution', { 'ExecutionArn.$': '$.lease.holder' }),
      Smoke: task('arn:aws:states:::lambda:invoke', { FunctionName: '${SmokeTestFunctionArn}' }),
    },
  };
  const leaseScope = {
    ...scope,
    deploymentTableArn: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Deployments',
    stateMachineNames: ['Stack-deploy-green', 'Stack-abort'],
  };

  test('dynamodb:<Op> on the deployment table; DescribeExecution on this stack’s state machines’ executions', () => {
    const statements = permissionsFor(leases, leaseScope);
    expect(statements).toContainEqual({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      resources: ['arn:aws:dynamodb:eu-west-1:111122223333:table/Deployments'],
    });
    expect(statements).toContainEqual({
      actions: ['states:DescribeExecution'],
      resources: [
        'arn:aws:states:eu-west-1:111122223333:execution:Stack-deploy-green:*',
        'arn:aws:states:eu-west-1:111122223333:execution:Stack-abort:*',
      ],
    });
    // lambda:invoke stays the construct's grant.
    expect(statements.flatMap((s) => s.actions).some((a) => a.startsWith('lambda:'))).toBe(false);
  });

  test('without the table, the names, or the table placeholder, the derivation refuses', () => {
    expect(() => permissionsFor(leases, { ...leaseScope, deploymentTableArn: undefined })).toThrow(
      /dynamodb:GetItem, but the scope gives no deploymentTableArn/,
    );
    expect(() => permissionsFor(leases, { ...leaseScope, stateMachineNames: [] })).toThrow(
      /scope names no state machines/,
    );
    const otherTable = { States: { Get: task('arn:aws:states:::dynamodb:getItem', { TableName: 'x' }) } };
    expect(() => permissionsFor(otherTable, leaseScope)).toThrow(/must pass "TableName": "\$\{DeploymentTableName\}"/);
    const sns = { States: { P: task('arn:aws:states:::sns:publish', { TopicArn: 'x' }) } };
    expect(() => permissionsFor(sns, leaseScope)).toThrow(
      /No IAM mapping for the integration arn:aws:states:::sns:publish/,
    );
  });
});
