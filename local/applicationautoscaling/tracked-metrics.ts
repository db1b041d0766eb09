/**
 * The one-minute datapoints a target tracking policy tracks, read from local CloudWatch the way AWS defines the
 * predefined metrics:
 * - ALBRequestCountPerTarget: the target group's RequestCount (Sum over the minute, dimensions LoadBalancer and
 *   TargetGroup from the resource label) divided by its HealthyHostCount in that minute (sampled every minute by local
 *   CloudWatch; the minute before is used when the sample fell just outside). No requests, or no healthy target, is
 *   no datapoint, as ALB publishes RequestCountPerTarget only when there were requests.
 * - ECSServiceAverageCPUUtilization: AWS/ECS CPUUtilization (Average; ClusterName, ServiceName). Local ECS publishes
 *   no CPU metric, so such a policy sees no data and never scales (README).
 */
import { ALB_NAMESPACE } from '../cloudwatch/alb-metrics';
import type { PolicyView } from './decision';
import { LOW_DATAPOINTS } from './decision';
import type { ScalingPolicyRecord } from './model';
import { resourceLabel, type EcsServiceId } from './resource-ids';
import type { ScalableResources } from './scalable-resources';

const MINUTE = 60_000;

export function trackedPolicy(
  policy: ScalingPolicyRecord,
  service: EcsServiceId,
  currentCapacity: number,
  minuteEnd: number,
  resources: ScalableResources,
): PolicyView {
  const c = policy.config;
  const minutes = Array.from({ length: LOW_DATAPOINTS }, (_, i) => minuteEnd - (LOW_DATAPOINTS - i) * MINUTE);
  let datapoints: Array<number | undefined>;
  let measuredCapacity = currentCapacity;
  const label = c.resourceLabel === undefined ? undefined : resourceLabel(c.resourceLabel);
  if (c.metricType === 'ALBRequestCountPerTarget' && label !== undefined) {
    const dimensions = [
      { Name: 'LoadBalancer', Value: label.loadBalancer },
      { Name: 'TargetGroup', Value: label.targetGroup },
    ];
    const healthyAt = (start: number): number | undefined =>
      (
        resources.statistics(ALB_NAMESPACE, 'HealthyHostCount', dimensions, start, start + MINUTE) ??
        resources.statistics(ALB_NAMESPACE, 'HealthyHostCount', dimensions, start - MINUTE, start + MINUTE)
      )?.Average;
    const healthy = minutes.map(healthyAt);
    datapoints = minutes.map((start, i) => {
      const requests = resources.statistics(ALB_NAMESPACE, 'RequestCount', dimensions, start, start + MINUTE)?.Sum;
      const hosts = healthy[i];
      return requests === undefined || hosts === undefined || hosts <= 0 ? undefined : requests / hosts;
    });
    measuredCapacity = healthy.at(-1) ?? 0;
  } else {
    const dimensions = [
      { Name: 'ClusterName', Value: service.cluster },
      { Name: 'ServiceName', Value: service.service },
    ];
    datapoints = minutes.map(
      (start) => resources.statistics('AWS/ECS', 'CPUUtilization', dimensions, start, start + MINUTE)?.Average,
    );
  }
  return {
    name: policy.name,
    targetValue: c.targetValue,
    datapoints,
    measuredCapacity,
    ...(c.scaleOutCooldown !== undefined && { scaleOutCooldown: c.scaleOutCooldown }),
    ...(c.scaleInCooldown !== undefined && { scaleInCooldown: c.scaleInCooldown }),
    ...(c.disableScaleIn !== undefined && { disableScaleIn: c.disableScaleIn }),
  };
}
