/**
 * AWS::ApplicationAutoScaling::ScalableTarget through local CloudFormation (CreateStack over the query protocol,
 * UpdateStack and DeleteStack as the harness runs them) against local Application Auto Scaling: create registers the
 * ECS service's target, an update re-registers it in place and leaves a SuspendedState the template omits alone, a
 * new ResourceId replaces it (new one first, old one deregistered in cleanup), delete deregisters it, and what the
 * service refuses fails the resource with the service's message.
 */
import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { deleteLocalStack, updateTemplate } from '../../../harness/deploy/deploy-template';
import { localClientConfig } from '../../../local/aws/client-config';
import type { CfnTemplate } from '../../../local/cloudformation/model';
import { LOCAL_REGION, startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';

const CLUSTER = 'scaling';
const DIMENSION = 'ecs:service:DesiredCount';

let aws: RunningLocalAws;
let cfn: CloudFormationClient;
let aas: ApplicationAutoScalingClient;
let ecs: ECSClient;
let n = 0;

beforeAll(async () => {
  aws = await startLocalAwsStack({ timeScale: 0.01, ports: { api: 0, listeners: {} } });
  const config = localClientConfig(aws.endpoint, LOCAL_REGION);
  cfn = new CloudFormationClient(config);
  aas = new ApplicationAutoScalingClient(config);
  ecs = new ECSClient(config);
});
afterAll(async () => {
  cfn?.destroy();
  aas?.destroy();
  ecs?.destroy();
  await aws?.close();
});

interface Options {
  readonly serviceName: string;
  readonly min?: number;
  readonly max?: number;
  readonly target?: Record<string, unknown>;
}

/** A cluster, a service and its scalable target, ResourceId joined from the cluster's Ref and the service's name. */
function template(o: Options): CfnTemplate {
  return {
    Resources: {
      Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: CLUSTER } },
      Service: {
        Type: 'AWS::ECS::Service',
        Properties: {
          Cluster: { Ref: 'Cluster' },
          ServiceName: o.serviceName,
          DeploymentController: { Type: 'EXTERNAL' },
          DesiredCount: 2,
        },
      },
      Target: {
        Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        DependsOn: ['Service'],
        Properties: {
          ServiceNamespace: 'ecs',
          ScalableDimension: DIMENSION,
          ResourceId: {
            'Fn::Join': ['', ['service/', { Ref: 'Cluster' }, '/', { 'Fn::GetAtt': ['Service', 'Name'] }]],
          },
          MinCapacity: o.min ?? 1,
          MaxCapacity: o.max ?? 4,
          ...o.target,
        },
      },
    },
    Outputs: {
      Ref: { Value: { Ref: 'Target' } },
      Id: { Value: { 'Fn::GetAtt': ['Target', 'Id'] } },
    },
  };
}

const resourceId = (service: string) => `service/${CLUSTER}/${service}`;

async function create(t: CfnTemplate): Promise<{ stackName: string; status: string }> {
  const stackName = `Scaling${++n}`;
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(t) }));
  await aws.cloudformation.settled(stackName);
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return { stackName, status: Stacks?.[0]?.StackStatus ?? '' };
}

const outputs = async (stackName: string): Promise<Record<string, string>> => {
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
};

const failure = async (stackName: string, status: string): Promise<string | undefined> => {
  const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
  return StackEvents.find((e) => e.LogicalResourceId === 'Target' && e.ResourceStatus === status)?.ResourceStatusReason;
};

const desiredCount = async (service: string) =>
  (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [service] }))).services?.[0]?.desiredCount;

test('create registers the target (Ref and GetAtt Id are RESOURCE_ID|DIMENSION|NAMESPACE); delete deregisters it', async () => {
  const { stackName, status } = await create(template({ serviceName: 'web', min: 3, max: 5 }));
  expect(status).toBe('CREATE_COMPLETE');
  const out = await outputs(stackName);
  expect(out.Ref).toBe(`${resourceId('web')}|${DIMENSION}|ecs`);
  expect(out.Id).toBe(out.Ref);
  expect(aws.applicationAutoScaling.target(resourceId('web'))).toMatchObject({ minCapacity: 3, maxCapacity: 5 });
  // Registering put the service's desired count (2) inside [3, 5], as RegisterScalableTarget does.
  expect(await desiredCount('web')).toBe(3);

  expect((await deleteLocalStack({ endpoint: aws.endpoint, stackName })).status).toBe('DELETE_COMPLETE');
  expect(aws.applicationAutoScaling.target(resourceId('web'))).toBeUndefined();
});

test('an update changes Min/Max in place and keeps a suspension the template does not mention', async () => {
  const { stackName } = await create(template({ serviceName: 'api', min: 1, max: 4 }));
  const before = aws.applicationAutoScaling.target(resourceId('api'));
  // The controller suspends scale-in through the API during a swap.
  await aas.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: 'ecs',
      ResourceId: resourceId('api'),
      ScalableDimension: DIMENSION,
      SuspendedState: { DynamicScalingInSuspended: true },
    }),
  );

  const updated = await updateTemplate(template({ serviceName: 'api', min: 2, max: 6 }), {
    endpoint: aws.endpoint,
    stackName,
  });
  expect(updated.status).toBe('UPDATE_COMPLETE');
  const after = aws.applicationAutoScaling.target(resourceId('api'));
  expect(after).toMatchObject({ minCapacity: 2, maxCapacity: 6, arn: before?.arn });
  expect(after?.suspended).toEqual({ dynamicScalingIn: true, dynamicScalingOut: false, scheduledScaling: false });

  // A SuspendedState in the template is applied member by member: what it omits keeps its value.
  const suspendOut = template({
    serviceName: 'api',
    min: 2,
    max: 6,
    target: { SuspendedState: { DynamicScalingOutSuspended: true } },
  });
  expect((await updateTemplate(suspendOut, { endpoint: aws.endpoint, stackName })).status).toBe('UPDATE_COMPLETE');
  expect(aws.applicationAutoScaling.target(resourceId('api'))?.suspended).toEqual({
    dynamicScalingIn: true,
    dynamicScalingOut: true,
    scheduledScaling: false,
  });
  await deleteLocalStack({ endpoint: aws.endpoint, stackName });
});

test('a new ResourceId replaces the target: the new one is registered, the old one deregistered in cleanup', async () => {
  const { stackName } = await create(template({ serviceName: 'shop' }));
  const updated = await updateTemplate(template({ serviceName: 'shop2' }), { endpoint: aws.endpoint, stackName });
  expect(updated.status).toBe('UPDATE_COMPLETE');
  expect(aws.applicationAutoScaling.target(resourceId('shop2'))).toMatchObject({ minCapacity: 1, maxCapacity: 4 });
  expect(aws.applicationAutoScaling.target(resourceId('shop'))).toBeUndefined();
  expect((await outputs(stackName)).Ref).toBe(`${resourceId('shop2')}|${DIMENSION}|ecs`);
  await deleteLocalStack({ endpoint: aws.endpoint, stackName });
});

test('what the service refuses fails the resource with its message; a target already registered is not taken over', async () => {
  const inverted = await create(template({ serviceName: 'cart', min: 5, max: 2 }));
  expect(inverted.status).toBe('ROLLBACK_COMPLETE');
  expect(await failure(inverted.stackName, 'CREATE_FAILED')).toMatch(
    /Minimum capacity cannot be greater than maximum capacity/,
  );

  const { stackName } = await create(template({ serviceName: 'cart' }));
  // Another stack's target for the same service: CloudFormation refuses it as already existing.
  const other = await create({
    Resources: {
      Target: {
        Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        Properties: {
          ServiceNamespace: 'ecs',
          ScalableDimension: DIMENSION,
          ResourceId: resourceId('cart'),
          MinCapacity: 0,
          MaxCapacity: 9,
        },
      },
    },
  });
  expect(other.status).toBe('ROLLBACK_COMPLETE');
  expect(await failure(other.stackName, 'CREATE_FAILED')).toBe(
    `${resourceId('cart')}|${DIMENSION}|ecs already exists.`,
  );
  expect(aws.applicationAutoScaling.target(resourceId('cart'))).toMatchObject({ minCapacity: 1, maxCapacity: 4 });

  // Deregistered outside the stack: the stack's delete still completes.
  await aas.send(
    new DeregisterScalableTargetCommand({
      ServiceNamespace: 'ecs',
      ResourceId: resourceId('cart'),
      ScalableDimension: DIMENSION,
    }),
  );
  expect((await deleteLocalStack({ endpoint: aws.endpoint, stackName })).status).toBe('DELETE_COMPLETE');
});

test('ScheduledActions are refused, naming the property', async () => {
  const { stackName, status } = await create(
    template({
      serviceName: 'jobs',
      target: { ScheduledActions: [{ ScheduledActionName: 'night', Schedule: 'cron(0 0 * * ? *)' }] },
    }),
  );
  expect(status).toBe('ROLLBACK_COMPLETE');
  expect(await failure(stackName, 'CREATE_FAILED')).toMatch(/ScheduledActions are not emulated/);
});
