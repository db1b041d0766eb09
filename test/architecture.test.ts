import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The folders are the architecture (CONTRIBUTING.md):
 * - the product: infra/, lambdas/, cli/, pipeline/, state-machines/ — what users deploy and run — on contract/;
 * - examples/: stacks built only from the construct library's public API (infra/lib/index.ts);
 * - local/: the emulator (local AWS over the real wire protocols);
 * - harness/: starts local AWS with the stack deployed and runs flows (tests, `npm start`, `npm run bench`);
 * - oracles/: what the tests judge with (invariants, fault and operator plans).
 * Each may import only what is below it. This test reads every relative import and fails on one that goes up.
 */
const ROOT = path.resolve(__dirname, '..');

/** Folder → the top-level folders its code may import from (besides itself). */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  // The contract (machine names, input limits, error names) is stated once and imports nothing.
  contract: [],
  infra: ['contract', 'lambdas', 'pipeline', 'state-machines'],
  lambdas: ['contract'],
  cli: ['contract'],
  pipeline: ['contract'],
  'state-machines': ['contract'],
  // The emulator speaks AWS's protocols; it may share the product's statement of one (type-only, checked below).
  local: [],
  // Only the public API, infra/lib/index.ts (checked below).
  examples: ['infra'],
  harness: ['local', 'contract', 'infra', 'lambdas', 'state-machines', 'examples'],
  oracles: ['local', 'harness', 'contract', 'infra', 'state-machines'],
  bench: ['local', 'harness', 'oracles', 'contract', 'infra'],
};

/** Type-only imports the emulator makes of a protocol the product states once (file → the module it names). */
const TYPE_ONLY_EXCEPTIONS: ReadonlyArray<readonly [string, string]> = [
  // CloudFormation's custom-resource request/response, stated beside the handler that answers it.
  ['local/cloudformation/custom-resource-event.ts', 'lambdas/controller-resources/events'],
];

function sourceFiles(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { withFileTypes: true, recursive: true }).flatMap((entry) => {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) return [];
    const file = path.relative(ROOT, path.join(entry.parentPath, entry.name));
    return file.split(path.sep).includes('node_modules') ? [] : [file];
  });
}

interface ImportEdge {
  readonly file: string;
  readonly target: string;
  readonly typeOnly: boolean;
}

function importsOf(file: string): ImportEdge[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const edges: ImportEdge[] = [];
  const pattern =
    /(import\s+type\s[^;]*?from\s*|(?:import|export)\s[^;]*?from\s*|require\(\s*|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const match of text.matchAll(pattern)) {
    const spec = match[2] ?? '';
    const target = path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec));
    edges.push({ file, target, typeOnly: (match[1] ?? '').startsWith('import type') });
  }
  return edges;
}

const topOf = (file: string): string => file.split(path.sep)[0] ?? '';

describe.each(Object.entries(MAY_IMPORT))('%s/', (folder, allowed) => {
  test(`imports only from ${allowed.length > 0 ? allowed.join(', ') : 'itself'} (and node_modules)`, () => {
    const files = sourceFiles(folder);
    expect(files.length).toBeGreaterThan(0);
    const violations = files
      .flatMap(importsOf)
      .filter((edge) => {
        const top = topOf(edge.target);
        if (top === folder || allowed.includes(top)) return false;
        return !TYPE_ONLY_EXCEPTIONS.some(
          ([file, target]) => edge.typeOnly && edge.file === file && edge.target === target,
        );
      })
      .map((edge) => `${edge.file} imports ${edge.target}${edge.typeOnly ? ' (type only)' : ''}`);
    expect(violations).toEqual([]);
  });
});

test('the import reader sees relative imports, type-only ones included (so the rules above can fail)', () => {
  const edges = importsOf('local/cloudformation/custom-resource-event.ts');
  expect(edges).toContainEqual({
    file: 'local/cloudformation/custom-resource-event.ts',
    target: 'lambdas/controller-resources/events',
    typeOnly: true,
  });
});

test('examples/ use only the construct library’s public API (infra/lib/index.ts)', () => {
  const files = sourceFiles('examples');
  expect(files.length).toBeGreaterThan(0);
  const violations = files
    .flatMap(importsOf)
    .filter((edge) => topOf(edge.target) === 'infra' && edge.target !== path.join('infra', 'lib'))
    .map((edge) => `${edge.file} imports ${edge.target}`);
  expect(violations).toEqual([]);
});
