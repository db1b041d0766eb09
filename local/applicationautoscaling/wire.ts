/** Records → Application Auto Scaling wire shapes (PascalCase; Dates, which the JSON 1.1 encoder sends as epoch seconds). */
import type { ScalableTargetRecord, ScalingPolicyRecord } from './model';

export function targetToWire(target: ScalableTargetRecord): Record<string, unknown> {
  return {
    ServiceNamespace: target.serviceNamespace,
    ResourceId: target.resourceId,
    ScalableDimension: target.scalableDimension,
    MinCapacity: target.minCapacity,
    MaxCapacity: target.maxCapacity,
    RoleARN: target.roleArn,
    CreationTime: new Date(target.createdAt),
    SuspendedState: {
      DynamicScalingInSuspended: target.suspended.dynamicScalingIn,
      DynamicScalingOutSuspended: target.suspended.dynamicScalingOut,
      ScheduledScalingSuspended: target.suspended.scheduledScaling,
    },
    ScalableTargetARN: target.arn,
  };
}

export const alarmArn = (scope: { region: string; accountId: string }, name: string): string =>
  `arn:aws:cloudwatch:${scope.region}:${scope.accountId}:alarm:${name}`;

export function alarmsToWire(
  policy: ScalingPolicyRecord,
  scope: { region: string; accountId: string },
): Array<Record<string, string>> {
  return policy.alarmNames.map((name) => ({ AlarmName: name, AlarmARN: alarmArn(scope, name) }));
}

export function policyToWire(
  policy: ScalingPolicyRecord,
  target: ScalableTargetRecord,
  scope: { region: string; accountId: string },
): Record<string, unknown> {
  const c = policy.config;
  return {
    PolicyARN: policy.arn,
    PolicyName: policy.name,
    ServiceNamespace: target.serviceNamespace,
    ResourceId: target.resourceId,
    ScalableDimension: target.scalableDimension,
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: c.targetValue,
      PredefinedMetricSpecification: {
        PredefinedMetricType: c.metricType,
        ...(c.resourceLabel !== undefined && { ResourceLabel: c.resourceLabel }),
      },
      ...(c.scaleOutCooldown !== undefined && { ScaleOutCooldown: c.scaleOutCooldown }),
      ...(c.scaleInCooldown !== undefined && { ScaleInCooldown: c.scaleInCooldown }),
      ...(c.disableScaleIn !== undefined && { DisableScaleIn: c.disableScaleIn }),
    },
    Alarms: alarmsToWire(policy, scope),
    CreationTime: new Date(policy.createdAt),
  };
}
