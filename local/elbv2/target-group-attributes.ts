/**
 * Target group attributes of an application load balancer target group, with AWS's defaults. Unknown keys and bad
 * values are rejected as ELBv2 does (ValidationError).
 */
import { validation } from './errors';

export const DEREGISTRATION_DELAY = 'deregistration_delay.timeout_seconds';

const DEFAULTS: ReadonlyArray<readonly [string, string]> = [
  [DEREGISTRATION_DELAY, '300'],
  ['stickiness.enabled', 'false'],
  ['stickiness.type', 'lb_cookie'],
  ['stickiness.lb_cookie.duration_seconds', '86400'],
  ['stickiness.app_cookie.cookie_name', ''],
  ['stickiness.app_cookie.duration_seconds', '86400'],
  ['slow_start.duration_seconds', '0'],
  ['load_balancing.algorithm.type', 'round_robin'],
  ['load_balancing.cross_zone.enabled', 'use_load_balancer_configuration'],
];

/** key -> predicate on the value, for the keys whose values we check. */
const VALUE_RULES: Readonly<Record<string, (value: string) => boolean>> = {
  [DEREGISTRATION_DELAY]: (v) => /^\d+$/.test(v) && Number(v) <= 3600,
  'stickiness.enabled': (v) => v === 'true' || v === 'false',
  'slow_start.duration_seconds': (v) => /^\d+$/.test(v) && (Number(v) === 0 || (Number(v) >= 30 && Number(v) <= 900)),
};

export function defaultTargetGroupAttributes(): Map<string, string> {
  return new Map(DEFAULTS);
}

export function applyTargetGroupAttributes(
  current: Map<string, string>,
  changes: ReadonlyArray<{ Key?: string; Value?: string }>,
): void {
  for (const { Key, Value } of changes) {
    if (Key === undefined || !current.has(Key)) {
      throw validation(`Target group attribute key '${String(Key)}' is not recognized`);
    }
    const value = Value ?? '';
    if (VALUE_RULES[Key] && !VALUE_RULES[Key](value)) {
      throw validation(`'${value}' is not a valid value for target group attribute '${Key}'`);
    }
  }
  for (const { Key, Value } of changes) current.set(Key as string, Value ?? '');
}
