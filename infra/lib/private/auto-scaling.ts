import type { Duration } from 'aws-cdk-lib';
import {
  DEFAULT_SCALE_IN_COOLDOWN_SECONDS,
  DEFAULT_SCALE_OUT_COOLDOWN_SECONDS,
  MAX_SERVICE_CAPACITY,
} from '../../../contract';
import type { ServiceAutoScalingOptions } from '../controller-options';
import { PropValidationError, validateIntegerInRange } from './validate';

/** The desired count the first release sets when `desiredCount` is not given. */
const DEFAULT_DESIRED_COUNT = 2;
/** Our bound on cooldowns: Application Auto Scaling's reference states none. */
const MAX_COOLDOWN_SECONDS = 86_400;

/** `autoScaling`, checked, in the units the state machines and the scalable target take. */
export interface ResolvedAutoScaling {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly targetRequestsPerTarget: number;
  readonly scaleOutCooldownSeconds: number;
  readonly scaleInCooldownSeconds: number;
}

function cooldownSeconds(prop: string, value: Duration | undefined, fallback: number): number {
  const seconds = value === undefined ? fallback : value.toSeconds({ integral: false });
  validateIntegerInRange(
    prop,
    seconds,
    0,
    MAX_COOLDOWN_SECONDS,
    'Give whole seconds (e.g. Duration.minutes(5)); Application Auto Scaling counts cooldowns in seconds.',
  );
  return seconds;
}

/** Checks `autoScaling` (errors name the prop and the fix). */
export function resolveAutoScaling(options: ServiceAutoScalingOptions | undefined): ResolvedAutoScaling | undefined {
  if (options === undefined) return undefined;
  const { minCapacity, maxCapacity, targetRequestsPerTarget } = options;
  validateIntegerInRange(
    'autoScaling.minCapacity',
    minCapacity,
    1,
    MAX_SERVICE_CAPACITY,
    'Each version needs at least one task for its health checks.',
  );
  validateIntegerInRange(
    'autoScaling.maxCapacity',
    maxCapacity,
    minCapacity,
    MAX_SERVICE_CAPACITY,
    `It may not be below autoScaling.minCapacity (${minCapacity}), nor above ECS's ${MAX_SERVICE_CAPACITY} tasks per service.`,
  );
  if (!Number.isFinite(targetRequestsPerTarget) || targetRequestsPerTarget <= 0) {
    throw new PropValidationError(
      `autoScaling.targetRequestsPerTarget is ${targetRequestsPerTarget}, but it must be a number above 0: the production requests per task per minute to keep the service at (e.g. 1000).`,
    );
  }
  return {
    minCapacity,
    maxCapacity,
    targetRequestsPerTarget,
    scaleOutCooldownSeconds: cooldownSeconds(
      'autoScaling.scaleOutCooldown',
      options.scaleOutCooldown,
      DEFAULT_SCALE_OUT_COOLDOWN_SECONDS,
    ),
    scaleInCooldownSeconds: cooldownSeconds(
      'autoScaling.scaleInCooldown',
      options.scaleInCooldown,
      DEFAULT_SCALE_IN_COOLDOWN_SECONDS,
    ),
  };
}

/**
 * The first release's desired count: `desiredCount`, else 2 kept inside the autoscaling range. A given count outside
 * that range is refused: Application Auto Scaling would move it at once.
 */
export function firstReleaseCount(desiredCount: number | undefined, scaling: ResolvedAutoScaling | undefined): number {
  if (desiredCount === undefined) {
    if (scaling === undefined) return DEFAULT_DESIRED_COUNT;
    return Math.min(Math.max(DEFAULT_DESIRED_COUNT, scaling.minCapacity), scaling.maxCapacity);
  }
  if (scaling !== undefined && (desiredCount < scaling.minCapacity || desiredCount > scaling.maxCapacity)) {
    throw new PropValidationError(
      `desiredCount is ${desiredCount}, outside autoScaling's ${scaling.minCapacity} to ${scaling.maxCapacity} tasks. Give a desiredCount in that range, or leave it out (it then defaults to ${DEFAULT_DESIRED_COUNT} kept in the range).`,
    );
  }
  return desiredCount;
}
