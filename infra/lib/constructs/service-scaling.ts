import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Construct, type IDependable } from 'constructs';
import { SCALABLE_DIMENSION } from '../../../contract';
import type { ResolvedAutoScaling } from '../private/auto-scaling';

export interface ServiceScalingProps {
  readonly clusterName: string;
  readonly serviceName: string;
  /** What creates the service: the scalable target is registered after it (Application Auto Scaling checks it). */
  readonly service: IDependable;
  readonly scaling: ResolvedAutoScaling;
}

/**
 * The service's scalable target (its desired count, `minCapacity` to `maxCapacity`), with Application Auto Scaling's
 * service-linked role for ECS. Its scaling policy is not here: it tracks the production target group, which changes
 * with every release, so the state machines own it (contract/autoscaling.ts), and no stack update can point it at an
 * old version or re-enable its scale-in mid-swap. The template sets no `SuspendedState`: suspensions you set by hand
 * are yours. Construct id `Target` is public API.
 */
export class ServiceScaling extends Construct {
  public readonly scalableTarget: appscaling.CfnScalableTarget;

  constructor(scope: Construct, id: string, props: ServiceScalingProps) {
    super(scope, id);
    this.scalableTarget = new appscaling.CfnScalableTarget(this, 'Target', {
      serviceNamespace: 'ecs',
      scalableDimension: SCALABLE_DIMENSION,
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: props.scaling.minCapacity,
      maxCapacity: props.scaling.maxCapacity,
    });
    this.scalableTarget.node.addDependency(props.service);
  }
}
