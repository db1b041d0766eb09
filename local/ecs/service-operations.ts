/**
 * CreateService, UpdateService, DescribeServices and DeleteService for the EXTERNAL deployment controller, where
 * task-set-level settings (task definition, load balancers, network, launch type) belong to task sets, not to the
 * service (ECS developer guide, "external deployment").
 */
import { serviceArn, shortName } from './arns';
import { invalidParameter, serviceNotFound, unsupportedFeature } from './errors';
import {
  isPresent,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  requiredString,
  stringList,
  tags,
} from './input';
import type { ServiceRecord } from './model';
import type { OperationHandler } from './operation-context';
import { serviceToWire } from './wire';

const SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** Members controlled at the task set level for EXTERNAL services. */
const TASK_SET_LEVEL_MEMBERS = [
  'taskDefinition',
  'loadBalancers',
  'networkConfiguration',
  'launchType',
  'capacityProviderStrategy',
  'platformVersion',
  'serviceRegistries',
] as const;

/** What UpdateService may change on an EXTERNAL service (API reference, UpdateService). */
const UPDATABLE_ON_EXTERNAL = new Set([
  'cluster',
  'service',
  'desiredCount',
  'healthCheckGracePeriodSeconds',
  'placementConstraints',
  'placementStrategy',
  'enableECSManagedTags',
  'propagateTags',
]);

function desiredCountOf(input: Parameters<OperationHandler>[1], fallback: number): number {
  const value = optionalNumber(input, 'desiredCount') ?? fallback;
  if (!Number.isInteger(value) || value < 0) throw invalidParameter('Desired count must be a non-negative integer.');
  return value;
}

/**
 * DeploymentConfiguration (API reference): maximumPercent defaults to 200 and minimumHealthyPercent to 100. An
 * EXTERNAL service keeps and returns them (for Fargate tasks "not used, although it is returned when describing your
 * service"); task sets, not these limits, drive its deployments.
 */
function deploymentConfigurationOf(input: Parameters<OperationHandler>[1]): ServiceRecord['deploymentConfiguration'] {
  const maximumPercent = optionalNumber(input, 'maximumPercent') ?? 200;
  const minimumHealthyPercent = optionalNumber(input, 'minimumHealthyPercent') ?? 100;
  return { maximumPercent, minimumHealthyPercent };
}

export const createService: OperationHandler = ({ store, scheduler, call }, input) => {
  const cluster = store.cluster(optionalString(input, 'cluster'));
  const name = requiredString(input, 'serviceName');
  if (!SERVICE_NAME.test(name)) {
    throw invalidParameter('Service name can have up to 255 letters, numbers, hyphens and underscores.');
  }
  const controller = optionalString(optionalObject(input, 'deploymentController') ?? {}, 'type') ?? 'ECS';
  if (controller !== 'EXTERNAL') {
    throw unsupportedFeature(
      `Local AWS emulates only services with the EXTERNAL deployment controller (got ${controller}).`,
    );
  }
  if (isPresent(input, 'taskDefinition')) throw invalidParameter('TaskDefinition must be blank.');
  for (const member of TASK_SET_LEVEL_MEMBERS) {
    const value = input[member];
    if (isPresent(input, member) && !(Array.isArray(value) && value.length === 0)) {
      throw invalidParameter(
        `${member} cannot be specified on a service with an EXTERNAL deployment controller; set it on the task set.`,
      );
    }
  }
  const existing = store.findService(cluster, name);
  const clientToken = optionalString(input, 'clientToken');
  if (existing?.status === 'ACTIVE' && clientToken !== undefined && existing.clientToken === clientToken) {
    return { service: serviceToWire(store, existing, true) };
  }
  if (existing?.status === 'ACTIVE') throw invalidParameter('Creation of service was not idempotent.');
  if (existing?.status === 'DRAINING') throw invalidParameter('Unable to Start a service that is still Draining.');

  const service: ServiceRecord = {
    name,
    arn: serviceArn(store.scope, cluster.name, name),
    clusterName: cluster.name,
    status: 'ACTIVE',
    desiredCount: desiredCountOf(input, 0),
    createdAt: store.now(),
    createdBy: call.principal,
    clientToken,
    healthCheckGracePeriodSeconds: optionalNumber(input, 'healthCheckGracePeriodSeconds'),
    enableECSManagedTags: optionalBoolean(input, 'enableECSManagedTags') ?? false,
    propagateTags: optionalString(input, 'propagateTags') ?? 'NONE',
    placementConstraints: optionalArray(input, 'placementConstraints') ?? [],
    placementStrategy: optionalArray(input, 'placementStrategy') ?? [],
    deploymentConfiguration: deploymentConfigurationOf(optionalObject(input, 'deploymentConfiguration') ?? {}),
    taskSets: new Map(),
    tags: tags(input),
  };
  store.services.set(`${cluster.name}/${name}`, service);
  scheduler.reconcileAll();
  return { service: serviceToWire(store, service, true) };
};

export const updateService: OperationHandler = ({ store, scheduler }, input) => {
  const cluster = store.cluster(optionalString(input, 'cluster'));
  const service = store.activeService(cluster, requiredString(input, 'service'));
  if (isPresent(input, 'taskDefinition')) {
    throw invalidParameter(
      'Unable to update task definition on services with a EXTERNAL deployment controller. Create a new task set instead.',
    );
  }
  // `forceNewDeployment: false` asks for nothing, so it is harmless; any other task-set-level member is refused.
  const rejected = Object.keys(input).filter(
    (m) => isPresent(input, m) && !UPDATABLE_ON_EXTERNAL.has(m) && !(m === 'forceNewDeployment' && input[m] === false),
  );
  if (rejected.length > 0) {
    throw invalidParameter(
      `Unable to update ${rejected.join(', ')} on services with a EXTERNAL deployment controller. ` +
        'Only desiredCount, healthCheckGracePeriodSeconds, placement constraints and strategies, ' +
        'enableECSManagedTags and propagateTags can be updated; create a new task set for the rest.',
    );
  }
  service.desiredCount = desiredCountOf(input, service.desiredCount);
  service.healthCheckGracePeriodSeconds =
    optionalNumber(input, 'healthCheckGracePeriodSeconds') ?? service.healthCheckGracePeriodSeconds;
  service.enableECSManagedTags = optionalBoolean(input, 'enableECSManagedTags') ?? service.enableECSManagedTags;
  service.propagateTags = optionalString(input, 'propagateTags') ?? service.propagateTags;
  service.placementConstraints = optionalArray(input, 'placementConstraints') ?? service.placementConstraints;
  service.placementStrategy = optionalArray(input, 'placementStrategy') ?? service.placementStrategy;
  // Every task set's computedDesiredCount follows the new desiredCount; the scheduler starts/stops tasks to match.
  for (const taskSet of service.taskSets.values()) taskSet.updatedAt = store.now();
  scheduler.reconcileAll();
  return { service: serviceToWire(store, service, false) };
};

export const describeServices: OperationHandler = ({ store }, input) => {
  const cluster = store.cluster(optionalString(input, 'cluster'));
  const requested = stringList(input, 'services') ?? [];
  if (requested.length === 0) throw invalidParameter('Services cannot be empty.');
  if (requested.length > 10) throw invalidParameter('Services cannot have more than 10 elements.');
  const withTags = (stringList(input, 'include') ?? []).includes('TAGS');
  const services: unknown[] = [];
  const failures: unknown[] = [];
  for (const ref of requested) {
    const service = store.findService(cluster, ref);
    if (service === undefined) {
      failures.push({ arn: serviceArn(store.scope, cluster.name, shortName(ref)), reason: 'MISSING' });
    } else {
      services.push(serviceToWire(store, service, withTags));
    }
  }
  return { services, failures };
};

/**
 * A service scaled above zero can only be deleted with `force`. Deleting drains every task set; the service is
 * DRAINING until its last task stopped, then INACTIVE.
 */
export const deleteService: OperationHandler = ({ store, scheduler }, input) => {
  const cluster = store.cluster(optionalString(input, 'cluster'));
  const service = store.service(cluster, requiredString(input, 'service'));
  if (service.status === 'INACTIVE') throw serviceNotFound();
  if (service.status === 'DRAINING') return { service: serviceToWire(store, service, false) };
  const force = optionalBoolean(input, 'force') ?? false;
  if (service.desiredCount > 0 && !force) {
    throw invalidParameter('The service cannot be stopped while it is scaled above 0.');
  }
  service.status = 'DRAINING';
  service.desiredCount = 0;
  for (const taskSet of service.taskSets.values()) {
    taskSet.status = 'DRAINING';
    taskSet.updatedAt = store.now();
  }
  const response = { service: serviceToWire(store, service, false) };
  scheduler.reconcileAll();
  return response;
};
