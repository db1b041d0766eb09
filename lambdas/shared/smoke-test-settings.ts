/**
 * The `smokeTest` block of the deploy-green input, shared by validate-input (which checks it before anything is
 * touched) and smoke-test (which runs it once green serves the test listener).
 */
import { RE2JS } from 're2js';
import { z } from 'zod';
import { INPUT_STRING_MAX_LENGTH, SMOKE_TEST_INPUT_FIELDS, SMOKE_TEST_MAX_PATHS } from '../../contract';
import { echo, show } from './errors';

export const SMOKE_TEST_DEFAULTS = { expectStatus: 200, attempts: 3 } as const;
export const SMOKE_TEST_LIMITS = {
  maxPaths: SMOKE_TEST_MAX_PATHS,
  maxPathLength: INPUT_STRING_MAX_LENGTH.smokeTestPath,
  maxAttempts: 10,
  maxPatternLength: INPUT_STRING_MAX_LENGTH.smokeTestBodyPattern,
};

export interface SmokeTestSettings {
  /** Paths GET on the test listener, each starting with '/'. */
  readonly paths: readonly string[];
  /** HTTP status every path must answer with. */
  readonly expectStatus: number;
  /** An RE2 regular expression (bodyPatternMatcher()) every response body must match, when given. */
  readonly bodyPattern?: string;
  /** Tries per path before the smoke test fails. */
  readonly attempts: number;
}

/** Builds a zod error option whose message is `describe(value)`, so every check of a field says the same thing. */
export function says(describe: (value: unknown) => string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => describe(issue.input) };
}

/**
 * bodyPattern is matched with RE2 (re2js, a pure-JavaScript port of RE2), not with JavaScript's RegExp. RegExp
 * backtracks: a pattern such as `^(a+)+$` takes time exponential in the body's length (13 s for 28 characters), and a
 * body is whatever green answers. RE2 matches in time linear in the body for every pattern it accepts, so no pattern
 * and no body can stall the smoke test; by construction, not by a timeout. The price is RE2's syntax: the JavaScript
 * syntax without backreferences (`\\1`) and lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`), which RE2 refuses at
 * validation with a message naming the construct. Rejecting "dangerous" patterns and keeping RegExp was the other
 * choice; no static check catches every super-linear pattern (`(a|a)*$`, `\\d+\\d+\\d+$`), so it would not have been a
 * guarantee.
 */
export function bodyPatternMatcher(source: string): { test(body: string): boolean } {
  return RE2JS.compile(source);
}

/** Why RE2 refuses `source` (escaped and cut, as messages repeat it), or undefined when it compiles. */
export function regExpProblem(source: string): string | undefined {
  try {
    bodyPatternMatcher(source);
    return undefined;
  } catch (error) {
    return echo((error as Error).message);
  }
}

const isValidRegExp = (source: string): boolean => regExpProblem(source) === undefined;

const describePaths = (value: unknown): string =>
  `smokeTest.paths is ${show(value)} but must be a list of 1 to ${SMOKE_TEST_LIMITS.maxPaths} URL paths, each starting with '/'. ` +
  `Give the pages green must serve, for example "paths": ["/", "/healthz"].`;
const describePath =
  (index: string) =>
  (value: unknown): string =>
    `smokeTest.paths[${index}] is ${show(value)} but must be a path starting with '/' (at most ${SMOKE_TEST_LIMITS.maxPathLength} characters, no spaces), ` +
    `for example "/healthz". Write it relative to the test listener, without the scheme and host.`;
const describeStatus = (value: unknown): string =>
  `smokeTest.expectStatus is ${show(value)} but must be a whole HTTP status code from 100 to 599. ` +
  `Omit it to expect ${SMOKE_TEST_DEFAULTS.expectStatus}.`;
const describePattern = (value: unknown): string => {
  const why = typeof value === 'string' ? regExpProblem(value) : undefined;
  return (
    `smokeTest.bodyPattern is ${show(value)} but must be an RE2 regular expression${why ? ` (${why})` : ''} of at most ` +
    `${SMOKE_TEST_LIMITS.maxPatternLength} characters, without slashes or flags, for example "colour: (blue|green)": ` +
    `JavaScript's syntax without backreferences (\\1) or lookaround ((?=, (?!, (?<=, (?<!), so that matching takes time linear in the body. ` +
    `Escape special characters such as ( [ . with a backslash, or omit it to accept any body.`
  );
};
const describeAttempts = (value: unknown): string =>
  `smokeTest.attempts is ${show(value)} but must be a whole number from 1 to ${SMOKE_TEST_LIMITS.maxAttempts} (tries per path). ` +
  `Omit it to use ${SMOKE_TEST_DEFAULTS.attempts}.`;
const describeBlock = (value: unknown): string =>
  `smokeTest is ${show(value)} but must be an object such as {"paths": ["/"], "expectStatus": 200}. Omit it to skip the smoke test.`;

export const SMOKE_TEST_FIELDS = SMOKE_TEST_INPUT_FIELDS;

export const smokeTestSchema = z
  .object(
    {
      paths: z
        .array(
          z
            .string(says((v) => describePath('?')(v)))
            .max(SMOKE_TEST_LIMITS.maxPathLength)
            .regex(/^\/\S*$/),
          says(describePaths),
        )
        .min(1, says(describePaths))
        .max(SMOKE_TEST_LIMITS.maxPaths, says(describePaths)),
      expectStatus: z
        .number(says(describeStatus))
        .int(says(describeStatus))
        .min(100, says(describeStatus))
        .max(599, says(describeStatus))
        .default(SMOKE_TEST_DEFAULTS.expectStatus),
      bodyPattern: z
        .string(says(describePattern))
        .max(SMOKE_TEST_LIMITS.maxPatternLength, says(describePattern))
        .refine(isValidRegExp, says(describePattern))
        .optional(),
      attempts: z
        .number(says(describeAttempts))
        .int(says(describeAttempts))
        .min(1, says(describeAttempts))
        .max(SMOKE_TEST_LIMITS.maxAttempts, says(describeAttempts))
        .default(SMOKE_TEST_DEFAULTS.attempts),
    },
    says(describeBlock),
  )
  .strict();

/**
 * One message per offending field of a smokeTest block (zod reports an issue per failed check; a field's checks all
 * describe it the same way). Paths inside the list are numbered here, where the index is known.
 */
export function smokeTestProblem(path: readonly PropertyKey[], message: string, raw: unknown): string {
  if (path[0] === 'paths' && typeof path[1] === 'number') {
    const value = Array.isArray(raw) ? (raw as unknown[])[path[1]] : undefined;
    return describePath(String(path[1]))(value);
  }
  return message;
}

/** Edit distance of `a` and `b` (case-insensitive), for "did you mean". */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/** The known field `key` is most likely a misspelling of, if one is close enough. */
export function closestField(key: string, known: readonly string[]): string | undefined {
  let best: { field: string; distance: number } | undefined;
  for (const field of known) {
    // A key much longer than every field is no misspelling of one (and is not worth comparing).
    if (key.length > field.length * 2 + 3) continue;
    const d = distance(key, field);
    if (d <= Math.max(2, Math.floor(field.length / 3)) && (best === undefined || d < best.distance)) {
      best = { field, distance: d };
    }
  }
  return best?.field;
}

/**
 * The refusal of an input field `key` (under `where`, e.g. `smokeTest.`) that `owner` (e.g. swap) does not know:
 * the known fields, and the one it most likely misspells.
 */
export function unknownFieldProblem(where: string, key: string, allowed: readonly string[], owner: string): string {
  const guess = closestField(key, allowed);
  return (
    `Input field '${where}${echo(key)}' is not known to ${owner}; known fields: ${allowed.join(', ')}. ` +
    (guess ? `Did you mean ${where}${guess}?` : 'Remove it, or fix its spelling.')
  );
}
