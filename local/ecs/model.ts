/**
 * The ECS control-plane records the emulator keeps in memory. Field names follow the ECS API so the wire
 * serializers (wire.ts) stay a thin mapping; emulator-only bookkeeping is grouped and commented.
 */
import type { TaskProcess } from '../dataplane/types';
import type { Scale } from './computed-desired-count';

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface CapacityProviderStrategyItem {
  readonly capacityProvider: string;
  readonly weight: number;
  readonly base: number;
}

export interface ClusterRecord {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  tags: Tag[];
  /** Capacity providers associated with the cluster (CreateCluster): only these may appear in a strategy. */
  readonly capacityProviders: readonly string[];
  readonly defaultCapacityProviderStrategy: readonly CapacityProviderStrategyItem[];
}

export type ServiceStatus = 'ACTIVE' | 'DRAINING' | 'INACTIVE';

export interface ServiceRecord {
  readonly name: string;
  readonly arn: string;
  readonly clusterName: string;
  status: ServiceStatus;
  desiredCount: number;
  readonly createdAt: number;
  readonly createdBy?: string;
  /** CreateService's idempotency token: a retry with the same token returns this service. */
  readonly clientToken?: string;
  healthCheckGracePeriodSeconds?: number;
  enableECSManagedTags: boolean;
  propagateTags: string;
  placementConstraints: unknown[];
  placementStrategy: unknown[];
  /** maximumPercent/minimumHealthyPercent: 200/100 unless CreateService was given others (API reference defaults). */
  readonly deploymentConfiguration: { readonly maximumPercent: number; readonly minimumHealthyPercent: number };
  /** Insertion-ordered, like DescribeServices lists them. DRAINING task sets stay until their tasks stopped. */
  readonly taskSets: Map<string, TaskSetRecord>;
  tags: Tag[];
}

export type TaskSetStatus = 'PRIMARY' | 'ACTIVE' | 'DRAINING';
export type StabilityStatus = 'STEADY_STATE' | 'STABILIZING';

export interface LoadBalancerRef {
  readonly targetGroupArn: string;
  readonly containerName: string;
  readonly containerPort: number;
}

export interface TaskSetRecord {
  readonly id: string;
  readonly arn: string;
  readonly serviceName: string;
  readonly clusterName: string;
  status: TaskSetStatus;
  readonly taskDefinitionArn: string;
  scale: Scale;
  readonly externalId?: string;
  /** CreateTaskSet's idempotency token: a retry with the same token returns this task set. */
  readonly clientToken?: string;
  /**
   * The launch type the task set's tasks get. With a capacity provider strategy it is derived (FARGATE for the
   * Fargate providers, else EC2) and DescribeTaskSets shows the strategy instead.
   */
  readonly launchType: string;
  readonly capacityProviderStrategy?: readonly CapacityProviderStrategyItem[];
  readonly platformVersion?: string;
  readonly networkConfiguration?: unknown;
  readonly loadBalancers: readonly LoadBalancerRef[];
  stabilityStatus: StabilityStatus;
  stabilityStatusAt: number;
  readonly createdAt: number;
  updatedAt: number;
  tags: Tag[];
  /** Emulator bookkeeping: crash-loop back-off, as the service scheduler throttles restarts of failing tasks. */
  consecutiveFailures: number;
  nextLaunchAt: number;
}

/** The ECS task lifecycle, reduced to the states a caller can observe here. */
export type TaskLastStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'STOPPED';

export interface TaskRecord {
  readonly id: string;
  readonly arn: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly taskSetId: string;
  readonly taskDefinitionArn: string;
  readonly launchType: string;
  /** The essential container that serves traffic, and its image (what the data plane launches). */
  readonly containerName: string;
  readonly image: string;
  readonly privateIp: string;
  /** The id in the essential container's ARN (`container/CLUSTER/TASK_ID/CONTAINER_ID`). */
  readonly containerId: string;
  /** The Availability Zone the task runs in (the region's first: local AWS has one private network). */
  readonly availabilityZone: string;
  lastStatus: TaskLastStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  readonly createdAt: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stoppedReason?: string;
  stopCode?: string;
  exitCode?: number;
  /**
   * Incremented at each change of lastStatus or desiredStatus, as the `version` DescribeTasks returns and the
   * `ECS Task State Change` event carries (duplicates of an event have the same version).
   */
  version: number;
  /** Emulator bookkeeping: the statuses the last state-change event reported (`last/desired`). */
  reportedStatus?: string;
  /** Emulator bookkeeping: the real process, and the targets registered for it. */
  process?: TaskProcess;
  registeredTargets: Array<{ readonly targetGroupArn: string; readonly port: number }>;
  readonly abort: AbortController;
}

export interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  readonly portMappings: ReadonlyArray<{ readonly containerPort?: number; readonly name?: string }>;
  readonly environment: ReadonlyArray<{ readonly name?: string; readonly value?: string }>;
  /** Everything else the caller sent, echoed back by DescribeTaskDefinition. */
  readonly wire: Record<string, unknown>;
}

export interface TaskDefinitionRecord {
  readonly family: string;
  readonly revision: number;
  readonly arn: string;
  status: 'ACTIVE' | 'INACTIVE';
  readonly containerDefinitions: readonly ContainerDefinition[];
  /** Task-level fields echoed back as sent (cpu, memory, networkMode, roles, requiresCompatibilities…). */
  readonly wire: Record<string, unknown>;
  readonly registeredAt: number;
  deregisteredAt?: number;
  tags: Tag[];
}
