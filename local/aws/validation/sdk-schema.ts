/**
 * Reads the service schemas that each AWS SDK v3 client ships (the `…$` exports, e.g. `CreateTaskSetRequest$`) into
 * a small tree the validator and the query decoder can walk. The SDK encodes shapes compactly: a number for simple
 * types (0 string, 1 number, 2 boolean, 4-7 timestamp, 15 document, 21/42 blob, `64|x` list of x, `128|x` map of x),
 * arrays `[kind, namespace, name, traits, …]` for composite shapes, `[ref, traits]` for member references, and
 * functions for lazy references. Member lists come first-required: the last element says how many are required.
 */

export type Shape =
  | { readonly kind: 'string' | 'number' | 'boolean' | 'timestamp' | 'blob' | 'document' }
  | { readonly kind: 'list'; readonly member: () => Shape }
  | { readonly kind: 'map'; readonly value: () => Shape }
  | {
      readonly kind: 'structure' | 'union';
      readonly name: string;
      readonly members: ReadonlyMap<string, ShapeMember>;
    };

export interface ShapeMember {
  readonly required: boolean;
  readonly shape: () => Shape;
}

export interface OperationSchema {
  readonly name: string;
  readonly input: Shape;
}

const LIST_MODIFIER = 64;
const MAP_MODIFIER = 128;

/** Kinds of composite schema arrays, as the SDK numbers them. */
const COMPOSITE = { simple: 0, list: 1, map: 2, structure: 3, union: 4, error: -3, operation: 9 } as const;

function simpleShape(code: number): Shape {
  if (code >= MAP_MODIFIER) return { kind: 'map', value: () => simpleShape(code - MAP_MODIFIER) };
  if (code >= LIST_MODIFIER) return { kind: 'list', member: () => simpleShape(code - LIST_MODIFIER) };
  switch (code) {
    case 1:
    case 17: // BigInteger
    case 19: // BigDecimal
      return { kind: 'number' };
    case 2:
      return { kind: 'boolean' };
    case 4:
    case 5:
    case 6:
    case 7:
      return { kind: 'timestamp' };
    case 15:
      return { kind: 'document' };
    case 21:
    case 42:
      return { kind: 'blob' };
    default:
      return { kind: 'string' };
  }
}

/** Turns one SDK schema reference (number, lazy function, member tuple or composite array) into a Shape. */
export function toShape(ref: unknown): Shape {
  if (typeof ref === 'function') return toShape((ref as () => unknown)());
  if (typeof ref === 'number') return simpleShape(ref);
  if (!Array.isArray(ref)) throw new Error(`Unrecognised SDK schema reference: ${String(ref)}`);
  // A member reference is `[schema, traits]`; a composite schema has its namespace (a string) second.
  if (typeof ref[1] !== 'string') return toShape(ref[0]);
  const kind = ref[0] as number;
  const name = ref[2] as string;
  switch (kind) {
    case COMPOSITE.simple:
      return toShape(ref[4]);
    case COMPOSITE.list:
      return { kind: 'list', member: () => toShape(ref[4]) };
    case COMPOSITE.map:
      return { kind: 'map', value: () => toShape(ref[5]) };
    case COMPOSITE.structure:
    case COMPOSITE.union:
    case COMPOSITE.error: {
      const names = (ref[4] ?? []) as string[];
      const refs = (ref[5] ?? []) as unknown[];
      const requiredCount = typeof ref[6] === 'number' ? ref[6] : 0;
      const members = new Map<string, ShapeMember>();
      names.forEach((memberName, i) => {
        members.set(memberName, { required: i < requiredCount, shape: () => toShape(refs[i]) });
      });
      return { kind: kind === COMPOSITE.union ? 'union' : 'structure', name, members };
    }
    default:
      throw new Error(`Unsupported SDK schema kind ${kind} for ${name}`);
  }
}

/** The input shape of `operation` from a client module's exports, or undefined if the service has no such operation. */
export function operationSchema(
  clientExports: Record<string, unknown>,
  operation: string,
): OperationSchema | undefined {
  const op = clientExports[`${operation}$`];
  if (!Array.isArray(op) || op[0] !== COMPOSITE.operation) return undefined;
  return { name: operation, input: toShape(op[4]) };
}
