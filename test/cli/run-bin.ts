import { spawn, type ChildProcess } from 'child_process';
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

/** Runs the committed bin shim (`bluegreen`) as a child process, as a user would. */
export function startBin(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): RunningBin {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: options.env ?? userEnv(),
    cwd: options.cwd ?? path.join(__dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(stderr)) w.resolve();
      else waiters.push(w);
    }
  });
  const done = new Promise<BinResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    done,
    stderrMatches: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stderr)) return resolve();
        waiters.push({ pattern, resolve });
        void done.then(() =>
          pattern.test(stderr) ? resolve() : reject(new Error(`stderr never matched ${pattern}:\n${stderr}`)),
        );
      }),
  };
}

export function runBin(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<BinResult> {
  return startBin(args, options).done;
}
