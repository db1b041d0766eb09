/**
 * Readers for decoded request members. The local AWS server has already validated the request against
 * `@aws-sdk/client-cloudwatch`'s schema (required and unknown members, types, enums) on either wire (JSON 1.0 or
 * query), so these only narrow types. Both wires use the same PascalCase member names.
 */
export type Input = Readonly<Record<string, unknown>>;

export const str = (input: Input, member: string): string | undefined => {
  const value = input[member];
  return typeof value === 'string' ? value : undefined;
};

export const num = (input: Input, member: string): number | undefined => {
  const value = input[member];
  return typeof value === 'number' ? value : undefined;
};

export const bool = (input: Input, member: string): boolean | undefined => {
  const value = input[member];
  return typeof value === 'boolean' ? value : undefined;
};

export function list<T>(input: Input, member: string): T[] | undefined {
  const value = input[member];
  return Array.isArray(value) ? (value as T[]) : undefined;
}

/** A timestamp member as epoch milliseconds: JSON 1.0 sends epoch seconds, the query protocol ISO-8601. */
export function timestamp(input: Input, member: string): number | undefined {
  const value = input[member];
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') return new Date(value).getTime();
  return undefined;
}
