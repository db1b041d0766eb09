/**
 * undo [--to N]: redeploys an earlier release as green (deploy-green with that release's task definition ARN and
 * commit), then follows it as deploy does. It never swaps: the next step printed is deploy-green's own (swap, or
 * abort). No release N, or N live: a usage error before anything is started.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from '../context';
import { UsageError, type ExitCode } from '../exit-codes';
import { clockTime } from '../format';
import { chooseRelease, loadReleases, taskDefinitionName, type Release } from './releases';
import { startCommand } from './run';

export interface UndoFlags {
  readonly to?: number;
  readonly healthTimeout?: number;
}

/** deploy-green's input (minus cluster and service) that redeploys `release`. */
export function undoInput(release: Release, healthTimeout?: number): Record<string, unknown> {
  return {
    taskDefinition: release.taskDefinitionArn,
    ...(release.commit !== undefined && { commit: release.commit }),
    ...(healthTimeout !== undefined && { healthTimeoutSeconds: healthTimeout }),
  };
}

/** One line: which release is redeployed, and what it ran. */
export function describeRelease(release: Release, emulated = false): string {
  return (
    `release ${release.number} (commit ${release.commit ?? '?'}, ${release.image ?? 'image unknown'}, ` +
    `task definition ${taskDefinitionName(release.taskDefinitionArn)}, live since ${clockTime(release.wentLiveAt, emulated)}` +
    `${release.outcome === 'rolled back' ? ', rolled back' : ''})`
  );
}

export async function undoCommand(ctx: Context, flags: UndoFlags): Promise<ExitCode> {
  const stack = await ctx.stack();
  const sfn = new SFNClient(ctx.config());
  let release: Release;
  try {
    const chosen = chooseRelease(await loadReleases(ctx, sfn, stack), flags.to);
    if (typeof chosen === 'string') throw new UsageError(chosen);
    release = chosen;
  } finally {
    sfn.destroy();
  }
  if (release.commit === undefined) {
    throw new UsageError(
      `Release ${release.number} has no commit in its deploy-green input; redeploy it with: ${ctx.command('deploy', '--task-definition', release.taskDefinitionArn, '--commit', 'SHA')}`,
    );
  }
  if (ctx.options.json) {
    ctx.err(JSON.stringify({ event: 'undo', release }));
  } else {
    ctx.err(
      `Redeploying ${describeRelease(release, ctx.emulatedClock)} as green; production is not touched until you swap.`,
    );
  }
  return startCommand(ctx, 'deploy-green', undoInput(release, flags.healthTimeout));
}
