/**
 * The ScalableResources of a running local AWS: ECS services through local ECS's own operations (UpdateService is
 * invoked in process, as an unsigned call, so it runs ECS's checks and scheduler exactly as an API call would), load
 * balancers and target groups from local ELBv2's state, metrics from local CloudWatch.
 */
import { loadBalancerDimension, targetGroupDimension } from '../cloudwatch/alb-metrics';
import type { LocalCloudWatch } from '../cloudwatch/service';
import type { LocalEcs } from '../ecs/ecs-service';
import type { Elbv2State } from '../elbv2/snapshot';
import type { ScalableResources } from './scalable-resources';

export function localScalableResources(local: {
  readonly ecs: LocalEcs;
  readonly elbv2State: () => Elbv2State;
  readonly cloudwatch: LocalCloudWatch;
  readonly region: string;
  readonly accountId: string;
}): ScalableResources {
  return {
    desiredCount: (id) =>
      local.ecs.services().find((s) => s.cluster === id.cluster && s.name === id.service && s.status === 'ACTIVE')
        ?.desiredCount,
    setDesiredCount: async (id, desiredCount) => {
      await local.ecs.invoke(
        'UpdateService',
        { cluster: id.cluster, service: id.service, desiredCount },
        { region: local.region, accountId: local.accountId },
      );
    },
    loadBalancerExists: (lb) => local.elbv2State().loadBalancers.some((l) => loadBalancerDimension(l.arn) === lb),
    targetGroupExists: (tg) => local.elbv2State().targetGroups.some((t) => targetGroupDimension(t.arn) === tg),
    statistics: (...args) => local.cloudwatch.statistics(...args),
  };
}
