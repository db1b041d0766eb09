/**
 * The `smokeTest` block of the deploy-green input, shared by validate-input (which checks it before anything is
 * touched) and smoke-test (which runs it once green serves the test listener).
 */
import { z } from 'zod';
import { show } from './errors';

export const SMOKE_TEST_DEFAULTS = { expectStatus: 200, attempts: 3 } as const;
export const SMOKE_TEST_LIMITS = { maxPaths: 20, maxPathLength: 1024, maxAttempts: 10, maxPatternLength: 1000 };

export interface SmokeTestSettings {
  /** Paths GET on the test listener, each starting with '/'. */
  readonly paths: readonly string[];
  /** HTTP status every path must answer with. */
  readonly expectStatus: number;
  /** A RegExp source every response body must match, when given. */
  readonly bodyPattern?: string;
  /** Tries per path before the smoke test fails. */
  readonly attempts: number;
}

/** Builds a zod error option whose message is `describe(value)`, so every check of a field says the same thing. */
export function says(describe: (value: unknown) => string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => describe(issue.input) };
}

const isValidRegExp = (source: string): boolean => regExpProblem(source) === undefined;

export function regExpProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

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
    `smokeTest.bodyPattern is ${show(value)} but must be a valid JavaScript regular expression source` +
    `${why ? ` (${why})` : ''} of at most ${SMOKE_TEST_LIMITS.maxPatternLength} characters, without slashes or flags, ` +
    `for example "colour: (blue|green)". Escape special characters such as ( [ . with a backslash, or omit it to accept any body.`
  );
};
const describeAttempts = (value: unknown): string =>
  `smokeTest.attempts is ${show(value)} but must be a whole number from 1 to ${SMOKE_TEST_LIMITS.maxAttempts} (tries per path). ` +
  `Omit it to use ${SMOKE_TEST_DEFAULTS.attempts}.`;
const describeBlock = (value: unknown): string =>
  `smokeTest is ${show(value)} but must be an object such as {"paths": ["/"], "expectStatus": 200}. Omit it to skip the smoke test.`;

export const SMOKE_TEST_FIELDS = ['paths', 'expectStatus', 'bodyPattern', 'attempts'] as const;

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

export function unknownFieldProblem(where: string, key: string, allowed: readonly string[]): string {
  return `${where}${key} is given but is not a known field; allowed fields are ${allowed.join(', ')}. Remove it, or fix its spelling.`;
}
