/** Runs the CLI on the real process: stdio, environment, Ctrl-C (stop following, exit 130) and the exit code. */
import { liveViewWanted, stopAllSpinners } from './live-view';
import { runCli } from './main';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  // The first Ctrl-C stops following (the spinner stops, the command prints how to resume); a second one exits at once.
  if (interrupts > 1) {
    // No spinner frame may stay behind: the shell prompt would land next to it.
    stopAllSpinners();
    process.exit(130);
  }
  controller.abort();
});

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // "TTY" here means: show the live view (a terminal, not CI, not a dumb terminal).
  stderrIsTTY: liveViewWanted(process.stderr, process.env),
  columns: process.stderr.columns,
  ...(liveViewWanted(process.stdout, process.env) && {
    // Getters: Node keeps a tty's size up to date on resize.
    stdoutTerminal: {
      get columns() {
        return process.stdout.columns;
      },
      get rows() {
        return process.stdout.rows;
      },
    },
  }),
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
}).then(
  (result) => {
    const code = controller.signal.aborted ? 130 : result;
    process.exitCode = code;
    // Keep-alive sockets of the SDK clients must not hold the process open.
    setImmediate(() => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`bluegreen: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
