import { permissionsFor, type PermissionScope } from '../../../infra/lib/private/state-machine-permissions';
import { evaluate, statementsOf, type PolicyStatement } from '../../../local/iam/policy';
import { authorizationsFor, type ApiCall } from '../../../local/iam/request-authorization';

/**
 * Ownership by tag, end to end without local AWS: the statements derived from a definition, the authorizations a call
 * makes (with the tags of the resource it names), and IAM's decision. A look-alike resource (the same name prefix,
 * not tagged as this stack's) is refused; the stack's own is allowed; a create that does not tag is refused.
 */
const account = { region: 'us-east-1', accountId: '123456789012' };
const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const ECS = 'arn:aws:ecs:us-east-1:123456789012';
const LISTENER = `${ELB}:listener/app/alb/0123456789abcdef/fedcba9876543210`;
const scope: PermissionScope = {
  partition: 'aws',
  region: account.region,
  account: account.accountId,
  clusterName: 'c1',
  serviceName: 'demo-app',
  targetGroupNamePrefix: 'bg-demo-app',
  taskDefinitionFamily: 'fam',
  ruleArns: { TestRuleArn: `${ELB}:listener-rule/app/alb/0123456789abcdef/fedcba9876543210/aaaa` },
  listenerArns: { TestListenerArn: LISTENER },
  listenerRulePatterns: { TestListenerArn: `${LISTENER.replace(':listener/', ':listener-rule/')}/*` },
  passableRoleArns: [],
  stackName: 'BlueGreen',
};
const OWNED = [
  { Key: 'bluegreen:stack', Value: '${StackName}' },
  { Key: 'bluegreen:service', Value: '${ServiceName}' },
  { Key: 'bluegreen:commit', 'Value.$': '$.commit' },
];
const task = (action: string, parameters: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: `arn:aws:states:::aws-sdk:${action}`,
  Parameters: parameters,
  End: true,
});
const definition = {
  States: {
    CreateTg: task('elasticloadbalancingv2:createTargetGroup', { 'Name.$': '$.name', Tags: OWNED }),
    SetDelay: task('elasticloadbalancingv2:modifyTargetGroupAttributes', { 'TargetGroupArn.$': '$.tg' }),
    Lock: task('elasticloadbalancingv2:createRule', { ListenerArn: '${TestListenerArn}', Tags: OWNED }),
    Attach: task('elasticloadbalancingv2:modifyRule', { 'RuleArn.$': '$.rule' }),
    Test: task('elasticloadbalancingv2:modifyRule', { RuleArn: '${TestRuleArn}' }),
    Unlock: task('elasticloadbalancingv2:deleteRule', { 'RuleArn.$': '$.rule' }),
    CreateTs: task('ecs:createTaskSet', { 'Cluster.$': '$.cluster', Tags: OWNED }),
    Register: task('ecs:registerTaskDefinition', { Family: 'fam', Tags: OWNED }),
    DeleteTs: task('ecs:deleteTaskSet', { 'TaskSet.$': '$.ts' }),
    DeleteTg: task('elasticloadbalancingv2:deleteTargetGroup', { 'TargetGroupArn.$': '$.tg' }),
  },
};
const statements = statementsOf(
  {
    Statement: permissionsFor(definition, scope).map((s): PolicyStatement => ({
      Effect: 'Allow',
      Action: s.actions,
      Resource: s.resources,
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  },
  'Derived',
);

const OURS = { 'bluegreen:stack': 'BlueGreen', 'bluegreen:service': 'demo-app' };
/** IAM's decision on every authorization of one call, with `tags` as the current tags of the resources by ARN. */
function decide(call: ApiCall, tags: Record<string, Record<string, string>> = {}): string[] {
  return authorizationsFor(call, account, { resourceTags: (arn) => tags[arn] }).map(
    (request) => `${request.action} ${evaluate(statements, request).decision}`,
  );
}
const elb = (operation: string, input: Record<string, unknown>): ApiCall => ({
  service: 'Elastic Load Balancing v2',
  operation,
  input,
});
const ecs = (operation: string, input: Record<string, unknown>): ApiCall => ({ service: 'ECS', operation, input });

describe('a look-alike resource is refused, the stack’s own is allowed', () => {
  const canary = `${ELB}:targetgroup/bg-demo-app-canary/0011223344556677`;
  const ours = `${ELB}:targetgroup/bg-demo-app-1a2b3c4d/8899aabbccddeeff`;

  test('DeleteTargetGroup and ModifyTargetGroupAttributes need both ownership tags, with this stack’s values', () => {
    expect(decide(elb('DeleteTargetGroup', { TargetGroupArn: canary }))).toEqual([
      'elasticloadbalancing:DeleteTargetGroup ImplicitDeny',
    ]);
    expect(decide(elb('DeleteTargetGroup', { TargetGroupArn: ours }), { [ours]: OURS })).toEqual([
      'elasticloadbalancing:DeleteTargetGroup Allow',
    ]);
    // Another stack with the same service name, and a group tagged with the service only.
    const other = { [canary]: { ...OURS, 'bluegreen:stack': 'OtherStack' } };
    expect(decide(elb('DeleteTargetGroup', { TargetGroupArn: canary }), other)).toEqual([
      'elasticloadbalancing:DeleteTargetGroup ImplicitDeny',
    ]);
    const serviceOnly = { [canary]: { 'bluegreen:service': 'demo-app' } };
    expect(decide(elb('ModifyTargetGroupAttributes', { TargetGroupArn: canary }), serviceOnly)).toEqual([
      'elasticloadbalancing:ModifyTargetGroupAttributes ImplicitDeny',
    ]);
    // Tags do not widen the name-prefix fence.
    const elsewhere = `${ELB}:targetgroup/other-app-1a2b3c4d/8899aabbccddeeff`;
    expect(decide(elb('DeleteTargetGroup', { TargetGroupArn: elsewhere }), { [elsewhere]: OURS })).toEqual([
      'elasticloadbalancing:DeleteTargetGroup ImplicitDeny',
    ]);
  });

  test('deployment rules found on the test listener: DeleteRule and ModifyRule by tag; CloudFormation’s rule by ARN', () => {
    const rule = `${LISTENER.replace(':listener/', ':listener-rule/')}/1111222233334444`;
    expect(decide(elb('DeleteRule', { RuleArn: rule }))).toEqual(['elasticloadbalancing:DeleteRule ImplicitDeny']);
    expect(decide(elb('ModifyRule', { RuleArn: rule }))).toEqual(['elasticloadbalancing:ModifyRule ImplicitDeny']);
    expect(decide(elb('DeleteRule', { RuleArn: rule }), { [rule]: OURS })).toEqual([
      'elasticloadbalancing:DeleteRule Allow',
    ]);
    expect(decide(elb('ModifyRule', { RuleArn: scope.ruleArns.TestRuleArn }))).toEqual([
      'elasticloadbalancing:ModifyRule Allow',
    ]);
  });

  test('DeleteTaskSet needs the ownership tags on the task set', () => {
    const input = { cluster: 'c1', service: 'demo-app', taskSet: 'ecs-svc/123' };
    const taskSet = `${ECS}:task-set/c1/demo-app/ecs-svc/123`;
    expect(decide(ecs('DeleteTaskSet', input))).toEqual(['ecs:DeleteTaskSet ImplicitDeny']);
    expect(decide(ecs('DeleteTaskSet', input), { [taskSet]: OURS })).toEqual(['ecs:DeleteTaskSet Allow']);
  });
});

describe('creates must tag what they create as this stack’s', () => {
  const tags = (entries: Record<string, string>) => Object.entries(entries).map(([Key, Value]) => ({ Key, Value }));

  test('CreateTargetGroup with the ownership tags (and the tag-on-create AddTags) is allowed', () => {
    const input = { Name: 'bg-demo-app-1a2b3c4d', Tags: tags({ ...OURS, 'bluegreen:commit': 'abc1234' }) };
    expect(decide(elb('CreateTargetGroup', input))).toEqual([
      'elasticloadbalancing:CreateTargetGroup Allow',
      'elasticloadbalancing:AddTags Allow',
    ]);
  });

  test('without the request tags, with another stack’s, or with a tag key the definition never sets: refused', () => {
    expect(decide(elb('CreateTargetGroup', { Name: 'bg-demo-app-1a2b3c4d' }))).toEqual([
      'elasticloadbalancing:CreateTargetGroup ImplicitDeny',
    ]);
    const other = { Name: 'bg-demo-app-1a2b3c4d', Tags: tags({ ...OURS, 'bluegreen:stack': 'OtherStack' }) };
    expect(decide(elb('CreateTargetGroup', other))).toEqual([
      'elasticloadbalancing:CreateTargetGroup ImplicitDeny',
      'elasticloadbalancing:AddTags ImplicitDeny',
    ]);
    const extra = { Name: 'bg-demo-app-1a2b3c4d', Tags: tags({ ...OURS, owner: 'me' }) };
    expect(decide(elb('CreateTargetGroup', extra))).toEqual([
      'elasticloadbalancing:CreateTargetGroup ImplicitDeny',
      'elasticloadbalancing:AddTags ImplicitDeny',
    ]);
  });

  test('CreateRule, CreateTaskSet and RegisterTaskDefinition: tagged allowed, untagged refused', () => {
    expect(decide(elb('CreateRule', { ListenerArn: LISTENER, Tags: tags(OURS) }))).toEqual([
      'elasticloadbalancing:CreateRule Allow',
      'elasticloadbalancing:AddTags Allow',
    ]);
    expect(decide(elb('CreateRule', { ListenerArn: LISTENER }))).toEqual([
      'elasticloadbalancing:CreateRule ImplicitDeny',
    ]);
    const ecsTags = Object.entries(OURS).map(([key, value]) => ({ key, value }));
    expect(decide(ecs('CreateTaskSet', { cluster: 'c1', service: 'demo-app', tags: ecsTags }))).toEqual([
      'ecs:CreateTaskSet Allow',
      'ecs:TagResource Allow',
    ]);
    expect(decide(ecs('CreateTaskSet', { cluster: 'c1', service: 'demo-app' }))).toEqual([
      'ecs:CreateTaskSet ImplicitDeny',
    ]);
    expect(decide(ecs('RegisterTaskDefinition', { family: 'fam', tags: ecsTags }))).toEqual([
      'ecs:RegisterTaskDefinition Allow',
      'ecs:TagResource Allow',
    ]);
  });

  test('the tag actions are for tag-on-create only: tagging an existing resource is refused', () => {
    const ours = `${ELB}:targetgroup/bg-demo-app-1a2b3c4d/8899aabbccddeeff`;
    expect(decide(elb('AddTags', { ResourceArns: [ours], Tags: tags(OURS) }), { [ours]: OURS })).toEqual([
      'elasticloadbalancing:AddTags ImplicitDeny',
    ]);
  });
});
