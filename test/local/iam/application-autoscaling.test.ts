/**
 * Local IAM on Application Auto Scaling: the mapping (ScalableTarget ARN from the registered target, `*` for
 * Describe*, the service-namespace and scalable-dimension condition keys, RegisterScalableTarget's dependent actions
 * and its permission validation on the ECS service and CloudWatch) and, with enforcement on, what a role signing the
 * real SDK client is allowed and refused.
 */
import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CreateClusterCommand, CreateServiceCommand, ECSClient } from '@aws-sdk/client-ecs';
import { localClientConfig } from '../../../local/aws/client-config';
import { accessKeyForRole } from '../../../local/aws/principal';
import { iamAuthorizer } from '../../../local/iam/enforce';
import { evaluate, type PolicyStatement } from '../../../local/iam/policy';
import { authorizationsFor, type ScalableTargetLookup } from '../../../local/iam/request-authorization';
import { localScalableTargets } from '../../../local/iam/scalable-targets';
import type { RolePolicies } from '../../../local/iam/template-policies';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';

const scope = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT };
const TARGETS = `arn:aws:application-autoscaling:${LOCAL_REGION}:${LOCAL_ACCOUNT}:scalable-target`;
const SERVICE = `arn:aws:ecs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:service/c1/web`;
const ALARMS = `arn:aws:cloudwatch:${LOCAL_REGION}:${LOCAL_ACCOUNT}:alarm:*`;
const ECS_TARGET = {
  ServiceNamespace: 'ecs' as const,
  ResourceId: 'service/c1/web',
  ScalableDimension: 'ecs:service:DesiredCount' as const,
};
const KEYS = {
  'application-autoscaling:service-namespace': 'ecs',
  'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
};
/** What Application Auto Scaling checks the caller may do before registering an ECS service (validatedBy). */
const VALIDATION = [
  { action: 'ecs:DescribeServices', resource: SERVICE, validatedBy: 'application-autoscaling' },
  { action: 'ecs:UpdateService', resource: SERVICE, validatedBy: 'application-autoscaling' },
  { action: 'cloudwatch:PutMetricAlarm', resource: ALARMS, validatedBy: 'application-autoscaling' },
  { action: 'cloudwatch:DescribeAlarms', resource: ALARMS, validatedBy: 'application-autoscaling' },
  { action: 'cloudwatch:DeleteAlarms', resource: ALARMS, validatedBy: 'application-autoscaling' },
];

describe('the IAM mapping of Application Auto Scaling', () => {
  const registered: ScalableTargetLookup = (t) =>
    t.resourceId === 'service/c1/web' ? { arn: `${TARGETS}/0123abcd`, tags: { 'bluegreen:stack': 'Shop' } } : undefined;
  const map = (operation: string, input: Record<string, unknown>, scalableTargets?: ScalableTargetLookup) =>
    authorizationsFor({ service: 'Application Auto Scaling', operation, input }, scope, { scalableTargets });

  test('a new target is scalable-target/*, with its namespace, dimension and tags; Tags need TagResource, RoleARN PassRole', () => {
    expect(
      map('RegisterScalableTarget', {
        ...ECS_TARGET,
        MinCapacity: 1,
        MaxCapacity: 4,
        RoleARN: 'arn:aws:iam::123456789012:role/Scaler',
        Tags: { team: 'shop' },
      }),
    ).toEqual([
      {
        action: 'application-autoscaling:RegisterScalableTarget',
        resource: `${TARGETS}/*`,
        context: { ...KEYS, 'aws:RequestTag/team': 'shop', 'aws:TagKeys': ['team'] },
      },
      {
        action: 'application-autoscaling:TagResource',
        resource: `${TARGETS}/*`,
        context: { 'aws:RequestTag/team': 'shop', 'aws:TagKeys': ['team'] },
      },
      {
        action: 'iam:PassRole',
        resource: 'arn:aws:iam::123456789012:role/Scaler',
        context: { 'iam:PassedToService': 'application-autoscaling.amazonaws.com' },
      },
      ...VALIDATION,
    ]);
  });

  test('a registered target is its ARN with its tags, for Register, Put/DeleteScalingPolicy and Deregister; Describe* is *', () => {
    const context = { ...KEYS, 'aws:ResourceTag/bluegreen:stack': 'Shop' };
    const resource = `${TARGETS}/0123abcd`;
    const suspend = { ...ECS_TARGET, SuspendedState: { DynamicScalingInSuspended: true } };
    expect(map('RegisterScalableTarget', suspend, registered)).toEqual([
      { action: 'application-autoscaling:RegisterScalableTarget', resource, context },
      ...VALIDATION,
    ]);
    for (const operation of ['PutScalingPolicy', 'DeleteScalingPolicy', 'DeregisterScalableTarget']) {
      expect(map(operation, { ...ECS_TARGET, PolicyName: 'p' }, registered)).toEqual([
        { action: `application-autoscaling:${operation}`, resource, context },
      ]);
    }
    for (const operation of ['DescribeScalableTargets', 'DescribeScalingPolicies']) {
      expect(map(operation, { ServiceNamespace: 'ecs' }, registered)).toEqual([
        { action: `application-autoscaling:${operation}`, resource: '*' },
      ]);
    }
    expect(() => map('PutScalingPolicy', { ServiceNamespace: 'ecs', PolicyName: 'p' })).toThrow(/has no ResourceId/);
    expect(() => map('TagResource', {})).toThrow(
      /No IAM authorization mapping for Application Auto Scaling TagResource/,
    );
  });

  test('a grant scoped by the namespace and dimension keys allows ECS targets only', () => {
    const statements = [
      {
        policy: 'Scaling',
        index: 0,
        statement: {
          Effect: 'Allow',
          Action: 'application-autoscaling:PutScalingPolicy',
          Resource: `${TARGETS}/*`,
          Condition: { StringEquals: KEYS },
        } satisfies PolicyStatement,
      },
    ];
    const put = (input: Record<string, unknown>) => map('PutScalingPolicy', { PolicyName: 'p', ...input }, registered);
    expect(evaluate(statements, put(ECS_TARGET)[0]!).decision).toBe('Allow');
    const table = {
      ServiceNamespace: 'dynamodb',
      ResourceId: 'table/t',
      ScalableDimension: 'dynamodb:table:ReadCapacityUnits',
    };
    expect(evaluate(statements, put(table)[0]!).decision).toBe('ImplicitDeny');
  });
});

describe('with enforcement on', () => {
  const SCALER = `arn:aws:iam::${LOCAL_ACCOUNT}:role/Scaler`;
  const grant = (Action: string[], Resource: string, Condition?: PolicyStatement['Condition']) => ({
    policy: 'ScalerPolicy',
    index: 0,
    statement: { Effect: 'Allow' as const, Action, Resource, ...(Condition && { Condition }) },
  });
  let statements: RolePolicies['statements'] = [];
  const roles = (): RolePolicies[] => [{ roleLogicalId: 'Scaler', roleArn: SCALER, statements }];
  let aws: RunningLocalAws;
  let scaler: ApplicationAutoScalingClient;
  let unsigned: ApplicationAutoScalingClient;

  beforeAll(async () => {
    aws = await startLocalAwsStack({
      timeScale: 0.01,
      ports: { api: 0, listeners: {} },
      authorize: iamAuthorizer(roles, scope, { scalableTargets: localScalableTargets(() => aws) }),
    });
    const ecs = new ECSClient(localClientConfig(aws.endpoint, LOCAL_REGION));
    await ecs.send(new CreateClusterCommand({ clusterName: 'c1' }));
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'c1',
        serviceName: 'web',
        desiredCount: 1,
        deploymentController: { type: 'EXTERNAL' },
      }),
    );
    ecs.destroy();
    scaler = new ApplicationAutoScalingClient(localClientConfig(aws.endpoint, LOCAL_REGION, accessKeyForRole(SCALER)));
    unsigned = new ApplicationAutoScalingClient(localClientConfig(aws.endpoint, LOCAL_REGION));
    await unsigned.send(new RegisterScalableTargetCommand({ ...ECS_TARGET, MinCapacity: 1, MaxCapacity: 4 }));
  });
  afterAll(async () => {
    scaler?.destroy();
    unsigned?.destroy();
    await aws?.close();
  });

  const suspendScaleIn = () =>
    scaler.send(
      new RegisterScalableTargetCommand({ ...ECS_TARGET, SuspendedState: { DynamicScalingInSuspended: true } }),
    );

  test('the registered target is judged by its own ARN: a grant on it allows, a grant on another target does not', async () => {
    const arn = aws.applicationAutoScaling.target('service/c1/web')?.arn ?? '';
    expect(arn).toMatch(/:scalable-target\/\w+$/);
    statements = [
      grant(['application-autoscaling:DescribeScalableTargets'], '*'),
      grant(['application-autoscaling:RegisterScalableTarget'], `${TARGETS}/someoneelse`),
      grant(['ecs:DescribeServices', 'ecs:UpdateService'], SERVICE),
      grant(['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'], '*'),
    ];
    await expect(suspendScaleIn()).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`application-autoscaling:RegisterScalableTarget on resource: ${arn}`),
    });
    statements = [
      ...statements,
      grant(['application-autoscaling:RegisterScalableTarget'], arn, { StringEquals: KEYS }),
    ];
    await suspendScaleIn();
    expect(aws.applicationAutoScaling.target('service/c1/web')?.suspended.dynamicScalingIn).toBe(true);
    const { ScalableTargets = [] } = await scaler.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }));
    expect(ScalableTargets.map((t) => t.ResourceId)).toEqual(['service/c1/web']);
    await expect(scaler.send(new DeregisterScalableTargetCommand(ECS_TARGET))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  test("without the ECS and CloudWatch actions, Register fails with the service's ValidationException naming them", async () => {
    statements = [
      grant(['application-autoscaling:RegisterScalableTarget'], `${TARGETS}/*`),
      grant(['ecs:DescribeServices'], SERVICE),
      grant(['cloudwatch:DescribeAlarms'], ALARMS),
    ];
    await expect(suspendScaleIn()).rejects.toMatchObject({
      name: 'ValidationException',
      message:
        'User is missing the following permissions: ecs:UpdateService, cloudwatch:PutMetricAlarm, cloudwatch:DeleteAlarms',
    });
  });

  test('PutScalingPolicy needs application-autoscaling:PutScalingPolicy on the target (no validation of other actions)', async () => {
    const put = () =>
      scaler.send(
        new PutScalingPolicyCommand({
          ...ECS_TARGET,
          PolicyName: 'cpu',
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: 50,
            PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          },
        }),
      );
    statements = [];
    await expect(put()).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('application-autoscaling:PutScalingPolicy'),
    });
    statements = [grant(['application-autoscaling:PutScalingPolicy'], `${TARGETS}/*`, { StringEquals: KEYS })];
    expect((await put()).PolicyARN).toMatch(/:scalingPolicy:/);
  });
});
