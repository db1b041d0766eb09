/**
 * Invariants (b) "nothing orphaned" and (c) "the status tells the truth", checked on the emulator's state once an
 * execution has ended. Each check returns a list of problems in plain words (empty = the invariant holds).
 */
import { LIFECYCLE_HOOK_FAILED, LIFECYCLE_STAGES, parseFailureCause, type LifecycleStage } from '../../contract';
import type { ExecutionResult } from '../../harness/demo/executions';
import type { ServiceView } from '../../harness/demo/observe';
import { FAULT_HOOKS, hookFails, type HookBehaviours } from '../faults/hooks';
import { lastTaskOutput } from './history';

/** The five state machines, by the names LocalStack.stateMachines uses. */
export type Machine = 'deployGreen' | 'swap' | 'cleanUp' | 'rollback' | 'abort';

export const MACHINES: readonly Machine[] = ['deployGreen', 'swap', 'cleanUp', 'rollback', 'abort'];

/** What each task set is for, derived from where the two controller-owned rules forward. */
export interface Roles {
  /** PRIMARY, and production forwards to its target group. */
  readonly live?: string;
  /** ACTIVE, the test rule forwards to its target group, and production does not. */
  readonly underTest?: string;
  /** After a swap and before clean-up: the previous live task set, ACTIVE, kept for a rollback. */
  readonly standby?: string;
  /** Everything else. */
  readonly others: readonly string[];
}

const forwardsTo = (rule: ServiceView['production'], arn: string | undefined): boolean =>
  rule.kind === 'forward' && arn !== undefined && rule.targetGroupArns.includes(arn);

/** The task set whose target group `rule` forwards to, if any. */
const taskSetForwardedBy = (view: ServiceView, rule: ServiceView['production']) =>
  view.taskSets.find((ts) => forwardsTo(rule, ts.targetGroupArn));

export function roles(view: ServiceView): Roles {
  const live = view.taskSets.find((ts) => ts.status === 'PRIMARY' && forwardsTo(view.production, ts.targetGroupArn));
  const underTest = view.taskSets.find(
    (ts) =>
      ts.status === 'ACTIVE' &&
      forwardsTo(view.test, ts.targetGroupArn) &&
      !forwardsTo(view.production, ts.targetGroupArn),
  );
  // Swapped but not cleaned up: the test rule still forwards to what production serves.
  const swapped = live !== undefined && forwardsTo(view.test, live.targetGroupArn);
  const rest = view.taskSets.filter((ts) => ts !== live && ts !== underTest);
  const standby = swapped && rest.length === 1 && rest[0]?.status === 'ACTIVE' ? rest[0] : undefined;
  return {
    ...(live && { live: live.arn }),
    ...(underTest && { underTest: underTest.arn }),
    ...(standby && { standby: standby.arn }),
    others: rest.filter((ts) => ts !== standby).map((ts) => ts.arn),
  };
}

/**
 * (b) Nothing orphaned, for the state after a completed step or a failed-and-undone one:
 * - the target groups are exactly the task sets' target groups (none without a task set, none missing);
 * - the listeners have no rules besides the three controller-owned ones, and the previous-version rule forwards only
 *   to the previous live task set kept for a rollback (between swap and clean-up);
 * - every task set is the live one (PRIMARY, production forwards to it), the green under test, or (between swap and
 *   clean-up only) the previous live one kept for a rollback; and at most one is PRIMARY.
 */
export function orphanProblems(view: ServiceView): string[] {
  const problems: string[] = [];
  const taskSetGroups = new Set(view.taskSets.flatMap((ts) => (ts.targetGroupArn ? [ts.targetGroupArn] : [])));
  for (const tg of view.targetGroups) {
    if (!taskSetGroups.has(tg.arn)) problems.push(`target group ${tg.name} is used by no task set`);
  }
  for (const ts of view.taskSets) {
    if (!ts.targetGroupArn) problems.push(`task set ${ts.arn} has no target group`);
    else if (!view.targetGroups.some((tg) => tg.arn === ts.targetGroupArn)) {
      problems.push(`task set ${ts.arn} uses target group ${ts.targetGroupArn}, which does not exist`);
    }
  }
  if (view.extraRules !== 0) problems.push(`${view.extraRules} listener rule(s) besides the controller-owned ones`);
  if (view.previous.kind === 'forward') {
    const standby = view.taskSets.find((ts) => ts.arn === roles(view).standby);
    const stray = view.previous.targetGroupArns.filter((arn) => arn !== standby?.targetGroupArn);
    for (const arn of stray) {
      problems.push(`the previous-version rule forwards to ${arn}, which is not the version kept for a rollback`);
    }
  }
  const primaries = view.taskSets.filter((ts) => ts.status === 'PRIMARY');
  if (primaries.length > 1) problems.push(`${primaries.length} PRIMARY task sets`);
  for (const arn of roles(view).others) {
    const ts = view.taskSets.find((t) => t.arn === arn);
    problems.push(`task set ${arn} (${ts?.status}) is neither live, nor under test, nor kept for a rollback`);
  }
  for (const rule of ['production', 'test'] as const) {
    const target = view[rule];
    if (target.kind !== 'forward') continue;
    for (const arn of target.targetGroupArns) {
      if (!taskSetGroups.has(arn)) problems.push(`the ${rule} rule forwards to ${arn}, which no task set uses`);
    }
  }
  return problems;
}

/** The part of a view a step promises to keep or restore: what exists and where the rules point, not health. */
export function durableState(view: ServiceView) {
  return {
    desiredCount: view.desiredCount,
    taskSets: view.taskSets
      .map((ts) => ({ arn: ts.arn, status: ts.status, targetGroupArn: ts.targetGroupArn }))
      .sort((a, b) => a.arn.localeCompare(b.arn)),
    production: view.production,
    test: view.test,
    previous: view.previous,
    extraRules: view.extraRules,
    targetGroups: view.targetGroups.map((tg) => tg.arn).sort(),
  };
}

/**
 * How a FAILED execution's cause says it left things: its structured `undone` (contract/results.ts), never its prose.
 * `partial` is a stop part-way whose message says where production is; `unclear` a cause without the contract's fields.
 */
export type FailureClaim = 'nothing-changed' | 'undone' | 'undo-failed' | 'partial' | 'unclear';

export function failureClaim(cause: string | undefined): FailureClaim {
  const parsed = parseFailureCause(cause);
  switch (parsed?.undone) {
    case 'nothing-changed':
      return 'nothing-changed';
    case 'everything':
      return 'undone';
    case 'failed':
      return 'undo-failed';
    case 'partly':
      return 'partial';
    default:
      return 'unclear';
  }
}

/** Machines that never move production: when they stop part-way, production must be as it was. */
const LEAVES_PRODUCTION: readonly Machine[] = ['cleanUp', 'abort'];

/** Whether (b) applies to the state after this execution: it completed, or it failed and says it undid everything. */
export function expectsTidyState(machine: Machine, result: ExecutionResult): boolean {
  if (result.status === 'SUCCEEDED') return true;
  const claim = failureClaim(result.cause);
  return claim === 'nothing-changed' || claim === 'undone';
}

export interface TruthOptions {
  /**
   * Green's health may change on its own after the gate (a flapping image): then a SUCCEEDED deploy-green is judged
   * by what its last health poll saw (history) only, not by the target health a moment later.
   */
  readonly greenMayFlap?: boolean;
  /**
   * Something outside the controller changed the service's desired count during the execution (an autoscaler): a
   * SUCCEEDED deploy-green is then judged by its last health poll (history), not by the task counts a moment later.
   */
  readonly capacityChanged?: boolean;
}

const ERROR_NAME = /^(BlueGreen|Ecs|ElasticLoadBalancingV2|States)\.[A-Za-z0-9]+$/;

/**
 * (c) The status tells the truth, for one execution given the state just before and just after it:
 * - deploy-green SUCCEEDED: the green it names is ACTIVE, STEADY_STATE, runs every desired task, one healthy target
 *   per task, and the test rule (only) forwards to it; production did not move;
 * - swap SUCCEEDED: production forwards to the green that was under test, and it is PRIMARY;
 * - clean-up SUCCEEDED: only the live task set and its target group are left, and the test rule is closed;
 * - FAILED: the error has a service or BlueGreen name, the cause is non-empty and says what was undone; "Nothing was
 *   changed" and "Undone" mean the durable state equals the state before; a partial clean-up left production as it
 *   was.
 */
export function truthProblems(
  machine: Machine,
  result: ExecutionResult,
  before: ServiceView,
  after: ServiceView,
  options: TruthOptions = {},
): string[] {
  const problems: string[] = [];
  if (result.status === 'SUCCEEDED') {
    if (machine === 'deployGreen') problems.push(...deployGreenSucceeded(result, before, after, options));
    if (machine === 'swap') problems.push(...swapSucceeded(before, after));
    if (machine === 'cleanUp') problems.push(...cleanUpSucceeded(after));
    if (machine === 'rollback') problems.push(...rollbackSucceeded(result, before, after));
    if (machine === 'abort') problems.push(...abortSucceeded(result, before, after));
    return problems;
  }
  if (result.status !== 'FAILED') return [`execution ended ${result.status}`];
  if (!ERROR_NAME.test(result.error ?? '')) problems.push(`error ${JSON.stringify(result.error)} names no service`);
  if (!result.cause || result.cause.trim() === '') problems.push('the cause is empty');
  const claim = failureClaim(result.cause);
  const same = JSON.stringify(durableState(before)) === JSON.stringify(durableState(after));
  switch (claim) {
    case 'nothing-changed':
    case 'undone':
      if (!same) {
        problems.push(
          `the cause says ${claim === 'undone' ? 'everything was undone' : 'nothing was changed'}, but the state ` +
            `changed: ${describeChange(before, after)}`,
        );
      }
      break;
    case 'partial':
      if (!LEAVES_PRODUCTION.includes(machine)) break;
      if (JSON.stringify(after.production) !== JSON.stringify(before.production)) {
        problems.push('the cause says production is unaffected, but the production rule changed');
      }
      if (roles(after).live !== roles(before).live)
        problems.push('the cause says production is unaffected, but the live task set changed');
      break;
    case 'undo-failed':
      break;
    case 'unclear':
      problems.push(`the cause does not say what was undone: ${JSON.stringify(result.cause)}`);
  }
  return problems;
}

function deployGreenSucceeded(
  result: ExecutionResult,
  before: ServiceView,
  after: ServiceView,
  options: TruthOptions,
): string[] {
  const problems = gateProblems(result);
  const output = (result.output ?? {}) as { green?: { taskSetArn?: string; targetGroupArn?: string } };
  const green = after.taskSets.find((ts) => ts.arn === output.green?.taskSetArn);
  if (!green) return [`the green task set it names (${output.green?.taskSetArn}) does not exist`];
  if (green.status !== 'ACTIVE') problems.push(`green is ${green.status}, not ACTIVE`);
  if (green.targetGroupArn !== output.green?.targetGroupArn) problems.push('the output names another target group');
  if (!options.greenMayFlap && !options.capacityChanged) {
    if (green.stabilityStatus !== 'STEADY_STATE') problems.push(`green is ${green.stabilityStatus}`);
    if (!(green.computedDesiredCount > 0 && green.runningCount === green.computedDesiredCount)) {
      problems.push(`green runs ${green.runningCount} of ${green.computedDesiredCount} tasks`);
    }
    const states = after.targetGroups.find((tg) => tg.arn === green.targetGroupArn)?.states ?? [];
    if (states.length !== green.computedDesiredCount || states.some((s) => s !== 'healthy')) {
      problems.push(`green's targets are ${JSON.stringify(states)}, not one healthy target per task`);
    }
  }
  if (JSON.stringify(after.test) !== JSON.stringify({ kind: 'forward', targetGroupArns: [green.targetGroupArn] })) {
    problems.push(`the test rule forwards to ${JSON.stringify(after.test)}, not to green`);
  }
  if (JSON.stringify(after.production) !== JSON.stringify(before.production)) problems.push('production moved');
  return problems;
}

/** What deploy-green's last health poll saw (history): STEADY_STATE, every task running, every target healthy. */
function gateProblems(result: ExecutionResult): string[] {
  const ecs = lastTaskOutput(result.history, 'DescribeGreenTaskSet') as
    | { TaskSets?: Array<{ StabilityStatus?: string; RunningCount?: number; ComputedDesiredCount?: number }> }
    | undefined;
  const elb = lastTaskOutput(result.history, 'DescribeGreenTargetHealth') as
    { TargetHealthDescriptions?: Array<{ TargetHealth?: { State?: string } }> } | undefined;
  const taskSet = ecs?.TaskSets?.[0];
  const states = (elb?.TargetHealthDescriptions ?? []).map((d) => d.TargetHealth?.State);
  const desired = taskSet?.ComputedDesiredCount ?? 0;
  const problems: string[] = [];
  if (!taskSet) return ['the history shows no health poll of green'];
  if (taskSet.StabilityStatus !== 'STEADY_STATE') problems.push(`the last poll saw green ${taskSet.StabilityStatus}`);
  if (!(desired > 0 && taskSet.RunningCount === desired)) {
    problems.push(`the last poll saw ${taskSet.RunningCount} of ${desired} tasks running`);
  }
  if (states.length !== desired || states.some((s) => s !== 'healthy')) {
    problems.push(`the last poll saw target states ${JSON.stringify(states)}`);
  }
  return problems;
}

function swapSucceeded(before: ServiceView, after: ServiceView): string[] {
  // The green under test; or, for a swap re-run after one stopped between moving production and making green primary,
  // the ACTIVE task set production already forwards to (nothing is "live" then).
  const interrupted =
    roles(before).live === undefined && before.production.kind === 'forward'
      ? before.taskSets.find(
          (ts) =>
            ts.status === 'ACTIVE' &&
            ts.targetGroupArn !== undefined &&
            before.production.kind === 'forward' &&
            before.production.targetGroupArns.includes(ts.targetGroupArn),
        )
      : undefined;
  const green = before.taskSets.find((ts) => ts.arn === roles(before).underTest) ?? interrupted;
  const greenNow = after.taskSets.find((ts) => ts.arn === green?.arn);
  if (!green || !greenNow) {
    // A re-run after a completed swap: production must still serve the live task set.
    return roles(after).live === roles(before).live && roles(after).live !== undefined
      ? []
      : ['swap succeeded without a green under test, and production does not serve the same live task set'];
  }
  const problems: string[] = [];
  if (
    JSON.stringify(after.production) !== JSON.stringify({ kind: 'forward', targetGroupArns: [green.targetGroupArn] })
  ) {
    problems.push(`production forwards to ${JSON.stringify(after.production)}, not to green`);
  }
  if (greenNow.status !== 'PRIMARY') problems.push(`green is ${greenNow.status}, not PRIMARY`);
  return problems;
}

function cleanUpSucceeded(after: ServiceView): string[] {
  const problems: string[] = [];
  const live = roles(after).live;
  if (after.test.kind !== 'fixed') problems.push('the test rule still forwards');
  if (after.taskSets.length > 1 || (after.taskSets.length === 1 && after.taskSets[0]?.arn !== live)) {
    problems.push(`task sets left besides the live one: ${after.taskSets.filter((ts) => ts.arn !== live).length}`);
  }
  return problems;
}

/** Whether a SUCCEEDED execution's output says it changed nothing (`changed: false`). */
function changedNothing(result: ExecutionResult): boolean {
  return (result.output as { changed?: unknown } | undefined)?.changed === false;
}

/**
 * rollback SUCCEEDED: production forwards to the version kept for a rollback before it ran (the one live before the
 * swap), which is PRIMARY, and it is the only task set left; with `changed: false`, nothing durable changed.
 */
function rollbackSucceeded(result: ExecutionResult, before: ServiceView, after: ServiceView): string[] {
  if (changedNothing(result)) return sameExceptSweep(before, after, 'rollback');
  // The version to go back to: the one task set besides the live one (kept for a rollback, or already on the test
  // listener when an interrupted rollback is re-run); with none, a re-run found production already back on it.
  const live = roles(before).live;
  const others = before.taskSets.filter((ts) => ts.arn !== live && ts.status !== 'DRAINING');
  // A rollback stopped after moving production back and before making that version primary leaves nothing "live"
  // (production forwards to an ACTIVE task set): the re-run's target is the task set production already forwards to.
  const forwarded = live === undefined ? taskSetForwardedBy(before, before.production) : undefined;
  // A swap stopped after recording "swapping" but before production moved leaves green under test and production on
  // the previous version: rollback goes back to that one (it stays) and removes green.
  const stillLive = live !== undefined && roles(before).underTest !== undefined ? live : undefined;
  // The previous-version rule names the version kept for a rollback until rollback closes it (its last step before
  // removing green): it tells "swap stopped before production moved" (it forwards to the live one) from "rollback
  // stopped after pointing the test listener back" (it forwards to the one under test), which look alike otherwise.
  const kept = taskSetForwardedBy(before, before.previous);
  // rollback closes that rule only once production is back on the version kept and it is primary again: with the rule
  // closed and a live task set, a re-run of a rollback stopped after closing it only removes the rest (the task set
  // left beside the live one is green, not the version to go back to).
  const movedBack = before.previous.kind === 'fixed' ? live : undefined;
  const target =
    kept ??
    forwarded ??
    before.taskSets.find((ts) => ts.arn === (stillLive ?? movedBack)) ??
    (others.length === 1 ? others[0] : before.taskSets.find((ts) => ts.arn === live));
  if (!target) return ['rollback succeeded, but before it there was no version to go back to'];
  const problems: string[] = [];
  if (
    JSON.stringify(after.production) !== JSON.stringify({ kind: 'forward', targetGroupArns: [target.targetGroupArn] })
  ) {
    problems.push(`production forwards to ${JSON.stringify(after.production)}, not to the previous version`);
  }
  const now = after.taskSets.find((ts) => ts.arn === target.arn);
  if (now?.status !== 'PRIMARY') problems.push(`the previous version is ${now?.status ?? 'gone'}, not PRIMARY`);
  const left = after.taskSets.filter((ts) => ts.arn !== target.arn);
  if (left.length > 0) problems.push(`task sets left besides the previous version: ${left.length}`);
  return problems;
}

/** abort SUCCEEDED: production did not move, only the live task set is left and the test rule is closed. */
function abortSucceeded(result: ExecutionResult, before: ServiceView, after: ServiceView): string[] {
  if (changedNothing(result)) return sameExceptSweep(before, after, 'abort');
  const problems: string[] = [];
  if (JSON.stringify(after.production) !== JSON.stringify(before.production)) problems.push('production moved');
  if (after.test.kind !== 'fixed') problems.push('the test rule still forwards');
  const live = roles(after).live;
  const others = after.taskSets.filter((ts) => ts.arn !== live);
  if (others.length > 0) problems.push(`task sets left besides the live one: ${others.length}`);
  return problems;
}

/** `changed: false` may still have swept target groups no task set used; everything else must be as before. */
function sameExceptSweep(before: ServiceView, after: ServiceView, machine: Machine): string[] {
  const a = { ...durableState(before), targetGroups: [] as string[] };
  const b = { ...durableState(after), targetGroups: [] as string[] };
  return JSON.stringify(a) === JSON.stringify(b)
    ? []
    : [`${machine} says it changed nothing, but the state changed: ${describeChange(before, after)}`];
}

function describeChange(before: ServiceView, after: ServiceView): string {
  const a = durableState(before);
  const b = durableState(after);
  return (Object.keys(a) as Array<keyof typeof a>)
    .filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .map((key) => `${key} ${JSON.stringify(a[key])} → ${JSON.stringify(b[key])}`)
    .join('; ');
}

/** The state each stage's hooks start at (state-machines/authoring/hooks.ts): `Run<Stage>Hooks`. */
export const hookRunState = (stage: LifecycleStage): string =>
  `Run${stage
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')}Hooks`;

/** The hook a BlueGreen.LifecycleHookFailed cause names ("The lifecycle hook NAME (…) at STAGE failed: …"). */
export function failedHookOf(cause: string | undefined): { name: string; stage: string } | undefined {
  const message = parseFailureCause(cause)?.message ?? cause ?? '';
  const match = /lifecycle hook ([A-Za-z0-9_-]+) \([^)]*\) at ([A-Z_]+) failed/.exec(message);
  return match?.[1] !== undefined && match[2] !== undefined ? { name: match[1], stage: match[2] } : undefined;
}

export interface HookTruthOptions {
  /** What the fault stack's hooks did during the execution (none: every hook answered SUCCEEDED at once). */
  readonly hooks?: HookBehaviours;
  /** A Lambda Invoke fault was injected during the execution (a hook may then fail through no fault of its own). */
  readonly invokeFaulted?: boolean;
  /** Green may fail the built-in smoke test (its data plane misbehaves, or its health changes on its own). */
  readonly smokeTestMayFail?: boolean;
}

/**
 * (c) for lifecycle hooks, one execution of a stack with the fault hooks (oracles/faults/hooks.ts):
 * - a hook that fails (answers FAILED, throws, answers nonsense, or never finishes) at a stage the execution reached
 *   never lets it succeed;
 * - `BlueGreen.LifecycleHookFailed` names a hook, at its stage, that had a reason to fail: a fault hook that was to
 *   fail there, the smoke test when green may fail it, or any hook when an Invoke of it was failed by the plan. Any
 *   other hook failure is an untruth: every hook answered SUCCEEDED.
 */
export function hookTruthProblems(
  machine: Machine,
  result: ExecutionResult,
  states: readonly string[],
  options: HookTruthOptions,
): string[] {
  const problems: string[] = [];
  const reached = LIFECYCLE_STAGES.filter((stage) => states.includes(hookRunState(stage)));
  if (result.status === 'SUCCEEDED') {
    for (const stage of reached) {
      const behaviour = options.hooks?.[stage];
      if (hookFails(behaviour)) {
        problems.push(
          `${machine} succeeded, but its ${stage} hook ${behaviour?.kind === 'stall' ? 'never finished' : `was to fail (${behaviour?.kind})`}`,
        );
      }
    }
  }
  if (result.error !== LIFECYCLE_HOOK_FAILED) return problems;
  const named = failedHookOf(result.cause);
  if (!named) return [...problems, `${LIFECYCLE_HOOK_FAILED}'s cause names no hook: ${JSON.stringify(result.cause)}`];
  const stage = LIFECYCLE_STAGES.find((s) => s === named.stage);
  if (!stage || !reached.includes(stage)) {
    problems.push(`${LIFECYCLE_HOOK_FAILED} names stage ${named.stage}, which ${machine} did not reach`);
    return problems;
  }
  const faultHook = FAULT_HOOKS.find((h) => h.name === named.name);
  const justified =
    options.invokeFaulted === true ||
    (faultHook !== undefined && faultHook.stage === stage && hookFails(options.hooks?.[stage])) ||
    // The built-in smoke test's hook name (infra/lib/constructs/lifecycle-hooks.ts SMOKE_TEST_HOOK_NAME).
    (named.name === 'SmokeTest' && options.smokeTestMayFail === true);
  if (!justified) {
    problems.push(
      `${machine} failed with ${LIFECYCLE_HOOK_FAILED} naming ${named.name} at ${named.stage}, but that hook was not to fail and no Invoke was failed`,
    );
  }
  return problems;
}

/** Each task set's scale (percent of the service's desired count), by ARN: what ServiceView does not show. */
export type TaskSetScales = Readonly<Record<string, number>>;

/**
 * (c) for green's size (deploy-green's `testScalePercent`, swap's full-size gate), given each task set's scale just
 * before and just after an execution:
 * - swap SUCCEEDED: the task set production now serves runs at 100 % (never a green still at its test size);
 * - FAILED, saying nothing changed or everything was undone: every task set that is still there has the scale it had
 *   (a green scaled to full size for the swap is back at its test size, swap's undo included).
 */
export function scaleProblems(
  machine: Machine,
  result: ExecutionResult,
  before: TaskSetScales,
  after: TaskSetScales,
  live: string | undefined,
): string[] {
  if (result.status === 'SUCCEEDED') {
    if (machine !== 'swap' || live === undefined || after[live] === undefined || after[live] === 100) return [];
    return [`swap succeeded, but production's task set runs at ${after[live]} %, not 100 %`];
  }
  const claim = failureClaim(result.cause);
  if (claim !== 'nothing-changed' && claim !== 'undone') return [];
  return Object.entries(before).flatMap(([arn, scale]) =>
    after[arn] === undefined || after[arn] === scale
      ? []
      : [
          `the cause says ${claim === 'undone' ? 'everything was undone' : 'nothing was changed'}, but task set ${arn} runs at ${after[arn]} % (it was ${scale} %)`,
        ],
  );
}
