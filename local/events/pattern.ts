/**
 * EventBridge event pattern matching, for the subset of the pattern language the stack's rules use: every field of the
 * pattern must be in the event; an array of literals matches when the event value (or, for an array value, any of
 * its elements) equals one of them; objects nest. Content filters ({ prefix }, { anything-but }, { numeric }, …) are
 * refused when the rule is put, so a rule never silently matches differently than on AWS.
 */
export type EventPattern = { readonly [field: string]: EventPattern | readonly (string | number | boolean | null)[] };

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Throws, naming the field, when the pattern uses anything but literal arrays and nested objects. */
export function checkPattern(pattern: unknown, path = ''): asserts pattern is EventPattern {
  if (!isObject(pattern) || Object.keys(pattern).length === 0) {
    throw new Error(`Event pattern${path ? ` at ${path}` : ''} must be a non-empty JSON object.`);
  }
  for (const [field, value] of Object.entries(pattern)) {
    const where = path ? `${path}.${field}` : field;
    if (Array.isArray(value)) {
      const filter = value.find((v) => v !== null && typeof v === 'object');
      if (filter !== undefined) {
        throw new Error(
          `Event pattern field ${where} uses the content filter ${JSON.stringify(filter)}, which local EventBridge does not match; only literal values are supported.`,
        );
      }
      if (value.length === 0) throw new Error(`Event pattern field ${where} is an empty array, which matches nothing.`);
    } else if (isObject(value)) {
      checkPattern(value, where);
    } else {
      throw new Error(`Event pattern field ${where} must be an array or an object, not ${JSON.stringify(value)}.`);
    }
  }
}

export function matches(pattern: EventPattern, event: unknown): boolean {
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = event[field];
    if (Array.isArray(expected)) {
      const values: unknown[] = Array.isArray(actual) ? actual : [actual];
      return values.some((v) => (expected as readonly unknown[]).includes(v));
    }
    return matches(expected as EventPattern, actual);
  });
}
