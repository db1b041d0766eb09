/**
 * Records → ECS JSON wire shapes (camelCase members, timestamps as epoch seconds, the way the JSON protocol sends
 * them and the SDK turns them back into Dates).
 */
import { clusterArn, taskSetArn } from './arns';
import type { ClusterRecord, ServiceRecord, TaskDefinitionRecord, TaskRecord, TaskSetRecord } from './model';
import type { EcsStore } from './store';

export const FARGATE_PLATFORM_VERSION = '1.4.0';

export const epochSeconds = (ms: number | undefined): number | undefined =>
  ms === undefined ? undefined : Math.round(ms) / 1000;

export function clusterToWire(store: EcsStore, cluster: ClusterRecord): Record<string, unknown> {
  const services = [...store.services.values()].filter((s) => s.clusterName === cluster.name);
  const tasks = [...store.tasks.values()].filter((t) => t.clusterName === cluster.name);
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: 'ACTIVE',
    registeredContainerInstancesCount: 0,
    runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING').length,
    activeServicesCount: services.filter((s) => s.status === 'ACTIVE').length,
    statistics: [],
    tags: cluster.tags,
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: [...cluster.capacityProviders],
    defaultCapacityProviderStrategy: cluster.defaultCapacityProviderStrategy.map((item) => ({ ...item })),
  };
}

export function taskSetToWire(store: EcsStore, taskSet: TaskSetRecord): Record<string, unknown> {
  const counts = store.countsOf(taskSet);
  return {
    id: taskSet.id,
    taskSetArn: taskSet.arn,
    serviceArn: serviceArnOf(store, taskSet),
    clusterArn: clusterArn(store.scope, taskSet.clusterName),
    externalId: taskSet.externalId,
    status: taskSet.status,
    taskDefinition: taskSet.taskDefinitionArn,
    computedDesiredCount: store.desiredCountOf(taskSet),
    pendingCount: counts.pending,
    runningCount: counts.running,
    createdAt: epochSeconds(taskSet.createdAt),
    updatedAt: epochSeconds(taskSet.updatedAt),
    launchType: taskSet.capacityProviderStrategy === undefined ? taskSet.launchType : undefined,
    capacityProviderStrategy: taskSet.capacityProviderStrategy?.map((item) => ({ ...item })),
    platformVersion: taskSet.platformVersion,
    networkConfiguration: taskSet.networkConfiguration,
    loadBalancers: taskSet.loadBalancers.map((lb) => ({ ...lb })),
    serviceRegistries: [],
    scale: { ...taskSet.scale },
    stabilityStatus: taskSet.stabilityStatus,
    stabilityStatusAt: epochSeconds(taskSet.stabilityStatusAt),
    tags: taskSet.tags,
  };
}

function serviceArnOf(store: EcsStore, taskSet: TaskSetRecord): string | undefined {
  return store.services.get(`${taskSet.clusterName}/${taskSet.serviceName}`)?.arn;
}

/**
 * For EXTERNAL services, the task-set-level fields (task definition, load balancers, network, launch type) come
 * from the PRIMARY task set and are absent while there is none (ECS developer guide, external deployments).
 */
export function serviceToWire(store: EcsStore, service: ServiceRecord, withTags: boolean): Record<string, unknown> {
  const taskSets = [...service.taskSets.values()];
  const primary = taskSets.find((ts) => ts.status === 'PRIMARY');
  const counts = taskSets.map((ts) => store.countsOf(ts));
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: clusterArn(store.scope, service.clusterName),
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: counts.reduce((sum, c) => sum + c.running, 0),
    pendingCount: counts.reduce((sum, c) => sum + c.pending, 0),
    launchType: primary?.capacityProviderStrategy === undefined ? primary?.launchType : undefined,
    capacityProviderStrategy: primary?.capacityProviderStrategy?.map((item) => ({ ...item })),
    platformVersion: primary?.platformVersion,
    taskDefinition: primary?.taskDefinitionArn,
    loadBalancers: primary?.loadBalancers.map((lb) => ({ ...lb })) ?? [],
    networkConfiguration: primary?.networkConfiguration,
    serviceRegistries: [],
    taskSets: taskSets.map((ts) => taskSetToWire(store, ts)),
    deployments: [],
    events: [],
    deploymentController: { type: 'EXTERNAL' },
    schedulingStrategy: 'REPLICA',
    createdAt: epochSeconds(service.createdAt),
    createdBy: service.createdBy,
    healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds,
    enableECSManagedTags: service.enableECSManagedTags,
    propagateTags: service.propagateTags,
    placementConstraints: service.placementConstraints,
    placementStrategy: service.placementStrategy,
    deploymentConfiguration: { ...service.deploymentConfiguration },
    tags: withTags ? service.tags : undefined,
  };
}

const eniAttachmentId = (task: TaskRecord): string => `eni-${task.id.slice(0, 17)}`;

/** The essential container's ARN, in the format ECS uses since 2021 (cluster and task id in the path). */
export const containerArn = (store: EcsStore, task: TaskRecord): string =>
  `arn:aws:ecs:${store.scope.region}:${store.scope.accountId}:container/${task.clusterName}/${task.id}/${task.containerId}`;

/**
 * A task as DescribeTasks returns it. The `ECS Task State Change` event's detail is built from the same record
 * (task-events.ts), so the two always agree.
 */
export function taskToWire(store: EcsStore, task: TaskRecord): Record<string, unknown> {
  const taskDefinition = store.taskDefinitions.resolve(task.taskDefinitionArn);
  const size = (member: 'cpu' | 'memory'): string | undefined => {
    const value = taskDefinition?.wire[member];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  };
  return {
    taskArn: task.arn,
    clusterArn: clusterArn(store.scope, task.clusterName),
    taskDefinitionArn: task.taskDefinitionArn,
    // A service's tasks are in the group `service:NAME`; the service scheduler starts a task set's tasks with the
    // task set id (`ecs-svc/…`) as startedBy, which is what ListTasks' startedBy filter matches.
    group: `service:${task.serviceName}`,
    startedBy: task.taskSetId,
    launchType: task.launchType,
    // Fargate resolves LATEST to the newest Linux platform version.
    platformVersion: task.launchType === 'FARGATE' ? FARGATE_PLATFORM_VERSION : undefined,
    availabilityZone: task.availabilityZone,
    cpu: size('cpu'),
    memory: size('memory'),
    version: task.version,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    healthStatus: 'UNKNOWN',
    createdAt: epochSeconds(task.createdAt),
    startedAt: epochSeconds(task.startedAt),
    stoppingAt: epochSeconds(task.stoppingAt),
    stoppedAt: epochSeconds(task.stoppedAt),
    stoppedReason: task.stoppedReason,
    stopCode: task.stopCode,
    containers: [
      {
        containerArn: containerArn(store, task),
        taskArn: task.arn,
        name: task.containerName,
        image: task.image,
        lastStatus: task.lastStatus === 'STOPPED' ? 'STOPPED' : task.lastStatus === 'RUNNING' ? 'RUNNING' : 'PENDING',
        exitCode: task.exitCode,
        healthStatus: 'UNKNOWN',
        networkInterfaces: [{ attachmentId: eniAttachmentId(task), privateIpv4Address: task.privateIp }],
      },
    ],
    attachments: [
      {
        id: eniAttachmentId(task),
        type: 'ElasticNetworkInterface',
        status: task.lastStatus === 'STOPPED' ? 'DELETED' : 'ATTACHED',
        details: [{ name: 'privateIPv4Address', value: task.privateIp }],
      },
    ],
    tags: [],
  };
}

export function taskDefinitionToWire(td: TaskDefinitionRecord): Record<string, unknown> {
  return {
    taskDefinitionArn: td.arn,
    family: td.family,
    revision: td.revision,
    status: td.status,
    containerDefinitions: td.containerDefinitions.map((c) => ({ ...c.wire })),
    compatibilities: ['EC2', 'FARGATE'],
    registeredAt: epochSeconds(td.registeredAt),
    deregisteredAt: epochSeconds(td.deregisteredAt),
    ...td.wire,
  };
}

/** The ARN DescribeTaskSets reports for a task set it cannot find. */
export const missingTaskSetArn = (store: EcsStore, service: ServiceRecord, idOrArn: string): string =>
  idOrArn.startsWith('arn:') ? idOrArn : taskSetArn(store.scope, service.clusterName, service.name, idOrArn);
