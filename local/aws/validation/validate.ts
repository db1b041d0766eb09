/**
 * Generic request validation against an SDK service schema: required members, unknown members, member types and enum
 * values. JSON protocols hand over parsed JSON; the query protocol hands over the raw tree of form fields (strings,
 * with `member.N` / `entry.N` levels for lists and maps), which this walk also converts to typed values.
 */
import type { Shape } from './sdk-schema';
import type { EnumIndex } from './sdk-enums';

export type IssueKind = 'missing' | 'unknown' | 'type' | 'enum';

export interface ValidationIssue {
  readonly kind: IssueKind;
  /** Member path as AWS prints it, e.g. `targets.1.member.id`. */
  readonly path: string;
  readonly message: string;
}

export interface ValidationResult {
  /** The input with query strings converted to numbers, booleans, arrays and objects (timestamps stay as sent). */
  readonly value: Record<string, unknown>;
  readonly issues: readonly ValidationIssue[];
}

export interface ValidateOptions {
  readonly wire: 'json' | 'query';
  readonly enums: EnumIndex;
}

type Raw = unknown;

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
const join = (parent: string, child: string): string => (parent ? `${parent}.${child}` : child);
const describeValue = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

class Walker {
  readonly issues: ValidationIssue[] = [];

  constructor(private readonly options: ValidateOptions) {}

  private issue(kind: IssueKind, path: string, message: string): undefined {
    this.issues.push({ kind, path, message });
    return undefined;
  }

  /** Query lists arrive as `{ member: { '1': …, '2': … } }`, or '' for an empty list. */
  private queryEntries(raw: Raw, level: 'member' | 'entry', path: string): Raw[] | undefined {
    if (raw === '') return [];
    if (!isPlainObject(raw) || !isPlainObject(raw[level])) {
      return this.issue('type', path, `Value at '${path}' must be a list (${level}.N)`);
    }
    const byIndex = raw[level];
    const indexes = Object.keys(byIndex)
      .map(Number)
      .sort((a, b) => a - b);
    if (indexes.some((n, i) => n !== i + 1)) {
      return this.issue('type', path, `Value at '${path}' must number its ${level}s 1, 2, 3, … without gaps`);
    }
    return indexes.map((n) => byIndex[String(n)]);
  }

  walk(shape: Shape, raw: Raw, path: string, enumValues?: readonly string[]): unknown {
    const query = this.options.wire === 'query';
    switch (shape.kind) {
      case 'string':
        if (typeof raw !== 'string') return this.issue('type', path, `Value at '${path}' must be a string`);
        if (enumValues && !enumValues.includes(raw)) {
          return this.issue(
            'enum',
            path,
            `Value ${describeValue(raw)} at '${path}' failed to satisfy constraint: ` +
              `Member must satisfy enum value set: [${enumValues.join(', ')}]`,
          );
        }
        return raw;
      case 'number': {
        const n = query && typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
        if (typeof n !== 'number' || !Number.isFinite(n)) {
          return this.issue('type', path, `Value ${describeValue(raw)} at '${path}' must be a number`);
        }
        return n;
      }
      case 'boolean': {
        const b = query && (raw === 'true' || raw === 'false') ? raw === 'true' : raw;
        if (typeof b !== 'boolean') {
          return this.issue('type', path, `Value ${describeValue(raw)} at '${path}' must be a boolean`);
        }
        return b;
      }
      case 'timestamp': {
        // JSON 1.x sends epoch seconds, query ISO-8601; services get the wire value, checked here.
        const date = typeof raw === 'number' ? new Date(raw * 1000) : typeof raw === 'string' ? new Date(raw) : null;
        if (!date || Number.isNaN(date.getTime())) {
          return this.issue('type', path, `Value ${describeValue(raw)} at '${path}' must be a timestamp`);
        }
        return raw;
      }
      case 'blob':
        if (typeof raw !== 'string') return this.issue('type', path, `Value at '${path}' must be base64 text`);
        return raw;
      case 'document':
        return raw;
      case 'list': {
        const items = query ? this.queryEntries(raw, 'member', path) : Array.isArray(raw) ? raw : undefined;
        if (!items) return query ? undefined : this.issue('type', path, `Value at '${path}' must be a list`);
        const member = shape.member();
        return items.map((item, i) => this.walk(member, item, `${path}.${i + 1}.member`, enumValues));
      }
      case 'map': {
        const value = shape.value();
        if (query) {
          const entries = this.queryEntries(raw, 'entry', path);
          if (!entries) return undefined;
          const out: Record<string, unknown> = {};
          entries.forEach((entry, i) => {
            const key = isPlainObject(entry) ? entry['key'] : undefined;
            if (typeof key !== 'string') return this.issue('type', `${path}.${i + 1}.key`, `Map entry needs a key`);
            out[key] = this.walk(value, isPlainObject(entry) ? entry['value'] : undefined, join(path, key));
          });
          return out;
        }
        if (!isPlainObject(raw)) return this.issue('type', path, `Value at '${path}' must be a map`);
        return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, this.walk(value, v, join(path, k))]));
      }
      case 'structure':
      case 'union':
        return this.walkStructure(shape, raw, path);
    }
  }

  private walkStructure(shape: Extract<Shape, { kind: 'structure' | 'union' }>, raw: Raw, path: string): unknown {
    if (!isPlainObject(raw)) return this.issue('type', path, `Value at '${path}' must be a structure`);
    const out: Record<string, unknown> = {};
    const enums = this.options.enums.get(shape.name);
    for (const [name, member] of shape.members) {
      const memberPath = join(path, lowerFirst(name));
      const value = raw[name];
      // JSON null means "absent" for optional members, as on AWS.
      if (value === undefined || value === null) {
        if (member.required) {
          this.issue(
            'missing',
            memberPath,
            `Value null at '${memberPath}' failed to satisfy constraint: Member must not be null`,
          );
        }
        continue;
      }
      const converted = this.walk(member.shape(), value, memberPath, enums?.get(name));
      if (converted !== undefined) out[name] = converted;
    }
    for (const name of Object.keys(raw)) {
      if (!shape.members.has(name)) {
        this.issue('unknown', join(path, name), `Unknown parameter '${join(path, name)}' for ${shape.name}`);
      }
    }
    if (shape.kind === 'union' && Object.keys(out).length > 1) {
      this.issue('type', path, `Value at '${path}' must set exactly one member of ${shape.name}`);
    }
    return out;
  }
}

export function validateInput(shape: Shape, raw: unknown, options: ValidateOptions): ValidationResult {
  const walker = new Walker(options);
  const value = walker.walk(shape, raw ?? {}, '');
  return { value: isPlainObject(value) ? value : {}, issues: walker.issues };
}

/** AWS's framework message: `1 validation error detected: …; …`. */
export function validationMessage(issues: readonly ValidationIssue[]): string {
  const n = issues.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${issues.map((i) => i.message).join('; ')}`;
}
