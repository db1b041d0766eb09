/**
 * PutScalingPolicy, DescribeScalingPolicies and DeleteScalingPolicy for target tracking on ECS services: the
 * predefined metrics ALBRequestCountPerTarget (with its resource label) and ECSServiceAverageCPUUtilization, a
 * positive TargetValue, ScaleOutCooldown, ScaleInCooldown and DisableScaleIn. A second Put of the same name replaces
 * the configuration and keeps the policy's ARN and creation time. Step and predictive scaling, customized metrics and
 * the other predefined metrics are refused with ValidationException (see README).
 */
import { randomUUID } from 'node:crypto';
import { Constraints, limitExceeded, objectNotFound, validation } from './errors';
import { flag, integer, structure, text, texts, requiredText, type Input } from './input';
import type { PredefinedMetricType, ScalingPolicyRecord, TargetTrackingConfiguration } from './model';
import type { OperationContext, OperationHandler } from './operation-context';
import { page } from './pagination';
import { resourceLabel } from './resource-ids';
import { describeTarget, targetKey } from './store';
import { checkResourceId, ecsTargetIdentity } from './target-identity';
import { alarmsToWire, policyToWire } from './wire';

/** Scaling policies per scalable target (the Application Auto Scaling service quota). */
export const MAX_POLICIES_PER_TARGET = 50;
/** DescribeScalingPolicies' MaxResults: 1-10, 10 when not given (API reference). */
const MAX_RESULTS = 10;
/** PolicyName: 1-256 characters matching `\p{Print}+` (printable ASCII). */
const POLICY_NAME = /^[\x20-\x7E]+$/;
/** TargetValue's range in the API reference (8.515920e-109 to 1.174271e+108, i.e. 2^-360 to 2^360). */
const TARGET_MIN = 2 ** -360;
const TARGET_MAX = 2 ** 360;
const EMULATED_METRICS: readonly PredefinedMetricType[] = [
  'ALBRequestCountPerTarget',
  'ECSServiceAverageCPUUtilization',
];

function checkPolicyName(constraints: Constraints, name: string | undefined, member: string): Constraints {
  return constraints.length(name, member, 1, 256).pattern(name, member, POLICY_NAME, '\\p{Print}+');
}

function targetTracking(input: Input, ctx: OperationContext): TargetTrackingConfiguration {
  const config = structure(input, 'TargetTrackingScalingPolicyConfiguration');
  if (config === undefined) {
    throw validation(
      'TargetTrackingScalingPolicyConfiguration is required for PolicyType TargetTrackingScaling: give TargetValue ' +
        'and PredefinedMetricSpecification.',
    );
  }
  const targetValue = config.TargetValue as number;
  const scaleOutCooldown = integer(config, 'ScaleOutCooldown');
  const scaleInCooldown = integer(config, 'ScaleInCooldown');
  const predefined = structure(config, 'PredefinedMetricSpecification');
  const label = predefined === undefined ? undefined : text(predefined, 'ResourceLabel');
  new Constraints()
    .range(targetValue, 'targetTrackingScalingPolicyConfiguration.targetValue', TARGET_MIN, TARGET_MAX)
    .length(label, 'targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.resourceLabel', 1, 1023)
    .check();
  for (const [member, value] of [
    ['ScaleOutCooldown', scaleOutCooldown],
    ['ScaleInCooldown', scaleInCooldown],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw validation(`${member} must be a whole number of seconds, 0 or more (got ${value}).`);
    }
  }
  const customized = structure(config, 'CustomizedMetricSpecification');
  if (customized !== undefined && predefined !== undefined) {
    throw validation(
      'Give either PredefinedMetricSpecification or CustomizedMetricSpecification in ' +
        'TargetTrackingScalingPolicyConfiguration, not both.',
    );
  }
  if (predefined === undefined) {
    throw validation(
      customized === undefined
        ? 'TargetTrackingScalingPolicyConfiguration needs a metric: give PredefinedMetricSpecification (' +
            `${EMULATED_METRICS.join(' or ')}).`
        : 'CustomizedMetricSpecification is not emulated locally: use PredefinedMetricSpecification with ' +
            `PredefinedMetricType ${EMULATED_METRICS.join(' or ')}.`,
    );
  }
  const metricType = requiredText(predefined, 'PredefinedMetricType');
  if (!(EMULATED_METRICS as readonly string[]).includes(metricType)) {
    throw validation(
      `PredefinedMetricType ${metricType} is not emulated for ECS services locally: use ${EMULATED_METRICS.join(' or ')}.`,
    );
  }
  if (metricType === 'ALBRequestCountPerTarget') {
    if (label === undefined) {
      throw validation(
        'ResourceLabel is required with PredefinedMetricType ALBRequestCountPerTarget: ' +
          'app/LOAD-BALANCER-NAME/LOAD-BALANCER-ID/targetgroup/TARGET-GROUP-NAME/TARGET-GROUP-ID.',
      );
    }
    const parsed = resourceLabel(label);
    if (parsed === undefined) {
      throw validation(
        `ResourceLabel ${label} is not valid: it must be app/LOAD-BALANCER-NAME/LOAD-BALANCER-ID/targetgroup/` +
          'TARGET-GROUP-NAME/TARGET-GROUP-ID, the final parts of the load balancer ARN and the target group ARN.',
      );
    }
    if (ctx.resources.loadBalancerExists?.(parsed.loadBalancer) === false) {
      throw validation(`ResourceLabel ${label}: load balancer ${parsed.loadBalancer} not found.`);
    }
    if (ctx.resources.targetGroupExists?.(parsed.targetGroup) === false) {
      throw validation(`ResourceLabel ${label}: target group ${parsed.targetGroup} not found.`);
    }
  } else if (label !== undefined) {
    throw validation(
      `ResourceLabel is only allowed with PredefinedMetricType ALBRequestCountPerTarget (got ${metricType}); remove it.`,
    );
  }
  const disableScaleIn = flag(config, 'DisableScaleIn');
  return {
    targetValue,
    metricType: metricType as PredefinedMetricType,
    ...(label !== undefined && { resourceLabel: label }),
    ...(scaleOutCooldown !== undefined && { scaleOutCooldown }),
    ...(scaleInCooldown !== undefined && { scaleInCooldown }),
    ...(disableScaleIn !== undefined && { disableScaleIn }),
  };
}

export const putScalingPolicy: OperationHandler = (ctx, input) => {
  const { store, call } = ctx;
  const name = requiredText(input, 'PolicyName');
  checkPolicyName(checkResourceId(new Constraints(), text(input, 'ResourceId')), name, 'policyName').check();
  const id = ecsTargetIdentity(input);
  const target = store.registeredTarget(id);
  const existing = store.policy(target.key, name);
  const policyType = text(input, 'PolicyType');
  if (policyType === undefined && existing === undefined) {
    throw validation('PolicyType is required to create a scaling policy: give PolicyType TargetTrackingScaling.');
  }
  if (policyType !== undefined && policyType !== 'TargetTrackingScaling') {
    throw validation(
      `PolicyType ${policyType} is not emulated locally: only TargetTrackingScaling policies are (give ` +
        'PolicyType TargetTrackingScaling with a TargetTrackingScalingPolicyConfiguration).',
    );
  }
  for (const other of ['StepScalingPolicyConfiguration', 'PredictiveScalingPolicyConfiguration']) {
    if (input[other] !== undefined) {
      throw validation(`${other} cannot be given with PolicyType TargetTrackingScaling; remove it.`);
    }
  }
  const config = targetTracking(input, ctx);
  if (existing) {
    existing.config = config;
    return { PolicyARN: existing.arn, Alarms: alarmsToWire(existing, call) };
  }
  if (store.policiesOf(target).length >= MAX_POLICIES_PER_TARGET) {
    throw limitExceeded(
      `A scalable target can have at most ${MAX_POLICIES_PER_TARGET} scaling policies (${describeTarget(id)}); ` +
        'delete one first.',
    );
  }
  const policy: ScalingPolicyRecord = {
    name,
    arn:
      `arn:aws:autoscaling:${call.region}:${call.accountId}:scalingPolicy:${randomUUID()}:` +
      `resource/${id.serviceNamespace}/${id.resourceId}:policyName/${name}`,
    targetKey: target.key,
    createdAt: store.now(),
    config,
    alarmNames: [
      `TargetTracking-${id.resourceId}-AlarmHigh-${randomUUID()}`,
      `TargetTracking-${id.resourceId}-AlarmLow-${randomUUID()}`,
    ],
  };
  store.putPolicy(policy);
  return { PolicyARN: policy.arn, Alarms: alarmsToWire(policy, call) };
};

export const describeScalingPolicies: OperationHandler = ({ store, call }, input) => {
  const names = texts(input, 'PolicyNames');
  const resourceId = text(input, 'ResourceId');
  const maxResults = integer(input, 'MaxResults');
  const constraints = checkResourceId(new Constraints(), resourceId).range(maxResults, 'maxResults', 1, MAX_RESULTS);
  names?.forEach((n, i) => checkPolicyName(constraints, n, `policyNames.${i + 1}`));
  constraints.check();
  const namespace = requiredText(input, 'ServiceNamespace');
  const dimension = text(input, 'ScalableDimension');
  const found: Array<Record<string, unknown> & { key: string }> = [];
  for (const policy of store.policies.values()) {
    const target = store.targets.get(policy.targetKey);
    if (
      target === undefined ||
      target.serviceNamespace !== namespace ||
      (resourceId !== undefined && target.resourceId !== resourceId) ||
      (dimension !== undefined && target.scalableDimension !== dimension) ||
      (names !== undefined && names.length > 0 && !names.includes(policy.name))
    ) {
      continue;
    }
    found.push({ key: JSON.stringify([policy.targetKey, policy.name]), ...policyToWire(policy, target, call) });
  }
  const result = page(found, (p) => p.key, maxResults ?? MAX_RESULTS, text(input, 'NextToken'));
  return {
    ScalingPolicies: result.items.map(({ key: _key, ...policy }) => policy),
    ...(result.nextToken !== undefined && { NextToken: result.nextToken }),
  };
};

export const deleteScalingPolicy: OperationHandler = ({ store }, input) => {
  const name = requiredText(input, 'PolicyName');
  checkPolicyName(checkResourceId(new Constraints(), text(input, 'ResourceId')), name, 'policyName').check();
  const id = {
    serviceNamespace: requiredText(input, 'ServiceNamespace'),
    resourceId: requiredText(input, 'ResourceId'),
    scalableDimension: requiredText(input, 'ScalableDimension'),
  };
  const policy = store.policy(targetKey(id), name);
  if (policy === undefined)
    throw objectNotFound(`No scaling policy found for ${describeTarget(id)}, policy name: ${name}`);
  store.deletePolicy(policy);
  return {};
};
