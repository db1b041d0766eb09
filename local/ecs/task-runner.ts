/**
 * The life of one task, owned by a single async sequence so a stop request can never race a start:
 * PROVISIONING → PENDING (process launched) → RUNNING (process ready; ip:port registered in the task set's
 * target groups) → DEACTIVATING (targets draining) → STOPPING (process stopped) → STOPPED.
 * A process that exits on its own is STOPPED with the reason the data plane reports, and the task set is told so
 * it can launch a replacement after a back-off.
 */
import type { Clock } from '../aws/clock';
import type { TargetGroupRegistry } from '../aws/cross-service';
import type { LocalNetwork } from '../aws/network';
import type { TaskExit, TaskLaunchSpec, TaskProcess } from '../dataplane/types';
import type { LoadBalancerRef, TaskRecord } from './model';
import type { EcsTimings } from './timings';

export type LaunchTask = (spec: TaskLaunchSpec, clock: Clock) => Promise<TaskProcess>;

export const ESSENTIAL_CONTAINER_EXITED = 'Essential container in task exited';

export interface TaskRunnerDeps {
  readonly clock: Clock;
  readonly network: LocalNetwork;
  readonly targets: TargetGroupRegistry;
  readonly launchTask: LaunchTask;
  readonly timings: EcsTimings;
  /** Called on every state change the scheduler cares about. `failed`: the task stopped without being asked to. */
  readonly onRunning: (task: TaskRecord) => void;
  readonly onStopped: (task: TaskRecord, failed: boolean) => void;
  /** Called after every change of the task's lastStatus or desiredStatus (the task's fields are already updated). */
  readonly onStatusChange: (task: TaskRecord) => void;
}

export interface TaskStart {
  readonly task: TaskRecord;
  readonly spec: TaskLaunchSpec;
  readonly loadBalancers: readonly LoadBalancerRef[];
  /** The container port bound in the local network when there is no load balancer (first port mapping). */
  readonly fallbackPort?: number;
}

type Outcome = 'ready' | 'exited' | 'stop';

export class TaskRunner {
  private readonly lifecycles = new Set<Promise<void>>();
  /** Container ports bound in the local network per task id, released when the task stops. */
  private readonly boundPorts = new Map<string, number[]>();
  private closing = false;

  constructor(private readonly deps: TaskRunnerDeps) {}

  start(start: TaskStart): void {
    const lifecycle = this.lifecycle(start)
      .catch((error: unknown) => this.failedUnexpectedly(start.task, error))
      .finally(() => this.lifecycles.delete(lifecycle));
    this.lifecycles.add(lifecycle);
  }

  /** Asks a task to stop (idempotent); the lifecycle drains its targets first. */
  stop(task: TaskRecord, reason: string, stopCode = 'ServiceSchedulerInitiated'): void {
    if (task.desiredStatus === 'STOPPED') return;
    task.desiredStatus = 'STOPPED';
    task.stoppingAt = this.deps.clock.now();
    task.stoppedReason = reason;
    task.stopCode = stopCode;
    this.deps.onStatusChange(task);
    task.abort.abort();
  }

  /** Stops every task at once, without waiting for target draining, and waits until every process is gone. */
  async close(tasks: Iterable<TaskRecord>): Promise<void> {
    this.closing = true;
    for (const task of tasks) this.stop(task, 'Local AWS was shut down', 'UserInitiated');
    await Promise.allSettled([...this.lifecycles]);
  }

  private async lifecycle({ task, spec, loadBalancers, fallbackPort }: TaskStart): Promise<void> {
    const { clock, timings } = this.deps;
    const stopRequested = new Promise<'stop'>((resolve) => {
      if (task.abort.signal.aborted) resolve('stop');
      task.abort.signal.addEventListener('abort', () => resolve('stop'), { once: true });
    });

    const provisioned = clock.sleep(timings.provisioningSeconds, task.abort.signal).then(
      () => 'ready' as const,
      () => 'stop' as const,
    );
    if ((await provisioned) === 'stop') return this.finish(task, false);
    task.lastStatus = 'PENDING';
    this.deps.onStatusChange(task);

    let process: TaskProcess;
    try {
      process = await this.deps.launchTask(spec, clock);
    } catch (error) {
      task.stoppedReason = `CannotStartContainerError: ${error instanceof Error ? error.message : String(error)}`;
      task.stopCode = 'TaskFailedToStart';
      return this.finish(task, task.desiredStatus === 'RUNNING');
    }
    task.process = process;

    const exited = process.exited.then(() => 'exited' as const);
    const started: Outcome = await Promise.race([
      process.ready.then(
        () => 'ready' as const,
        () => 'exited' as const,
      ),
      exited,
      stopRequested,
    ]);
    if (started === 'exited') return this.crashed(task, await process.exited);
    if (started === 'stop') {
      task.lastStatus = 'STOPPING';
      this.deps.onStatusChange(task);
      await process.stop(task.stoppedReason ?? 'Task stopped');
      return this.finish(task, false);
    }

    const ports = loadBalancers.length > 0 ? loadBalancers.map((lb) => lb.containerPort) : [fallbackPort];
    const bound = [...new Set(ports)].filter((port): port is number => port !== undefined);
    for (const port of bound) this.deps.network.bind(task.privateIp, port, { host: process.host, port: process.port });
    this.boundPorts.set(task.id, bound);
    task.lastStatus = 'RUNNING';
    task.startedAt = clock.now();
    this.deps.onStatusChange(task);
    for (const lb of loadBalancers) {
      try {
        this.deps.targets.register(lb.targetGroupArn, [{ id: task.privateIp, port: lb.containerPort }]);
        task.registeredTargets.push({ targetGroupArn: lb.targetGroupArn, port: lb.containerPort });
      } catch {
        // The target group went away after CreateTaskSet: the task runs unregistered, so it never counts as
        // healthy and the task set stays STABILIZING, as on AWS.
      }
    }
    this.deps.onRunning(task);

    const ended = await Promise.race([exited, stopRequested]);
    if (ended === 'exited') {
      this.deregisterTargets(task);
      return this.crashed(task, await process.exited);
    }
    // ECS deregisters a task's targets and waits out the deregistration delay before it sends SIGTERM.
    if (task.registeredTargets.length > 0) {
      task.lastStatus = 'DEACTIVATING';
      this.deps.onStatusChange(task);
      this.deregisterTargets(task);
      await this.waitUntilDrained(task);
    }
    task.lastStatus = 'STOPPING';
    this.deps.onStatusChange(task);
    await process.stop(task.stoppedReason ?? 'Task stopped');
    const exit = await process.exited;
    task.exitCode = exit.exitCode ?? undefined;
    this.finish(task, false);
  }

  private crashed(task: TaskRecord, exit: TaskExit): void {
    task.exitCode = exit.exitCode ?? undefined;
    const unexpected = task.desiredStatus === 'RUNNING';
    if (unexpected) {
      task.stoppingAt = this.deps.clock.now();
      task.stoppedReason = exit.reason !== '' ? exit.reason : ESSENTIAL_CONTAINER_EXITED;
      task.stopCode = 'EssentialContainerExited';
    }
    this.finish(task, unexpected);
  }

  private finish(task: TaskRecord, failed: boolean): void {
    task.desiredStatus = 'STOPPED';
    task.lastStatus = 'STOPPED';
    task.stoppedAt = this.deps.clock.now();
    task.stoppingAt ??= task.stoppedAt;
    for (const port of this.boundPorts.get(task.id) ?? []) this.deps.network.unbind(task.privateIp, port);
    this.boundPorts.delete(task.id);
    this.deps.onStatusChange(task);
    this.deps.onStopped(task, failed);
  }

  private deregisterTargets(task: TaskRecord): void {
    for (const target of task.registeredTargets) {
      try {
        this.deps.targets.deregister(target.targetGroupArn, [{ id: task.privateIp, port: target.port }]);
      } catch {
        // A deleted target group has nothing left to drain.
      }
    }
  }

  /** A bug or an unexpected data-plane error must not leave a process behind or crash local AWS. */
  private async failedUnexpectedly(task: TaskRecord, error: unknown): Promise<void> {
    await task.process?.stop('Local ECS internal error').catch(() => undefined);
    if (task.lastStatus === 'STOPPED') return;
    task.stoppedReason = `InternalError: ${error instanceof Error ? error.message : String(error)}`;
    task.stopCode = 'TaskFailedToStart';
    this.finish(task, true);
  }

  /** Waits until ELBv2 no longer lists the targets (its deregistration delay has passed). */
  private async waitUntilDrained(task: TaskRecord): Promise<void> {
    const { clock, timings, targets } = this.deps;
    const deadline = clock.now() + timings.maxDrainSeconds * 1000;
    const draining = (): boolean =>
      task.registeredTargets.some(
        (t) => targets.health(t.targetGroupArn, { id: task.privateIp, port: t.port }) !== undefined,
      );
    while (!this.closing && draining() && clock.now() < deadline) {
      await clock.sleep(timings.drainPollSeconds);
    }
  }
}
