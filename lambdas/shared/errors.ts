/**
 * Errors the deployment functions throw. Lambda reports a thrown error's `name` as its error type, and the Step
 * Functions lambda:invoke integration turns that into the Task's error, so these names are what ASL Catchers match.
 */

export const INVALID_INPUT = 'BlueGreen.InvalidInput';
export const SMOKE_TEST_FAILED = 'BlueGreen.SmokeTestFailed';

export type BlueGreenErrorName = typeof INVALID_INPUT | typeof SMOKE_TEST_FAILED;

export class BlueGreenError extends Error {
  /** One sentence per problem; `message` is all of them joined. */
  public readonly problems: readonly string[];

  constructor(name: BlueGreenErrorName, problems: readonly string[]) {
    super(problems.join(' '));
    this.name = name;
    this.problems = problems;
  }
}

/** A value as it appears in messages: strings quoted, everything else as JSON, long values cut. */
export function show(value: unknown, max = 120): string {
  let text: string;
  if (typeof value === 'string') text = `'${value}'`;
  else if (value === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
