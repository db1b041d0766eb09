/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking runs once in `npm run typecheck`; jest only transpiles, which keeps the suite fast on 2 cores.
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // The app is synthesized once per run and shared (test/support/harness.ts stackTemplate()).
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Longest suites first (test/sequencer.js), so both workers stay busy to the end.
  testSequencer: '<rootDir>/test/sequencer.js',
  testTimeout: 60_000,
  // Both cores: jest's default (cores - 1) ran the suite serially on CI's 2-core machine (921 s). The emulator's
  // timing floors (a 1 s health-check timeout) keep suites that share the cores from seeing false timeouts.
  maxWorkers: 2,
};
