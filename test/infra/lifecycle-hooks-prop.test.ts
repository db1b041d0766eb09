import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { HookConfig } from '../../contract';
import { BlueGreenStack } from '../../examples/demo/bluegreen-stack';
import type { LifecycleHook } from '../../infra/lib/constructs/lifecycle-hooks';
import { testApp } from './synth';

/**
 * The stack prop `lifecycleHooks` (contract/lifecycle-hooks.ts): checked in the constructor, each error naming the hook,
 * the field and the fix; passed to the runner function (the built-in smoke test first), whose role may invoke exactly
 * the hooks' functions and start, read and stop exactly the hooks' state machines' executions.
 */
const GATE = 'arn:aws:lambda:us-east-1:123456789012:function:gate';
const CHECKS = 'arn:aws:states:us-east-1:123456789012:stateMachine:checks';

function build(hooks: (scope: Stack) => LifecycleHook[]): { stack: BlueGreenStack; app: ReturnType<typeof testApp> } {
  const app = testApp();
  const elsewhere = new Stack(app, 'Hooks');
  const stack = new BlueGreenStack(app, 'EcsBlueGreen', { lifecycleHooks: hooks(elsewhere) });
  return { stack, app };
}
const gate = (scope: Stack) => lambda.Function.fromFunctionArn(scope, 'Gate', GATE);
const checks = (scope: Stack) => sfn.StateMachine.fromStateMachineArn(scope, 'Checks', CHECKS);

test.each([
  [
    'a name with a space',
    (s: Stack) => [{ name: 'my hook', stage: 'POST_SCALE_UP', function: gate(s) }],
    /lifecycleHooks\[0\]\.name is 'my hook', but a hook name is 1-64 letters/,
  ],
  [
    "the smoke test's name",
    (s: Stack) => [{ name: 'SmokeTest', stage: 'POST_SCALE_UP', function: gate(s) }],
    /'SmokeTest' is already used by the built-in smoke test/,
  ],
  [
    'a name used twice',
    (s: Stack) => [
      { name: 'Gate', stage: 'POST_SCALE_UP', function: gate(s) },
      { name: 'Gate', stage: 'PRE_BLUE_REMOVAL', stateMachine: checks(s) },
    ],
    /lifecycleHooks\[1\]\.name 'Gate' is already used by another hook/,
  ],
  [
    'an unknown stage',
    (s: Stack) => [{ name: 'Gate', stage: 'PRE_SCALE_UP', function: gate(s) }],
    /lifecycleHooks\[0\]\.stage is 'PRE_SCALE_UP', but a hook runs at one of POST_SCALE_UP, /,
  ],
  [
    'neither target',
    () => [{ name: 'Gate', stage: 'POST_SCALE_UP' }],
    /gives neither function and stateMachine; .* Give exactly one/,
  ],
  [
    'both targets',
    (s: Stack) => [{ name: 'Gate', stage: 'POST_SCALE_UP', function: gate(s), stateMachine: checks(s) }],
    /gives both function and stateMachine/,
  ],
  [
    'a timeout over a year',
    (s: Stack) => [{ name: 'Gate', stage: 'POST_SCALE_UP', function: gate(s), timeout: Duration.days(366) }],
    /lifecycleHooks\[0\]\.timeout \(Gate\) is 31622400 seconds, but .* from 1 to 31536000/,
  ],
  [
    'a timeout under a second',
    (s: Stack) => [{ name: 'Gate', stage: 'POST_SCALE_UP', function: gate(s), timeout: Duration.millis(500) }],
    /timeout \(Gate\) is 0.5 seconds/,
  ],
  [
    'ten of your hooks beside the smoke test',
    (s: Stack) =>
      Array.from({ length: 10 }, (_, i) => ({
        name: `H${i}`,
        stage: 'POST_TEST_TRAFFIC_SHIFT',
        function: lambda.Function.fromFunctionArn(s, `F${i}`, `${GATE}${i}`),
      })),
    /lifecycleHooks\[9\] \(H9\) is hook number 11 at POST_TEST_TRAFFIC_SHIFT, but a stage has at most 10/,
  ],
] as Array<[string, (s: Stack) => LifecycleHook[], RegExp]>)(
  '%s fails in the constructor',
  (_label, hooks, message) => {
    expect(() => build(hooks)).toThrow(message);
  },
);

/** The runner's LIFECYCLE_HOOKS as the runner would read it, each function ARN from the stack as `<LogicalId>.Arn`. */
function runnerHooks(stack: BlueGreenStack): { hooks: HookConfig[]; timeout: number } {
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function') as Record<
    string,
    { Properties: { Environment?: { Variables?: Record<string, unknown> }; Timeout?: number } }
  >;
  const runner = Object.values(functions).find((r) => r.Properties.Environment?.Variables?.['LIFECYCLE_HOOKS']);
  const value = runner?.Properties.Environment?.Variables?.['LIFECYCLE_HOOKS'] as
    { 'Fn::Join': [string, unknown[]] } | string;
  const text =
    typeof value === 'string'
      ? value
      : value['Fn::Join'][1]
          .map((part) =>
            typeof part === 'string' ? part : `${(part as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]}.Arn`,
          )
          .join('');
  return { hooks: JSON.parse(text) as HookConfig[], timeout: runner?.Properties.Timeout ?? 0 };
}

test('the runner gets the hooks, the smoke test first, and may call exactly them', () => {
  const { stack } = build((s) => [
    { name: 'Gate', stage: 'POST_SCALE_UP', function: gate(s), details: { budget: 1 } },
    { name: 'Checks', stage: 'PRE_BLUE_REMOVAL', stateMachine: checks(s), timeout: Duration.days(14) },
  ]);
  const { hooks, timeout } = runnerHooks(stack);
  expect(hooks.map((h) => [h.name, h.stage, h.kind, h.timeoutSeconds, h.details])).toEqual([
    ['SmokeTest', 'POST_TEST_TRAFFIC_SHIFT', 'lambda', 3600, undefined],
    ['Gate', 'POST_SCALE_UP', 'lambda', 3600, { budget: 1 }],
    ['Checks', 'PRE_BLUE_REMOVAL', 'state-machine', 1_209_600, undefined],
  ]);
  expect(hooks[0]?.arn).toMatch(/^DeploymentFunctionsSmokeTest[0-9A-F]{8}\.Arn$/);
  expect(hooks.slice(1).map((h) => h.arn)).toEqual([GATE, CHECKS]);
  expect(timeout).toBe(900);
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Action: 'lambda:InvokeFunction',
          Resource: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^DeploymentFunctionsSmokeTest'), 'Arn'] }, GATE],
        }),
        Match.objectLike({ Action: 'states:StartExecution', Resource: CHECKS }),
        Match.objectLike({
          Action: ['states:DescribeExecution', 'states:StopExecution'],
          Resource: 'arn:aws:states:us-east-1:123456789012:execution:checks:*',
        }),
      ]),
    },
  });
});

test('without hooks of yours the runner knows only the smoke test', () => {
  const { stack } = build(() => []);
  expect(runnerHooks(stack).hooks.map((h) => h.name)).toEqual(['SmokeTest']);
});

test('cdk-nag stays clean with hooks', () => {
  const { app } = build((s) => [{ name: 'Gate', stage: 'POST_SCALE_UP', function: gate(s) }]);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  expect(() => app.synth()).not.toThrow();
});
