import { Duration } from 'aws-cdk-lib';
import type { BlueGreenStackProps } from '../../examples/demo/bluegreen-stack';
import { nagFindings, synthStack } from './synth';

/**
 * The prop `autoScaling` (contract/autoscaling.ts): checked in the constructor, errors naming the field and the fix; a
 * scalable target on the service (its policy belongs to the state machines, never the template; nothing sets its SuspendedState);
 * the machines' substitutions; and Application Auto Scaling permissions only for a stack that has autoscaling.
 */
const SCALING = { minCapacity: 2, maxCapacity: 8, targetRequestsPerTarget: 600 } as const;

test.each([
  [
    'min 0',
    { autoScaling: { ...SCALING, minCapacity: 0 } },
    /autoScaling\.minCapacity is 0, but it must be a whole number from 1 to 5000/,
  ],
  [
    'max below min',
    { autoScaling: { ...SCALING, maxCapacity: 1 } },
    /autoScaling\.maxCapacity is 1, .* from 2 to 5000\. It may not be below autoScaling\.minCapacity \(2\)/,
  ],
  ['max over ECS', { autoScaling: { ...SCALING, maxCapacity: 5001 } }, /autoScaling\.maxCapacity is 5001/],
  [
    'a zero target',
    { autoScaling: { ...SCALING, targetRequestsPerTarget: 0 } },
    /autoScaling\.targetRequestsPerTarget is 0, but it must be a number above 0/,
  ],
  [
    'a NaN target',
    { autoScaling: { ...SCALING, targetRequestsPerTarget: Number.NaN } },
    /targetRequestsPerTarget is NaN/,
  ],
  [
    'a fractional cooldown',
    { autoScaling: { ...SCALING, scaleInCooldown: Duration.millis(1500) } },
    /autoScaling\.scaleInCooldown is 1\.5, but it must be a whole number from 0 to 86400/,
  ],
  [
    'desiredCount outside the range',
    { desiredCount: 9, autoScaling: SCALING },
    /desiredCount is 9, outside autoScaling's 2 to 8 tasks\. Give a desiredCount in that range, or leave it out/,
  ],
] as Array<[string, BlueGreenStackProps, RegExp]>)('%s fails in the constructor', (_label, props, message) => {
  expect(() => synthStack(props)).toThrow(message);
});

test('a scalable target on the service, after the service exists, with no SuspendedState and no policy', () => {
  const { template } = synthStack({ autoScaling: SCALING });
  const targets = template.findResources('AWS::ApplicationAutoScaling::ScalableTarget');
  expect(Object.keys(targets)).toHaveLength(1);
  const [id, target] = Object.entries(targets)[0] as [
    string,
    { Properties: Record<string, unknown>; DependsOn: string[] },
  ];
  expect(id).toMatch(/^AppScalingTarget/);
  expect(target.Properties).toEqual({
    ServiceNamespace: 'ecs',
    ScalableDimension: 'ecs:service:DesiredCount',
    ResourceId: { 'Fn::Join': ['', ['service/', { Ref: expect.any(String) }, '/demo-app']] },
    MinCapacity: 2,
    MaxCapacity: 8,
  });
  const service = Object.keys(template.findResources('Custom::BlueGreenService'));
  expect(target.DependsOn).toEqual(expect.arrayContaining(service));
  template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 0);
});

test("the first release's count defaults to 2 kept inside the range", () => {
  const substitution = (props: BlueGreenStackProps) =>
    JSON.stringify(synthStack(props).template.findResources('AWS::StepFunctions::StateMachine')).match(
      /"DesiredCount":"(\d+)"/,
    )?.[1];
  expect(substitution({ autoScaling: { ...SCALING, minCapacity: 3 } })).toBe('3');
  expect(substitution({ autoScaling: { ...SCALING, minCapacity: 1, maxCapacity: 1 } })).toBe('1');
  expect(substitution({ autoScaling: SCALING, desiredCount: 5 })).toBe('5');
});

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
function statementsOf(props: BlueGreenStackProps): Statement[] {
  const policies = synthStack(props).template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { PolicyDocument: { Statement: Statement[] } } }
  >;
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}
const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

test('with autoscaling, the machines may put the policy on ECS targets, nothing else of Application Auto Scaling', () => {
  const statements = statementsOf({ autoScaling: SCALING });
  const scaling = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('application-autoscaling:')));
  expect(scaling.length).toBeGreaterThan(0);
  for (const s of scaling) {
    expect(actionsOf(s)).toEqual(['application-autoscaling:PutScalingPolicy']);
    expect(s.Condition).toEqual({
      StringEquals: {
        'application-autoscaling:service-namespace': 'ecs',
        'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
      },
    });
  }
  // Nothing of CloudWatch for it: Application Auto Scaling makes the policy's alarms with its service-linked role.
  expect(statements.filter((s) => JSON.stringify(s.Resource).includes(':alarm:TargetTracking-'))).toEqual([]);
});

test('without autoscaling, no role may call Application Auto Scaling, and the machines skip it', () => {
  const statements = statementsOf({});
  expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('application-autoscaling:')))).toEqual([]);
  const { template } = synthStack({});
  template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  expect(JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'))).toContain(
    '"AutoScalingEnabled":"false"',
  );
});

test('cdk-nag AwsSolutions is clean with autoscaling', () => {
  expect(nagFindings({ autoScaling: SCALING })).toEqual([]);
});
