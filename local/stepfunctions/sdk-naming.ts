/**
 * How Step Functions' aws-sdk integrations name things: Parameters and results use PascalCase member names even when
 * the API is camelCase (ECS `taskSet` ↔ `TaskSet`); timestamps in results are ISO-8601 strings. Renaming follows the
 * SDK schema shape by shape, so keys inside map shapes (dockerLabels, tag maps, options) are never touched.
 */
import { shapeOf } from './sdk-schema';

/** Thrown when Parameters name a member the API does not have (a bug in the state machine, not a service error). */
export class UnknownParameterError extends Error {
  override readonly name = 'UnknownParameterError';
}

export function pascalCase(memberName: string): string {
  return memberName.charAt(0).toUpperCase() + memberName.slice(1);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

function memberForParameter(members: ReadonlyMap<string, unknown>, key: string): string | undefined {
  for (const member of members.keys()) if (pascalCase(member) === key) return member;
  return undefined;
}

/** Step Functions Parameters (PascalCase, JSON) → the SDK command input (member names, Date timestamps). */
export function toSdkInput(value: unknown, schema: unknown, path = 'Parameters'): unknown {
  const shape = shapeOf(schema);
  switch (shape.kind) {
    case 'structure': {
      if (!isPlainObject(value)) return value;
      const input: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        const member = memberForParameter(shape.members, key);
        if (member === undefined) {
          const expected = [...shape.members.keys()].map(pascalCase).join(', ');
          throw new UnknownParameterError(`${path}.${key} is not a member of ${shape.name} (members: ${expected})`);
        }
        input[member] = toSdkInput(child, shape.members.get(member), `${path}.${key}`);
      }
      return input;
    }
    case 'list':
      return Array.isArray(value) ? value.map((item, i) => toSdkInput(item, shape.member, `${path}[${i}]`)) : value;
    case 'map':
      return isPlainObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toSdkInput(v, shape.value, `${path}.${k}`)]))
        : value;
    case 'timestamp':
      if (typeof value === 'string') return new Date(value);
      // Epoch seconds, as AWS JSON protocols use.
      if (typeof value === 'number') return new Date(value * 1000);
      return value;
    default:
      return value;
  }
}

/** An SDK command output → the Step Functions task result (PascalCase, ISO-8601 timestamps, no `$metadata`). */
export function fromSdkOutput(value: unknown, schema: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  const shape = shapeOf(schema);
  switch (shape.kind) {
    case 'structure': {
      if (!isPlainObject(value)) return value;
      const result: Record<string, unknown> = {};
      for (const [member, child] of Object.entries(value)) {
        if (member === '$metadata' || child === undefined) continue;
        result[pascalCase(member)] = fromSdkOutput(child, shape.members.get(member));
      }
      return result;
    }
    case 'list':
      return Array.isArray(value) ? value.map((item) => fromSdkOutput(item, shape.member)) : value;
    case 'map':
      return isPlainObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromSdkOutput(v, shape.value)]))
        : value;
    default:
      return toJsonValue(value);
  }
}

function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value;
}

/**
 * Problems in the literal part of a Parameters template: member names the API does not have. Keys ending in `.$` are
 * checked by name only, since their value is known at run time.
 */
export function parameterTemplateProblems(template: unknown, schema: unknown, path: string): string[] {
  const shape = shapeOf(schema);
  if (shape.kind === 'structure' && isPlainObject(template)) {
    return Object.entries(template).flatMap(([key, child]) => {
      const dynamic = key.endsWith('.$');
      const name = dynamic ? key.slice(0, -2) : key;
      const member = memberForParameter(shape.members, name);
      if (member === undefined) {
        const expected = [...shape.members.keys()].map(pascalCase).join(', ');
        return [`${path}: the field '${name}' is not supported for ${shape.name} (expected one of: ${expected})`];
      }
      return dynamic ? [] : parameterTemplateProblems(child, shape.members.get(member), `${path}.${name}`);
    });
  }
  if (shape.kind === 'list' && Array.isArray(template)) {
    return template.flatMap((item, i) => parameterTemplateProblems(item, shape.member, `${path}[${i}]`));
  }
  if (shape.kind === 'map' && isPlainObject(template)) {
    return Object.entries(template).flatMap(([key, child]) =>
      key.endsWith('.$') ? [] : parameterTemplateProblems(child, shape.value, `${path}.${key}`),
    );
  }
  return [];
}
