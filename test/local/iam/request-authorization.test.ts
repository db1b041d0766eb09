import { authorizationsFor, UnmappedOperationError } from '../../../local/iam/request-authorization';
import { iamAuthorizer } from '../../../local/iam/enforce';
import { integrationAuthorizations } from '../../../local/iam/least-privilege';

const scope = { region: 'us-east-1', accountId: '123456789012' };
const ecs = (operation: string, input: Record<string, unknown>) =>
  authorizationsFor({ service: 'ECS', operation, input }, scope);
const elb = (operation: string, input: Record<string, unknown>) =>
  authorizationsFor({ service: 'Elastic Load Balancing v2', operation, input }, scope);
const sfn = (operation: string, input: Record<string, unknown>) =>
  authorizationsFor({ service: 'SFN', operation, input }, scope);

const ECS = 'arn:aws:ecs:us-east-1:123456789012';
const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const LISTENER = `${ELB}:listener/app/alb/0123456789abcdef/fedcba9876543210`;
const RULE = `${ELB}:listener-rule/app/alb/0123456789abcdef/fedcba9876543210/1111222233334444`;

describe('request → IAM authorization (Service Authorization Reference resource types)', () => {
  test('service-level ECS calls authorize on the service ARN, whatever form the request names it in', () => {
    expect(ecs('DescribeServices', { cluster: `${ECS}:cluster/c1`, services: ['a', `${ECS}:service/c1/b`] })).toEqual([
      { action: 'ecs:DescribeServices', resource: `${ECS}:service/c1/a` },
      { action: 'ecs:DescribeServices', resource: `${ECS}:service/c1/b` },
    ]);
    expect(ecs('UpdateService', { service: 'a' })).toEqual([
      { action: 'ecs:UpdateService', resource: `${ECS}:service/default/a` },
    ]);
    expect(ecs('UpdateServicePrimaryTaskSet', { cluster: 'c1', service: 'a', primaryTaskSet: 'ecs-svc/1' })).toEqual([
      { action: 'ecs:UpdateServicePrimaryTaskSet', resource: `${ECS}:service/c1/a` },
    ]);
  });

  test('ListTasks authorizes on * (no container instance named) and DescribeTasks on each task, both with ecs:cluster', () => {
    const cluster = { 'ecs:cluster': `${ECS}:cluster/c1` };
    expect(ecs('ListTasks', { cluster: 'c1', startedBy: 'ecs-svc/1', desiredStatus: 'STOPPED' })).toEqual([
      { action: 'ecs:ListTasks', resource: '*', context: cluster },
    ]);
    expect(ecs('ListTasks', { cluster: 'c1', containerInstance: 'i1' })).toEqual([
      { action: 'ecs:ListTasks', resource: `${ECS}:container-instance/c1/i1`, context: cluster },
    ]);
    const task = `${ECS}:task/c1/0123456789abcdef0123456789abcdef`;
    expect(ecs('DescribeTasks', { cluster: `${ECS}:cluster/c1`, tasks: [task, 'fedcba'] })).toEqual([
      { action: 'ecs:DescribeTasks', resource: task, context: cluster },
      { action: 'ecs:DescribeTasks', resource: `${ECS}:task/c1/fedcba`, context: cluster },
    ]);
  });

  test('task-set calls authorize on the task set (a new one: task-set/CLUSTER/SERVICE/*)', () => {
    expect(ecs('CreateTaskSet', { cluster: 'c1', service: 'a', taskDefinition: 'fam:1' })).toEqual([
      { action: 'ecs:CreateTaskSet', resource: `${ECS}:task-set/c1/a/*` },
    ]);
    expect(ecs('DeleteTaskSet', { cluster: 'c1', service: 'a', taskSet: 'ecs-svc/123' })).toEqual([
      { action: 'ecs:DeleteTaskSet', resource: `${ECS}:task-set/c1/a/ecs-svc/123` },
    ]);
    const arn = `${ECS}:task-set/c1/a/ecs-svc/456`;
    expect(ecs('DescribeTaskSets', { cluster: 'c1', service: 'a', taskSets: [arn] })).toEqual([
      { action: 'ecs:DescribeTaskSets', resource: arn },
    ]);
    expect(ecs('CreateTaskSet', { cluster: 'c1', service: 'a', tags: [{ key: 'k', value: 'v' }] })).toEqual([
      {
        action: 'ecs:CreateTaskSet',
        resource: `${ECS}:task-set/c1/a/*`,
        context: { 'aws:RequestTag/k': 'v', 'aws:TagKeys': ['k'] },
      },
      {
        action: 'ecs:TagResource',
        resource: `${ECS}:task-set/c1/a/*`,
        context: { 'aws:RequestTag/k': 'v', 'aws:TagKeys': ['k'], 'ecs:CreateAction': 'CreateTaskSet' },
      },
    ]);
  });

  test('RegisterTaskDefinition passes each role it names to ecs-tasks.amazonaws.com', () => {
    const requests = ecs('RegisterTaskDefinition', {
      family: 'fam',
      taskRoleArn: 'arn:aws:iam::123456789012:role/Task',
      executionRoleArn: 'arn:aws:iam::123456789012:role/Exec',
    });
    expect(requests).toEqual([
      { action: 'ecs:RegisterTaskDefinition', resource: `${ECS}:task-definition/fam:*` },
      ...['Task', 'Exec'].map((r) => ({
        action: 'iam:PassRole',
        resource: `arn:aws:iam::123456789012:role/${r}`,
        context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      })),
    ]);
    expect(ecs('DescribeTaskDefinition', { taskDefinition: 'fam' })).toEqual([
      { action: 'ecs:DescribeTaskDefinition', resource: '*' },
    ]);
  });

  test('ELBv2: target groups by ARN (new: targetgroup/NAME/*), CreateRule on the listener, rules by rule ARN', () => {
    const tags = { 'aws:RequestTag/k': 'v', 'aws:TagKeys': ['k'] };
    expect(elb('CreateTargetGroup', { Name: 'bg-app-1a2b3c4d', Tags: [{ Key: 'k', Value: 'v' }] })).toEqual([
      {
        action: 'elasticloadbalancing:CreateTargetGroup',
        resource: `${ELB}:targetgroup/bg-app-1a2b3c4d/*`,
        context: tags,
      },
      {
        action: 'elasticloadbalancing:AddTags',
        resource: `${ELB}:targetgroup/bg-app-1a2b3c4d/*`,
        context: { ...tags, 'elasticloadbalancing:CreateAction': 'CreateTargetGroup' },
      },
    ]);
    expect(elb('CreateRule', { ListenerArn: LISTENER, Priority: 1, Tags: [{ Key: 'k', Value: 'v' }] })).toEqual([
      { action: 'elasticloadbalancing:CreateRule', resource: LISTENER, context: tags },
      {
        action: 'elasticloadbalancing:AddTags',
        resource: `${LISTENER.replace(':listener/', ':listener-rule/')}/*`,
        context: { ...tags, 'elasticloadbalancing:CreateAction': 'CreateRule' },
      },
    ]);
    expect(elb('CreateTargetGroup', { Name: 'x' })).toHaveLength(1);
    const tg = `${ELB}:targetgroup/bg-app-1a2b3c4d/0011223344556677`;
    expect(elb('DeleteTargetGroup', { TargetGroupArn: tg })).toEqual([
      { action: 'elasticloadbalancing:DeleteTargetGroup', resource: tg },
    ]);
    expect(elb('CreateRule', { ListenerArn: LISTENER, Priority: 100 })).toEqual([
      { action: 'elasticloadbalancing:CreateRule', resource: LISTENER },
    ]);
    expect(elb('ModifyRule', { RuleArn: RULE })).toEqual([
      { action: 'elasticloadbalancing:ModifyRule', resource: RULE },
    ]);
    expect(elb('DescribeTargetHealth', { TargetGroupArn: tg })).toEqual([
      { action: 'elasticloadbalancing:DescribeTargetHealth', resource: '*' },
    ]);
  });

  test('aws:ResourceTag/… carries the current tags of the one existing resource a request names', () => {
    const tg = `${ELB}:targetgroup/bg-app-1a2b3c4d/0011223344556677`;
    const taskSet = `${ECS}:task-set/c1/a/ecs-svc/123`;
    const tags: Record<string, Record<string, string>> = {
      [tg]: { 'bluegreen:stack': 'S', 'bluegreen:service': 'a' },
      [taskSet]: { 'bluegreen:stack': 'S' },
    };
    const resourceTags = (arn: string) => tags[arn];
    const call = (service: string, operation: string, input: Record<string, unknown>) =>
      authorizationsFor({ service, operation, input }, scope, { resourceTags });
    expect(call('Elastic Load Balancing v2', 'DeleteTargetGroup', { TargetGroupArn: tg })).toEqual([
      {
        action: 'elasticloadbalancing:DeleteTargetGroup',
        resource: tg,
        context: { 'aws:ResourceTag/bluegreen:stack': 'S', 'aws:ResourceTag/bluegreen:service': 'a' },
      },
    ]);
    expect(call('ECS', 'DeleteTaskSet', { cluster: 'c1', service: 'a', taskSet: 'ecs-svc/123' })).toEqual([
      { action: 'ecs:DeleteTaskSet', resource: taskSet, context: { 'aws:ResourceTag/bluegreen:stack': 'S' } },
    ]);
    // A resource the lookup does not know (gone, or never existed), and patterns for new resources: no tags.
    expect(call('Elastic Load Balancing v2', 'DeleteRule', { RuleArn: RULE })).toEqual([
      { action: 'elasticloadbalancing:DeleteRule', resource: RULE },
    ]);
    expect(call('ECS', 'CreateTaskSet', { cluster: 'c1', service: 'a' })).toEqual([
      { action: 'ecs:CreateTaskSet', resource: `${ECS}:task-set/c1/a/*` },
    ]);
  });

  test('DynamoDB item calls authorize on the table', () => {
    const table = 'arn:aws:dynamodb:us-east-1:123456789012:table/Deployments';
    for (const operation of ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']) {
      expect(authorizationsFor({ service: 'DynamoDB', operation, input: { TableName: 'Deployments' } }, scope)).toEqual(
        [{ action: `dynamodb:${operation}`, resource: table }],
      );
    }
    expect(
      authorizationsFor({ service: 'DynamoDB', operation: 'GetItem', input: { TableName: table } }, scope),
    ).toEqual([{ action: 'dynamodb:GetItem', resource: table }]);
    expect(() => authorizationsFor({ service: 'DynamoDB', operation: 'Scan', input: {} }, scope)).toThrow(
      UnmappedOperationError,
    );
  });

  test('Step Functions and CodePipeline (pipeline actions, EventBridge targets): the state machine, execution, pipeline', () => {
    const machine = 'arn:aws:states:us-east-1:123456789012:stateMachine:Swap';
    const execution = 'arn:aws:states:us-east-1:123456789012:execution:Swap:0b1c2d3e';
    expect(sfn('StartExecution', { stateMachineArn: machine, input: '{}' })).toEqual([
      { action: 'states:StartExecution', resource: machine },
    ]);
    expect(sfn('DescribeStateMachine', { stateMachineArn: machine })).toEqual([
      { action: 'states:DescribeStateMachine', resource: machine },
    ]);
    expect(sfn('DescribeExecution', { executionArn: execution })).toEqual([
      { action: 'states:DescribeExecution', resource: execution },
    ]);
    // The Service Authorization Reference lists no resource type for the callback actions: authorized on `*`.
    for (const operation of ['SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat']) {
      expect(sfn(operation, { taskToken: 'AAAA', output: '{}' })).toEqual([
        { action: `states:${operation}`, resource: '*' },
      ]);
    }
    expect(
      authorizationsFor({ service: 'CodePipeline', operation: 'StartPipelineExecution', input: { name: 'p1' } }, scope),
    ).toEqual([
      { action: 'codepipeline:StartPipelineExecution', resource: 'arn:aws:codepipeline:us-east-1:123456789012:p1' },
    ]);
  });

  test('enforcement answers AccessDeniedException on the JSON protocols, AccessDenied 403 on ELBv2', () => {
    const role = 'arn:aws:iam::123456789012:role/Events';
    const roles = [{ roleLogicalId: 'Events', roleArn: role, statements: [] }];
    const authorize = iamAuthorizer(() => roles, scope);
    const machine = 'arn:aws:states:us-east-1:123456789012:stateMachine:Abort';
    expect(
      authorize({ service: 'SFN', operation: 'StartExecution', input: { stateMachineArn: machine }, principal: role }),
    ).toMatchObject({
      code: 'AccessDeniedException',
      httpStatus: 400,
      message: expect.stringMatching(/not authorized to perform: states:StartExecution on resource: .*:Abort/),
    });
    expect(
      authorize({ service: 'Elastic Load Balancing v2', operation: 'DescribeRules', input: {}, principal: role }),
    ).toMatchObject({ code: 'AccessDenied', httpStatus: 403 });
  });

  test('an operation without a mapping fails loudly', () => {
    expect(() => ecs('DeleteCluster', { cluster: 'a' })).toThrow(UnmappedOperationError);
    expect(() => authorizationsFor({ service: 'SFN', operation: 'StopExecution', input: {} }, scope)).toThrow(
      /No IAM authorization mapping for SFN StopExecution/,
    );
    expect(() => sfn('StartExecution', {})).toThrow(/has no stateMachineArn/);
    expect(() => elb('ModifyRule', {})).toThrow(/has no RuleArn/);
  });
});

describe('integrations Step Functions runs itself (not in the call log)', () => {
  const scheduled = (resourceType: string, resource: string, parameters: unknown) => ({
    taskScheduledEventDetails: { resourceType, resource, parameters: JSON.stringify(parameters) },
  });

  test('lambda:invoke (and its callback form) is lambda:InvokeFunction on the function ARN; aws-sdk Tasks are left to the call log', () => {
    const history = [
      scheduled('lambda', 'invoke', { FunctionName: 'validate', Payload: {} }),
      scheduled('lambda', 'invoke', { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:smoke:live' }),
      scheduled('aws-sdk:ecs', 'describeServices', { Cluster: 'c' }),
      scheduled('lambda', 'invoke.waitForTaskToken', { FunctionName: 'bake', Payload: { token: 'AAAA' } }),
      {},
    ];
    expect(integrationAuthorizations(history, scope).map((a) => a.request)).toEqual([
      { action: 'lambda:InvokeFunction', resource: 'arn:aws:lambda:us-east-1:123456789012:function:validate' },
      { action: 'lambda:InvokeFunction', resource: 'arn:aws:lambda:us-east-1:123456789012:function:smoke:live' },
      { action: 'lambda:InvokeFunction', resource: 'arn:aws:lambda:us-east-1:123456789012:function:bake' },
    ]);
  });

  test('dynamodb:getItem and the other item integrations are dynamodb:<Op> on the table', () => {
    const history = [
      scheduled('dynamodb', 'getItem', { TableName: 'Deployments', Key: {} }),
      scheduled('dynamodb', 'deleteItem', { TableName: 'Deployments', Key: {} }),
    ];
    expect(integrationAuthorizations(history, scope).map((a) => a.request)).toEqual([
      { action: 'dynamodb:GetItem', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/Deployments' },
      { action: 'dynamodb:DeleteItem', resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/Deployments' },
    ]);
  });

  test('an integration without a mapping fails loudly', () => {
    expect(() => integrationAuthorizations([scheduled('sns', 'publish', { TopicArn: 'x' })], scope)).toThrow(
      /No IAM mapping for the Step Functions integration sns:publish/,
    );
  });
});
