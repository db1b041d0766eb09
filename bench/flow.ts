/**
 * One measured deployment on a running local stack: steady load on production through deploy-green → swap →
 * clean-up (and on the test URL during deploy-green), the controller's own overhead read from the emulator, and
 * (optionally) the two failure paths: a green that never becomes healthy, and a rollback after a swap.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { CallRecord } from '../local/aws/call-log';
import { runExecution, statesEntered, type ExecutionResult } from '../harness/demo/executions';
import type { LocalStack } from '../harness/demo/local-stack';
import { observe } from '../harness/demo/observe';
import { startLoad } from './load';
import type { LoadSamples } from './load-worker';
import { spread, windowStats, type WindowStats } from './stats';

export const PRICE_PER_TRANSITION_USD = 0.025 / 1000;
/** swap's bake in the benchmark (the stack default is 300 s): its polls count in swap's transitions and cost. */
export const BENCH_BAKE_SECONDS = 30;
type Machine = keyof LocalStack['stateMachines'];

export interface MachineCost {
  readonly stateTransitions: number;
  /** AWS API calls the controller made (call log), by principal (role name). */
  readonly apiCallsByPrincipal: Record<string, number>;
  readonly apiCalls: number;
  readonly costUsd: number;
  readonly wallMs: number;
}

export interface FlowMeasurement {
  readonly baselineMs: number;
  readonly production: {
    readonly baseline: WindowStats;
    readonly deployGreen: WindowStats;
    readonly swap: WindowStats;
    readonly cleanUp: WindowStats;
    readonly whole: WindowStats;
  };
  readonly cutover: {
    /** Wall ms relative to the swap's StartExecution. */
    readonly blueFirstMs: number;
    readonly blueLastMs: number;
    readonly greenFirstMs: number;
    readonly greenLastMs: number;
    /** Blue responses completed after the first green one (completion order; in-flight requests). */
    readonly blueAfterGreenByCompletion: number;
    /** Blue responses to requests sent after a green response had already been received: the goal is 0. */
    readonly violations: number;
    /** Responses from neither version (e.g. fixed responses), and errors, during the swap. */
    readonly otherResponses: number;
  };
  readonly test: WindowStats & {
    readonly fixed503: number;
    readonly green2xx: number;
    readonly other: number;
    /** Wall ms from the test rule's ModifyRule completing to the first green response on the test URL. */
    readonly firstGreenAfterOpenMs: number;
  };
  readonly overhead: {
    /** Wall ms from the last green target turning healthy (emulator) to deploy-green's ModifyRule on the test rule. */
    readonly healthyToReadyWallMs: number;
    readonly healthyToReadyEmulatedS: number;
    /** …of which: waiting for the next health poll (healthy → the DescribeTargetHealth that saw it). */
    readonly healthyToGateCallWallMs: number;
    /** deploy-green's health polls (DescribeTargetHealth calls) and the median gap between two, in emulated s. */
    readonly healthPolls: number;
    readonly healthPollPeriodEmulatedS: number;
    /** Wall ms from the swap's StartExecution to the production ModifyRule completing (API level). */
    readonly swapToProductionRuleWallMs: number;
    /** Wall ms from the swap's StartExecution to the first green response on production (client level). */
    readonly swapToFirstGreenWallMs: number;
    /** Controller API calls from the swap's start up to and including the production ModifyRule. */
    readonly swapCriticalPathCalls: number;
    readonly swapCriticalPathOperations: string[];
  };
  readonly machines: Record<'deployGreen' | 'swap' | 'cleanUp' | 'flow', MachineCost>;
}

export interface FailureMeasurement {
  /** Wall ms / emulated s from deploy-green (never-healthy image) starting to its last undo call completing. */
  readonly unhealthyToUndoneWallMs: number;
  readonly unhealthyToUndoneEmulatedS: number;
  readonly unhealthyError: string;
  /**
   * Wall ms / emulated s from deploy-green of a crash-looping green (`local/crash-on-start`, the stack's 600-second
   * health timeout) starting to its last undo call completing; the error it failed with (fail fast:
   * BlueGreen.GreenTasksFailing) and the health polls it made (the timeout allows 60).
   */
  readonly crashLoopToUndoneWallMs: number;
  readonly crashLoopToUndoneEmulatedS: number;
  readonly crashLoopError: string;
  readonly crashLoopHealthPolls: number;
  /** The same for a green whose targets fail their health checks (`local/unhealthy`, the 600-second timeout). */
  readonly failingChecksToUndoneEmulatedS: number;
  readonly failingChecksError: string;
  readonly failingChecksHealthPolls: number;
  /** From rollback's StartExecution to the production ModifyRule back to blue completing (API level). */
  readonly rollbackToProductionRuleWallMs: number;
  /** From rollback's StartExecution to the last green response on production (client level: only blue after). */
  readonly rollbackToLastGreenWallMs: number;
  readonly rollbackTotalWallMs: number;
  /** Production during both failure paths. */
  readonly production: WindowStats;
  readonly machines: Record<'failedDeployGreen' | 'rollback', MachineCost>;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export const endOf = (c: CallRecord): number => Date.parse(c.time) + c.durationMs;
const roleName = (principal: string | undefined): string => principal?.split('/').pop() ?? 'unsigned (bench client)';

function transitions(history: readonly HistoryEvent[]): number {
  return history.filter((e) => (e.type ?? '').endsWith('StateEntered')).length;
}

/** Controller calls = calls signed by a role (the state machines'); the bench's own SFN polling is unsigned. */
export function controllerCalls(stack: LocalStack, from: number, to: number): CallRecord[] {
  return stack.aws.server.callLog.entries().filter((c) => {
    const t = Date.parse(c.time);
    return c.principal !== undefined && t >= from && t <= to;
  });
}

export function machineCost(stack: LocalStack, results: ReadonlyArray<[ExecutionResult, number, number]>): MachineCost {
  const byPrincipal: Record<string, number> = {};
  let stateTransitions = 0;
  let apiCalls = 0;
  let wallMs = 0;
  for (const [result, from, to] of results) {
    stateTransitions += transitions(result.history);
    wallMs += to - from;
    for (const call of controllerCalls(stack, from, to)) {
      const name = roleName(call.principal);
      byPrincipal[name] = (byPrincipal[name] ?? 0) + 1;
      apiCalls++;
    }
  }
  return {
    stateTransitions,
    apiCallsByPrincipal: byPrincipal,
    apiCalls,
    costUsd: stateTransitions * PRICE_PER_TRANSITION_USD,
    wallMs,
  };
}

export async function timed(
  stack: LocalStack,
  machine: Machine,
  input: Record<string, unknown>,
): Promise<[ExecutionResult, number, number]> {
  const from = Date.now();
  const result = await runExecution(stack.sfn, stack.stateMachines[machine], input, { pollMs: 20 });
  return [result, from, Date.now()];
}

export function expectStatus([result]: [ExecutionResult, number, number], status: string, what: string): void {
  if (result.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${result.status} ${result.error ?? ''} ${result.cause ?? ''}`);
  }
}

export function ruleArn(stack: LocalStack, albPort: number): string {
  const listener = stack.aws.elbv2.state().listeners.find((l) => l.port === albPort);
  const rule = listener?.rules.find((r) => r.Priority === '1');
  if (typeof rule?.RuleArn !== 'string') throw new Error(`No controller-owned rule on listener ${albPort}.`);
  return rule.RuleArn;
}

/** Polls the emulator's target health every `everyMs` and remembers when each target of a new group turned healthy. */
function watchHealth(stack: LocalStack, ignoreArn: string | undefined, everyMs = 2) {
  const firstHealthy = new Map<string, number>();
  let groupArn: string | undefined;
  let targetCount = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    for (const tg of stack.aws.elbv2.state().targetGroups) {
      if (tg.arn === ignoreArn) continue;
      groupArn ??= tg.arn;
      if (tg.arn !== groupArn) continue;
      targetCount = Math.max(targetCount, tg.targets.length);
      for (const t of tg.targets) {
        const key = `${t.id}:${t.port}`;
        if (t.health.state === 'healthy' && !firstHealthy.has(key)) firstHealthy.set(key, now);
      }
    }
  }, everyMs);
  return {
    /** When the last target of the new group first read healthy (wall ms). */
    stop: (expected: number): number => {
      clearInterval(timer);
      if (firstHealthy.size < expected) return NaN;
      return Math.max(...firstHealthy.values());
    },
  };
}

/** The image tag in `X-App-Version: colour/tag`: each deployed version has its own tag. */
export function tagOf(version: string): string {
  return version.split('/')[1] ?? '';
}

export interface FlowOptions {
  readonly repo: string;
  readonly desiredCount: number;
  readonly connections: number;
  readonly testConnections: number;
  /** Image tag of the live (blue) version, and tag and commit of the one deployed (green). */
  readonly blueTag: string;
  readonly greenTag: string;
  readonly greenCommit: string;
  readonly baselineMs: number;
}

export async function measureFlow(stack: LocalStack, o: FlowOptions): Promise<FlowMeasurement> {
  const { timeScale } = stack.aws.clock;
  const liveTg = observe(stack).production;
  const blueTg = liveTg.kind === 'forward' ? liveTg.targetGroupArns[0] : undefined;
  const testRule = ruleArn(stack, 8080);
  const prodRule = ruleArn(stack, 80);
  stack.aws.server.callLog.clear();

  const prodLoad = await startLoad(stack.urls.production, o.connections);
  const loadStart = Date.now();
  await sleep(o.baselineMs);
  const testLoad = await startLoad(stack.urls.test, o.testConnections);
  const health = watchHealth(stack, blueTg);
  const deploy = await timed(stack, 'deployGreen', {
    ...stack.service,
    image: `${o.repo}:${o.greenTag}`,
    commit: o.greenCommit,
  });
  const healthyAt = health.stop(o.desiredCount);
  expectStatus(deploy, 'SUCCEEDED', 'deploy-green');
  const testSamples = await testLoad.stop();
  const swap = await timed(stack, 'swap', { ...stack.service, bakeSeconds: BENCH_BAKE_SECONDS });
  expectStatus(swap, 'SUCCEEDED', 'swap');
  const clean = await timed(stack, 'cleanUp', stack.service);
  expectStatus(clean, 'SUCCEEDED', 'clean-up');
  await sleep(Math.min(1000, o.baselineMs));
  const loadEnd = Date.now();
  const prod = await prodLoad.stop();

  const calls = stack.aws.server.callLog.entries();
  const byController = calls.filter((c) => c.principal !== undefined);
  const testOpen = byController.find(
    (c) => c.operation === 'ModifyRule' && c.input.RuleArn === testRule && Date.parse(c.time) >= deploy[1],
  );
  const readyAt = testOpen ? endOf(testOpen) : NaN;
  const gateCall = byController
    .filter(
      (c) => c.operation === 'DescribeTargetHealth' && Date.parse(c.time) <= (testOpen ? Date.parse(testOpen.time) : 0),
    )
    .pop();
  const polls = byController
    .filter(
      (c) =>
        c.operation === 'DescribeTargetHealth' && Date.parse(c.time) >= deploy[1] && Date.parse(c.time) <= deploy[2],
    )
    .map((c) => Date.parse(c.time));
  const gaps = polls.slice(1).map((t, i) => t - (polls[i] ?? t));
  const swapStart = swap[1];
  const prodSwitch = byController.find(
    (c) => c.operation === 'ModifyRule' && c.input.RuleArn === prodRule && Date.parse(c.time) >= swapStart,
  );
  const critical = byController.filter(
    (c) =>
      Date.parse(c.time) >= swapStart && prodSwitch !== undefined && Date.parse(c.time) <= Date.parse(prodSwitch.time),
  );

  const isGreen = (s: LoadSamples, i: number): boolean => tagOf(s.versions[s.version[i] ?? 0] ?? '') === o.greenTag;
  const isBlue = (s: LoadSamples, i: number): boolean => tagOf(s.versions[s.version[i] ?? 0] ?? '') === o.blueTag;
  let blueFirst = NaN;
  let blueLast = NaN;
  let greenFirst = NaN;
  let greenLast = NaN;
  for (let i = 0; i < prod.end.length; i++) {
    const t = prod.end[i] ?? 0;
    if (isBlue(prod, i)) {
      if (Number.isNaN(blueFirst)) blueFirst = t;
      blueLast = t;
    } else if (isGreen(prod, i)) {
      if (Number.isNaN(greenFirst)) greenFirst = t;
      greenLast = t;
    }
  }
  let blueAfterGreenByCompletion = 0;
  let violations = 0;
  let otherResponses = 0;
  for (let i = 0; i < prod.end.length; i++) {
    const t = prod.end[i] ?? 0;
    if (isBlue(prod, i) && t > greenFirst) {
      blueAfterGreenByCompletion++;
      if (t - (prod.latency[i] ?? 0) > greenFirst) violations++;
    }
    if (t >= swap[1] && t < swap[2] && !isBlue(prod, i) && !isGreen(prod, i)) otherResponses++;
  }

  let fixed503 = 0;
  let green2xx = 0;
  let other = 0;
  let firstTestGreen = NaN;
  for (let i = 0; i < testSamples.end.length; i++) {
    const st = testSamples.status[i] ?? 0;
    if (st === 503 && (testSamples.version[i] ?? 0) === 0) fixed503++;
    else if (st >= 200 && st < 300 && isGreen(testSamples, i)) {
      green2xx++;
      if (Number.isNaN(firstTestGreen)) firstTestGreen = testSamples.end[i] ?? NaN;
    } else other++;
  }
  const relative = (t: number): number => t - swapStart;
  const toEmulatedS = (ms: number): number => ms / 1000 / timeScale;
  const testWindow = windowStats(testSamples, deploy[1], Infinity);

  return {
    baselineMs: o.baselineMs,
    production: {
      baseline: windowStats(prod, loadStart + 200, deploy[1]),
      deployGreen: windowStats(prod, deploy[1], deploy[2]),
      swap: windowStats(prod, swap[1], swap[2]),
      cleanUp: windowStats(prod, clean[1], clean[2]),
      whole: windowStats(prod, loadStart, loadEnd + 1),
    },
    cutover: {
      blueFirstMs: relative(blueFirst),
      blueLastMs: relative(blueLast),
      greenFirstMs: relative(greenFirst),
      greenLastMs: relative(greenLast),
      blueAfterGreenByCompletion,
      violations,
      otherResponses,
    },
    test: { ...testWindow, fixed503, green2xx, other, firstGreenAfterOpenMs: firstTestGreen - readyAt },
    overhead: {
      healthyToReadyWallMs: readyAt - healthyAt,
      healthyToReadyEmulatedS: toEmulatedS(readyAt - healthyAt),
      healthyToGateCallWallMs: gateCall ? Date.parse(gateCall.time) - healthyAt : NaN,
      healthPolls: polls.length,
      healthPollPeriodEmulatedS: toEmulatedS(spread(gaps).median),
      swapToProductionRuleWallMs: prodSwitch ? endOf(prodSwitch) - swapStart : NaN,
      swapToFirstGreenWallMs: greenFirst - swapStart,
      swapCriticalPathCalls: critical.length,
      swapCriticalPathOperations: critical.map((c) => c.operation),
    },
    machines: {
      deployGreen: machineCost(stack, [deploy]),
      swap: machineCost(stack, [swap]),
      cleanUp: machineCost(stack, [clean]),
      flow: machineCost(stack, [deploy, swap, clean]),
    },
  };
}

export interface FailureOptions {
  readonly repo: string;
  readonly connections: number;
  readonly rollbackCommit: string;
  readonly rollbackTag: string;
  readonly failingImage: string;
  /** A green whose tasks crash on start. */
  readonly crashLoopImage: string;
}

export async function measureFailure(stack: LocalStack, o: FailureOptions): Promise<FailureMeasurement> {
  const { timeScale } = stack.aws.clock;
  const prodRule = ruleArn(stack, 80);
  stack.aws.server.callLog.clear();
  const prodLoad = await startLoad(stack.urls.production, o.connections);
  const loadStart = Date.now();

  const failed = await timed(stack, 'deployGreen', {
    ...stack.service,
    image: o.failingImage,
    commit: 'badbad0',
    healthTimeoutSeconds: 30,
  });
  expectStatus(failed, 'FAILED', 'deploy-green of a never-healthy image');
  const failedCalls = controllerCalls(stack, failed[1], failed[2]);
  const lastUndo = failedCalls[failedCalls.length - 1];
  const undoneAt = lastUndo ? endOf(lastUndo) : NaN;

  // Fail fast: a green that keeps failing is undone long before the stack's 600-second health timeout.
  const failFast = async (image: string, commit: string) => {
    const run = await timed(stack, 'deployGreen', { ...stack.service, image, commit });
    expectStatus(run, 'FAILED', `deploy-green of ${image}`);
    const calls = controllerCalls(stack, run[1], run[2]);
    const last = calls[calls.length - 1];
    const wallMs = (last ? endOf(last) : NaN) - run[1];
    return {
      wallMs,
      emulatedS: wallMs / 1000 / timeScale,
      error: run[0].error ?? '',
      polls: statesEntered(run[0].history).filter((s) => s === 'WaitForGreen').length,
    };
  };
  const crashLoop = await failFast(o.crashLoopImage, 'c4a5401');
  const failingChecks = await failFast(o.failingImage, 'badbad1');

  expectStatus(
    await timed(stack, 'deployGreen', {
      ...stack.service,
      image: `${o.repo}:${o.rollbackTag}`,
      commit: o.rollbackCommit,
    }),
    'SUCCEEDED',
    'deploy-green before rollback',
  );
  expectStatus(
    await timed(stack, 'swap', { ...stack.service, bakeSeconds: BENCH_BAKE_SECONDS }),
    'SUCCEEDED',
    'swap before rollback',
  );
  const rollback = await timed(stack, 'rollback', stack.service);
  expectStatus(rollback, 'SUCCEEDED', 'rollback');
  const loadEnd = Date.now();
  const prod = await prodLoad.stop();
  const back = controllerCalls(stack, rollback[1], rollback[2]).find(
    (c) => c.operation === 'ModifyRule' && c.input.RuleArn === prodRule,
  );
  let lastGreen = NaN;
  for (let i = 0; i < prod.end.length; i++) {
    if (tagOf(prod.versions[prod.version[i] ?? 0] ?? '') === o.rollbackTag) lastGreen = prod.end[i] ?? NaN;
  }
  return {
    unhealthyToUndoneWallMs: undoneAt - failed[1],
    unhealthyToUndoneEmulatedS: (undoneAt - failed[1]) / 1000 / timeScale,
    unhealthyError: failed[0].error ?? '',
    crashLoopToUndoneWallMs: crashLoop.wallMs,
    crashLoopToUndoneEmulatedS: crashLoop.emulatedS,
    crashLoopError: crashLoop.error,
    crashLoopHealthPolls: crashLoop.polls,
    failingChecksToUndoneEmulatedS: failingChecks.emulatedS,
    failingChecksError: failingChecks.error,
    failingChecksHealthPolls: failingChecks.polls,
    rollbackToProductionRuleWallMs: back ? endOf(back) - rollback[1] : NaN,
    rollbackToLastGreenWallMs: lastGreen - rollback[1],
    rollbackTotalWallMs: rollback[2] - rollback[1],
    production: windowStats(prod, loadStart, loadEnd + 1),
    machines: { failedDeployGreen: machineCost(stack, [failed]), rollback: machineCost(stack, [rollback]) },
  };
}
