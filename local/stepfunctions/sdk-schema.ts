/**
 * Reads the static Smithy schemas shipped inside the SDK v3 client packages (`dist-es/schemas` and the bundles, exported from the
 * package as `<Shape>$`), so parameters and results can be renamed shape by shape exactly as Step Functions does,
 * without a hand-written member list that would drift from the SDK.
 *
 * Static schema forms (see @smithy/types static-schemas): a number (simple type, with list/map modifier bits), a
 * function returning a schema (lazy reference), a member pair `[ref, traits]`, or a tuple whose first element says
 * what it is: 0 simple, 1 list, 2 map, 3 structure, 4 union, -3 error, 9 operation.
 */

const LIST_MODIFIER = 0b0100_0000;
const MAP_MODIFIER = 0b1000_0000;
const TIMESTAMP_CODES = new Set([0b0100, 0b0101, 0b0110, 0b0111]);
const BLOB_CODES = new Set([0b0001_0101, 0b0010_1010]);

export type Shape =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'blob' }
  | { readonly kind: 'list'; readonly member: unknown }
  | { readonly kind: 'map'; readonly value: unknown }
  | { readonly kind: 'structure'; readonly name: string; readonly members: ReadonlyMap<string, unknown> };

export interface OperationSchema {
  readonly input: unknown;
  readonly output: unknown;
}

function simple(code: number): Shape {
  if (code & MAP_MODIFIER) return { kind: 'map', value: code & ~MAP_MODIFIER };
  if (code & LIST_MODIFIER) return { kind: 'list', member: code & ~LIST_MODIFIER };
  if (TIMESTAMP_CODES.has(code)) return { kind: 'timestamp' };
  if (BLOB_CODES.has(code)) return { kind: 'blob' };
  // Strings, numbers, booleans, big numbers and documents travel unchanged.
  return { kind: 'scalar' };
}

/** Resolves any schema reference to the shape the renaming needs. */
export function shapeOf(ref: unknown): Shape {
  if (typeof ref === 'number') return simple(ref);
  if (typeof ref === 'function') return shapeOf((ref as () => unknown)());
  if (!Array.isArray(ref)) return { kind: 'scalar' };
  const tuple = ref as readonly unknown[];
  if (tuple.length === 2) return shapeOf(tuple[0]); // member pair [ref, traits]
  switch (tuple[0]) {
    case 0:
      return shapeOf(tuple[4]);
    case 1:
      return { kind: 'list', member: tuple[4] };
    case 2:
      return { kind: 'map', value: tuple[5] };
    case 3:
    case 4:
    case -3: {
      const names = (tuple[4] ?? []) as readonly string[];
      const refs = (tuple[5] ?? []) as readonly unknown[];
      return { kind: 'structure', name: String(tuple[2]), members: new Map(names.map((n, i) => [n, refs[i]])) };
    }
    default:
      return { kind: 'scalar' };
  }
}

/** The operation schema (`CreateTaskSet$`) exported by a client package, or undefined when there is no such operation. */
export function operationSchema(
  sdkModule: Readonly<Record<string, unknown>>,
  operation: string,
): OperationSchema | undefined {
  const schema = sdkModule[`${operation}$`];
  if (!Array.isArray(schema) || schema[0] !== 9) return undefined;
  return { input: schema[4], output: schema[5] };
}

/** Error shapes of a client package: error code (model name and any awsQueryError code) → model name. */
export function modeledErrors(sdkModule: Readonly<Record<string, unknown>>): ReadonlyMap<string, string> {
  const errors = new Map<string, string>();
  for (const [exportName, value] of Object.entries(sdkModule)) {
    if (!exportName.endsWith('$') || !Array.isArray(value) || value[0] !== -3) continue;
    const name = String(value[2]);
    // The synthetic `<Service>ServiceException` base class is not a modeled error.
    if (name.endsWith('ServiceException')) continue;
    errors.set(name, name);
    const traits: unknown = value[3];
    if (traits !== null && typeof traits === 'object') {
      const queryError = (traits as Record<string, unknown>)['awsQueryError'];
      if (Array.isArray(queryError) && typeof queryError[0] === 'string') errors.set(queryError[0], name);
    }
  }
  return errors;
}
