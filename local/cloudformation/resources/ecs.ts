/**
 * AWS::ECS::Cluster, AWS::ECS::TaskDefinition and AWS::ECS::Service through local ECS's API. Replacement properties
 * follow the CloudFormation resource reference (see ../README.md). For a service, CloudFormation sends DesiredCount
 * with every update of the resource when the template has it (aws/containers-roadmap#493, aws/aws-cdk#13130).
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { generatedSuffix, type ResourceHandler, str } from './handler';

const notFound = (error: unknown): boolean =>
  error instanceof Error &&
  ['ServiceNotFoundException', 'ClusterNotFoundException', 'ServiceNotActiveException'].includes(error.name);

export const clusterHandler: ResourceHandler = {
  replacementProperties: new Set(['ClusterName']),
  customName: (p) => str(p.ClusterName),
  async create(ctx, props) {
    const name =
      str(props.ClusterName) ?? `${ctx.stack.name}-${ctx.logicalId}${ctx.replacing ? `-${generatedSuffix()}` : ''}`;
    const { cluster } = await ctx.clients.ecs.send(new CreateClusterCommand({ clusterName: name }));
    return { physical: { ref: name, attributes: { Arn: cluster?.clusterArn ?? '' } } };
  },
  // ClusterSettings, CapacityProviders, Configuration, Tags…: no interruption. Local ECS does not model them (they
  // are not sent on create either), so an update records them.
  update: (_ctx, current) => Promise.resolve({ physical: current.physical }),
  // Local ECS has no DeleteCluster.
  delete: () => Promise.resolve({ skipped: 'Local ECS has no DeleteCluster: the cluster stays in local ECS.' }),
};

/** CloudFormation container definition (PascalCase) to the ECS API shape (camelCase), for the fields CDK emits. */
function toContainerDefinition(cfn: Record<string, unknown>): ContainerDefinition {
  const portMappings = (cfn.PortMappings as Array<Record<string, unknown>> | undefined)?.map((p) => ({
    containerPort: Number(p.ContainerPort),
    protocol: (p.Protocol as 'tcp' | undefined) ?? 'tcp',
  }));
  const log = cfn.LogConfiguration as { LogDriver: string; Options?: Record<string, string> } | undefined;
  const known = new Set(['Name', 'Image', 'Essential', 'PortMappings', 'LogConfiguration', 'Environment']);
  const extra = Object.keys(cfn).filter((k) => !known.has(k));
  if (extra.length > 0) {
    throw new Error(
      `Container definition fields ${extra.join(', ')} are not mapped locally; extend toContainerDefinition in local/cloudformation/resources/ecs.ts.`,
    );
  }
  return {
    name: String(cfn.Name),
    image: String(cfn.Image),
    essential: cfn.Essential !== false,
    portMappings,
    environment: (cfn.Environment as Array<{ Name: string; Value: string }> | undefined)?.map((e) => ({
      name: e.Name,
      value: e.Value,
    })),
    logConfiguration: log ? { logDriver: log.LogDriver as 'awslogs', options: log.Options } : undefined,
  };
}

const TASK_DEFINITION_PROPERTIES = [
  'Family',
  'Cpu',
  'Memory',
  'NetworkMode',
  'RequiresCompatibilities',
  'TaskRoleArn',
  'ExecutionRoleArn',
  'ContainerDefinitions',
] as const;

/** Every property of a task definition requires replacement: a new revision, deregistering the old one in cleanup. */
export const taskDefinitionHandler: ResourceHandler = {
  replacementProperties: new Set([...TASK_DEFINITION_PROPERTIES, 'Tags', 'Volumes', 'PlacementConstraints']),
  async create(ctx, props) {
    const { taskDefinition } = await ctx.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: str(props.Family) ?? `${ctx.stack.name}${ctx.logicalId}`,
        cpu: str(props.Cpu),
        memory: str(props.Memory),
        networkMode: props.NetworkMode as 'awsvpc',
        requiresCompatibilities: props.RequiresCompatibilities as ['FARGATE'],
        taskRoleArn: str(props.TaskRoleArn),
        executionRoleArn: str(props.ExecutionRoleArn),
        containerDefinitions: ((props.ContainerDefinitions ?? []) as Array<Record<string, unknown>>).map(
          toContainerDefinition,
        ),
      }),
    );
    const arn = taskDefinition?.taskDefinitionArn ?? '';
    return { physical: { ref: arn, attributes: { TaskDefinitionArn: arn } } };
  },
  update: () => Promise.reject(new Error('A task definition is never updated in place.')),
  async delete(ctx, current) {
    await ctx.clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: current.physical.ref }));
  },
};

/** "Update requires: Replacement" of AWS::ECS::Service. */
const SERVICE_REPLACEMENT = [
  'Cluster',
  'DeploymentController',
  'EnableECSManagedTags',
  'LaunchType',
  'LoadBalancers',
  'PlacementConstraints',
  'PlacementStrategies',
  'PlatformVersion',
  'PropagateTags',
  'Role',
  'SchedulingStrategy',
  'ServiceName',
  'ServiceRegistries',
];

type Tag = { Key: string; Value: string };
const tagsOf = (props: Readonly<Record<string, unknown>>): Tag[] => (props.Tags as Tag[] | undefined) ?? [];

export const serviceHandler: ResourceHandler = {
  replacementProperties: new Set(SERVICE_REPLACEMENT),
  customName: (p) => str(p.ServiceName),
  async create(ctx, props) {
    const name =
      str(props.ServiceName) ?? `${ctx.stack.name}-${ctx.logicalId}${ctx.replacing ? `-${generatedSuffix()}` : ''}`;
    const controller = props.DeploymentController as { Type?: 'EXTERNAL' } | undefined;
    const tags = tagsOf(props);
    const { service } = await ctx.clients.ecs.send(
      new CreateServiceCommand({
        cluster: str(props.Cluster),
        serviceName: name,
        // CloudFormation's default when the template omits DesiredCount.
        desiredCount: props.DesiredCount === undefined ? 1 : Number(props.DesiredCount),
        ...(controller?.Type !== undefined && { deploymentController: { type: controller.Type } }),
        ...(str(props.TaskDefinition) !== undefined && { taskDefinition: str(props.TaskDefinition) }),
        ...(tags.length > 0 && { tags: tags.map((t) => ({ key: t.Key, value: t.Value })) }),
      }),
    );
    const arn = service?.serviceArn ?? '';
    return { physical: { ref: arn, attributes: { Name: service?.serviceName ?? name, ServiceArn: arn } } };
  },
  async update(ctx, current, props, changed) {
    const input: UpdateServiceCommandInput = { cluster: str(props.Cluster), service: current.physical.ref };
    // Whenever the resource changes, CloudFormation sends the template's DesiredCount (if it has one), so the
    // service goes back to it whatever its live count is; without DesiredCount the live count stays.
    if (props.DesiredCount !== undefined) input.desiredCount = Number(props.DesiredCount);
    const has = (key: string) => changed.includes(key);
    if (has('TaskDefinition')) input.taskDefinition = str(props.TaskDefinition);
    if (has('HealthCheckGracePeriodSeconds')) {
      input.healthCheckGracePeriodSeconds = Number(props.HealthCheckGracePeriodSeconds);
    }
    if (has('DeploymentConfiguration')) {
      const d = (props.DeploymentConfiguration ?? {}) as { MaximumPercent?: number; MinimumHealthyPercent?: number };
      input.deploymentConfiguration = {
        maximumPercent: d.MaximumPercent,
        minimumHealthyPercent: d.MinimumHealthyPercent,
      };
    }
    if (has('NetworkConfiguration') || has('CapacityProviderStrategy')) {
      throw new Error(
        'Local CloudFormation does not map NetworkConfiguration/CapacityProviderStrategy updates of AWS::ECS::Service.',
      );
    }
    if (Object.keys(input).length > 2) await ctx.clients.ecs.send(new UpdateServiceCommand(input));
    if (has('Tags')) {
      const before = tagsOf(current.properties);
      const after = tagsOf(props);
      const removed = before.filter((t) => !after.some((a) => a.Key === t.Key)).map((t) => t.Key);
      if (removed.length > 0) {
        await ctx.clients.ecs.send(new UntagResourceCommand({ resourceArn: current.physical.ref, tagKeys: removed }));
      }
      if (after.length > 0) {
        await ctx.clients.ecs.send(
          new TagResourceCommand({
            resourceArn: current.physical.ref,
            tags: after.map((t) => ({ key: t.Key, value: t.Value })),
          }),
        );
      }
    }
    return { physical: current.physical };
  },
  async delete(ctx, current) {
    const cluster = str(current.properties.Cluster);
    try {
      // CloudFormation scales the service to zero, then deletes it.
      await ctx.clients.ecs.send(new UpdateServiceCommand({ cluster, service: current.physical.ref, desiredCount: 0 }));
      await ctx.clients.ecs.send(new DeleteServiceCommand({ cluster, service: current.physical.ref }));
    } catch (error) {
      if (!notFound(error)) throw error;
    }
  },
};
