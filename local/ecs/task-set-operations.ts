/**
 * CreateTaskSet, DescribeTaskSets, UpdateTaskSet, UpdateServicePrimaryTaskSet and DeleteTaskSet.
 * A new task set is ACTIVE (even the first one: a service has no PRIMARY until UpdateServicePrimaryTaskSet) with
 * scale 0 % unless told otherwise, as the AWS CLI example output shows.
 */
import { newTaskSetId, taskSetArn, taskSetIdOf } from './arns';
import { checkAssociated, launchTypeOf, parseStrategy } from './capacity-providers';
import type { Scale } from './computed-desired-count';
import { invalidParameter } from './errors';
import {
  type Input,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  requiredString,
  stringList,
  tags,
} from './input';
import type { LoadBalancerRef, TaskDefinitionRecord, TaskSetRecord } from './model';
import type { OperationContext, OperationHandler } from './operation-context';
import { missingTaskSetArn, taskSetToWire } from './wire';

/** ECS service quota: task sets per service. */
const MAX_TASK_SETS_PER_SERVICE = 5;
const LAUNCH_TYPES = new Set(['EC2', 'FARGATE', 'EXTERNAL']);

export function parseScale(input: Input | undefined, fallback: Scale): Scale {
  if (input === undefined) return fallback;
  const unit = optionalString(input, 'unit') ?? 'PERCENT';
  if (unit !== 'PERCENT') throw invalidParameter('Scale unit must be PERCENT.');
  const value = optionalNumber(input, 'value') ?? fallback.value;
  if (value < 0 || value > 100) throw invalidParameter('Scale value must be between 0 and 100.');
  return { value, unit };
}

function parseLoadBalancers(
  { targets }: OperationContext,
  input: Input,
  taskDefinition: TaskDefinitionRecord,
): LoadBalancerRef[] {
  const list = optionalArray(input, 'loadBalancers') ?? [];
  if (list.length > 5) throw invalidParameter('A task set can have at most 5 load balancers.');
  return list.map((item) => {
    const lb = (item ?? {}) as Input;
    if (optionalString(lb, 'loadBalancerName') !== undefined) {
      throw invalidParameter('Classic Load Balancers are not supported by local AWS; use targetGroupArn.');
    }
    const targetGroupArn = requiredString(lb, 'targetGroupArn');
    const containerName = requiredString(lb, 'containerName');
    const containerPort = optionalNumber(lb, 'containerPort');
    if (containerPort === undefined) throw invalidParameter('containerPort can not be blank.');
    const container = taskDefinition.containerDefinitions.find((c) => c.name === containerName);
    if (container === undefined) {
      throw invalidParameter(`The container ${containerName} does not exist in the task definition.`);
    }
    if (!container.portMappings.some((m) => m.containerPort === containerPort)) {
      throw invalidParameter(`The container ${containerName} did not have a container port ${containerPort} defined.`);
    }
    if (!targets.exists(targetGroupArn)) {
      throw invalidParameter(`The target group with targetGroupArn ${targetGroupArn} does not exist.`);
    }
    return { targetGroupArn, containerName, containerPort };
  });
}

export const createTaskSet: OperationHandler = (ctx, input) => {
  const { store, scheduler } = ctx;
  const cluster = store.cluster(requiredString(input, 'cluster'));
  const service = store.activeService(cluster, requiredString(input, 'service'));
  const clientToken = optionalString(input, 'clientToken');
  const retried = [...service.taskSets.values()].find(
    (ts) => clientToken !== undefined && ts.clientToken === clientToken,
  );
  if (retried !== undefined) return { taskSet: taskSetToWire(store, retried) };
  if (service.taskSets.size >= MAX_TASK_SETS_PER_SERVICE) {
    throw invalidParameter(
      `${service.taskSets.size} deployments exist on the service. Unable to create new TaskSet since this exceeds the maximum limit.`,
    );
  }
  const taskDefinition = store.taskDefinitions.resolve(requiredString(input, 'taskDefinition'));
  if (taskDefinition === undefined) throw invalidParameter('TaskDefinition not found.');
  if (taskDefinition.status !== 'ACTIVE') throw invalidParameter('TaskDefinition is inactive');
  const requestedLaunchType = optionalString(input, 'launchType');
  if (requestedLaunchType !== undefined && !LAUNCH_TYPES.has(requestedLaunchType)) {
    throw invalidParameter(`Launch type ${requestedLaunchType} is not valid.`);
  }
  const requestedStrategy = parseStrategy(input, 'capacityProviderStrategy');
  if (requestedLaunchType !== undefined && requestedStrategy !== undefined && requestedStrategy.length > 0) {
    throw invalidParameter(
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
    );
  }
  if (requestedStrategy !== undefined) checkAssociated(cluster, requestedStrategy);
  // Neither given: the cluster's default strategy, if it has one (else FARGATE, the emulator's default).
  const strategy =
    requestedStrategy !== undefined && requestedStrategy.length > 0
      ? requestedStrategy
      : requestedLaunchType === undefined && cluster.defaultCapacityProviderStrategy.length > 0
        ? [...cluster.defaultCapacityProviderStrategy]
        : undefined;
  const launchType = strategy !== undefined ? launchTypeOf(strategy) : (requestedLaunchType ?? 'FARGATE');
  const networkConfiguration = optionalObject(input, 'networkConfiguration');
  if (taskDefinition.wire.networkMode === 'awsvpc' && networkConfiguration === undefined) {
    throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  const loadBalancers = parseLoadBalancers(ctx, input, taskDefinition);

  const id = newTaskSetId();
  const now = store.now();
  const taskSet: TaskSetRecord = {
    id,
    arn: taskSetArn(store.scope, cluster.name, service.name, id),
    serviceName: service.name,
    clusterName: cluster.name,
    status: 'ACTIVE',
    taskDefinitionArn: taskDefinition.arn,
    scale: parseScale(optionalObject(input, 'scale'), { value: 0, unit: 'PERCENT' }),
    externalId: optionalString(input, 'externalId'),
    clientToken,
    launchType,
    ...(strategy !== undefined && { capacityProviderStrategy: strategy }),
    platformVersion: launchType === 'FARGATE' ? (optionalString(input, 'platformVersion') ?? 'LATEST') : undefined,
    networkConfiguration,
    loadBalancers,
    stabilityStatus: 'STABILIZING',
    stabilityStatusAt: now,
    createdAt: now,
    updatedAt: now,
    tags: tags(input),
    consecutiveFailures: 0,
    nextLaunchAt: 0,
  };
  service.taskSets.set(id, taskSet);
  const response = { taskSet: taskSetToWire(store, taskSet) };
  scheduler.reconcileAll();
  return response;
};

export const describeTaskSets: OperationHandler = ({ store }, input) => {
  const cluster = store.cluster(requiredString(input, 'cluster'));
  const service = store.activeService(cluster, requiredString(input, 'service'));
  const withTags = (stringList(input, 'include') ?? []).includes('TAGS');
  const requested = stringList(input, 'taskSets');
  const taskSets: unknown[] = [];
  const failures: unknown[] = [];
  const found = requested === undefined ? [...service.taskSets.values()] : [];
  for (const ref of requested ?? []) {
    const taskSet = service.taskSets.get(taskSetIdOf(ref));
    if (taskSet === undefined) failures.push({ arn: missingTaskSetArn(store, service, ref), reason: 'MISSING' });
    else found.push(taskSet);
  }
  for (const taskSet of found) {
    const wire = taskSetToWire(store, taskSet);
    if (!withTags) delete wire.tags;
    taskSets.push(wire);
  }
  return { taskSets, failures };
};

function liveTaskSet({ store }: OperationContext, input: Input, member: 'taskSet' | 'primaryTaskSet'): TaskSetRecord {
  const cluster = store.cluster(requiredString(input, 'cluster'));
  const service = store.activeService(cluster, requiredString(input, 'service'));
  return store.taskSet(service, requiredString(input, member));
}

export const updateTaskSet: OperationHandler = (ctx, input) => {
  const taskSet = liveTaskSet(ctx, input, 'taskSet');
  const scale = optionalObject(input, 'scale');
  if (scale === undefined) throw invalidParameter('scale can not be blank.');
  if (taskSet.status === 'DRAINING') throw invalidParameter('Unable to update a task set that is DRAINING.');
  taskSet.scale = parseScale(scale, taskSet.scale);
  taskSet.updatedAt = ctx.store.now();
  ctx.scheduler.reconcileAll();
  return { taskSet: taskSetToWire(ctx.store, taskSet) };
};

/** The new primary serves production traffic; the previous primary stays, as ACTIVE. */
export const updateServicePrimaryTaskSet: OperationHandler = (ctx, input) => {
  const taskSet = liveTaskSet(ctx, input, 'primaryTaskSet');
  if (taskSet.status === 'DRAINING') throw invalidParameter('Unable to make a DRAINING task set primary.');
  const service = ctx.store.services.get(`${taskSet.clusterName}/${taskSet.serviceName}`);
  const now = ctx.store.now();
  for (const other of service?.taskSets.values() ?? []) {
    if (other !== taskSet && other.status === 'PRIMARY') {
      other.status = 'ACTIVE';
      other.updatedAt = now;
    }
  }
  taskSet.status = 'PRIMARY';
  taskSet.updatedAt = now;
  ctx.scheduler.reconcileAll();
  return { taskSet: taskSetToWire(ctx.store, taskSet) };
};

/**
 * A task set that is not scaled down to zero needs `force` (API reference: "If true, you can delete a task set even
 * if it hasn't been scaled down to zero"): its scale must be 0 %, whatever its computed desired count (a 50 % task
 * set of a service at desiredCount 0 has not been scaled down). The task set turns DRAINING: its targets are
 * deregistered, its tasks stopped, and once the last one stopped it is gone (DescribeTaskSets: MISSING).
 */
export const deleteTaskSet: OperationHandler = (ctx, input) => {
  const taskSet = liveTaskSet(ctx, input, 'taskSet');
  const force = optionalBoolean(input, 'force') ?? false;
  if (taskSet.status !== 'DRAINING' && !force && taskSet.scale.value > 0) {
    throw invalidParameter(
      'The task set cannot be deleted because it is not scaled down to zero. Scale it to 0 or use force.',
    );
  }
  if (taskSet.status !== 'DRAINING') {
    taskSet.status = 'DRAINING';
    taskSet.updatedAt = ctx.store.now();
  }
  ctx.scheduler.reconcileAll();
  return { taskSet: taskSetToWire(ctx.store, taskSet) };
};
