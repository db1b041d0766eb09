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
  readonly tasks = new TaskMap();
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

  /** The task set's tasks, in the order they were started (as `tasks` holds them). */
  tasksOf(taskSet: TaskSetRecord): TaskRecord[] {
    return this.tasks.ofTaskSet(taskSet.clusterName, taskSet.serviceName, taskSet.id);
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

/**
 * The task map, also indexed by task set: tasksOf() runs for every task set at every scheduler pass (each emulated
 * second) and in every ServiceView the suites' monitors read, and scanned every task ever started (stopped ones are
 * kept an emulated hour) each time. A task's cluster, service and task set never change (readonly in TaskRecord), so
 * the index follows set, delete and clear exactly.
 */
export class TaskMap extends Map<string, TaskRecord> {
  private readonly byTaskSet = new Map<string, Map<string, TaskRecord>>();

  override set(id: string, task: TaskRecord): this {
    const key = taskSetKey(task.clusterName, task.serviceName, task.taskSetId);
    const previous = this.get(id);
    if (previous !== undefined && taskSetKey(previous.clusterName, previous.serviceName, previous.taskSetId) !== key) {
      this.unindex(id, previous);
    }
    super.set(id, task);
    const group = this.byTaskSet.get(key) ?? new Map<string, TaskRecord>();
    group.set(id, task);
    this.byTaskSet.set(key, group);
    return this;
  }

  override delete(id: string): boolean {
    const task = this.get(id);
    if (task !== undefined) this.unindex(id, task);
    return super.delete(id);
  }

  override clear(): void {
    this.byTaskSet.clear();
    super.clear();
  }

  /** The tasks of one task set, in the map's order. */
  ofTaskSet(clusterName: string, serviceName: string, taskSetId: string): TaskRecord[] {
    const group = this.byTaskSet.get(taskSetKey(clusterName, serviceName, taskSetId));
    return group === undefined ? [] : [...group.values()];
  }

  private unindex(id: string, task: TaskRecord): void {
    const key = taskSetKey(task.clusterName, task.serviceName, task.taskSetId);
    const group = this.byTaskSet.get(key);
    group?.delete(id);
    if (group?.size === 0) this.byTaskSet.delete(key);
  }
}

function taskSetKey(clusterName: string, serviceName: string, taskSetId: string): string {
  return JSON.stringify([clusterName, serviceName, taskSetId]);
}
