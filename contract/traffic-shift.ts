/**
 * Traffic-shifting strategies of swap, stated once: their shape, their checks (each problem names the field, the value,
 * what is allowed and the fix) and their expansion into the explicit steps the swap state machine iterates. Pure: the
 * validate-input Lambda, the CDK stack (its `trafficShift` prop) and the CLI flags all use it. The limits are in
 * inputs.ts.
 *
 * Shapes (swap input field `trafficShift`):
 * - `{"type": "all-at-once"}`: production moves in one step (the default);
 * - `{"type": "canary", "percent": 10, "intervalSeconds": 300}`: 10 % for 300 s, then 100 %;
 * - `{"type": "linear", "percent": 10, "intervalSeconds": 60}`: 10 %, 20 %, … 90 %, each for 60 s, then 100 %;
 * - `{"type": "steps", "steps": [{"percent": 5, "seconds": 60}, {"percent": 25, "seconds": 300}]}`: each share for its
 *   seconds, in order (each larger than the one before), then 100 %.
 * Every strategy ends with production forwarding to green alone, green primary, then swap's bake.
 */
import {
  CANARY_PERCENT,
  LINEAR_PERCENT,
  MAX_SHIFT_STEPS,
  SHIFT_INTERVAL_SECONDS,
  STEP_PERCENT,
  TRAFFIC_SHIFT_TYPES,
  WEIGHT_TOTAL,
  type TrafficShiftType,
} from './inputs';

export type TrafficShift =
  | { readonly type: 'all-at-once' }
  | { readonly type: 'canary' | 'linear'; readonly percent: number; readonly intervalSeconds: number }
  | { readonly type: 'steps'; readonly steps: ReadonlyArray<{ readonly percent: number; readonly seconds: number }> };

/** One step of a shift as the state machine runs it: green's share and both ALB weights, held for `seconds`. */
export interface ShiftStep {
  readonly percent: number;
  readonly seconds: number;
  readonly greenWeight: number;
  readonly blueWeight: number;
}

/** What validate-input hands swap: the strategy's type and its steps (empty: all at once). */
export interface ExpandedTrafficShift {
  readonly type: TrafficShiftType;
  readonly steps: readonly ShiftStep[];
}

export const ALL_AT_ONCE: TrafficShift = { type: 'all-at-once' };

const TRAFFIC_SHIFT_FIELDS: Readonly<Record<TrafficShiftType, readonly string[]>> = {
  'all-at-once': ['type'],
  canary: ['type', 'percent', 'intervalSeconds'],
  linear: ['type', 'percent', 'intervalSeconds'],
  steps: ['type', 'steps'],
};

/** Tenths of a percent (exact for a value with at most one decimal). */
const tenths = (percent: number): number => Math.round(percent * 10);
const isTenth = (value: number): boolean => Math.abs(value * 10 - Math.round(value * 10)) < 1e-9;

/** A value as a refusal repeats it: JSON, cut to 60 characters (the full checks of validate-input escape further). */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  const safe = [...text]
    .map((c) => {
      const code = c.charCodeAt(0);
      const hidden =
        code < 0x20 ||
        (code >= 0x7f && code <= 0x9f) ||
        code === 0x200e ||
        code === 0x200f ||
        (code >= 0x202a && code <= 0x202e) ||
        (code >= 0x2066 && code <= 0x2069);
      return hidden ? `\\u${code.toString(16).padStart(4, '0')}` : c;
    })
    .join('');
  return safe.length > 60 ? `${safe.slice(0, 60)}… (${safe.length} characters)` : safe;
}

const EXAMPLE =
  '{"type": "canary", "percent": 10, "intervalSeconds": 300}, {"type": "linear", "percent": 10, "intervalSeconds": 60}, ' +
  '{"type": "steps", "steps": [{"percent": 5, "seconds": 60}, {"percent": 25, "seconds": 300}]} or {"type": "all-at-once"}';

function percentProblem(
  field: string,
  value: unknown,
  range: { readonly min: number; readonly max: number },
  what: string,
): string | undefined {
  if (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= range.min &&
    value <= range.max &&
    isTenth(value)
  ) {
    return undefined;
  }
  return (
    `${field} is ${shown(value)} but must be a number from ${range.min} to ${range.max} with at most one decimal (${what}). ` +
    `For example ${field}: 10.`
  );
}

function secondsProblem(field: string, value: unknown, what: string): string | undefined {
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= SHIFT_INTERVAL_SECONDS.min &&
    value <= SHIFT_INTERVAL_SECONDS.max
  ) {
    return undefined;
  }
  return (
    `${field} is ${shown(value)} but must be a whole number of seconds from ${SHIFT_INTERVAL_SECONDS.min} to ${SHIFT_INTERVAL_SECONDS.max} ` +
    `(0 to 1440 minutes; ${what}). For example ${field}: 300.`
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Every problem of a traffic-shift setting, each naming the field (under `field`, e.g. `trafficShift`), its value,
 * what is allowed and the fix; none for a valid one.
 */
export function trafficShiftProblems(value: unknown, field = 'trafficShift'): string[] {
  if (!isRecord(value)) {
    return [`${field} is ${shown(value)} but must be an object: ${EXAMPLE}.`];
  }
  const type = value.type;
  if (typeof type !== 'string' || !(TRAFFIC_SHIFT_TYPES as readonly string[]).includes(type)) {
    return [
      `${field}.type is ${shown(type)} but must be one of ${TRAFFIC_SHIFT_TYPES.join(', ')}. For example ${EXAMPLE}.`,
    ];
  }
  const known = TRAFFIC_SHIFT_FIELDS[type as TrafficShiftType];
  const problems: string[] = Object.keys(value)
    .filter((key) => !known.includes(key))
    .map(
      (key) =>
        `${field}.${shown(key).slice(1, -1)} is not a field of a ${type} traffic shift; its fields are ${known.join(', ')}. Remove it.`,
    );
  if (type === 'canary' || type === 'linear') {
    const range = type === 'canary' ? CANARY_PERCENT : LINEAR_PERCENT;
    const what =
      type === 'canary'
        ? "green's share of production during the canary"
        : 'how much of production moves to green at each step';
    const interval =
      type === 'canary' ? 'how long the canary holds before all of production moves' : 'time between steps';
    for (const problem of [
      percentProblem(`${field}.percent`, value.percent, range, what),
      secondsProblem(`${field}.intervalSeconds`, value.intervalSeconds, interval),
    ]) {
      if (problem) problems.push(problem);
    }
  } else if (type === 'steps') {
    const steps = value.steps;
    if (!Array.isArray(steps) || steps.length < 1 || steps.length > MAX_SHIFT_STEPS) {
      problems.push(
        `${field}.steps is ${shown(steps)} but must be a list of 1 to ${MAX_SHIFT_STEPS} steps such as ` +
          '[{"percent": 5, "seconds": 60}, {"percent": 25, "seconds": 300}] (each percent of production to green, held for its seconds; 100 % follows the last).',
      );
    } else {
      let previous = 0;
      steps.forEach((step: unknown, i) => {
        const at = `${field}.steps[${i}]`;
        if (!isRecord(step)) {
          problems.push(`${at} is ${shown(step)} but must be an object such as {"percent": 5, "seconds": 60}.`);
          return;
        }
        for (const key of Object.keys(step).filter((k) => k !== 'percent' && k !== 'seconds')) {
          problems.push(
            `${at}.${shown(key).slice(1, -1)} is not a field of a step; its fields are percent, seconds. Remove it.`,
          );
        }
        const percent = percentProblem(
          `${at}.percent`,
          step.percent,
          STEP_PERCENT,
          "green's share of production during this step",
        );
        if (percent) problems.push(percent);
        else if ((step.percent as number) <= previous) {
          problems.push(
            `${at}.percent is ${shown(step.percent)} but must be larger than the step before (${previous}): production only moves towards green. Order the steps by percent.`,
          );
        }
        if (typeof step.percent === 'number') previous = Math.max(previous, step.percent);
        const seconds = secondsProblem(`${at}.seconds`, step.seconds, 'how long this step holds');
        if (seconds) problems.push(seconds);
      });
    }
  }
  return problems;
}

/** A step of `percent` (below 100) held for `seconds`, with its ALB weights. */
export function shiftStep(percent: number, seconds: number): ShiftStep {
  const greenWeight = tenths(percent);
  return { percent: greenWeight / 10, seconds, greenWeight, blueWeight: WEIGHT_TOTAL - greenWeight };
}

/**
 * The explicit steps of a valid strategy (trafficShiftProblems() found none), without the final switch to 100 %: the
 * state machine takes them in order, then forwards production to green alone. A share of 100 % is that final switch,
 * so a canary of 100 % or a linear step of 100 % has no step before it (it is all at once).
 */
export function shiftSteps(shift: TrafficShift): ShiftStep[] {
  switch (shift.type) {
    case 'all-at-once':
      return [];
    case 'canary':
      return tenths(shift.percent) < WEIGHT_TOTAL ? [shiftStep(shift.percent, shift.intervalSeconds)] : [];
    case 'linear': {
      const step = tenths(shift.percent);
      const steps: ShiftStep[] = [];
      for (let share = step; share < WEIGHT_TOTAL; share += step)
        steps.push(shiftStep(share / 10, shift.intervalSeconds));
      return steps;
    }
    case 'steps':
      return shift.steps.map((s) => shiftStep(s.percent, s.seconds));
  }
}

/** A valid strategy with its steps, as swap gets it. */
export function expandTrafficShift(shift: TrafficShift): ExpandedTrafficShift {
  return { type: shift.type, steps: shiftSteps(shift) };
}

// --- The compact form: CLI flags (`--canary 10:5m`) and the stack's default in the state machine ---

const DURATION = /^(\d{1,6})(s|m|h)?$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

/** `90`, `90s`, `5m`, `1h` in seconds, or undefined. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? 1);
}

const PERCENT_TEXT = /^\d{1,3}(\.\d)?$/;

/** `PERCENT:DURATION` as {percent, seconds}, or undefined. */
function parsePair(text: string): { percent: number; seconds: number } | undefined {
  const [percent, duration, extra] = text.split(':');
  if (percent === undefined || duration === undefined || extra !== undefined) return undefined;
  const seconds = parseDuration(duration);
  if (!PERCENT_TEXT.test(percent.trim()) || seconds === undefined) return undefined;
  return { percent: Number(percent), seconds };
}

/**
 * A strategy from its compact form: `canary` and `linear` take `PERCENT:DURATION` (`10:5m`), `steps` a comma list of
 * them (`5:1m,25:5m`); a duration is seconds, or with s, m or h. Returns the strategy (still to be checked with
 * trafficShiftProblems()), or a problem naming the form.
 */
export function parseTrafficShiftValue(
  type: Exclude<TrafficShiftType, 'all-at-once'>,
  text: string,
): TrafficShift | { readonly problem: string } {
  if (type === 'steps') {
    const pairs = text.split(',').map(parsePair);
    if (pairs.length === 0 || pairs.some((p) => p === undefined)) {
      return {
        problem: `must be PERCENT:DURATION[,PERCENT:DURATION…], for example 5:1m,25:5m (a duration in s, m or h)`,
      };
    }
    return { type, steps: pairs as Array<{ percent: number; seconds: number }> };
  }
  const pair = parsePair(text);
  if (!pair) return { problem: `must be PERCENT:DURATION, for example 10:5m (a duration in s, m or h)` };
  return { type, percent: pair.percent, intervalSeconds: pair.seconds };
}

/** The compact form of a strategy, `all-at-once` or `TYPE:VALUE` (`canary:10:300`, `steps:5:60,25:300`). */
export function formatTrafficShift(shift: TrafficShift): string {
  switch (shift.type) {
    case 'all-at-once':
      return 'all-at-once';
    case 'canary':
    case 'linear':
      return `${shift.type}:${shift.percent}:${shift.intervalSeconds}`;
    case 'steps':
      return `steps:${shift.steps.map((s) => `${s.percent}:${s.seconds}`).join(',')}`;
  }
}

/** The strategy of formatTrafficShift()'s text, or a problem. */
export function parseTrafficShift(text: string): TrafficShift | { readonly problem: string } {
  if (text === 'all-at-once') return ALL_AT_ONCE;
  const colon = text.indexOf(':');
  const type = text.slice(0, colon);
  if (colon < 0 || (type !== 'canary' && type !== 'linear' && type !== 'steps')) {
    return {
      problem: `must be all-at-once, canary:PERCENT:SECONDS, linear:PERCENT:SECONDS or steps:PERCENT:SECONDS,…`,
    };
  }
  return parseTrafficShiftValue(type, text.slice(colon + 1));
}
