/**
 * The picture `status` shows, as a pure function of what was read (StatusView): the phase, each version (image,
 * commit, task set status, running/desired, target health), what production and test serve, the lease, the pending
 * approval and when it expires, the bake's progress and the next commands. One-shot `status` prints it once;
 * `status --watch` (cli/status-printer.ts) prints it again whenever it changes. No I/O, no SDK: commands/status.ts
 * reads AWS into a StatusView, this renders it, and the tests drive both halves apart.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { BAKE_SECONDS, targetGroupDimension, type ApprovalStage } from '../contract';
import { clockTime, formatDuration, shortArn, table } from './format';
import { hint, type Hints } from './hints';
import type { MachineKind } from './machines';
import type { OwnershipLine } from './ownership';
import { PHASE_NEXT, PHASE_TEXT } from './phases';
import { nextCommands } from './progress';
import { stepOf } from './steps';

export interface Probe {
  readonly url: string;
  readonly status?: number;
  /** The X-App-Version header: `colour/commit`. */
  readonly version?: string;
  readonly error?: string;
}

export type RuleView =
  | {
      readonly kind: 'forward';
      readonly targetGroupArns: string[];
      /** A weighted forward to more than one target group (a traffic shift): each one's weight, in the same order. */
      readonly weights?: number[];
    }
  | { readonly kind: 'fixed'; readonly statusCode: string }
  | { readonly kind: 'unknown' };

export interface TaskSetView {
  readonly id: string;
  readonly arn: string;
  readonly status: string;
  readonly stability: string;
  readonly running: number;
  readonly desired: number;
  readonly taskDefinition: string;
  readonly targetGroupArn?: string;
  readonly targetGroupName?: string;
  /** Target states: { healthy: 2 } */
  readonly targets: Readonly<Record<string, number>>;
  /** What it serves: `production`, `test`, `production+test` or `-`. */
  readonly role: string;
  /** The app container's image (DescribeTaskDefinition). */
  readonly image?: string;
  /** The commit deployed (its target group's `bluegreen:commit` tag, else the deployment record). */
  readonly commit?: string;
}

/** The deployment record the state machines keep (state-machines/authoring/lease.ts): phase and versions. */
export interface DeploymentRecordView {
  readonly phase: string;
  readonly live?: { readonly taskSetArn?: string; readonly commit?: string };
  readonly previous?: { readonly found?: boolean; readonly taskSetArn?: string; readonly commit?: string };
  readonly green?: { readonly taskSetArn?: string; readonly commit?: string };
  /** While baking: the swap's bake length. */
  readonly bakeSeconds?: number;
  /** While shifting: the strategy, the step production is at (1-based) of how many, and green's share. */
  readonly shift?: {
    readonly type?: string;
    readonly step?: number;
    readonly steps?: number;
    readonly percent?: number;
  };
  readonly updatedBy?: string;
  readonly updatedAt?: string;
}

/** Who holds the service's lease (one operation at a time), and whether that execution still runs. */
export interface LeaseView {
  readonly holder: string;
  readonly machine: string;
  readonly operation: string;
  readonly since: string;
  /** False when the holder no longer runs: the next operation takes the lease over. */
  readonly holderRunning: boolean;
}

export interface InFlightView {
  readonly machine: MachineKind;
  readonly executionArn: string;
  /** The execution's start date (ISO). */
  readonly startedAt?: string;
  /**
   * The time of its newest history event (ISO): how long it has run is at least that minus its start, even when this
   * machine's clock is behind the service's (or behind local AWS's emulated clock, which runs faster).
   */
  readonly lastEventAt?: string;
}

export interface ApprovalView {
  readonly pipelineName: string;
  readonly stageName: string;
  readonly actionName: string;
  /** Since when it waits (ISO). */
  readonly since?: string;
  readonly pipelineExecutionId?: string;
  /** The action's `timeoutInMinutes` (GetPipeline), CodePipeline's default of 7 days when it gives none. */
  readonly timeoutMinutes?: number;
  /** When it expires unanswered (since + timeout, ISO); expiring fails it as a rejection would. */
  readonly expiresAt?: string;
}

/**
 * An execution waiting on a task token for testers' approval (swapApprovalMode step-functions, contract/approvals.ts):
 * a swap at ApproveSwap (for the green under test), or a clean-up at ApproveCleanUp (for the green production serves
 * after a swap, while blue still runs).
 */
export interface WaitingApprovalView {
  /** ApproveSwap (a swap waits) or ApproveCleanUp (a clean-up waits). */
  readonly stage: ApprovalStage;
  readonly executionArn: string;
  /** The version it is for: the green under test (ApproveSwap), or the green production serves (ApproveCleanUp). */
  readonly green: { readonly taskSetArn: string; readonly commit?: string };
  readonly requestedAt: string;
  /** When it expires unanswered (ISO): abort (ApproveSwap) or rollback (ApproveCleanUp) runs, as for a rejection. */
  readonly expiresAt: string;
}

/** A swap waiting on a task token for testers' approval: {@link WaitingApprovalView} at ApproveSwap. */
export type SwapApprovalView = WaitingApprovalView & { readonly stage: 'ApproveSwap' };
/** A clean-up waiting on a task token for testers' approval: {@link WaitingApprovalView} at ApproveCleanUp. */
export type CleanUpApprovalView = WaitingApprovalView & { readonly stage: 'ApproveCleanUp' };

/** The bake of the swap that runs now: how far it is and how green's targets are. */
export interface BakeView {
  readonly executionArn: string;
  /** When its bake started (ISO, the swap's StartBake state). */
  readonly startedAt: string;
  readonly elapsedSeconds: number;
  readonly totalSeconds: number;
  /** Green's targets that are `unhealthy`, `unavailable` or `draining` (what ends the bake and moves production back). */
  readonly unhealthy: number;
  readonly targets: number;
}

/**
 * The controller's target-tracking policy on the service's desired count (contract/autoscaling.ts), when the service
 * has one: the target group whose requests per target it tracks, and whether its scale-in is disabled. `unknown` when
 * Application Auto Scaling could not be read (the reason).
 */
export type ScalingView =
  | {
      /** `targetgroup/NAME/ID`, from the policy's ALBRequestCountPerTarget resource label. */
      readonly trackedTargetGroup: string;
      readonly scaleInDisabled: boolean;
    }
  | { readonly unknown: string };

export interface StatusView {
  readonly stack: string;
  /** `emulated`: the times come from local AWS's emulated clock (faster than the wall clock), not from AWS's. */
  readonly clock?: 'emulated' | 'wall';
  /** When this picture was read, on this machine's (wall) clock (ISO). */
  readonly observedAt?: string;
  readonly record: DeploymentRecordView;
  readonly lease?: LeaseView;
  readonly production: Probe & {
    readonly rule: RuleView;
    /**
     * A rule of the production listener with a smaller priority and the same conditions as the controller's: it
     * answers the requests first (e.g. the old service's rule while a service moves onto the controller), so the
     * controller's versions serve no production traffic.
     */
    readonly shadowedBy?: { readonly ruleArn: string; readonly priority: string };
  };
  readonly test: Probe & { readonly rule: RuleView };
  readonly taskSets: readonly TaskSetView[];
  readonly inFlight: readonly InFlightView[];
  /** The pipeline's manual approvals waiting for an answer (approve/reject). */
  readonly pendingApprovals: readonly ApprovalView[];
  /** The swap waiting for testers' approval on a task token, when it is for the green under test and still runs. */
  readonly swapApproval?: SwapApprovalView;
  /**
   * The clean-up waiting for testers' approval on a task token, when it is for the green production serves after a
   * swap and still runs. (At most one approval waits per service: never both this and `swapApproval`.)
   */
  readonly cleanUpApproval?: CleanUpApprovalView;
  /**
   * A waiter left behind, still running: it waits for a version its stage is no longer about (a clean-up started by a
   * swap whose blue was since cleaned up or rolled back by hand; a swap whose green was since aborted or swapped). It
   * acts on nothing: an answer is refused, its expiry starts nothing, and `approve`/`reject` end it as superseded. It
   * is not what runs: `Next:` does not point at it.
   */
  readonly staleApproval?: WaitingApprovalView;
  readonly bake?: BakeView;
  /** The controller's scaling policy; absent when the service has none (no `autoScaling`). */
  readonly scaling?: ScalingView;
  /** What to run next, as the user runs it (hints.ts), best first. */
  readonly next: readonly string[];
  /** Where the live state differs from the template, and who owns it (cli/ownership.ts); or why it is unknown. */
  readonly ownership: readonly OwnershipLine[] | { readonly unknown: string };
}

/** CodePipeline's default for a manual approval's `timeoutInMinutes` (7 days). */
export const APPROVAL_DEFAULT_TIMEOUT_MINUTES = 7 * 24 * 60;

/** When an approval waiting since `since` expires: `since` plus its timeout (CodePipeline's default: 7 days). */
export function approvalExpiry(since: string | undefined, timeoutMinutes: number | undefined): string | undefined {
  if (since === undefined) return undefined;
  const start = new Date(since).getTime();
  if (!Number.isFinite(start)) return undefined;
  return new Date(start + (timeoutMinutes ?? APPROVAL_DEFAULT_TIMEOUT_MINUTES) * 60_000).toISOString();
}

const BAD_TARGET_STATES = ['unhealthy', 'unavailable', 'draining'];

/** Targets that count against a bake (the swap's bake moves production back when it sees any). */
export function unhealthyTargets(targets: Readonly<Record<string, number>>): number {
  return BAD_TARGET_STATES.reduce((n, state) => n + (targets[state] ?? 0), 0);
}

const asTime = (value: Date | string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? t : undefined;
};

/**
 * The bake of a running swap, from its execution history (oldest first): it started when the swap entered
 * StartBake, and is still on while the newest state entered belongs to the bake step (cli/steps.ts). Its length is
 * the recorded `bakeSeconds`, else the input's, else the default. `now` is the wall clock; undefined when the
 * history's timestamps are on another clock (local AWS's emulated one): the elapsed time then runs to the newest
 * event, never from the wall clock. Undefined when the swap is not baking.
 */
export function bakeProgress(
  history: readonly HistoryEvent[],
  options: {
    readonly executionArn: string;
    readonly recordedSeconds?: number;
    readonly now?: Date;
    readonly greenTargets?: Readonly<Record<string, number>>;
  },
): BakeView | undefined {
  const entered = history.filter((e) => e.stateEnteredEventDetails?.name !== undefined);
  const start = [...entered].reverse().find((e) => e.stateEnteredEventDetails?.name === 'StartBake');
  const current = entered[entered.length - 1]?.stateEnteredEventDetails?.name;
  if (start === undefined || current === undefined || stepOf('swap', current)?.id !== 'bake') return undefined;
  if (history.some((e) => /^Execution(Succeeded|Failed|TimedOut|Aborted)$/.test(e.type ?? ''))) return undefined;
  const startedAt = asTime(start.timestamp);
  if (startedAt === undefined) return undefined;
  let input: Record<string, unknown> | undefined;
  try {
    const text = history.find((e) => e.type === 'ExecutionStarted')?.executionStartedEventDetails?.input;
    input = text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    input = undefined;
  }
  const fromInput = typeof input?.bakeSeconds === 'number' ? input.bakeSeconds : undefined;
  const totalSeconds = options.recordedSeconds ?? fromInput ?? BAKE_SECONDS.default;
  const newest = Math.max(...history.map((e) => asTime(e.timestamp) ?? 0));
  const until = Math.max(newest, options.now?.getTime() ?? 0);
  const targets = options.greenTargets ?? {};
  return {
    executionArn: options.executionArn,
    startedAt: new Date(startedAt).toISOString(),
    elapsedSeconds: Math.min(totalSeconds, Math.max(0, Math.floor((until - startedAt) / 1000))),
    totalSeconds,
    unhealthy: unhealthyTargets(targets),
    targets: Object.values(targets).reduce((a, b) => a + b, 0),
  };
}

/** The task-token approval that waits, of either stage (at most one waits per service). */
export function waitingApproval(
  view: Pick<StatusView, 'swapApproval' | 'cleanUpApproval'>,
): WaitingApprovalView | undefined {
  return view.swapApproval ?? view.cleanUpApproval;
}

/** What to run next, from what runs, what waits for an answer and the recorded phase (best first). */
export function statusNext(
  view: Pick<
    StatusView,
    'inFlight' | 'pendingApprovals' | 'record' | 'swapApproval' | 'cleanUpApproval' | 'staleApproval'
  >,
  hints: Hints,
): string[] {
  const waiting = waitingApproval(view);
  // What runs besides waiters: a waiter acts only once answered, and a stale one never.
  const others = view.inFlight.filter(
    (e) => e.executionArn !== waiting?.executionArn && e.executionArn !== view.staleApproval?.executionArn,
  );
  if (waiting !== undefined && others.length === 0) {
    // Only the execution waiting for testers runs: answer it (reject names its stage, as it starts abort or
    // rollback), or follow it.
    return [
      hint(hints, 'approve'),
      hint(hints, 'reject', '--stage', waiting.stage),
      hint(hints, 'watch', waiting.executionArn),
    ];
  }
  const newestFirst = (list: readonly InFlightView[]): InFlightView[] =>
    [...list].sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
  const running = newestFirst(others)[0];
  if (running) {
    // `wait` follows the newest execution that runs: when that is one waiting for testers (a clean-up that swap started
    // just before it ends, or a stale waiter), it would wait for an answer, so only `watch` of the other is named.
    const waitFollows = newestFirst(view.inFlight)[0]?.executionArn === running.executionArn;
    return [hint(hints, 'watch', running.executionArn), ...(waitFollows ? [hint(hints, 'wait')] : [])];
  }
  if (view.pendingApprovals.length > 0) {
    // Always with --stage: reject requires it (it starts abort or rollback), and an approve that names its stage
    // cannot answer another approval that became pending in between.
    return ['approve', 'reject'].flatMap((verb) =>
      view.pendingApprovals.map((a) => hint(hints, verb, '--stage', a.stageName)),
    );
  }
  return nextCommands(PHASE_NEXT[view.record.phase] ?? ['status'], { hints });
}

/**
 * Which version a task set is, in blue/green words: the record's green is `green`, the version it keeps to go back
 * to is `blue (previous)`, and whatever production serves is `(live)`.
 */
export function versionOf(taskSet: Pick<TaskSetView, 'arn' | 'role' | 'status'>, record: DeploymentRecordView): string {
  const live = taskSet.role.split('+').includes('production');
  if (record.green?.taskSetArn === taskSet.arn) return live ? 'green (live)' : 'green';
  // After a swap the record names green as `live` (and blue as `previous`) until clean-up or rollback.
  if (record.phase === 'swapped' && record.live?.taskSetArn === taskSet.arn) return live ? 'green (live)' : 'green';
  if (record.previous?.taskSetArn === taskSet.arn) return live ? 'blue (live)' : 'blue (previous)';
  if (live) return 'blue (live)';
  return taskSet.status === 'PRIMARY' ? 'blue' : 'other';
}

export function describePhase(record: DeploymentRecordView): string {
  const shift = record.shift;
  const at =
    record.phase === 'shifting' && shift?.step !== undefined
      ? `; ${shift.type ?? 'traffic'} shift step ${shift.step} of ${shift.steps ?? '?'}, ${shift.percent ?? '?'} % to green`
      : '';
  return `${record.phase} (${PHASE_TEXT[record.phase] ?? 'unknown phase'}${at})`;
}

export function describeLease(lease: LeaseView | undefined, emulated = false): string {
  if (!lease) return 'free';
  const since = /^\d{4}-\d\d-\d\dT/.test(lease.since) ? clockTime(lease.since, emulated) : lease.since;
  const who = `${lease.machine} (${lease.operation}) ${lease.holder} since ${since}`;
  return lease.holderRunning ? `held by ${who}` : `stale: ${who} no longer runs; the next operation takes it over`;
}

export function describeRule(rule: RuleView, taskSets: readonly TaskSetView[]): string {
  if (rule.kind === 'fixed') return `fixed response ${rule.statusCode}`;
  if (rule.kind === 'unknown') return '-';
  const total = (rule.weights ?? []).reduce((sum, w) => sum + w, 0);
  return rule.targetGroupArns
    .map((arn, i) => {
      const ts = taskSets.find((t) => t.targetGroupArn === arn);
      const weight = rule.weights?.[i];
      const share = weight !== undefined && total > 0 ? ` (${Math.round((weight / total) * 1000) / 10} %)` : '';
      return `${ts ? `task set ${ts.id}` : `target group ${shortArn(arn)}`}${share}`;
    })
    .join(', ');
}

function describeProbe(p: Probe): string {
  if (p.error) return `unreachable (${p.error})`;
  return p.version ? `${p.version} (HTTP ${p.status})` : `HTTP ${p.status ?? '?'}, no X-App-Version`;
}

/** 6d 23h, 5h 02m, 4m 05s: a long span in its two largest units. */
export function formatSpan(ms: number): string {
  const hours = Math.floor(Math.max(0, ms) / 3_600_000);
  if (hours < 24) return formatDuration(ms);
  return `${Math.floor(hours / 24)}d ${String(hours % 24).padStart(2, '0')}h`;
}

/** How long an execution has run: from its start date, and at least up to its newest event. */
export function runningFor(e: InFlightView, now: Date): number | undefined {
  if (e.startedAt === undefined) return undefined;
  const start = new Date(e.startedAt).getTime();
  const last = e.lastEventAt === undefined ? start : new Date(e.lastEventAt).getTime();
  return Math.max(0, now.getTime() - start, last - start);
}

/**
 * How the picture is drawn. `stable`: for deciding whether it changed (status --watch off a terminal prints it again
 * only then): how long things have run is left out, and the bake's progress counts in tenths.
 */
export interface RenderOptions {
  readonly now?: Date;
  readonly stable?: boolean;
}

function describeBake(bake: BakeView, emulated: boolean, stable: boolean): string {
  const progress = stable
    ? `tenth ${Math.floor((bake.elapsedSeconds / Math.max(1, bake.totalSeconds)) * 10)} of ${bake.totalSeconds} s`
    : `${bake.elapsedSeconds} s of ${bake.totalSeconds} s`;
  const clock = emulated ? ' (seconds of local AWS’s emulated clock)' : '';
  return `Bake: ${progress}, ${bake.unhealthy} unhealthy of ${bake.targets} green targets${clock}`;
}

function describeApproval(a: ApprovalView, emulated: boolean, now: Date, stable: boolean): string {
  const since = a.since ? ` since ${clockTime(a.since, emulated)}` : '';
  let expires = '';
  if (a.expiresAt !== undefined) {
    // An emulated expiry is hours ahead of the wall clock: "in …" would be wrong, so only the time is given.
    const left = emulated || stable ? '' : ` (in ${formatSpan(new Date(a.expiresAt).getTime() - now.getTime())})`;
    expires = `; expires ${clockTime(a.expiresAt, emulated)}${left} unless answered (timeout ${formatSpan((a.timeoutMinutes ?? APPROVAL_DEFAULT_TIMEOUT_MINUTES) * 60_000)}), which counts as a rejection`;
  }
  return `  ${a.stageName} (action ${a.actionName}) in pipeline ${a.pipelineName}${since}${expires}`;
}

/**
 * After a swap that found no blue (a first release) the record names no previous version: a clean-up then has no blue
 * to remove, and rejecting its approval rolls nothing back (lambdas/approvals withdraw).
 */
export function isFirstRelease(record: DeploymentRecordView): boolean {
  return record.previous?.taskSetArn === undefined;
}

/** The "Waiting for approval:" line of a task-token waiter: what it waits for and what an answer, or none, starts. */
export function describeWaitingApproval(
  a: WaitingApprovalView,
  record: DeploymentRecordView,
  emulated: boolean,
): string {
  const commit = a.green.commit === undefined ? '' : ` ${a.green.commit}`;
  const since = clockTime(a.requestedAt, emulated);
  const expires = clockTime(a.expiresAt, emulated);
  if (a.stage === 'ApproveSwap') {
    return `  ApproveSwap (a task-token wait): swap ${a.executionArn} waits for the approval of green${commit} (task set ${a.green.taskSetArn}) since ${since}; expires ${expires} unless answered, which starts abort as a rejection does`;
  }
  if (isFirstRelease(record)) {
    return `  ApproveCleanUp (a task-token wait): clean-up ${a.executionArn} waits for the approval to close the test listener, keeping green${commit} (task set ${a.green.taskSetArn}; a first release, so no blue to remove) since ${since}; expires ${expires} unless answered, which ends it as a rejection does (nothing to roll back to)`;
  }
  return `  ApproveCleanUp (a task-token wait): clean-up ${a.executionArn} waits for the approval to remove blue, keeping green${commit} (task set ${a.green.taskSetArn}) since ${since}; expires ${expires} unless answered, which starts rollback as a rejection does`;
}

function renderInFlight(view: StatusView, now: Date, stable: boolean): string[] {
  const emulated = view.clock === 'emulated';
  const stale = view.staleApproval;
  const lines = view.inFlight.map((e) => {
    const ms = stable ? undefined : runningFor(e, now);
    const note =
      stale?.executionArn === e.executionArn
        ? `: a leftover wait at ${stale.stage} for green task set ${stale.green.taskSetArn}, which is no longer ${stale.stage === 'ApproveSwap' ? 'under test' : 'what production serves after a swap'}; it acts on nothing, and approve or reject ends it`
        : '';
    return `  ${e.machine} ${e.executionArn}${ms !== undefined ? ` (running ${formatDuration(ms)}${emulated ? ' emulated' : ''})` : ''}${note}`;
  });
  const approvals = [
    ...[view.swapApproval, view.cleanUpApproval].flatMap((a) =>
      a === undefined ? [] : [describeWaitingApproval(a, view.record, emulated)],
    ),
    ...view.pendingApprovals.map((a) => describeApproval(a, emulated, now, stable)),
  ];
  if (lines.length === 0 && approvals.length === 0) return ['In flight: none'];
  return [
    ...(lines.length > 0 ? ['In flight:', ...lines] : []),
    ...(approvals.length > 0 ? ['Waiting for approval:', ...approvals] : []),
  ];
}

function renderOwnership(ownership: StatusView['ownership']): string[] {
  if ('unknown' in ownership) return [`Ownership: unknown (${ownership.unknown})`, ''];
  if (ownership.length === 0) return ['Ownership: the live state is what the template created', ''];
  return [
    'Ownership (live state that differs from the template):',
    ...ownership.map((line) => `  ${line.kind === 'hazard' ? 'HAZARD ' : ''}${line.resource}: ${line.text}`),
    '',
  ];
}

/** `targetgroup/NAME/ID` of a target group ARN (the TargetGroup part of a metric's dimension or resource label). */
const targetGroupPart = (arn: string | undefined): string | undefined =>
  arn === undefined ? undefined : targetGroupDimension(arn);

/**
 * What the scaling policy tracks, and a warning when, with no operation running, it tracks a target group production
 * does not forward to (a Stop left it there: target tracking then reads the wrong group's requests until the next
 * operation puts it back on production's version).
 */
function describeScaling(view: StatusView): string[] {
  const scaling = view.scaling;
  if (scaling === undefined) return [];
  if ('unknown' in scaling) return [`Autoscaling: unknown (${scaling.unknown})`];
  const taskSet = view.taskSets.find((ts) => targetGroupPart(ts.targetGroupArn) === scaling.trackedTargetGroup);
  const name = taskSet?.targetGroupName ?? scaling.trackedTargetGroup;
  const whose = taskSet === undefined ? 'no task set' : versionOf(taskSet, view.record);
  const lines = [
    `Autoscaling: tracks requests per target of ${name} (${whose}), scale-in ${scaling.scaleInDisabled ? 'disabled' : 'enabled'}`,
  ];
  const production = view.production.rule;
  const tracksProduction =
    production.kind === 'forward' &&
    production.targetGroupArns.some((arn) => targetGroupPart(arn) === scaling.trackedTargetGroup);
  if (production.kind === 'forward' && !tracksProduction && view.lease?.holderRunning !== true) {
    lines.push(
      `! autoscaling: ${name} is not a target group production forwards to: target tracking scales by the wrong requests until the next operation (below) puts the policy back on production's version.`,
    );
  }
  return lines;
}

function targetsText(t: Readonly<Record<string, number>>): string {
  return (
    Object.entries(t)
      .map(([state, n]) => `${n} ${state}`)
      .join(', ') || 'none'
  );
}

/** The picture, line by line (no trailing newline). */
export function statusLines(view: StatusView, options: RenderOptions = {}): string[] {
  const now = options.now ?? new Date();
  const stable = options.stable ?? false;
  const emulated = view.clock === 'emulated';
  return [
    `Stack ${view.stack}`,
    `Phase: ${describePhase(view.record)}`,
    `Lease: ${describeLease(view.lease, emulated)}`,
    ...(view.bake ? [describeBake(view.bake, emulated, stable)] : []),
    '',
    ...table([
      ['LISTENER', 'SERVES (colour/commit)', 'RULE FORWARDS TO', 'URL'],
      [
        'production',
        describeProbe(view.production),
        describeRule(view.production.rule, view.taskSets),
        view.production.url,
      ],
      ['test', describeProbe(view.test), describeRule(view.test.rule, view.taskSets), view.test.url],
    ]).split('\n'),
    ...(view.production.shadowedBy
      ? [
          `! production: rule ${view.production.shadowedBy.ruleArn} (priority ${view.production.shadowedBy.priority}) has the same conditions and a smaller priority: it answers production, not this service.`,
        ]
      : []),
    ...describeScaling(view),
    '',
    ...(view.taskSets.length === 0
      ? ['No task sets: nothing is deployed yet.']
      : table([
          [
            'VERSION',
            'TASK SET',
            'IMAGE',
            'COMMIT',
            'STATUS',
            'STABILITY',
            'RUNNING/DESIRED',
            'SERVES',
            'TASK DEFINITION',
            'TARGET GROUP',
            'TARGETS',
          ],
          ...view.taskSets.map((ts) => [
            versionOf(ts, view.record),
            ts.id,
            ts.image ?? '-',
            ts.commit ?? '-',
            ts.status,
            ts.stability,
            `${ts.running}/${ts.desired}`,
            ts.role,
            ts.taskDefinition,
            ts.targetGroupName ?? shortArn(ts.targetGroupArn),
            targetsText(ts.targets),
          ]),
        ]).split('\n')),
    '',
    ...renderOwnership(view.ownership),
    ...renderInFlight(view, now, stable),
    ...(view.next.length > 0 ? ['', `Next: ${view.next.join(', or ')}`] : []),
  ];
}

/** The picture as one text (what one-shot `status` prints). */
export function renderStatus(view: StatusView, now: Date = new Date()): string {
  return statusLines(view, { now }).join('\n');
}

/** What decides whether the picture changed: the picture without how long things have run (see RenderOptions). */
export function changeKey(view: StatusView): string {
  return statusLines(view, { now: new Date(0), stable: true }).join('\n');
}
