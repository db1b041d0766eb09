/**
 * A plain-data view of the ECS emulator for tests, the CLI and dashboards: what DescribeServices would say, plus
 * what AWS does not show directly (each task's target health, the image it runs, its private IP).
 */
import type { TargetGroupRegistry } from '../aws/cross-service';
import type { TargetState } from '../dataplane/types';
import type { Scale } from './computed-desired-count';
import type { ServiceStatus, StabilityStatus, TaskLastStatus, TaskSetStatus } from './model';
import type { EcsStore } from './store';

export interface TaskSetSnapshot {
  readonly id: string;
  readonly arn: string;
  readonly status: TaskSetStatus;
  readonly stabilityStatus: StabilityStatus;
  readonly scale: Scale;
  readonly computedDesiredCount: number;
  readonly runningCount: number;
  readonly pendingCount: number;
  readonly taskDefinition: string;
  readonly targetGroupArns: readonly string[];
}

export interface ServiceSnapshot {
  readonly name: string;
  readonly arn: string;
  readonly cluster: string;
  readonly status: ServiceStatus;
  readonly desiredCount: number;
  readonly taskSets: readonly TaskSetSnapshot[];
}

export interface TaskSnapshot {
  readonly id: string;
  readonly arn: string;
  readonly cluster: string;
  readonly service: string;
  readonly taskSetId: string;
  readonly lastStatus: TaskLastStatus;
  readonly desiredStatus: 'RUNNING' | 'STOPPED';
  readonly image: string;
  readonly privateIp: string;
  /** Target health per target group the task is (or was) registered in; undefined once deregistered. */
  readonly health: Readonly<Record<string, TargetState | undefined>>;
  readonly stoppedReason?: string;
  readonly exitCode?: number;
}

export interface TaskDefinitionSnapshot {
  readonly arn: string;
  readonly family: string;
  readonly revision: number;
  readonly status: 'ACTIVE' | 'INACTIVE';
  readonly images: readonly string[];
}

export interface EcsSnapshot {
  readonly clusters: ReadonlyArray<{ readonly name: string; readonly arn: string }>;
  readonly services: readonly ServiceSnapshot[];
  readonly tasks: readonly TaskSnapshot[];
  readonly taskDefinitions: readonly TaskDefinitionSnapshot[];
}

export function snapshot(store: EcsStore, targets: TargetGroupRegistry): EcsSnapshot {
  return {
    clusters: [...store.clusters.values()].map((c) => ({ name: c.name, arn: c.arn })),
    services: servicesSnapshot(store),
    tasks: [...store.tasks.values()].map((t) => ({
      id: t.id,
      arn: t.arn,
      cluster: t.clusterName,
      service: t.serviceName,
      taskSetId: t.taskSetId,
      lastStatus: t.lastStatus,
      desiredStatus: t.desiredStatus,
      image: t.image,
      privateIp: t.privateIp,
      health: Object.fromEntries(
        t.registeredTargets.map((r) => [
          r.targetGroupArn,
          targets.health(r.targetGroupArn, { id: t.privateIp, port: r.port })?.state,
        ]),
      ),
      stoppedReason: t.stoppedReason,
      exitCode: t.exitCode,
    })),
    taskDefinitions: store.taskDefinitions.all().map((td) => ({
      arn: td.arn,
      family: td.family,
      revision: td.revision,
      status: td.status,
      images: td.containerDefinitions.map((c) => c.image),
    })),
  };
}

/**
 * The services part of the snapshot alone (what `snapshot(...).services` holds), for callers that poll it often:
 * without every task's target health and every task definition revision, which grow with each deployment.
 */
export function servicesSnapshot(store: EcsStore): ServiceSnapshot[] {
  return [...store.services.values()].map((s) => ({
    name: s.name,
    arn: s.arn,
    cluster: s.clusterName,
    status: s.status,
    desiredCount: s.desiredCount,
    taskSets: [...s.taskSets.values()].map((ts) => {
      const counts = store.countsOf(ts);
      return {
        id: ts.id,
        arn: ts.arn,
        status: ts.status,
        stabilityStatus: ts.stabilityStatus,
        scale: { ...ts.scale },
        computedDesiredCount: store.desiredCountOf(ts),
        runningCount: counts.running,
        pendingCount: counts.pending,
        taskDefinition: ts.taskDefinitionArn,
        targetGroupArns: ts.loadBalancers.map((lb) => lb.targetGroupArn),
      };
    }),
  }));
}
