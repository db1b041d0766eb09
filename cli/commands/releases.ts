/**
 * The release history, derived from the state machines' own execution history (public Step Functions API only; the
 * controller stores nothing extra). A release is a deploy-green that SUCCEEDED whose green a later swap SUCCEEDED in
 * putting into production; a later rollback that SUCCEEDED with `changed: true` takes production back from the live
 * release to the one that was live before it.
 *
 * `deriveReleases` is pure (tested on synthetic executions); `loadReleases` lists and describes the executions.
 */
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  type ExecutionListItem,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import type { Context, StackInfo } from '../context';
import { clockTime, table } from '../format';
import type { MachineKind } from '../machines';

/** Step Functions keeps a closed Standard execution's history for 90 days (a quota request can shorten it to 30). */
export const HISTORY_RETENTION_DAYS = 90;

/** One execution as ListExecutions and DescribeExecution tell it. */
export interface ExecutionRecord {
  readonly machine: MachineKind;
  readonly executionArn: string;
  readonly status: string;
  readonly startDate: Date;
  readonly stopDate?: Date;
  /** DescribeExecution's input and output (JSON text); only needed for SUCCEEDED executions. */
  readonly input?: string;
  readonly output?: string;
}

export type ReleaseOutcome = 'live' | 'superseded' | 'rolled back';

export interface Release {
  /** 1 = live; 2, 3, …: the others, newest first by when they went live. */
  readonly number: number;
  readonly commit: string | undefined;
  /** The image deploy-green was given, or (filled in by loadReleases) the app container's image of the task definition. */
  readonly image: string | undefined;
  /** The task definition green ran (deploy-green's output `green.taskDefinitionArn`): what `undo` redeploys. */
  readonly taskDefinitionArn: string;
  readonly revision: number | undefined;
  /** When the swap that put it into production ended (ISO 8601). */
  readonly wentLiveAt: string;
  readonly outcome: ReleaseOutcome;
  /** When a rollback took production away from it (ISO 8601). */
  readonly rolledBackAt?: string;
  readonly deployExecutionArn: string;
  readonly swapExecutionArn: string;
}

type Json = Record<string, unknown>;

function parse(text: string | undefined): Json | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The last segment of a cluster or service name or ARN. */
const lastSegment = (value: string): string => value.split('/').pop() ?? value;

/** The revision at the end of a task definition ARN (`…:task-definition/family:7`). */
export function revisionOf(taskDefinitionArn: string): number | undefined {
  const match = /:(\d+)$/.exec(taskDefinitionArn);
  return match ? Number(match[1]) : undefined;
}

/** `changed` in the output: false only when the output says so (older outputs lack the field). */
const changed = (output: Json | undefined): boolean => output?.changed !== false;

interface Green {
  readonly deploy: ExecutionRecord;
  readonly commit: string | undefined;
  readonly image: string | undefined;
  readonly taskDefinitionArn: string;
}

interface Live {
  readonly green: Green | undefined;
  readonly swap: ExecutionRecord;
  rolledBackAt?: string;
}

/**
 * Replays the executions in the order they started. A successful deploy-green makes a green; a successful abort that
 * changed something discards it; a successful swap that changed something puts the newest green live (a swap whose
 * green is older than the history is live too, but not listed: nothing says what it ran); a successful rollback that
 * changed something takes production back to what was live before. Failed, aborted and timed-out executions undo
 * themselves (a swap that fails its bake goes back to blue), so they change neither green nor production.
 * `service`: executions whose input names another service are left out.
 */
export function deriveReleases(executions: readonly ExecutionRecord[], service?: string): Release[] {
  const ordered = [...executions]
    .filter((e) => e.status === 'SUCCEEDED')
    .filter((e) => {
      const named = str(parse(e.input)?.service);
      return service === undefined || named === undefined || lastSegment(named) === lastSegment(service);
    })
    .sort(
      (a, b) =>
        a.startDate.getTime() - b.startDate.getTime() ||
        (a.stopDate?.getTime() ?? 0) - (b.stopDate?.getTime() ?? 0) ||
        a.executionArn.localeCompare(b.executionArn),
    );
  let green: Green | undefined;
  /** Production's history as a stack: the top is live, the one under it is what a rollback goes back to. */
  const production: Live[] = [];
  const all: Live[] = [];
  for (const e of ordered) {
    const output = parse(e.output);
    switch (e.machine) {
      case 'deploy-green': {
        const input = parse(e.input);
        const greenOut = output?.green as Json | undefined;
        const taskDefinitionArn = str(greenOut?.taskDefinitionArn);
        green =
          taskDefinitionArn === undefined
            ? undefined
            : {
                deploy: e,
                commit: str(output?.commit) ?? str(input?.commit),
                image: str(input?.image),
                taskDefinitionArn,
              };
        break;
      }
      case 'abort':
        if (changed(output)) green = undefined;
        break;
      case 'swap':
        if (changed(output)) {
          const live: Live = { green, swap: e };
          production.push(live);
          all.push(live);
          green = undefined;
        }
        break;
      case 'rollback':
        if (changed(output)) {
          const gone = production.pop();
          if (gone) gone.rolledBackAt = (e.stopDate ?? e.startDate).toISOString();
        }
        break;
      case 'clean-up':
        break;
    }
  }
  const live = production[production.length - 1];
  const listed = all.filter((l): l is Live & { green: Green } => l.green !== undefined);
  const others = listed.filter((l) => l !== live).reverse();
  const numbered = [
    ...(live?.green ? [{ live, number: 1 }] : []),
    ...others.map((l, i) => ({ live: l, number: i + 2 })),
  ];
  return numbered.map(({ live: l, number }): Release => {
    const g = l.green as Green;
    return {
      number,
      commit: g.commit,
      image: g.image,
      taskDefinitionArn: g.taskDefinitionArn,
      revision: revisionOf(g.taskDefinitionArn),
      wentLiveAt: (l.swap.stopDate ?? l.swap.startDate).toISOString(),
      outcome: l === live ? 'live' : l.rolledBackAt !== undefined ? 'rolled back' : 'superseded',
      ...(l.rolledBackAt !== undefined && { rolledBackAt: l.rolledBackAt }),
      deployExecutionArn: g.deploy.executionArn,
      swapExecutionArn: l.swap.executionArn,
    };
  });
}

/**
 * What `undo` redeploys: release `to`, or by default the newest release before the live one that was not rolled
 * back (after a rollback, the release rolled away from is number 2, and redeploying it by default would bring back
 * what was just rolled back). Returns an error message (a usage error) when there is no such release.
 */
export function chooseRelease(releases: readonly Release[], to: number | undefined): Release | string {
  const listed = releases.map((r) => r.number).join(', ');
  const none = `There is no release to go back to: ${
    releases.length === 0 ? 'the history lists no release' : `the history lists release ${listed} only`
  } (Step Functions keeps ${HISTORY_RETENTION_DAYS} days of executions).`;
  if (to === undefined) {
    return releases.find((r) => r.number >= 2 && r.outcome !== 'rolled back') ?? none;
  }
  const release = releases.find((r) => r.number === to);
  if (release?.outcome === 'live') {
    return `Release ${to} is live (commit ${release.commit ?? '?'}): nothing to undo. Pass --to with another release number.`;
  }
  if (release === undefined) {
    if (to === 1) return 'There is no release 1: the live version is not a release in the execution history.';
    return `There is no release ${to}: ${
      releases.length === 0 ? 'the history lists no release' : `the history lists release ${listed}`
    } (Step Functions keeps ${HISTORY_RETENTION_DAYS} days of executions).`;
  }
  return release;
}

/** The app container's image in a task definition: the one with port mappings, else the first. */
export function appImage(
  containers: ReadonlyArray<{ image?: string; portMappings?: readonly unknown[] }> | undefined,
): string | undefined {
  const list = containers ?? [];
  return (list.find((c) => (c.portMappings?.length ?? 0) > 0) ?? list[0])?.image;
}

async function listAll(sfn: SFNClient, stateMachineArn: string): Promise<ExecutionListItem[]> {
  const items: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000, nextToken }));
    items.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

/** Runs `task` over `items`, at most `limit` at once. */
async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The machines whose executions decide releases (clean-up changes neither green nor production). */
const RELEASE_MACHINES: readonly MachineKind[] = ['deploy-green', 'swap', 'rollback', 'abort'];

/**
 * Every release in the execution history of the stack's state machines: ListExecutions (every page) per machine,
 * DescribeExecution for the SUCCEEDED ones (input and output), and DescribeTaskDefinition for the image of a release
 * deployed with `taskDefinition` (left undefined when ECS cannot say).
 */
export async function loadReleases(ctx: Context, sfn: SFNClient, stack: StackInfo): Promise<Release[]> {
  const listed = (
    await Promise.all(
      RELEASE_MACHINES.map(async (machine) =>
        (await listAll(sfn, stack.machines[machine])).map((item) => ({ machine, item })),
      ),
    )
  ).flat();
  const executions = await mapLimited(
    listed.filter(({ item }) => item.status === 'SUCCEEDED' && item.executionArn && item.startDate),
    8,
    async ({ machine, item }): Promise<ExecutionRecord> => {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: item.executionArn }));
      return {
        machine,
        executionArn: item.executionArn as string,
        status: described.status ?? item.status ?? '?',
        startDate: described.startDate ?? (item.startDate as Date),
        ...((described.stopDate ?? item.stopDate) !== undefined && {
          stopDate: (described.stopDate ?? item.stopDate) as Date,
        }),
        ...(described.input !== undefined && { input: described.input }),
        ...(described.output !== undefined && { output: described.output }),
      };
    },
  );
  const releases = deriveReleases(executions, stack.service);
  const unknown = [...new Set(releases.filter((r) => r.image === undefined).map((r) => r.taskDefinitionArn))];
  if (unknown.length === 0) return releases;
  const ecs = new ECSClient(ctx.config());
  try {
    const images = new Map<string, string | undefined>();
    await mapLimited(unknown, 4, async (arn) => {
      try {
        const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
        images.set(arn, appImage(taskDefinition?.containerDefinitions));
      } catch {
        images.set(arn, undefined);
      }
    });
    return releases.map((r) => (r.image === undefined ? { ...r, image: images.get(r.taskDefinitionArn) } : r));
  } finally {
    ecs.destroy();
  }
}

/** The task definition as `family:revision` (the ARN's last part). */
export const taskDefinitionName = (arn: string): string => arn.split('/').pop() ?? arn;

/**
 * The release table of `history --releases`. On local AWS (`emulated`) the times are its emulated clock, which runs
 * faster than the wall clock: the header and the rolled-back time say so, as `history` does.
 */
export function releasesTable(releases: readonly Release[], emulated = false): string {
  return table([
    ['#', 'COMMIT', 'IMAGE', 'TASK DEFINITION', `WENT LIVE${emulated ? ' (EMULATED CLOCK)' : ''}`, 'OUTCOME'],
    ...releases.map((r) => [
      String(r.number),
      r.commit ?? '-',
      r.image ?? '-',
      taskDefinitionName(r.taskDefinitionArn),
      r.wentLiveAt.replace(/\.\d+Z$/, 'Z'),
      r.outcome === 'rolled back' && r.rolledBackAt ? `rolled back ${clockTime(r.rolledBackAt, emulated)}` : r.outcome,
    ]),
  ]);
}
