import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as path from 'path';

export const BIN = path.join(__dirname, '..', '..', 'cli', 'bin', 'bluegreen.js');

export interface BinResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningBin {
  readonly child: ChildProcess;
  /** Resolves when stderr (so far) matches. */
  stderrMatches(pattern: RegExp): Promise<void>;
  readonly done: Promise<BinResult>;
}

/** Environment of a user with static credentials and nothing else from this machine's AWS set-up. */
export function userEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_REGION: 'us-east-1' };
  env.AWS_ACCESS_KEY_ID = 'cli-test';
  env.AWS_SECRET_ACCESS_KEY = 'cli-test';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Collects a child's output; `matches` waits for what `watched` (one of the two streams) has shown so far. */
function collect(child: ChildProcess, watched: 'stdout' | 'stderr'): Omit<RunningBin, 'child'> {
  const text = { stdout: '', stderr: '' };
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  for (const name of ['stdout', 'stderr'] as const) {
    child[name]?.on('data', (chunk: Buffer) => {
      text[name] += chunk.toString('utf8');
      if (name !== watched) return;
      for (const w of waiters.splice(0)) {
        if (w.pattern.test(text[watched])) w.resolve();
        else waiters.push(w);
      }
    });
  }
  const done = new Promise<BinResult>((resolve) => child.on('close', (code) => resolve({ code, ...text })));
  return {
    done,
    stderrMatches: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(text[watched])) return resolve();
        waiters.push({ pattern, resolve });
        void done.then(() =>
          pattern.test(text[watched])
            ? resolve()
            : reject(new Error(`${watched} never matched ${pattern}:\n${text[watched]}`)),
        );
      }),
  };
}

/** Runs the committed bin shim (`bluegreen`) as a child process, as a user would. */
export function startBin(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): RunningBin {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: options.env ?? userEnv(),
    cwd: options.cwd ?? path.join(__dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, ...collect(child, 'stderr') };
}

export function runBin(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<BinResult> {
  return startBin(args, options).done;
}

/** Whether `script` (util-linux) is here to run the CLI in a pseudo-terminal. */
export function hasScript(): boolean {
  return spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface RunningInPty extends RunningBin {
  /** Types Ctrl-C on the terminal: its line discipline sends SIGINT to the CLI, as for a user. */
  interrupt(): void;
}

/**
 * Runs the bin shim on a pseudo-terminal (`script`), so its stdout and stderr are a TTY, as at a user's terminal.
 * Both arrive together in `stdout` (with \r\n line ends), which `stderrMatches` watches; `code` is the CLI's exit code.
 * A CLI still running after `limitMs` is killed (a hung CLI must fail the test, not outlive it).
 */
export function startBinInPty(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; limitMs?: number } = {},
): RunningInPty {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  // exec: the CLI replaces script's shell, so it is script's child (and gets the exit code and signals first-hand).
  const command = `exec ${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
  // -q: no banner, -e: the command's exit code, -f: flush at once, -E never: script does not echo its input.
  const child = spawn('script', ['-qef', '-E', 'never', '-c', command, '/dev/null'], {
    env: options.env ?? userEnv(),
    cwd: options.cwd ?? path.join(__dirname, '..', '..'),
    // stdin stays open: script ends the session when its input ends.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const limit = setTimeout(() => {
    // The CLI runs in its own session under script: kill it by its parent's pid, then script.
    const pids = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.split(/\s+/);
    for (const pid of pids.filter((p) => p !== '')) process.kill(Number(pid), 'SIGKILL');
    child.kill('SIGKILL');
  }, options.limitMs ?? 60_000);
  const running = collect(child, 'stdout');
  void running.done.then(() => clearTimeout(limit));
  return { child, ...running, interrupt: () => child.stdin?.write('\x03') };
}
