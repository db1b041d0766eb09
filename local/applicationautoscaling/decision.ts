/**
 * What target tracking decides for one scalable target at one evaluation, as a pure function of what it sees: the
 * target's capacity, limits, suspended state and last scaling activities, and per policy the metric's one-minute
 * datapoints. No clock, no I/O: the scaling loop (scaling-loop.ts) gathers the inputs and applies the result.
 *
 * The rules, from the Application Auto Scaling and ECS documentation:
 * - AWS scales out when the policy's AlarmHigh fires: the metric above the target value for 3 consecutive one-minute
 *   datapoints; it scales in when AlarmLow fires: below 90 % of the target value for 15 consecutive datapoints.
 *   A missing datapoint in that window means insufficient data, and insufficient data never scales (either way).
 * - The new capacity is proportional: ceil(measured capacity × metric / target value), clamped to Min/MaxCapacity.
 * - Several policies: scale out if any policy asks for it, to the largest capacity asked; scale in only if every
 *   policy asks for it (a policy with DisableScaleIn never does), to the largest capacity asked.
 * - ScaleOutCooldown: after a scale-out, a policy scales out again within its cooldown only to more than the
 *   capacity that scale-out set (the capacity it added counts as part of the new desired capacity).
 * - ScaleInCooldown: no scale-in within a policy's cooldown after the last scale-in; a scale-out is not blocked by it.
 * - DynamicScalingOutSuspended / DynamicScalingInSuspended block the direction they name; DisableScaleIn blocks
 *   scale-in by its policy.
 */

/** AlarmHigh: datapoints that must all be above the target value. */
export const HIGH_DATAPOINTS = 3;
/** AlarmLow: datapoints that must all be below LOW_RATIO × the target value. */
export const LOW_DATAPOINTS = 15;
export const LOW_RATIO = 0.9;
/** ScaleOutCooldown and ScaleInCooldown when not given: 300 s for ECS services (the API reference). */
export const DEFAULT_COOLDOWN_SECONDS = 300;

export interface PolicyView {
  readonly name: string;
  readonly targetValue: number;
  /** One-minute datapoints of the tracked metric, oldest first, the newest last; undefined where there was no data. */
  readonly datapoints: readonly (number | undefined)[];
  /** The capacity the newest datapoint was measured over (healthy targets, or the service's tasks). */
  readonly measuredCapacity: number;
  /** @default DEFAULT_COOLDOWN_SECONDS */
  readonly scaleOutCooldown?: number;
  /** @default DEFAULT_COOLDOWN_SECONDS */
  readonly scaleInCooldown?: number;
  /** @default false */
  readonly disableScaleIn?: boolean;
}

export interface TargetView {
  /** Emulated epoch milliseconds. */
  readonly now: number;
  /** The ECS service's desired count. */
  readonly current: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly scaleInSuspended: boolean;
  readonly scaleOutSuspended: boolean;
  readonly lastScaleOut?: { readonly at: number; readonly to: number };
  readonly lastScaleIn?: { readonly at: number };
}

export interface PolicyVerdict {
  readonly policy: string;
  readonly wants: 'out' | 'in' | 'hold';
  /** The capacity the policy asks for (out/in only). */
  readonly capacity?: number;
  readonly reason: string;
}

export type Decision =
  | { readonly action: 'none'; readonly reason: string; readonly verdicts: readonly PolicyVerdict[] }
  | {
      readonly action: 'scale-out' | 'scale-in';
      readonly from: number;
      readonly to: number;
      readonly reason: string;
      readonly verdicts: readonly PolicyVerdict[];
    };

/** ceil(capacity × metric / target), forgiving floating-point noise (3 × 0.1 / 0.1 is 3, not 4). */
export function proportionalCapacity(measuredCapacity: number, metric: number, targetValue: number): number {
  const exact = (measuredCapacity * metric) / targetValue;
  return Math.ceil(exact - 1e-9 * Math.max(1, Math.abs(exact)));
}

const last = <T>(values: readonly T[], n: number): readonly T[] | undefined =>
  values.length >= n ? values.slice(values.length - n) : undefined;

function verdictOf(policy: PolicyView, target: TargetView): PolicyVerdict {
  const { name, targetValue } = policy;
  const newest = policy.datapoints.at(-1);
  const high = last(policy.datapoints, HIGH_DATAPOINTS);
  const hold = (reason: string): PolicyVerdict => ({ policy: name, wants: 'hold', reason });
  if (newest === undefined || high === undefined || high.some((d) => d === undefined)) {
    return hold(`insufficient data: fewer than ${HIGH_DATAPOINTS} consecutive datapoints`);
  }
  if (policy.measuredCapacity <= 0) return hold('no capacity to measure the metric over');
  const capacity = proportionalCapacity(policy.measuredCapacity, newest, targetValue);
  if (high.every((d) => d !== undefined && d > targetValue)) {
    if (capacity <= target.current) return hold(`metric ${newest} above ${targetValue} but capacity suffices`);
    const cooldown = (policy.scaleOutCooldown ?? DEFAULT_COOLDOWN_SECONDS) * 1000;
    const previous = target.lastScaleOut;
    if (previous && target.now < previous.at + cooldown && capacity <= previous.to) {
      return hold(`scale-out cooldown: ${capacity} is not more than the last scale-out's ${previous.to}`);
    }
    return { policy: name, wants: 'out', capacity, reason: `metric ${newest} above target ${targetValue}` };
  }
  const low = last(policy.datapoints, LOW_DATAPOINTS);
  const lowThreshold = targetValue * LOW_RATIO;
  if (low === undefined || low.some((d) => d === undefined)) {
    return hold(`no scale-in without ${LOW_DATAPOINTS} consecutive datapoints`);
  }
  if (!low.every((d) => d !== undefined && d < lowThreshold))
    return hold(`metric ${newest} near target ${targetValue}`);
  if (policy.disableScaleIn) return hold('DisableScaleIn');
  if (capacity >= target.current) return hold(`metric ${newest} below ${lowThreshold} but no capacity to remove`);
  const cooldown = (policy.scaleInCooldown ?? DEFAULT_COOLDOWN_SECONDS) * 1000;
  if (target.lastScaleIn && target.now < target.lastScaleIn.at + cooldown) {
    return hold('scale-in cooldown');
  }
  return { policy: name, wants: 'in', capacity, reason: `metric ${newest} below ${lowThreshold}` };
}

/** Policies never scale outside [MinCapacity, MaxCapacity], whatever the capacity is now. */
const clamp = (target: TargetView, capacity: number): number =>
  Math.min(target.maxCapacity, Math.max(target.minCapacity, capacity));

export function decide(target: TargetView, policies: readonly PolicyView[]): Decision {
  const verdicts = policies.map((p) => verdictOf(p, target));
  const none = (reason: string): Decision => ({ action: 'none', reason, verdicts });
  if (verdicts.length === 0) return none('no scaling policy');
  const explain = (wanting: readonly PolicyVerdict[]): string =>
    wanting.map((v) => `${v.policy}: ${v.reason} (asks for ${v.capacity})`).join('; ');

  const outs = verdicts.filter((v) => v.wants === 'out');
  if (outs.length > 0) {
    if (target.scaleOutSuspended) return none('DynamicScalingOutSuspended');
    const to = clamp(target, Math.max(...outs.map((v) => v.capacity ?? 0)));
    if (to <= target.current) return none(`limited by MaxCapacity ${target.maxCapacity}`);
    return { action: 'scale-out', from: target.current, to, reason: explain(outs), verdicts };
  }
  if (verdicts.every((v) => v.wants === 'in')) {
    if (target.scaleInSuspended) return none('DynamicScalingInSuspended');
    const to = clamp(target, Math.max(...verdicts.map((v) => v.capacity ?? 0)));
    if (to >= target.current) return none(`limited by MinCapacity ${target.minCapacity}`);
    return { action: 'scale-in', from: target.current, to, reason: explain(verdicts), verdicts };
  }
  return none(verdicts.map((v) => `${v.policy}: ${v.reason}`).join('; '));
}
