/**
 * deploy, swap, cleanup, rollback, abort (start an execution and follow it) and watch (follow one already running).
 * The result goes to stdout (deploy: the test URL; others: the state machine's message; --json: one JSON document);
 * the live view or event log, the failure and what was undone go to stderr.
 */
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { gitCommit, type Context, type StackInfo } from '../context';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import { describeUndone, formatDuration } from '../format';
import { MACHINE_COMMAND, machineOfExecution, type MachineKind } from '../machines';
import { followExecution, type FollowOutcome } from '../poller';
import { createPrinter, stepText } from '../printer';
import type { Progress } from '../progress';

export interface DeployFlags {
  readonly image?: string;
  readonly taskDefinition?: string;
  readonly commit?: string;
  readonly healthTimeout?: number;
  /** Green's size while under test, in percent of the service's desired count (deploy-green's testScalePercent). */
  readonly testScale?: number;
}

/** Checks deploy's flags before anything touches AWS; returns the state machine input minus cluster and service. */
export function deployInput(flags: DeployFlags, cwd: string): Record<string, unknown> {
  if (flags.image !== undefined && flags.taskDefinition !== undefined) {
    throw new UsageError('Give either --image or --task-definition, not both.');
  }
  if (flags.image === undefined && flags.taskDefinition === undefined) {
    throw new UsageError('deploy needs --image URI (a container image) or --task-definition ARN.');
  }
  const commit = flags.commit ?? gitCommit(cwd);
  if (commit === undefined) {
    throw new UsageError(
      "deploy needs --commit SHA here: 'git rev-parse --short HEAD' found no commit in this directory.",
    );
  }
  return {
    ...(flags.image !== undefined ? { image: flags.image } : { taskDefinition: flags.taskDefinition }),
    commit,
    ...(flags.healthTimeout !== undefined && { healthTimeoutSeconds: flags.healthTimeout }),
    ...(flags.testScale !== undefined && { testScalePercent: flags.testScale }),
  };
}

export async function startCommand(
  ctx: Context,
  machine: MachineKind,
  extraInput: Record<string, unknown> = {},
): Promise<ExitCode> {
  const stack = await ctx.stack();
  const sfn = new SFNClient(ctx.config());
  try {
    const input = { cluster: stack.cluster, service: stack.service, ...extraInput };
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: stack.machines[machine], input: JSON.stringify(input) }),
    );
    if (!executionArn) throw new Error(`StartExecution of ${machine} returned no execution ARN.`);
    if (!ctx.options.wait) {
      if (ctx.options.json)
        ctx.out(JSON.stringify({ command: MACHINE_COMMAND[machine], executionArn, status: 'RUNNING' }));
      else ctx.out(executionArn);
      if (!ctx.options.json) ctx.err(`Started ${machine}. Follow it with: ${ctx.command('watch', executionArn)}`);
      return EXIT.ok;
    }
    return await follow(ctx, sfn, machine, executionArn, false, stack);
  } finally {
    sfn.destroy();
  }
}

export async function watchCommand(ctx: Context, executionArn: string): Promise<ExitCode> {
  const sfn = new SFNClient(ctx.config());
  try {
    await ctx.checkCredentials(sfn);
    try {
      await sfn.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      if ((error as { name?: string }).name === 'ExecutionDoesNotExist') {
        throw new UsageError(`Execution ${executionArn} does not exist in ${ctx.where()}.`);
      }
      throw error;
    }
    // Only for the hints (a `deploy` hint names this checkout's image): watch works without the stack.
    const stack = await ctx.stack().catch(() => undefined);
    return await follow(ctx, sfn, machineOfExecution(executionArn), executionArn, true, stack);
  } finally {
    sfn.destroy();
  }
}

export async function follow(
  ctx: Context,
  sfn: SFNClient,
  machine: MachineKind | undefined,
  executionArn: string,
  resumed: boolean,
  stack: StackInfo | undefined,
): Promise<ExitCode> {
  const emulated = ctx.emulatedClock;
  const printer = createPrinter(ctx.mode, ctx.io.stderr, {
    columns: ctx.io.columns,
    verbose: ctx.options.verbose,
    emulated,
  });
  const wallStart = Date.now();
  let outcome: FollowOutcome;
  try {
    printer.started({ machine, executionArn, resumed });
    outcome = await followExecution(sfn, executionArn, {
      machine,
      pollMs: ctx.options.pollInterval ?? 2000,
      timeoutMs: ctx.options.timeout === undefined ? undefined : ctx.options.timeout * 1000,
      signal: ctx.io.signal,
      onUpdate: (progress, entries) => printer.update(progress, entries),
      hints: ctx.hints(stack),
      emulatedClock: emulated,
    });
  } finally {
    // Every way out (end, --timeout, Ctrl-C, an AWS error) stops the spinner before the summary or error is written.
    printer.close();
  }
  return report(ctx, outcome, executionArn, stack?.testUrl, emulated ? Date.now() - wallStart : undefined);
}

/**
 * An execution's duration in words. `wallMs` is given when its timestamps are emulated (local AWS): the duration is
 * labelled so, and the wall time followed follows it ("5m 05s emulated, 32s wall time followed").
 */
export function durationText(elapsedMs: number, wallMs: number | undefined): string {
  if (wallMs === undefined) return formatDuration(elapsedMs);
  return `${formatDuration(elapsedMs)} emulated, ${formatDuration(wallMs)} wall time followed`;
}

export function resultDocument(
  progress: Progress,
  executionArn: string,
  testUrl: string | undefined,
  wallMs?: number,
): Record<string, unknown> {
  const url = typeof progress.output?.testUrl === 'string' ? progress.output.testUrl : testUrl;
  return {
    command: progress.machine ? MACHINE_COMMAND[progress.machine] : undefined,
    machine: progress.machine,
    executionArn,
    status: progress.status,
    durationSeconds: Math.round(progress.elapsedMs / 100) / 10,
    // On local AWS durationSeconds is emulated time; the wall time followed is beside it.
    ...(wallMs !== undefined && { clock: 'emulated', wallSeconds: Math.round(wallMs / 100) / 10 }),
    ...(progress.message !== undefined && { message: progress.message }),
    ...(progress.machine === 'deploy-green' &&
      progress.status === 'SUCCEEDED' &&
      url !== undefined && { testUrl: url }),
    ...(progress.error !== undefined && { error: progress.error }),
    ...(progress.cause !== undefined && { cause: progress.cause }),
    ...(progress.undone !== undefined && { undone: progress.undone }),
    ...(progress.currentState !== undefined &&
      progress.status === 'RUNNING' && { currentState: progress.currentState }),
    next: progress.next,
    ...(progress.output !== undefined && { output: progress.output }),
  };
}

/**
 * A warning for a swap that succeeded but could not point the autoscaling policy at green (its output's
 * `autoScaling.error`, state-machines/authoring/swap.ts TrackGreenRequests), or undefined.
 */
export function autoScalingWarning(output: Record<string, unknown> | undefined): string | undefined {
  const scaling = output?.autoScaling as { error?: { Error?: unknown; Cause?: unknown } } | undefined;
  if (scaling?.error === undefined) return undefined;
  const { Error: error, Cause: cause } = scaling.error;
  return (
    `! autoscaling: the policy still tracks the previous version (${String(error)}: ${String(cause)}); production is ` +
    'unaffected. clean-up, rollback or abort points it at the live version again.'
  );
}

export function report(
  ctx: Context,
  outcome: FollowOutcome,
  executionArn: string,
  testUrl: string | undefined,
  wallMs?: number,
): ExitCode {
  const { progress } = outcome;
  const took = durationText(progress.elapsedMs, wallMs);
  const where = ctx.options.verbose ? (progress.currentState ?? 'starting') : stepText(progress);
  const name = progress.machine ?? 'execution';
  if (outcome.kind !== 'ended') {
    const why = outcome.kind === 'timeout' ? `--timeout ${ctx.options.timeout ?? 0}s passed` : 'Interrupted';
    if (ctx.options.json)
      ctx.out(JSON.stringify({ ...resultDocument(progress, executionArn, testUrl, wallMs), followed: outcome.kind }));
    ctx.err(
      `${why}: stopped following ${name} (${where}, ${took}); it keeps running.\n` +
        `Resume with: ${ctx.command('watch', executionArn)}`,
    );
    return outcome.kind === 'timeout' ? EXIT.timeout : EXIT.interrupted;
  }
  if (ctx.options.json) ctx.out(JSON.stringify(resultDocument(progress, executionArn, testUrl, wallMs)));
  const next = progress.next.length > 0 ? `Next: ${progress.next.join(', or ')}` : undefined;
  if (progress.status === 'SUCCEEDED') {
    if (!ctx.options.json) {
      const url = typeof progress.output?.testUrl === 'string' ? progress.output.testUrl : testUrl;
      const isDeploy = progress.machine === 'deploy-green' && url !== undefined;
      // stdout carries the result once: the test URL for deploy (its message then goes to stderr), else the message.
      ctx.err(`✓ ${name} succeeded in ${took}.${isDeploy && progress.message ? ` ${progress.message}` : ''}`);
      const warning = autoScalingWarning(progress.output);
      if (warning) ctx.err(warning);
      if (next) ctx.err(next);
      ctx.out(isDeploy ? url : (progress.message ?? 'SUCCEEDED'));
    }
    return EXIT.ok;
  }
  if (!ctx.options.json) {
    ctx.err(`✗ ${name} ${progress.status} after ${took}: ${progress.error ?? 'no error given'}`);
    const said = progress.message ?? progress.cause;
    if (said) ctx.err(`  ${said}`);
    const undone = progress.undone ? describeUndone(progress.undone) : undefined;
    if (undone) ctx.err(`Undone: ${undone}`);
    if (next) ctx.err(next);
  }
  return EXIT.failed;
}
