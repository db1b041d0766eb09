/**
 * Readers for decoded JSON request members. The SDK does not enforce required members or types, so the service
 * does, with the InvalidParameterException AWS returns for a malformed request.
 */
import { invalidParameter } from './errors';
import type { Tag } from './model';

export type Input = Readonly<Record<string, unknown>>;

export function optionalString(input: Input, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${member} must be a string.`);
  return value;
}

export function requiredString(input: Input, member: string): string {
  const value = optionalString(input, member);
  if (value === undefined || value.trim() === '') throw invalidParameter(`${member} can not be blank.`);
  return value;
}

export function optionalNumber(input: Input, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidParameter(`${member} must be a number.`);
  return value;
}

export function optionalBoolean(input: Input, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidParameter(`${member} must be a boolean.`);
  return value;
}

export function optionalArray(input: Input, member: string): unknown[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidParameter(`${member} must be a list.`);
  return value as unknown[];
}

export function optionalObject(input: Input, member: string): Input | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(`${member} must be an object.`);
  return value as Input;
}

export function stringList(input: Input, member: string): string[] | undefined {
  const list = optionalArray(input, member);
  if (list === undefined) return undefined;
  return list.map((item) => {
    if (typeof item !== 'string') throw invalidParameter(`${member} must be a list of strings.`);
    return item;
  });
}

/** ECS tags are `{key, value}` (lowercase, unlike most services). */
export function tags(input: Input, member = 'tags'): Tag[] {
  const list = optionalArray(input, member) ?? [];
  return list.map((item) => {
    const tag = (item ?? {}) as Input;
    const key = requiredString(tag, 'key');
    return { key, value: optionalString(tag, 'value') ?? '' };
  });
}

/** Whether a member was sent at all (UpdateService rejects members an EXTERNAL service cannot change). */
export function isPresent(input: Input, member: string): boolean {
  return input[member] !== undefined && input[member] !== null;
}
