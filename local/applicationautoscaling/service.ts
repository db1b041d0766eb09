/**
 * Local Application Auto Scaling: the API (JSON 1.1, `AnyScaleFrontendService`, signing name
 * `application-autoscaling`) for scalable targets and target tracking scaling policies on ECS services, and target
 * tracking itself, evaluated every minute on the emulated clock against local CloudWatch's metrics and applied through
 * local ECS's UpdateService. What differs from AWS is in README.md.
 */
import type { Clock } from '../aws/clock';
import { AwsError, type EmulatedService } from '../aws/service';
import type { ScalableTargetRecord, ScalingActivity } from './model';
import type { OperationHandler } from './operation-context';
import { deleteScalingPolicy, describeScalingPolicies, putScalingPolicy } from './policy-operations';
import type { ScalableResources } from './scalable-resources';
import { createScalingLoop } from './scaling-loop';
import { AutoScalingStore, targetKey } from './store';
import { deregisterScalableTarget, describeScalableTargets, registerScalableTarget } from './target-operations';
import { ECS_DESIRED_COUNT, ECS_NAMESPACE } from './model';

export interface ApplicationAutoScalingOptions {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** The ECS services, load balancers and metrics it works on (local-aws.ts wires ECS, ELBv2 and CloudWatch). */
  readonly resources: ScalableResources;
}

export interface LocalApplicationAutoScaling extends EmulatedService {
  /** The ECS service's scalable target by resource ID (`service/CLUSTER/SERVICE`), for tests and diagnostics. */
  target(resourceId: string): Readonly<ScalableTargetRecord> | undefined;
  /** The scaling activities policies caused, oldest first. */
  activities(): readonly ScalingActivity[];
  /** Evaluates every target now (the loop does it every minute), over the minutes closed by `minuteEnd`. */
  evaluate(minuteEnd?: number): Promise<void>;
  /** Stops target tracking. */
  close(): Promise<void>;
}

const HANDLERS: Readonly<Record<string, OperationHandler>> = {
  RegisterScalableTarget: registerScalableTarget,
  DescribeScalableTargets: describeScalableTargets,
  DeregisterScalableTarget: deregisterScalableTarget,
  PutScalingPolicy: putScalingPolicy,
  DescribeScalingPolicies: describeScalingPolicies,
  DeleteScalingPolicy: deleteScalingPolicy,
};

export function createApplicationAutoScalingService(
  options: ApplicationAutoScalingOptions,
): LocalApplicationAutoScaling {
  const { clock, region, accountId, resources } = options;
  const store = new AutoScalingStore({ region, accountId }, () => clock.now());
  const loop = createScalingLoop({ store, resources, clock });
  return {
    serviceId: 'Application Auto Scaling',
    operations: new Set(Object.keys(HANDLERS)),
    async invoke(operation, input, call) {
      const handler = HANDLERS[operation];
      if (!handler)
        throw new AwsError(
          'UnknownOperationException',
          `Local Application Auto Scaling does not implement ${operation}.`,
        );
      return await Promise.resolve(handler({ store, resources, call }, input));
    },
    target: (resourceId) =>
      store.targets.get(
        targetKey({ serviceNamespace: ECS_NAMESPACE, resourceId, scalableDimension: ECS_DESIRED_COUNT }),
      ),
    activities: () => [...store.activities],
    evaluate: (minuteEnd) => loop.evaluate(minuteEnd),
    close() {
      loop.close();
      return Promise.resolve();
    },
  };
}
