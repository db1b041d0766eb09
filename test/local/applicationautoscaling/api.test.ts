/**
 * Local Application Auto Scaling over the wire, through the SDK v3 client against a started local AWS: scalable
 * targets on a real local ECS service (Register puts its desired count inside [Min, Max] through ECS), target tracking
 * policies on a real local ELBv2 target group, and each error of the API reference with the member it names.
 */
import {
  ApplicationAutoScalingClient,
  DeleteScalingPolicyCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type PutScalingPolicyCommandInput,
  type RegisterScalableTargetCommandInput,
} from '@aws-sdk/client-application-auto-scaling';
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { localClientConfig } from '../../../local/aws/client-config';
import { startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';

let aws: RunningLocalAws;
let aas: ApplicationAutoScalingClient;
let ecs: ECSClient;
let elb: ElasticLoadBalancingV2Client;
/** `app/NAME/ID/targetgroup/NAME/ID` of a real local load balancer and target group. */
let label = '';

const ECS_TARGET = { ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount' } as const;
const resourceId = (service: string): string => `service/shop/${service}`;

async function createService(name: string, desiredCount: number): Promise<void> {
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'shop',
      serviceName: name,
      desiredCount,
      deploymentController: { type: 'EXTERNAL' },
    }),
  );
}

async function desiredCount(name: string): Promise<number | undefined> {
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: [name] }));
  return services?.[0]?.desiredCount;
}

const register = (input: Omit<RegisterScalableTargetCommandInput, 'ServiceNamespace' | 'ScalableDimension'>) =>
  aas.send(new RegisterScalableTargetCommand({ ...ECS_TARGET, ...input }));

const put = (
  service: string,
  name: string,
  config: PutScalingPolicyCommandInput['TargetTrackingScalingPolicyConfiguration'],
  extra: Partial<PutScalingPolicyCommandInput> = {},
) =>
  aas.send(
    new PutScalingPolicyCommand({
      ...ECS_TARGET,
      ResourceId: resourceId(service),
      PolicyName: name,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: config,
      ...extra,
    }),
  );

/** The error a call fails with (its name, HTTP status and message), or fails the test if it succeeds. */
async function errorOf(call: Promise<unknown>): Promise<{ name: string; status: number; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode ?? 0, message: e.message };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  aws = await startLocalAwsStack({ ports: { api: 0, listeners: {} }, timeScale: 0.01 });
  const config = localClientConfig(aws.endpoint, 'us-east-1');
  aas = new ApplicationAutoScalingClient(config);
  ecs = new ECSClient(config);
  elb = new ElasticLoadBalancingV2Client(config);
  await ecs.send(new CreateClusterCommand({ clusterName: 'shop' }));
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'shop' }))).LoadBalancers?.[0]?.LoadBalancerArn;
  const tg = (
    await elb.send(
      new CreateTargetGroupCommand({ Name: 'web', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-1', TargetType: 'ip' }),
    )
  ).TargetGroups?.[0]?.TargetGroupArn;
  label = `${lb?.split(':loadbalancer/')[1]}/${tg?.split(':').at(-1)}`;
});

afterAll(async () => {
  aas?.destroy();
  ecs?.destroy();
  elb?.destroy();
  await aws?.close();
});

describe('scalable targets', () => {
  test('Register puts the ECS service inside [Min, Max]; a second Register changes only what it gives', async () => {
    await createService('web', 1);
    const { ScalableTargetARN } = await register({ ResourceId: resourceId('web'), MinCapacity: 2, MaxCapacity: 6 });
    expect(ScalableTargetARN).toMatch(
      /^arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target\/\w{36}$/,
    );
    expect(await desiredCount('web')).toBe(2);

    await register({ ResourceId: resourceId('web'), SuspendedState: { DynamicScalingInSuspended: true } });
    await register({
      ResourceId: resourceId('web'),
      MaxCapacity: 8,
      SuspendedState: { ScheduledScalingSuspended: true },
    });
    const { ScalableTargets = [] } = await aas.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId('web')] }),
    );
    expect(ScalableTargets).toEqual([
      expect.objectContaining({
        ResourceId: resourceId('web'),
        MinCapacity: 2,
        MaxCapacity: 8,
        ScalableTargetARN,
        RoleARN: expect.stringContaining('AWSServiceRoleForApplicationAutoScaling_ECSService'),
        SuspendedState: {
          DynamicScalingInSuspended: true,
          DynamicScalingOutSuspended: false,
          ScheduledScalingSuspended: true,
        },
        CreationTime: expect.any(Date),
      }),
    ]);
    // Lowering MaxCapacity below the current desired count brings the service down to it.
    await register({ ResourceId: resourceId('web'), MinCapacity: 0, MaxCapacity: 1 });
    expect(await desiredCount('web')).toBe(1);
    expect(aws.applicationAutoScaling.target(resourceId('web'))?.maxCapacity).toBe(1);
  });

  test('a new target needs MinCapacity and MaxCapacity, Min at most Max, and an existing ECS service', async () => {
    await createService('api', 3);
    const missing = await errorOf(register({ ResourceId: resourceId('api'), MinCapacity: 1 }));
    expect(missing).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(missing.message).toContain('MaxCapacity');
    const inverted = await errorOf(register({ ResourceId: resourceId('api'), MinCapacity: 5, MaxCapacity: 4 }));
    expect(inverted.name).toBe('ValidationException');
    expect(inverted.message).toMatch(/MinCapacity 5 > MaxCapacity 4/);
    const absent = await errorOf(register({ ResourceId: resourceId('nope'), MinCapacity: 1, MaxCapacity: 2 }));
    expect(absent).toMatchObject({ name: 'ValidationException' });
    expect(absent.message).toContain("ECS service doesn't exist: service/shop/nope");
    expect(await desiredCount('api')).toBe(3);
    // Nothing was registered by the refused calls.
    expect(aws.applicationAutoScaling.target(resourceId('api'))).toBeUndefined();
  });

  test('an update whose MinCapacity passes the registered MaxCapacity is refused; tags only on a new target', async () => {
    await createService('cart', 2);
    await register({ ResourceId: resourceId('cart'), MinCapacity: 1, MaxCapacity: 3, Tags: { team: 'shop' } });
    const inverted = await errorOf(register({ ResourceId: resourceId('cart'), MinCapacity: 4 }));
    expect(inverted.message).toMatch(/MinCapacity 4 > MaxCapacity 3/);
    const tagged = await errorOf(register({ ResourceId: resourceId('cart'), Tags: { team: 'other' } }));
    expect(tagged.name).toBe('ValidationException');
    expect(tagged.message).toContain('TagResource');
    expect(aws.applicationAutoScaling.target(resourceId('cart'))?.tags).toEqual({ team: 'shop' });
  });

  test('namespaces, dimensions and resource IDs other than an ECS service are refused, naming the member', async () => {
    const dynamo = await errorOf(
      aas.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: 'dynamodb',
          ResourceId: 'table/orders',
          ScalableDimension: 'dynamodb:table:ReadCapacityUnits',
          MinCapacity: 1,
          MaxCapacity: 2,
        }),
      ),
    );
    expect(dynamo.name).toBe('ValidationException');
    expect(dynamo.message).toContain('ServiceNamespace dynamodb');
    const badId = await errorOf(register({ ResourceId: 'service/only-cluster', MinCapacity: 1, MaxCapacity: 2 }));
    expect(badId.message).toContain('Unsupported service namespace, resource type or scalable dimension');
    const tooLong = await errorOf(register({ ResourceId: 'x'.repeat(1601), MinCapacity: 1, MaxCapacity: 2 }));
    expect(tooLong.message).toMatch(
      /at 'resourceId' failed to satisfy constraint: Member must have length between 1 and 1600/,
    );
    // The SDK model's enum, checked by local AWS before the service runs.
    const enumError = await errorOf(
      aas.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: 'ecs',
          ResourceId: resourceId('web'),
          ScalableDimension: 'ecs:service:Bogus' as 'ecs:service:DesiredCount',
        }),
      ),
    );
    expect(enumError.name).toBe('ValidationException');
    expect(enumError.message).toContain(
      "at 'scalableDimension' failed to satisfy constraint: Member must satisfy enum value set",
    );
  });

  test('Describe pages by MaxResults (1-50) and refuses an unknown NextToken; Deregister of an unknown target', async () => {
    const first = await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', MaxResults: 1 }));
    expect(first.ScalableTargets).toHaveLength(1);
    expect(first.NextToken).toBeDefined();
    const second = await aas.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', MaxResults: 1, NextToken: first.NextToken }),
    );
    expect(second.ScalableTargets?.[0]?.ResourceId).not.toBe(first.ScalableTargets?.[0]?.ResourceId);
    expect(
      (await errorOf(aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', MaxResults: 51 }))))
        .message,
    ).toContain("at 'maxResults'");
    expect(
      (await errorOf(aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', NextToken: 'bogus' }))))
        .name,
    ).toBe('InvalidNextTokenException');
    expect(
      (await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb' }))).ScalableTargets,
    ).toEqual([]);
    const gone = await errorOf(
      aas.send(new DeregisterScalableTargetCommand({ ...ECS_TARGET, ResourceId: resourceId('nope') })),
    );
    expect(gone).toMatchObject({ name: 'ObjectNotFoundException', status: 400 });
    expect(gone.message).toContain('resource ID: service/shop/nope');
  });
});

describe('scaling policies', () => {
  beforeAll(async () => {
    await createService('orders', 2);
    await register({ ResourceId: resourceId('orders'), MinCapacity: 1, MaxCapacity: 10 });
  });

  test('a target tracking policy on ALBRequestCountPerTarget: ARN, its two alarms, and Describe returns it', async () => {
    const config = {
      TargetValue: 500,
      PredefinedMetricSpecification: {
        PredefinedMetricType: 'ALBRequestCountPerTarget' as const,
        ResourceLabel: label,
      },
      ScaleOutCooldown: 60,
      ScaleInCooldown: 120,
    };
    const created = await put('orders', 'requests', config);
    expect(created.PolicyARN).toMatch(
      /^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:resource\/ecs\/service\/shop\/orders:policyName\/requests$/,
    );
    expect(created.Alarms?.map((a) => a.AlarmName)).toEqual([
      expect.stringMatching(/^TargetTracking-service\/shop\/orders-AlarmHigh-[0-9a-f-]{36}$/),
      expect.stringMatching(/^TargetTracking-service\/shop\/orders-AlarmLow-[0-9a-f-]{36}$/),
    ]);
    // A second Put replaces the configuration and keeps the policy (its ARN).
    const updated = await put('orders', 'requests', { ...config, TargetValue: 800, DisableScaleIn: true });
    expect(updated.PolicyARN).toBe(created.PolicyARN);
    const { ScalingPolicies = [] } = await aas.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId('orders') }),
    );
    expect(ScalingPolicies).toEqual([
      expect.objectContaining({
        PolicyName: 'requests',
        PolicyARN: created.PolicyARN,
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: { ...config, TargetValue: 800, DisableScaleIn: true },
        Alarms: created.Alarms,
      }),
    ]);
  });

  test('each refused policy names the member to fix', async () => {
    const cpu = { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' as const };
    const alb = { PredefinedMetricType: 'ALBRequestCountPerTarget' as const };
    const cases: Array<[Promise<unknown>, string, RegExp]> = [
      [
        put('nope', 'p', { TargetValue: 50, PredefinedMetricSpecification: cpu }),
        'ObjectNotFoundException',
        /No scalable target registered for service namespace: ecs, resource ID: service\/shop\/nope/,
      ],
      [
        put('orders', 'p', { TargetValue: 50, PredefinedMetricSpecification: alb }),
        'ValidationException',
        /ResourceLabel is required/,
      ],
      [
        put('orders', 'p', { TargetValue: 50, PredefinedMetricSpecification: { ...alb, ResourceLabel: 'app/shop' } }),
        'ValidationException',
        /ResourceLabel app\/shop is not valid/,
      ],
      [
        put('orders', 'p', {
          TargetValue: 50,
          PredefinedMetricSpecification: {
            ...alb,
            ResourceLabel: label.replace(/targetgroup\/web\//, 'targetgroup/gone/'),
          },
        }),
        'ValidationException',
        /target group targetgroup\/gone\/\w+ not found/,
      ],
      [
        put('orders', 'p', { TargetValue: 50, PredefinedMetricSpecification: { ...cpu, ResourceLabel: label } }),
        'ValidationException',
        /ResourceLabel is only allowed with PredefinedMetricType ALBRequestCountPerTarget/,
      ],
      [
        put('orders', 'p', {
          TargetValue: 50,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' },
        }),
        'ValidationException',
        /PredefinedMetricType ECSServiceAverageMemoryUtilization is not emulated/,
      ],
      [
        put('orders', 'p', { TargetValue: 0, PredefinedMetricSpecification: cpu }),
        'ValidationException',
        /at 'targetTrackingScalingPolicyConfiguration.targetValue'/,
      ],
      [
        put('orders', 'p', { TargetValue: 50, PredefinedMetricSpecification: cpu, ScaleInCooldown: -1 }),
        'ValidationException',
        /ScaleInCooldown must be a whole number of seconds/,
      ],
      [put('orders', 'p', undefined), 'ValidationException', /TargetTrackingScalingPolicyConfiguration is required/],
      [
        put('orders', 'p', { TargetValue: 50, PredefinedMetricSpecification: cpu }, { PolicyType: 'StepScaling' }),
        'ValidationException',
        /PolicyType StepScaling is not emulated/,
      ],
      [
        put('orders', 'p', { TargetValue: 50, PredefinedMetricSpecification: cpu }, { PolicyType: undefined }),
        'ValidationException',
        /PolicyType is required/,
      ],
      [
        put('orders', 'x'.repeat(257), { TargetValue: 50, PredefinedMetricSpecification: cpu }),
        'ValidationException',
        /at 'policyName' failed to satisfy constraint/,
      ],
    ];
    for (const [call, name, message] of cases) {
      const error = await errorOf(call);
      expect({ name: error.name, message: error.message }).toEqual({ name, message: expect.stringMatching(message) });
    }
    const { ScalingPolicies = [] } = await aas.send(
      new DescribeScalingPoliciesCommand({
        ServiceNamespace: 'ecs',
        ResourceId: resourceId('orders'),
        PolicyNames: ['p'],
      }),
    );
    expect(ScalingPolicies).toEqual([]);
  });

  test('Delete of a missing policy, MaxResults beyond 10, and Deregister deleting the target with its policies', async () => {
    await put('orders', 'cpu', {
      TargetValue: 60,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
    });
    const missing = await errorOf(
      aas.send(new DeleteScalingPolicyCommand({ ...ECS_TARGET, ResourceId: resourceId('orders'), PolicyName: 'nope' })),
    );
    expect(missing.name).toBe('ObjectNotFoundException');
    expect(missing.message).toContain('policy name: nope');
    expect(
      (await errorOf(aas.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', MaxResults: 11 }))))
        .message,
    ).toContain("at 'maxResults'");
    const page1 = await aas.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId('orders'), MaxResults: 1 }),
    );
    const page2 = await aas.send(
      new DescribeScalingPoliciesCommand({
        ServiceNamespace: 'ecs',
        ResourceId: resourceId('orders'),
        MaxResults: 1,
        NextToken: page1.NextToken,
      }),
    );
    expect([...(page1.ScalingPolicies ?? []), ...(page2.ScalingPolicies ?? [])].map((p) => p.PolicyName)).toEqual([
      'requests',
      'cpu',
    ]);
    expect(page2.NextToken).toBeUndefined();

    await aas.send(
      new DeleteScalingPolicyCommand({ ...ECS_TARGET, ResourceId: resourceId('orders'), PolicyName: 'cpu' }),
    );
    await aas.send(new DeregisterScalableTargetCommand({ ...ECS_TARGET, ResourceId: resourceId('orders') }));
    expect(
      (
        await aas.send(
          new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId('orders') }),
        )
      ).ScalingPolicies,
    ).toEqual([]);
    const after = await errorOf(
      put('orders', 'requests', {
        TargetValue: 50,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    );
    expect(after.name).toBe('ObjectNotFoundException');
  });
});
