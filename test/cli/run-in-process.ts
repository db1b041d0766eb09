import { runCli } from '../../cli/main';

export interface InProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in this process (for tests that mock the SDK clients), capturing stdout and stderr. */
export async function runInProcess(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; tty?: boolean; parseOnly?: boolean } = {},
): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stderrIsTTY: options.tty ?? false,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    parseOnly: options.parseOnly,
  });
  return { code, stdout, stderr };
}
