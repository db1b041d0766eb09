/**
 * Enum constraints per structure member. The SDK schemas type enums as plain strings, but the client's type
 * declarations name the enum of each member (`Protocol?: ProtocolEnum | undefined;`) and the client exports the enum
 * values at runtime (`ProtocolEnum = { HTTP: 'HTTP', … }`). Joining the two gives the allowed values without a
 * hand-written list.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** structure name -> member name -> allowed values */
export type EnumIndex = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

const INTERFACE_START = /^export interface (\w+) \{$/;
const MEMBER_LINE = /^\s+(\w+)\??: (\w+)(?:\[\])? \| undefined;$/;

function enumValues(clientExports: Record<string, unknown>, typeName: string): string[] | undefined {
  const candidate = clientExports[typeName];
  if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate)) return undefined;
  const values = Object.values(candidate as Record<string, unknown>);
  if (values.length === 0 || !values.every((v) => typeof v === 'string')) return undefined;
  return values as string[];
}

/** Builds the index from the declaration files next to the client's entry point (dist-cjs -> dist-types/models). */
export function loadEnumIndex(packageName: string, clientExports: Record<string, unknown>): EnumIndex {
  const modelsDir = path.join(path.dirname(require.resolve(packageName)), '..', 'dist-types', 'models');
  const index = new Map<string, Map<string, readonly string[]>>();
  const files = fs.readdirSync(modelsDir).filter((f) => /^models_\d+\.d\.ts$/.test(f));
  for (const file of files) {
    let current: Map<string, readonly string[]> | undefined;
    for (const line of fs.readFileSync(path.join(modelsDir, file), 'utf8').split('\n')) {
      const start = INTERFACE_START.exec(line);
      if (start?.[1]) {
        current = new Map();
        index.set(start[1], current);
        continue;
      }
      if (line === '}') {
        current = undefined;
        continue;
      }
      const member = current && MEMBER_LINE.exec(line);
      if (!member?.[1] || !member[2]) continue;
      const values = enumValues(clientExports, member[2]);
      if (values) current?.set(member[1], values);
    }
  }
  return index;
}
