// The suite's own timing summary, printed after jest's: wall time, the time each project's suites took (summed over
// both workers), and the slowest suites. The README quotes it; `npm test` prints it on every run, CI included, so the
// figure can be checked against any run rather than taken on trust.
class TimingReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.startedAt = Date.now();
  }

  onRunStart() {
    this.startedAt = Date.now();
  }

  onRunComplete(_contexts, results) {
    const wallSeconds = (Date.now() - this.startedAt) / 1000;
    const suites = results.testResults.map((suite) => ({
      file: suite.testFilePath
        .slice(this.rootDir.length + 1)
        .split('\\')
        .join('/'),
      project: suite.displayName?.name ?? 'default',
      seconds: (suite.perfStats.end - suite.perfStats.start) / 1000,
    }));
    const byProject = new Map();
    for (const suite of suites) byProject.set(suite.project, (byProject.get(suite.project) ?? 0) + suite.seconds);
    const projects = [...byProject].map(([name, seconds]) => `${name} ${seconds.toFixed(0)} s`).join(', ');
    const slowest = [...suites].sort((a, b) => b.seconds - a.seconds).slice(0, 8);
    const lines = [
      '',
      `Timing: jest ${wallSeconds.toFixed(0)} s wall for ${results.numTotalTests} tests in ${suites.length} suites ` +
        `(${results.numFailedTests} failed, ${results.numPendingTests} skipped); suite time by project: ${projects}.`,
      'Slowest suites:',
      ...slowest.map((suite) => `  ${suite.seconds.toFixed(1).padStart(6)} s  ${suite.file}`),
      '',
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
  }
}

module.exports = TimingReporter;
