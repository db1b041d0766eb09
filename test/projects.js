// Which test files are end-to-end: those that run the deployed stack on local AWS. A file is end-to-end when it
// imports, directly or through other test modules, the shared stack template (test/support/harness.ts), the harness
// that starts local AWS with the stack (harness/demo/local-stack.ts) or the bench (bench/run.ts). Everything else is a unit
// suite (the emulator's services, the oracles, the CDK constructs, the CLI's model and printer, the Lambdas). Stated
// once here; jest.config.js builds its two projects from it, and test/projects.test.ts checks it.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const E2E_ROOTS = [
  'test/support/harness.ts',
  'harness/demo/local-stack.ts',
  'harness/demo/local-services.ts',
  'bench/run.ts',
];
const IMPORT = /(?:from\s*|require\(\s*|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function testFiles(dir = path.join(ROOT, 'test')) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(ROOT, full)] : [];
  });
}

function resolveImport(fromFile, spec) {
  const base = path.resolve(ROOT, path.dirname(fromFile), spec);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return path.relative(ROOT, candidate);
  }
  return undefined;
}

/** Whether `file` reaches one of E2E_ROOTS through relative imports among the test modules. */
function reachesStack(file, seen = new Set()) {
  if (E2E_ROOTS.includes(file)) return true;
  if (seen.has(file) || !file.startsWith(`test${path.sep}`)) return false;
  seen.add(file);
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  for (const match of text.matchAll(IMPORT)) {
    const target = resolveImport(file, match[1]);
    if (target !== undefined && reachesStack(target, seen)) return true;
  }
  return false;
}

/** The end-to-end test files, relative to the repository root. */
function e2eTests() {
  return testFiles()
    .filter((file) => file.endsWith('.test.ts'))
    .filter((file) => reachesStack(file));
}

module.exports = { e2eTests, testFiles, E2E_ROOTS };
