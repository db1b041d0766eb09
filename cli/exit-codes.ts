/** The exit code contract of `bluegreen` (also in `bluegreen --help` and cli/README.md). */
export const EXIT = {
  /** The command did what it was asked (for a state machine: the execution SUCCEEDED). */
  ok: 0,
  /** The deployment failed: the execution ended FAILED, TIMED_OUT or ABORTED, or an AWS call failed. */
  failed: 1,
  /** Bad input: unknown command or flag, missing value, unknown stack, no credentials, no pending approval. */
  usage: 2,
  /** --timeout passed while following (or waiting, or watching status); the execution keeps running. */
  timeout: 3,
  /** Ctrl-C while following (the execution keeps running) or while `status --watch` shows the deployment. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad input or environment: one line on stderr, exit 2, and no mutating AWS call has been made. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    the deployment failed (execution FAILED, TIMED_OUT or ABORTED, or an AWS call failed)
  2    usage error (unknown command or flag, missing --image, unknown stack, no credentials,
       no pending approval, reject without --stage or a --stage that is not pending); nothing was changed
  3    --timeout passed while following (or status --watch); the execution keeps running
  130  interrupted (Ctrl-C); the execution keeps running: resume with 'bluegreen watch ARN'.
       status --watch ends this way too`;
