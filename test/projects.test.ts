// eslint-disable-next-line @typescript-eslint/no-require-imports
const { e2eTests, testFiles } = require('./projects') as { e2eTests(): string[]; testFiles(): string[] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require('../jest.config') as {
  projects: Array<{ displayName: string; testMatch: string[]; testPathIgnorePatterns?: string[] }>;
};

const e2e = e2eTests();

test('suites that run the deployed stack are e2e, whichever folder they are in', () => {
  expect(e2e).toEqual(
    expect.arrayContaining([
      'test/controller/property.test.ts', // through test/controller/support.ts → test/support/harness.ts
      'test/local/iam/least-privilege.test.ts',
      'test/cli/cli.e2e.test.ts',
      'test/bench/smoke.test.ts', // through bench/run.ts
    ]),
  );
});

test("the emulator's, the oracles' and the constructs' own suites are unit", () => {
  for (const unit of [
    'test/local/ecs/task-sets.test.ts',
    'test/oracles/invariants/cutover.test.ts',
    'test/infra/props-validation.test.ts',
    'test/projects.test.ts',
  ]) {
    expect(testFiles()).toContain(unit);
    expect(e2e).not.toContain(unit);
  }
});

test('jest runs every test file in exactly one project', () => {
  const unit = config.projects.find((p) => p.displayName === 'unit');
  const endToEnd = config.projects.find((p) => p.displayName === 'e2e');
  expect(endToEnd?.testMatch).toEqual(e2e.map((file) => `<rootDir>/${file}`));
  expect(unit?.testPathIgnorePatterns).toEqual(expect.arrayContaining(endToEnd?.testMatch ?? ['(none)']));
});
