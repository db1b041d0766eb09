/**
 * wait: follows whatever execution of this stack runs now (the newest RUNNING execution of any of the five state
 * machines), as `watch` would; when none runs, says so and exits 0, or with `--for-start S` waits up to S seconds for
 * one to start (exit 3 if none does). An execution that only waits for testers' approval on a task token
 * (swapApprovalMode step-functions: its token in the deployment item, not yet answered) is not followed: it may wait
 * for days, and nothing happens until someone answers it. When it is all that runs, wait says so, names approve and
 * reject, and exits 0 as for nothing running. With `--phase P` it waits instead until the service's deployment record (the
 * stack's DynamoDB table, as `status` reads it) reaches phase P; `--timeout` bounds that wait (exit 3).
 */
import { ListExecutionsCommand, SFNClient, type ExecutionListItem } from '@aws-sdk/client-sfn';
import type { WaitingApproval } from '../../contract';
import type { Context, StackInfo } from '../context';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import { formatDuration } from '../format';
import { MACHINES, type MachineKind } from '../machines';
import { sleep } from '../poller';
import { describePhase } from '../status-model';
import { readDeploymentItem, serviceArnOf } from './status';
import { follow } from './run';

export interface WaitFlags {
  readonly phase?: string;
  /** Seconds to wait for an execution to start when none runs. */
  readonly forStart?: number;
}

interface Found {
  readonly machine: MachineKind;
  readonly executionArn: string;
  readonly status: string;
  readonly startDate: number;
}

/** The newest of a list of executions (by start date; ties: the first). Pure. */
export function newest<T extends { readonly startDate: number }>(items: readonly T[]): T | undefined {
  return items.reduce<T | undefined>(
    (best, item) => (best === undefined || item.startDate > best.startDate ? item : best),
    undefined,
  );
}

async function list(sfn: SFNClient, stack: StackInfo, statusFilter?: 'RUNNING'): Promise<Found[]> {
  const lists = await Promise.all(
    MACHINES.map(async (machine) => {
      const { executions } = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: stack.machines[machine], maxResults: 10, statusFilter }),
      );
      return (executions ?? []).flatMap((e: ExecutionListItem) =>
        e.executionArn
          ? [{ machine, executionArn: e.executionArn, status: e.status ?? '?', startDate: e.startDate?.getTime() ?? 0 }]
          : [],
      );
    }),
  );
  return lists.flat();
}

/** The execution that only waits for approval on a task token (kept in the deployment item, not answered), if any. */
async function approvalWaiter(ctx: Context, stack: StackInfo): Promise<WaitingApproval | undefined> {
  if (stack.deploymentTable === undefined) return undefined;
  const { approval } = await readDeploymentItem(ctx, stack, await serviceArnOf(ctx, stack));
  return approval !== undefined && !approval.answered ? approval.pending : undefined;
}

export async function waitCommand(ctx: Context, flags: WaitFlags): Promise<ExitCode> {
  const stack = await ctx.stack();
  if (flags.phase !== undefined) return waitForPhase(ctx, stack, flags.phase);
  const sfn = new SFNClient(ctx.config());
  try {
    // What has started so far (any status) first: an execution that starts after this is new, whatever the clocks say.
    const known = new Set((await list(sfn, stack)).map((e) => e.executionArn));
    const runningNow = await list(sfn, stack, 'RUNNING');
    const waiter = runningNow.length > 0 ? await approvalWaiter(ctx, stack) : undefined;
    const running = newest(runningNow.filter((e) => e.executionArn !== waiter?.executionArn));
    if (running) return await follow(ctx, sfn, running.machine, running.executionArn, true, stack);
    const waits = waiter !== undefined && runningNow.some((e) => e.executionArn === waiter.executionArn);
    if (flags.forStart === undefined) {
      if (ctx.options.json) {
        ctx.out(
          JSON.stringify({
            command: 'wait',
            status: 'NONE',
            ...(waits && { waitingForApproval: { stage: waiter.stage, executionArn: waiter.executionArn } }),
          }),
        );
      }
      ctx.err(
        waits
          ? `Nothing runs on stack ${stack.name} now but ${waiter.executionArn}, which waits for approval (${waiter.stage}) and does nothing until it is answered: not following it. Answer it with '${ctx.command('approve')}' or '${ctx.command('reject', '--stage', waiter.stage)}'.`
          : `Nothing runs on stack ${stack.name} now: no execution to wait for.`,
      );
      return EXIT.ok;
    }
    const pollMs = ctx.options.pollInterval ?? 2000;
    const deadline = Date.now() + flags.forStart * 1000;
    if (!ctx.options.json)
      ctx.err(`Nothing runs on stack ${stack.name} now; waiting up to ${flags.forStart}s for an execution to start.`);
    for (;;) {
      await sleep(Math.max(0, Math.min(pollMs, deadline - Date.now())), ctx.io.signal);
      if (ctx.io.signal?.aborted) return EXIT.interrupted;
      // A new one that has already ended is followed too: following reports how it ended.
      const started = newest((await list(sfn, stack)).filter((e) => !known.has(e.executionArn)));
      if (started) return await follow(ctx, sfn, started.machine, started.executionArn, true, stack);
      if (Date.now() >= deadline) {
        if (ctx.options.json) ctx.out(JSON.stringify({ command: 'wait', status: 'NONE', followed: 'timeout' }));
        ctx.err(`--for-start ${flags.forStart}s passed: no execution of stack ${stack.name} started.`);
        return EXIT.timeout;
      }
    }
  } finally {
    sfn.destroy();
  }
}

async function waitForPhase(ctx: Context, stack: StackInfo, phase: string): Promise<ExitCode> {
  if (stack.deploymentTable === undefined) {
    throw new UsageError(
      `Stack ${stack.name} has no DeploymentTableName output, so it keeps no deployment record to wait on.`,
    );
  }
  const serviceArn = await serviceArnOf(ctx, stack);
  const pollMs = ctx.options.pollInterval ?? 2000;
  const started = Date.now();
  const deadline = ctx.options.timeout === undefined ? undefined : started + ctx.options.timeout * 1000;
  let last: string | undefined;
  for (;;) {
    const { record } = await readDeploymentItem(ctx, stack, serviceArn);
    if (record.phase !== last) {
      last = record.phase;
      if (ctx.options.json)
        ctx.err(
          JSON.stringify({
            event: 'phase',
            phase: record.phase,
            elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
          }),
        );
      else ctx.err(`[${formatDuration(Date.now() - started).padStart(6)}] Phase: ${describePhase(record)}`);
    }
    if (record.phase === phase) {
      ctx.out(ctx.options.json ? JSON.stringify({ command: 'wait', phase: record.phase, record }) : record.phase);
      return EXIT.ok;
    }
    if (ctx.io.signal?.aborted || (deadline !== undefined && Date.now() >= deadline)) {
      const why = ctx.io.signal?.aborted ? 'Interrupted' : `--timeout ${ctx.options.timeout ?? 0}s passed`;
      if (ctx.options.json)
        ctx.out(
          JSON.stringify({
            command: 'wait',
            phase: record.phase,
            followed: ctx.io.signal?.aborted ? 'interrupted' : 'timeout',
          }),
        );
      ctx.err(
        `${why}: the deployment record is in phase ${record.phase}, not ${phase}.\nResume with: ${ctx.command('wait', '--phase', phase)}`,
      );
      return ctx.io.signal?.aborted ? EXIT.interrupted : EXIT.timeout;
    }
    await sleep(Math.max(0, deadline === undefined ? pollMs : Math.min(pollMs, deadline - Date.now())), ctx.io.signal);
  }
}
