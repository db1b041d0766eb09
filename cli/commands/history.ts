/**
 * history: the last N executions of each state machine, newest first, with duration and outcome. Read-only.
 * On local AWS the start times and durations are on its emulated clock, which runs faster than the wall clock (so a
 * start time can be hours "in the future"): the table says so in its headers and durations, and a running
 * execution's duration is measured to its newest history event, never from the wall clock.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import type { Context } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';
import { formatDuration, shortArn, table } from '../format';
import { MACHINES, type MachineKind } from '../machines';
import { HISTORY_RETENTION_DAYS, loadReleases, releasesTable } from './releases';

export interface HistoryRow {
  readonly machine: MachineKind;
  readonly executionArn: string;
  readonly name: string;
  readonly status: string;
  readonly startedAt?: string;
  readonly durationSeconds?: number;
  readonly error?: string;
}

/** The table (pure): on an emulated clock (local AWS) the times are labelled so. */
export function historyTable(rows: readonly HistoryRow[], emulated: boolean): string {
  const label = emulated ? ' (EMULATED CLOCK)' : '';
  return table([
    ['MACHINE', `STARTED${label}`, 'DURATION', 'OUTCOME', 'EXECUTION'],
    ...rows.map((r) => [
      r.machine,
      r.startedAt?.replace(/\.\d+Z$/, 'Z') ?? '-',
      r.durationSeconds === undefined
        ? '-'
        : `${r.status === 'RUNNING' ? 'running ' : ''}${formatDuration(r.durationSeconds * 1000)}${emulated ? ' emulated' : ''}`,
      r.error ? `${r.status} ${r.error}` : r.status,
      r.executionArn,
    ]),
  ]);
}

/**
 * `history --releases`: the releases (deploy-green, then a swap that put it into production), live first, from the
 * state machines' execution history (commands/releases.ts).
 */
export async function releasesCommand(ctx: Context): Promise<ExitCode> {
  const stack = await ctx.stack();
  const sfn = new SFNClient(ctx.config());
  try {
    const releases = await loadReleases(ctx, sfn, stack);
    if (ctx.options.json) {
      // On local AWS wentLiveAt and rolledBackAt are its emulated clock's times.
      ctx.out(JSON.stringify(ctx.emulatedClock ? releases.map((r) => ({ ...r, clock: 'emulated' })) : releases));
      return EXIT.ok;
    }
    if (releases.length === 0) {
      ctx.out(
        `No releases in the last ${HISTORY_RETENTION_DAYS} days of execution history (a release is a deploy followed by a swap).`,
      );
      return EXIT.ok;
    }
    ctx.out(releasesTable(releases, ctx.emulatedClock));
    if (!releases.some((r) => r.outcome === 'live')) {
      ctx.err(
        `The live version is not in the last ${HISTORY_RETENTION_DAYS} days of execution history: release 1 is not listed.`,
      );
    }
    return EXIT.ok;
  } finally {
    sfn.destroy();
  }
}

export async function historyCommand(ctx: Context, count: number): Promise<ExitCode> {
  const stack = await ctx.stack();
  const sfn = new SFNClient(ctx.config());
  try {
    const now = Date.now();
    const emulated = ctx.emulatedClock;
    /** Local AWS: a running execution has run up to its newest event on the emulated clock (not to the wall's now). */
    const newestEvent = async (executionArn: string | undefined): Promise<number | undefined> => {
      const { events } = await sfn.send(
        new GetExecutionHistoryCommand({
          executionArn,
          reverseOrder: true,
          maxResults: 1,
          includeExecutionData: false,
        }),
      );
      return events?.[0]?.timestamp?.getTime();
    };
    const rows: HistoryRow[] = (
      await Promise.all(
        MACHINES.map(async (machine) => {
          const { executions } = await sfn.send(
            new ListExecutionsCommand({ stateMachineArn: stack.machines[machine], maxResults: count }),
          );
          return Promise.all(
            (executions ?? []).slice(0, count).map(async (e): Promise<HistoryRow> => {
              const end =
                e.stopDate?.getTime() ??
                (emulated ? ((await newestEvent(e.executionArn)) ?? e.startDate?.getTime()) : now) ??
                now;
              let error: string | undefined;
              if (e.status === 'FAILED' || e.status === 'TIMED_OUT' || e.status === 'ABORTED') {
                error = (await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }))).error;
              }
              return {
                machine,
                executionArn: e.executionArn ?? '',
                name: e.name ?? shortArn(e.executionArn),
                status: e.status ?? '?',
                startedAt: e.startDate?.toISOString(),
                durationSeconds: e.startDate ? Math.round((end - e.startDate.getTime()) / 100) / 10 : undefined,
                ...(error !== undefined && { error }),
              };
            }),
          );
        }),
      )
    ).flat();
    if (ctx.options.json) {
      ctx.out(JSON.stringify(emulated ? rows.map((r) => ({ ...r, clock: 'emulated' })) : rows));
      return EXIT.ok;
    }
    if (rows.length === 0) {
      ctx.out('No executions yet.');
      return EXIT.ok;
    }
    ctx.out(historyTable(rows, emulated));
    return EXIT.ok;
  } finally {
    sfn.destroy();
  }
}
