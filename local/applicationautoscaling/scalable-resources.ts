/**
 * What local Application Auto Scaling sees of the other local services, in process (never over HTTP): the ECS
 * services it scales (their desired count, changed through local ECS's own UpdateService), the load balancers and
 * target groups a resource label names, and the metrics target tracking reads from local CloudWatch.
 */
import type { PeriodStatistics } from '../cloudwatch/statistics';
import type { Dimension } from '../cloudwatch/model';
import type { EcsServiceId } from './resource-ids';

export interface ScalableResources {
  /** The desired count of an ACTIVE ECS service, else undefined (missing, draining or deleted). */
  desiredCount(id: EcsServiceId): number | undefined;
  /** Sets the desired count through local ECS's UpdateService; rejects with ECS's error. */
  setDesiredCount(id: EcsServiceId, desiredCount: number): Promise<void>;
  /**
   * Whether a load balancer `app/NAME/ID` and a target group `targetgroup/NAME/ID` exist in local ELBv2.
   * @default every label is taken as existing (no ELBv2 to ask)
   */
  loadBalancerExists?(loadBalancer: string): boolean;
  targetGroupExists?(targetGroup: string): boolean;
  /** One metric's statistics over start <= t < end (emulated epoch ms), from local CloudWatch. */
  statistics(
    namespace: string,
    metricName: string,
    dimensions: readonly Dimension[],
    start: number,
    end: number,
  ): PeriodStatistics | undefined;
}
