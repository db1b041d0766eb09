import {
  evaluate,
  resourceMatches,
  statementsOf,
  UnsupportedPolicyError,
  type PolicyStatement,
  type SourcedStatement,
} from '../../../local/iam/policy';

const policy = (...statements: PolicyStatement[]): SourcedStatement[] =>
  statementsOf({ Version: '2012-10-17', Statement: statements }, 'TestPolicy');

const SERVICE = 'arn:aws:ecs:us-east-1:123456789012:service/app-cluster/demo-app';

describe('IAM policy evaluation', () => {
  test('default deny: nothing allows the request', () => {
    const statements = policy({ Effect: 'Allow', Action: 'ecs:DescribeServices', Resource: SERVICE });
    expect(evaluate(statements, { action: 'ecs:UpdateService', resource: SERVICE }).decision).toBe('ImplicitDeny');
    expect(evaluate([], { action: 'ecs:DescribeServices', resource: SERVICE }).decision).toBe('ImplicitDeny');
  });

  test('an explicit deny wins over any allow, whichever comes first', () => {
    const statements = policy(
      { Effect: 'Allow', Action: 'ecs:*', Resource: '*' },
      { Effect: 'Deny', Action: 'ecs:UpdateService', Resource: SERVICE },
    );
    const denied = evaluate(statements, { action: 'ecs:UpdateService', resource: SERVICE });
    expect(denied.decision).toBe('ExplicitDeny');
    expect(denied.matched.map((m) => m.index)).toEqual([1]);
    expect(evaluate(statements, { action: 'ecs:DescribeServices', resource: SERVICE }).decision).toBe('Allow');
  });

  test('action names match case-insensitively, with * and ?', () => {
    const allow = (Action: string) =>
      evaluate(policy({ Effect: 'Allow', Action, Resource: '*' }), { action: 'ecs:DescribeServices', resource: '*' })
        .decision;
    expect(allow('ECS:describeservices')).toBe('Allow');
    expect(allow('ecs:Describe*')).toBe('Allow');
    expect(allow('ecs:?escribeServices')).toBe('Allow');
    expect(allow('ecs:Describe?')).toBe('ImplicitDeny');
    expect(allow('elasticloadbalancing:Describe*')).toBe('ImplicitDeny');
  });

  test('resources match segment by segment and case-sensitively, with * and ?', () => {
    const tg = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/bg-demo-app-1a2b3c4d/*';
    const prefix = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/bg-demo-app-*/*';
    expect(resourceMatches(prefix, tg)).toBe(true);
    expect(resourceMatches(prefix, tg.replace('bg-demo-app', 'bg-other-app'))).toBe(false);
    expect(resourceMatches(prefix, tg.replace('bg-demo-app', 'BG-DEMO-APP'))).toBe(false);
    expect(resourceMatches('arn:aws:ecs:*:123456789012:service/app-cluster/*', SERVICE)).toBe(true);
    expect(resourceMatches('arn:aws:ecs:*:999999999999:service/app-cluster/*', SERVICE)).toBe(false);
    expect(resourceMatches('arn:aws:ecs:us-east-?:123456789012:service/app-cluster/demo-app', SERVICE)).toBe(true);
    expect(resourceMatches(`${SERVICE}-2`, SERVICE)).toBe(false);
    expect(resourceMatches('*', 'anything')).toBe(true);
  });

  test('StringEquals conditions: the key must be present and equal', () => {
    const role = 'arn:aws:iam::123456789012:role/TaskRole';
    const statements = policy({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: role,
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    const pass = (context?: Record<string, string>) =>
      evaluate(statements, { action: 'iam:PassRole', resource: role, context }).decision;
    expect(pass({ 'iam:PassedToService': 'ecs-tasks.amazonaws.com' })).toBe('Allow');
    expect(pass({ 'IAM:passedtoservice': 'ecs-tasks.amazonaws.com' })).toBe('Allow');
    expect(pass({ 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe('ImplicitDeny');
    expect(pass()).toBe('ImplicitDeny');
  });

  test('negated and IfExists operators pass when the key is missing', () => {
    const statements = policy(
      {
        Effect: 'Allow',
        Action: 'ecs:TagResource',
        Resource: '*',
        Condition: { StringNotEquals: { 'ecs:CreateAction': 'RunTask' } },
      },
      {
        Effect: 'Allow',
        Action: 'ecs:UntagResource',
        Resource: '*',
        Condition: { StringEqualsIfExists: { 'aws:ResourceTag/team': 'a' } },
      },
    );
    expect(evaluate(statements, { action: 'ecs:TagResource', resource: '*' }).decision).toBe('Allow');
    const runTask = { action: 'ecs:TagResource', resource: '*', context: { 'ecs:CreateAction': 'RunTask' } };
    expect(evaluate(statements, runTask).decision).toBe('ImplicitDeny');
    expect(evaluate(statements, { action: 'ecs:UntagResource', resource: '*' }).decision).toBe('Allow');
  });

  test('ForAllValues: every request value must be allowed (a missing key passes); ForAnyValue: at least one', () => {
    const statements = policy(
      {
        Effect: 'Allow',
        Action: 'ecs:TagResource',
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['bluegreen:stack', 'bluegreen:service'] } },
      },
      {
        Effect: 'Allow',
        Action: 'ecs:UntagResource',
        Resource: '*',
        Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'bluegreen:*' } },
      },
    );
    const decide = (action: string, keys?: string[]) =>
      evaluate(statements, { action, resource: '*', context: keys && { 'aws:TagKeys': keys } }).decision;
    expect(decide('ecs:TagResource', ['bluegreen:stack'])).toBe('Allow');
    expect(decide('ecs:TagResource', ['bluegreen:stack', 'owner'])).toBe('ImplicitDeny');
    expect(decide('ecs:TagResource')).toBe('Allow');
    expect(decide('ecs:UntagResource', ['owner', 'bluegreen:x'])).toBe('Allow');
    expect(decide('ecs:UntagResource', ['owner'])).toBe('ImplicitDeny');
    expect(decide('ecs:UntagResource')).toBe('ImplicitDeny');
  });

  test('a condition key the request context is not built for fails loudly, even under a negated operator', () => {
    const statements = policy({
      Effect: 'Allow',
      Action: 'ecs:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'other' } },
    });
    expect(() => evaluate(statements, { action: 'ecs:DeleteTaskSet', resource: '*' })).toThrow(
      /Condition key aws:PrincipalTag\/team is not modelled locally/,
    );
    const multivalued = policy({
      Effect: 'Allow',
      Action: 'ecs:*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:TagKeys': 'bluegreen:stack' } },
    });
    expect(() => evaluate(multivalued, { action: 'ecs:TagResource', resource: '*' })).toThrow(/multivalued/);
  });

  test('NotAction and NotResource', () => {
    const statements = policy({ Effect: 'Allow', NotAction: 'ecs:Delete*', NotResource: SERVICE });
    expect(evaluate(statements, { action: 'ecs:DescribeTaskSets', resource: `${SERVICE}x` }).decision).toBe('Allow');
    expect(evaluate(statements, { action: 'ecs:DeleteTaskSet', resource: `${SERVICE}x` }).decision).toBe(
      'ImplicitDeny',
    );
    expect(evaluate(statements, { action: 'ecs:DescribeTaskSets', resource: SERVICE }).decision).toBe('ImplicitDeny');
  });

  test('operators it does not model fail loudly instead of guessing', () => {
    const statements = policy({
      Effect: 'Allow',
      Action: 'ecs:*',
      Resource: '*',
      Condition: { NumericLessThan: { 'ecs:task-cpu': '512' } },
    });
    expect(() => evaluate(statements, { action: 'ecs:RegisterTaskDefinition', resource: '*' })).toThrow(
      UnsupportedPolicyError,
    );
    expect(() => statementsOf({ Statement: [{ Effect: 'Allow', Action: 'ecs:*' }] }, 'NoResource')).toThrow(
      /exactly one of Resource and NotResource/,
    );
  });
});
