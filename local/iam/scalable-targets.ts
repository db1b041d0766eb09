/**
 * The scalable targets local Application Auto Scaling has registered, for the ARNs and `aws:ResourceTag/…` of
 * Application Auto Scaling requests (request-authorization.ts): a target's ARN holds an ID the service generated, so
 * it cannot be derived from the request the way ECS or ELBv2 ARNs are.
 */
import type { ScalableTargetLookup } from './request-authorization';

/** What local AWS offers for the lookup (RunningLocalAws has it). */
export interface ScalingServices {
  readonly applicationAutoScaling: {
    target(resourceId: string): { readonly arn: string; readonly tags: Readonly<Record<string, string>> } | undefined;
  };
}

/**
 * Targets by identity from local Application Auto Scaling, which registers ECS services' desired count only. Read on
 * every lookup, so the hook can be built before local AWS is running; until then there are none.
 */
export function localScalableTargets(services: () => ScalingServices | undefined): ScalableTargetLookup {
  return ({ serviceNamespace, resourceId, scalableDimension }) => {
    if (serviceNamespace !== 'ecs' || scalableDimension !== 'ecs:service:DesiredCount') return undefined;
    const target = services()?.applicationAutoScaling.target(resourceId);
    return target && { arn: target.arn, tags: { ...target.tags } };
  };
}
