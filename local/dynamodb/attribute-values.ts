/**
 * AttributeValue checks and semantics: exactly one data type, valid numbers (normalised), non-empty sets without
 * duplicates; equality (sets compare as sets, numbers numerically) and ordering (S, N, B only).
 */
import { validation } from './errors';
import type { AttributeType, AttributeValue, Item } from './model';
import { compareNumbers, normaliseNumber } from './numbers';

const TYPES: readonly AttributeType[] = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'];
const SET_NAMES: Readonly<Record<string, string>> = { SS: 'string', NS: 'number', BS: 'binary' };

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export function typeOf(value: AttributeValue): AttributeType {
  return Object.keys(value)[0] as AttributeType;
}

function set(values: unknown, type: 'SS' | 'NS' | 'BS'): string[] {
  const list = Array.isArray(values) ? values : [];
  if (list.length === 0)
    throw validation(`One or more parameter values were invalid: An ${SET_NAMES[type]} set  may not be empty`);
  const normalised = list.map((v) => (type === 'NS' ? normaliseNumber(String(v)) : String(v)));
  if (new Set(normalised).size !== normalised.length) {
    throw validation(
      `One or more parameter values were invalid: Input collection [${list.map(String).join(', ')}] contains duplicates.`,
    );
  }
  return normalised;
}

/**
 * Checks one AttributeValue as it arrived on the wire and returns the stored form (numbers normalised).
 * Type errors of members (a number where a string belongs, …) were already refused by the schema validation.
 */
export function checkedValue(raw: unknown): AttributeValue {
  if (!isObject(raw))
    throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  const present = TYPES.filter((t) => raw[t] !== undefined && raw[t] !== null);
  if (present.length === 0) {
    throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  }
  if (present.length > 1) {
    throw validation(
      'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes',
    );
  }
  const type = present[0] as AttributeType;
  const value = raw[type];
  switch (type) {
    case 'S':
    case 'B':
      return { [type]: String(value) } as AttributeValue;
    case 'N':
      return { N: normaliseNumber(String(value)) };
    case 'SS':
    case 'NS':
    case 'BS':
      return { [type]: set(value, type) } as unknown as AttributeValue;
    case 'BOOL':
      return { BOOL: value === true };
    case 'NULL':
      if (value !== true)
        throw validation(
          'One or more parameter values were invalid: Null attribute value types must have the value of true',
        );
      return { NULL: true };
    case 'M':
      return { M: checkedItem(value) };
    case 'L':
      return { L: (Array.isArray(value) ? value : []).map((v) => checkedValue(v)) };
  }
}

export function checkedItem(raw: unknown): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (!isObject(raw)) return out;
  for (const [name, value] of Object.entries(raw)) out[name] = checkedValue(value);
  return out;
}

function sameSet(a: readonly string[], b: readonly string[], numeric: boolean): boolean {
  if (a.length !== b.length) return false;
  return a.every((x) => b.some((y) => (numeric ? compareNumbers(x, y) === 0 : x === y)));
}

export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  const type = typeOf(a);
  if (type !== typeOf(b)) return false;
  const x = (a as Record<string, unknown>)[type];
  const y = (b as Record<string, unknown>)[type];
  switch (type) {
    case 'N':
      return compareNumbers(String(x), String(y)) === 0;
    case 'SS':
    case 'BS':
    case 'NS':
      return sameSet(x as string[], y as string[], type === 'NS');
    case 'M': {
      const mx = x as Item;
      const my = y as Item;
      const keys = Object.keys(mx);
      if (keys.length !== Object.keys(my).length) return false;
      return keys.every((k) => my[k] !== undefined && valuesEqual(mx[k] as AttributeValue, my[k]));
    }
    case 'L': {
      const lx = x as AttributeValue[];
      const ly = y as AttributeValue[];
      return lx.length === ly.length && lx.every((v, i) => valuesEqual(v, ly[i] as AttributeValue));
    }
    default:
      return x === y;
  }
}

/** Ordering for <, <=, >, >=: a number, or undefined when the two values cannot be ordered (the comparison is false). */
export function orderValues(a: AttributeValue, b: AttributeValue): number | undefined {
  const type = typeOf(a);
  if (type !== typeOf(b)) return undefined;
  const x = String((a as Record<string, unknown>)[type]);
  const y = String((b as Record<string, unknown>)[type]);
  switch (type) {
    case 'N':
      return compareNumbers(x, y);
    case 'S':
      // DynamoDB orders strings by their UTF-8 bytes.
      return Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8'));
    case 'B':
      return Buffer.compare(Buffer.from(x, 'base64'), Buffer.from(y, 'base64'));
    default:
      return undefined;
  }
}

export function cloneValue<T extends AttributeValue | Item>(value: T): T {
  return structuredClone(value);
}
