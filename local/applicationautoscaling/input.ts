/**
 * Readers of decoded request members. The local AWS server has validated the request against
 * `@aws-sdk/client-application-auto-scaling`'s schema (required and unknown members, types, enums) already, so these
 * only narrow types. JSON 1.1 members are PascalCase.
 */
export type Input = Readonly<Record<string, unknown>>;

export function text(input: Input, member: string): string | undefined {
  const value = input[member];
  return typeof value === 'string' ? value : undefined;
}

export function requiredText(input: Input, member: string): string {
  return text(input, member) ?? '';
}

export function integer(input: Input, member: string): number | undefined {
  const value = input[member];
  return typeof value === 'number' ? value : undefined;
}

export function flag(input: Input, member: string): boolean | undefined {
  const value = input[member];
  return typeof value === 'boolean' ? value : undefined;
}

export function structure(input: Input, member: string): Input | undefined {
  const value = input[member];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Input) : undefined;
}

export function texts(input: Input, member: string): string[] | undefined {
  const value = input[member];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

export function textMap(input: Input, member: string): Record<string, string> | undefined {
  const value = structure(input, member);
  if (value === undefined) return undefined;
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
