// Two projects: `unit` (the emulator's services, the oracles, the CDK constructs, the CLI's model and printer, the
// Lambdas) and `e2e` (suites that run the deployed stack on local AWS). Which file is which is decided once, in
// test/projects.js, from what each file imports. `npm test` runs both; `npm run test:unit` / `npm run test:e2e` one.
const { e2eTests } = require('./test/projects');

const e2e = e2eTests().map((file) => `<rootDir>/${file}`);

// CDK's built-in CloudFormation validation runs in every `app.synth()` (global setup, each infra suite, the bench
// smoke test): it loads a WebAssembly rule engine per test file, ~6.5 s of CPU each time. In these synths it cannot
// fail anything: without the `@aws-cdk/core:validateAgainstDefaultRules` context its errors are downgraded to
// warnings, which no test reads, and it never changes the template (compared byte for byte). Set here, before jest
// starts its workers, so the global setup and every worker inherit it; a caller's explicit value is kept.
process.env.CDK_VALIDATION ??= 'false';

/** What both projects share. */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Type checking runs once in `npm run typecheck`; jest only strips the types, with esbuild (test/support/
  // esbuild-transform.js): ts-jest loaded the TypeScript compiler in every worker and transpiled with it, ~17 % of the
  // CPU of a cold-cache (clean clone) run of the emulator's unit suites.
  transform: { '^.+\\.ts$': '<rootDir>/test/support/esbuild-transform.js' },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...e2e],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: e2e,
      // The app is synthesized once per run, only when an e2e suite runs, and shared (test/support/harness.ts).
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
  ],
  // jest's own report, then the suite's timing summary (wall time, time per project, slowest suites).
  reporters: ['default', '<rootDir>/test/timing-reporter.js'],
  // Longest suites first (test/sequencer.js), so both workers stay busy to the end.
  testSequencer: '<rootDir>/test/sequencer.js',
  testTimeout: 60_000,
  // Both cores: jest's default (cores - 1) ran the suite serially on CI's 2-core machine (921 s). The emulator's
  // timing floors (a 1 s health-check timeout) keep suites that share the cores from seeing false timeouts.
  maxWorkers: 2,
};
