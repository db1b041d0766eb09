/**
 * The result shape of a JSONPath on AWS Step Functions, which evaluates paths with Jayway JsonPath: a definite path
 * (only names and single indexes) yields one value and fails (States.Runtime) when nothing is there; an indefinite
 * path (a wildcard `[*]` / `.*`, a deep scan `..`, a filter `[?(…)]`, a slice or a union) yields an array of every
 * match, and an empty array when nothing matches (aws/aws-step-functions users rely on `$.items[?(@.x == 'y')]`
 * being `[]` when none does).
 *
 * aws-local-stepfunctions evaluates paths with jsonpath-plus (`wrap: false`), which keeps the array of an indefinite
 * path's matches, one match included, but gives `undefined` for none, which the library then reports as "does not
 * point to a value". `indefiniteEmpty` is what AWS returns there instead.
 */

/** The path with its quoted names and filter strings blanked, so their characters are not read as syntax. */
function withoutQuotedText(path: string): string {
  return path.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
}

const INDEFINITE = /\[\s*\*\s*\]|\.\*|\.\.|\[\s*\?|\[[^\]]*[:,][^\]]*\]/;

/** True for a path that may match several values (Jayway's `isDefinite()` is false). */
export function isIndefinitePath(path: string): boolean {
  return INDEFINITE.test(withoutQuotedText(path));
}

/**
 * The value AWS gives where jsonpath-plus found nothing: `[]` for an indefinite path; `undefined` (the library then
 * fails the state with States.Runtime, as AWS does) for a definite one.
 */
export function indefiniteEmpty(path: string): unknown[] | undefined {
  return isIndefinitePath(path) ? [] : undefined;
}
