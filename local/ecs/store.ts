/**
 * Everything the ECS emulator knows, in one place, with the lookups the operations share. Lookups throw the
 * documented ECS errors so every operation reports a missing cluster/service/task set the same way.
 */
import { type AccountScope, shortName, taskSetIdOf } from './arns';
import { computedDesiredCount } from './computed-desired-count';
import { clusterNotFound, serviceNotActive, serviceNotFound, taskSetNotFound } from './errors';
import type { ClusterRecord, ServiceRecord, TaskRecord, TaskSetRecord } from './model';
import { TaskDefinitionRegistry } from './task-definitions';

export const DEFAULT_CLUSTER = 'default';

export interface TaskCounts {
  readonly running: number;
  readonly pending: number;
}

export class EcsStore {
  readonly clusters = new Map<string, ClusterRecord>();
  /** Keyed by `cluster/service`. INACTIVE services stay visible to DescribeServices, as on AWS. */
  readonly services = new Map<string, ServiceRecord>();
  /** Every task ever started, stopped ones included (DescribeTasks still finds them). Keyed by task id. */
  readonly tasks = new Map<string, TaskRecord>();
  readonly taskDefinitions: TaskDefinitionRegistry;

  constructor(
    readonly scope: AccountScope,
    readonly now: () => number,
  ) {
    this.taskDefinitions = new TaskDefinitionRegistry(scope, now);
  }

  cluster(nameOrArn: string | undefined): ClusterRecord {
    const cluster = this.clusters.get(shortName(nameOrArn ?? DEFAULT_CLUSTER));
    if (cluster === undefined) throw clusterNotFound();
    return cluster;
  }

  findService(cluster: ClusterRecord, nameOrArn: string): ServiceRecord | undefined {
    return this.services.get(`${cluster.name}/${shortName(nameOrArn)}`);
  }

  service(cluster: ClusterRecord, nameOrArn: string): ServiceRecord {
    const service = this.findService(cluster, nameOrArn);
    if (service === undefined) throw serviceNotFound();
    return service;
  }

  /** Mutating operations need an ACTIVE service: a DRAINING or INACTIVE one is ServiceNotActiveException. */
  activeService(cluster: ClusterRecord, nameOrArn: string): ServiceRecord {
    const service = this.service(cluster, nameOrArn);
    if (service.status !== 'ACTIVE') throw serviceNotActive();
    return service;
  }

  taskSet(service: ServiceRecord, idOrArn: string): TaskSetRecord {
    const taskSet = service.taskSets.get(taskSetIdOf(idOrArn));
    if (taskSet === undefined) throw taskSetNotFound();
    return taskSet;
  }

  tasksOf(taskSet: TaskSetRecord): TaskRecord[] {
    return [...this.tasks.values()].filter(
      (t) =>
        t.taskSetId === taskSet.id && t.serviceName === taskSet.serviceName && t.clusterName === taskSet.clusterName,
    );
  }

  desiredCountOf(taskSet: TaskSetRecord): number {
    if (taskSet.status === 'DRAINING') return 0;
    const service = this.services.get(`${taskSet.clusterName}/${taskSet.serviceName}`);
    return computedDesiredCount(service?.desiredCount ?? 0, taskSet.scale);
  }

  countsOf(taskSet: TaskSetRecord): TaskCounts {
    const tasks = this.tasksOf(taskSet);
    return {
      running: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
      pending: tasks.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING').length,
    };
  }
}
