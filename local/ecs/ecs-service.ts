/**
 * Local Amazon ECS: the EmulatedService the local AWS server routes `AmazonEC2ContainerServiceV20141113.*` calls
 * to. Tasks are real processes started through the injected `launchTask` (local/dataplane), reachable on the
 * LocalNetwork at their private IPs, and registered in ELBv2 target groups through the TargetGroupRegistry.
 */
import type { Clock } from '../aws/clock';
import type { TargetGroupRegistry } from '../aws/cross-service';
import type { LocalNetwork } from '../aws/network';
import { AwsError, type CallContext, type EmulatedService } from '../aws/service';
import type { LocalEvent } from '../events/event-bus';
import { clusterArn, serviceArn, shortName } from './arns';
import { createCluster, describeClusters, listClusters } from './cluster-operations';
import { accessDenied } from './errors';
import type { Input } from './input';
import type { OperationContext, OperationHandler } from './operation-context';
import { Scheduler } from './scheduler';
import { createService, deleteService, describeServices, updateService } from './service-operations';
import { type EcsSnapshot, type ServiceSnapshot, servicesSnapshot, snapshot } from './snapshot';
import { EcsStore } from './store';
import { listTagsForResource, resourceTags, tagResource, untagResource } from './tag-operations';
import {
  deregisterTaskDefinition,
  describeTaskDefinition,
  listTaskDefinitions,
  registerTaskDefinition,
} from './task-definition-operations';
import { taskStateChangeEvent } from './task-events';
import { describeTasks, listTasks, stopTask } from './task-operations';
import type { LaunchTask } from './task-runner';
import {
  createTaskSet,
  deleteTaskSet,
  describeTaskSets,
  updateServicePrimaryTaskSet,
  updateTaskSet,
} from './task-set-operations';
import { DEFAULT_TIMINGS, type EcsTimings } from './timings';

export interface AuthorizationRequest {
  readonly principal: string;
  /** IAM action, e.g. `ecs:CreateTaskSet`. */
  readonly action: string;
  readonly resource: string;
}

export interface EcsServiceOptions {
  readonly clock: Clock;
  readonly network: LocalNetwork;
  readonly targets: TargetGroupRegistry;
  readonly launchTask: LaunchTask;
  readonly region: string;
  readonly accountId: string;
  /** Least-privilege check for signed calls; false → AccessDeniedException. Without it every call is allowed. */
  readonly authorize?: (request: AuthorizationRequest) => boolean;
  readonly timings?: Partial<EcsTimings>;
  /**
   * Where `ECS Task State Change` events go (local-aws.ts: the local event bus), one per change of a task's
   * lastStatus or desiredStatus. @default events are dropped
   */
  readonly emit?: (event: LocalEvent) => void;
}

export interface LocalEcs extends EmulatedService {
  /** A plain-data snapshot of clusters, services, task sets, tasks and task definitions. */
  state(): EcsSnapshot;
  /** `state().services` alone, without building every task's and task definition's snapshot (for frequent polls). */
  services(): readonly ServiceSnapshot[];
  /** The current tags of an existing ECS resource by ARN (for local IAM's aws:ResourceTag), else undefined. */
  tagsOf(arn: string): Readonly<Record<string, string>> | undefined;
  /** Stops every task process and the scheduler. */
  close(): Promise<void>;
}

const HANDLERS: Readonly<Record<string, OperationHandler>> = {
  CreateCluster: createCluster,
  DescribeClusters: describeClusters,
  ListClusters: listClusters,
  CreateService: createService,
  UpdateService: updateService,
  DescribeServices: describeServices,
  DeleteService: deleteService,
  RegisterTaskDefinition: registerTaskDefinition,
  DescribeTaskDefinition: describeTaskDefinition,
  DeregisterTaskDefinition: deregisterTaskDefinition,
  ListTaskDefinitions: listTaskDefinitions,
  CreateTaskSet: createTaskSet,
  DescribeTaskSets: describeTaskSets,
  UpdateTaskSet: updateTaskSet,
  UpdateServicePrimaryTaskSet: updateServicePrimaryTaskSet,
  DeleteTaskSet: deleteTaskSet,
  ListTasks: listTasks,
  DescribeTasks: describeTasks,
  StopTask: stopTask,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};

export function createEcsService(options: EcsServiceOptions): LocalEcs {
  const scope = { region: options.region, accountId: options.accountId };
  const store = new EcsStore(scope, () => options.clock.now());
  const scheduler = new Scheduler({
    store,
    clock: options.clock,
    network: options.network,
    targets: options.targets,
    launchTask: options.launchTask,
    timings: { ...DEFAULT_TIMINGS, ...options.timings },
    ...(options.emit && {
      onTaskStatusChange: (task) => options.emit?.(taskStateChangeEvent(store, task, options.clock.now())),
    }),
  });

  /** The ARN an IAM policy would match for this call: the service, else the cluster, else `*`. */
  const resourceOf = (input: Input): string => {
    const cluster = typeof input.cluster === 'string' ? shortName(input.cluster) : undefined;
    const service = typeof input.service === 'string' ? shortName(input.service) : undefined;
    if (service !== undefined) return serviceArn(scope, cluster ?? 'default', service);
    if (typeof input.resourceArn === 'string') return input.resourceArn;
    return cluster !== undefined ? clusterArn(scope, cluster) : '*';
  };

  return {
    serviceId: 'ECS',
    operations: new Set(Object.keys(HANDLERS)),
    async invoke(operation: string, input: Record<string, unknown>, call: CallContext): Promise<unknown> {
      const handler = HANDLERS[operation];
      if (handler === undefined) {
        throw new AwsError('UnknownOperationException', `Local ECS does not implement ${operation}.`);
      }
      const action = `ecs:${operation}`;
      const resource = resourceOf(input);
      if (
        call.principal !== undefined &&
        options.authorize?.({ principal: call.principal, action, resource }) === false
      ) {
        throw accessDenied(call.principal, action, resource);
      }
      const ctx: OperationContext = { store, scheduler, targets: options.targets, call };
      return await Promise.resolve(handler(ctx, input));
    },
    state: () => snapshot(store, options.targets),
    services: () => servicesSnapshot(store),
    tagsOf: (arn) => resourceTags(store, arn),
    close: () => scheduler.close(),
  };
}
