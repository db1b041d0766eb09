// Longest suites first, so the two jest workers finish together (longest-processing-time scheduling). Without a
// cache (every CI run is a clean clone) jest orders by file size, which put the 3-line fault-property file, the
// longest suite, last. The weights are measured seconds on 2 cores (2026-12-01, a clean-clone CI run); unlisted files keep jest's order.
const Sequencer = require('@jest/test-sequencer').default;

const SECONDS = {
  'test/controller/property.test.ts': 139,
  'test/controller/same-instant.test.ts': 75,
  'test/state-machines/swap-shift.test.ts': 83,
  'test/cli/cli.e2e.test.ts': 75,
  'test/controller/operator-property.test.ts': 64,
  'test/controller/approval-property.test.ts': 30,
  'test/state-machines/test-scale.test.ts': 22,
  'test/local/iam/least-privilege.test.ts': 39,
  'test/infra/stack-update-matrix.test.ts': 31,
  'test/controller/fault-scenarios.test.ts': 30,
  'test/controller/concurrent-offsets.test.ts': 26,
  'test/bench/smoke.test.ts': 23,
  'test/publish/pack.test.ts': 20,
  'test/state-machines/autoscaling.test.ts': 10,
  'test/state-machines/swap-approval-stop.test.ts': 20,
  'test/examples/migration-e2e.test.ts': 20,
  'test/controller/operator-findings.test.ts': 22,
  'test/harness/demo.test.ts': 15,
  'test/local/codepipeline/pipeline.e2e.test.ts': 11,
  'test/cli/releases.e2e.test.ts': 11,
  'test/infra/teardown.test.ts': 10,
  'test/state-machines/abort.test.ts': 9,
  'test/state-machines/rollback.test.ts': 9,
  'test/state-machines/deploy-green.test.ts': 9,
  'test/state-machines/clean-up.test.ts': 8,
  'test/state-machines/swap.test.ts': 8,
};

class LongestFirst extends Sequencer {
  sort(tests) {
    const weight = (test) => {
      const relative = test.path
        .slice(test.context.config.rootDir.length + 1)
        .split('\\')
        .join('/');
      return SECONDS[relative] ?? 0;
    };
    const byWeight = (ordered) => [...ordered].sort((a, b) => weight(b) - weight(a));
    const ordered = super.sort(tests);
    return Array.isArray(ordered) ? byWeight(ordered) : ordered.then(byWeight);
  }
}

module.exports = LongestFirst;
