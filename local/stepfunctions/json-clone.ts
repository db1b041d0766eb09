/**
 * Deep copy of JSON data (definitions, inputs). Deliberately not `structuredClone`: where that function comes from
 * another realm (jest's node environment copies it in from the outer context), its copies have a foreign
 * Object.prototype, and aws-local-stepfunctions' `isPlainObj` check then silently skips nested Parameters/ItemSelector
 * templates, leaving keys such as `"Image.$"` unevaluated.
 */
export function jsonClone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
