/**
 * The service scheduler for EXTERNAL services: keeps each task set at its computed desired count, replaces tasks
 * that stop on their own (with a back-off, so a crash loop keeps trying without spinning), drains DRAINING task
 * sets and services away, and keeps stabilityStatus in line with AWS's STEADY_STATE conditions.
 */
import type { Clock } from '../aws/clock';
import type { TargetGroupRegistry } from '../aws/cross-service';
import type { LocalNetwork } from '../aws/network';
import { randomUUID } from 'node:crypto';
import { newTaskId, taskArn } from './arns';
import { firstContainerPort, launchSpecFor, servingContainer } from './launch-spec';
import type { ServiceRecord, StabilityStatus, TaskRecord, TaskSetRecord } from './model';
import type { EcsStore } from './store';
import { type LaunchTask, TaskRunner } from './task-runner';
import { type EcsTimings, restartBackoffSeconds } from './timings';

const STOPPED_TASK_RETENTION_SECONDS = 3600;

export interface SchedulerDeps {
  readonly store: EcsStore;
  readonly clock: Clock;
  readonly network: LocalNetwork;
  readonly targets: TargetGroupRegistry;
  readonly launchTask: LaunchTask;
  readonly timings: EcsTimings;
  /** Told of every change of a task's lastStatus or desiredStatus, its creation included (after `version` moved on). */
  readonly onTaskStatusChange?: (task: TaskRecord) => void;
}

export class Scheduler {
  private readonly runner: TaskRunner;
  private readonly stopTimer: () => void;
  private closed = false;

  constructor(private readonly deps: SchedulerDeps) {
    this.runner = new TaskRunner({
      ...deps,
      onRunning: (task) => this.onTaskRunning(task),
      onStopped: (task, failed) => this.onTaskStopped(task, failed),
      onStatusChange: (task) => this.statusChanged(task),
    });
    this.stopTimer = deps.clock.every(deps.timings.reconcileIntervalSeconds, () => this.reconcileAll());
  }

  /** Brings every task set one step closer to its desired state. Cheap and idempotent; called after each change. */
  reconcileAll(): void {
    if (this.closed) return;
    this.forgetOldStoppedTasks();
    for (const service of [...this.deps.store.services.values()]) {
      for (const taskSet of [...service.taskSets.values()]) this.reconcile(service, taskSet);
      if (service.status === 'DRAINING' && service.taskSets.size === 0) service.status = 'INACTIVE';
    }
  }

  stopTask(task: TaskRecord, reason: string, stopCode?: string): void {
    this.runner.stop(task, reason, stopCode);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopTimer();
    await this.runner.close(this.deps.store.tasks.values());
  }

  private reconcile(service: ServiceRecord, taskSet: TaskSetRecord): void {
    const { store, clock } = this.deps;
    this.replaceUnhealthy(service, taskSet);
    const tasks = store.tasksOf(taskSet);
    const live = tasks.filter((t) => t.desiredStatus === 'RUNNING');
    const desired = store.desiredCountOf(taskSet);

    if (live.length > desired) {
      // Scale in the least useful tasks first: not yet running, then the newest.
      const order = (t: TaskRecord): number => (t.lastStatus === 'RUNNING' ? 1 : 0);
      const victims = [...live].sort((a, b) => order(a) - order(b) || b.createdAt - a.createdAt);
      for (const task of victims.slice(0, live.length - desired)) {
        this.runner.stop(task, `Scaling activity initiated by (deployment ${taskSet.id})`);
      }
    } else if (live.length < desired && clock.now() >= taskSet.nextLaunchAt) {
      for (let i = live.length; i < desired; i++) this.launch(taskSet);
    }

    if (taskSet.status === 'DRAINING' && tasks.every((t) => t.lastStatus === 'STOPPED')) {
      service.taskSets.delete(taskSet.id);
      return;
    }
    this.updateStability(taskSet);
  }

  /**
   * "The service scheduler also replaces tasks determined to be unhealthy after a container health check or a load
   * balancer target group health check fails" (ECS developer guide, Amazon ECS services), task set tasks included
   * (the service event "(service …, taskSet …) (task …) (port …) is unhealthy in (target-group …)"). A running task
   * whose target is `unhealthy` in any of its task set's target groups, once the service's health check grace period
   * (from the task's start) has passed, is stopped with ECS's reason; the desired count then launches its replacement.
   * Divergence: AWS may start the replacement first when the service's maximumPercent leaves room; here the task
   * stops first (see README).
   */
  private replaceUnhealthy(service: ServiceRecord, taskSet: TaskSetRecord): void {
    const { store, clock, targets } = this.deps;
    const graceMs = (service.healthCheckGracePeriodSeconds ?? 0) * 1000;
    for (const task of store.tasksOf(taskSet)) {
      if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING') continue;
      if (clock.now() < (task.startedAt ?? task.createdAt) + graceMs) continue;
      const failing = taskSet.loadBalancers.find(
        (lb) =>
          targets.health(lb.targetGroupArn, { id: task.privateIp, port: lb.containerPort })?.state === 'unhealthy',
      );
      if (failing !== undefined) {
        this.runner.stop(task, `Task failed ELB health checks in (target-group ${failing.targetGroupArn})`);
      }
    }
  }

  /** AWS keeps stopped tasks describable for about an hour; so do we, which bounds memory in long crash loops. */
  private forgetOldStoppedTasks(): void {
    const cutoff = this.deps.clock.now() - STOPPED_TASK_RETENTION_SECONDS * 1000;
    for (const [id, task] of this.deps.store.tasks) {
      if (task.lastStatus === 'STOPPED' && (task.stoppedAt ?? Infinity) < cutoff) this.deps.store.tasks.delete(id);
    }
  }

  private launch(taskSet: TaskSetRecord): void {
    const { store, clock, network } = this.deps;
    const taskDefinition = store.taskDefinitions.resolve(taskSet.taskDefinitionArn);
    const container = taskDefinition && servingContainer(taskDefinition, taskSet.loadBalancers);
    if (container === undefined) return; // CreateTaskSet validated this; nothing sensible to start otherwise.
    const id = newTaskId();
    const task: TaskRecord = {
      id,
      arn: taskArn(store.scope, taskSet.clusterName, id),
      clusterName: taskSet.clusterName,
      serviceName: taskSet.serviceName,
      taskSetId: taskSet.id,
      taskDefinitionArn: taskSet.taskDefinitionArn,
      launchType: taskSet.launchType,
      containerName: container.name,
      image: container.image,
      privateIp: network.allocateIp(),
      containerId: randomUUID(),
      availabilityZone: `${store.scope.region}a`,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      createdAt: clock.now(),
      version: 0,
      registeredTargets: [],
      abort: new AbortController(),
    };
    store.tasks.set(id, task);
    this.statusChanged(task);
    this.runner.start({
      task,
      spec: launchSpecFor(container),
      loadBalancers: taskSet.loadBalancers,
      fallbackPort: firstContainerPort(container),
    });
  }

  /**
   * STEADY_STATE needs runningCount = computedDesiredCount, no pending tasks, no tasks on their way out and, with a
   * load balancer, every running task healthy in every target group of the task set.
   */
  private updateStability(taskSet: TaskSetRecord): void {
    const { store, targets, clock } = this.deps;
    const tasks = store.tasksOf(taskSet);
    const running = tasks.filter((t) => t.lastStatus === 'RUNNING');
    const counts = store.countsOf(taskSet);
    const leaving = tasks.some((t) => t.desiredStatus === 'STOPPED' && t.lastStatus !== 'STOPPED');
    const healthy = running.every((task) =>
      taskSet.loadBalancers.every(
        (lb) => targets.health(lb.targetGroupArn, { id: task.privateIp, port: lb.containerPort })?.state === 'healthy',
      ),
    );
    const steady =
      taskSet.status !== 'DRAINING' &&
      counts.running === store.desiredCountOf(taskSet) &&
      counts.pending === 0 &&
      !leaving &&
      healthy;
    const status: StabilityStatus = steady ? 'STEADY_STATE' : 'STABILIZING';
    if (status !== taskSet.stabilityStatus) {
      taskSet.stabilityStatus = status;
      taskSet.stabilityStatusAt = clock.now();
    }
  }

  /** A new version of the task when its lastStatus or desiredStatus moved since the last one reported. */
  private statusChanged(task: TaskRecord): void {
    const status = `${task.lastStatus}/${task.desiredStatus}`;
    if (status === task.reportedStatus) return;
    task.reportedStatus = status;
    task.version += 1;
    this.deps.onTaskStatusChange?.(task);
  }

  private onTaskRunning(task: TaskRecord): void {
    const taskSet = this.taskSetOf(task);
    if (taskSet !== undefined) taskSet.consecutiveFailures = 0;
    this.reconcileAll();
  }

  private onTaskStopped(task: TaskRecord, failed: boolean): void {
    const taskSet = this.taskSetOf(task);
    if (taskSet !== undefined && failed) {
      taskSet.consecutiveFailures += 1;
      const delay = restartBackoffSeconds(this.deps.timings, taskSet.consecutiveFailures);
      taskSet.nextLaunchAt = this.deps.clock.now() + delay * 1000;
    }
    this.reconcileAll();
  }

  private taskSetOf(task: TaskRecord): TaskSetRecord | undefined {
    return this.deps.store.services.get(`${task.clusterName}/${task.serviceName}`)?.taskSets.get(task.taskSetId);
  }
}
