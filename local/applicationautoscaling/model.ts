/** What local Application Auto Scaling keeps: scalable targets, their target tracking policies, and what they did. */

/** The only namespace and dimension emulated (an ECS service's desired task count). */
export const ECS_NAMESPACE = 'ecs';
export const ECS_DESIRED_COUNT = 'ecs:service:DesiredCount';

/** Which dynamic scaling a target has suspended (RegisterScalableTarget's SuspendedState). */
export interface SuspendedState {
  readonly dynamicScalingIn: boolean;
  readonly dynamicScalingOut: boolean;
  /** Stored and returned only: there are no scheduled actions locally. */
  readonly scheduledScaling: boolean;
}

export interface ScalableTargetRecord {
  /** `namespace resourceId dimension`: what identifies a scalable target (store.ts targetKey). */
  readonly key: string;
  readonly serviceNamespace: string;
  /** `service/CLUSTER/SERVICE`. */
  readonly resourceId: string;
  readonly scalableDimension: string;
  readonly arn: string;
  /** Emulated epoch milliseconds. */
  readonly createdAt: number;
  minCapacity: number;
  maxCapacity: number;
  roleArn: string;
  suspended: SuspendedState;
  tags: Readonly<Record<string, string>>;
  /** The last scale-out a policy made (for ScaleOutCooldown): when, and to what capacity. */
  lastScaleOut?: { readonly at: number; readonly to: number };
  /** The last scale-in a policy made (for ScaleInCooldown). */
  lastScaleIn?: { readonly at: number; readonly to: number };
}

export type PredefinedMetricType = 'ALBRequestCountPerTarget' | 'ECSServiceAverageCPUUtilization';

export interface TargetTrackingConfiguration {
  readonly targetValue: number;
  readonly metricType: PredefinedMetricType;
  /** `app/LB/ID/targetgroup/TG/ID`; only with ALBRequestCountPerTarget. */
  readonly resourceLabel?: string;
  /** Seconds; undefined when not given (300 applies, the default for ECS services, and it is not returned). */
  readonly scaleOutCooldown?: number;
  readonly scaleInCooldown?: number;
  readonly disableScaleIn?: boolean;
}

export interface ScalingPolicyRecord {
  readonly name: string;
  readonly arn: string;
  readonly targetKey: string;
  readonly createdAt: number;
  config: TargetTrackingConfiguration;
  /** The names AWS would give the two alarms it manages; no such alarms exist in local CloudWatch (README). */
  readonly alarmNames: readonly [high: string, low: string];
}

/** One change of capacity a policy made (or an evaluation that could not apply it), for tests and diagnostics. */
export interface ScalingActivity {
  readonly at: number;
  readonly resourceId: string;
  readonly from: number;
  readonly to: number;
  readonly direction: 'out' | 'in';
  /** The policies that asked for it and why. */
  readonly cause: string;
  /** Why the change was not applied (the ECS service is gone, UpdateService refused). */
  readonly failed?: string;
}
