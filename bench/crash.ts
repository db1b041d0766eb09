/**
 * A green that crashes during swap's bake: every green task process is SIGKILLed at once right after the bake's green
 * watch began (its function's check of green's target health, contract/green-watch.ts), with production under load,
 * and the bench records what production answers until the watch wakes swap (ECS Task State Change → EventBridge →
 * the green-watch function's SendTaskFailure) and swap moves production back to blue.
 *
 * Why SIGKILL of the task processes (and not StopTask): a crash is a container that dies without warning (an OOM
 * kill is SIGKILL, exit code 137; a segfault or an uncaught exception ends the process just as abruptly). ECS then
 * stops the task ("Essential container in task exited"), deregisters its targets and schedules a replacement, and the
 * ALB meanwhile cannot connect to it. StopTask is an orderly stop (ECS drains the targets first, then sends SIGTERM
 * and the app finishes its in-flight requests), which is a deliberate scale-in, not a crash; local ECS does not
 * implement it either. The processes are found by their parent (this process, which runs local AWS) and by the
 * `commit` in the task server's argument, which is the green image's unique tag.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import type { CallRecord } from '../local/aws/call-log';
import type { ExecutionResult } from '../harness/demo/executions';
import type { LocalStack } from '../harness/demo/local-stack';
import { observe } from '../harness/demo/observe';
import {
  BENCH_BAKE_SECONDS,
  endOf,
  expectStatus,
  machineCost,
  ruleArn,
  sleep,
  tagOf,
  timed,
  type MachineCost,
} from './flow';
import { startLoad } from './load';
import { windowStats, type WindowStats } from './stats';

export const GREEN_UNHEALTHY_AFTER_SWAP = 'BlueGreen.GreenUnhealthyAfterSwap';

export interface CrashMeasurement {
  /** Green tasks killed (the desired count). */
  readonly killedTasks: number;
  /** Emulated s from swap's production ModifyRule (to green) to the kill: the watch's start and the bench's reaction. */
  readonly swapToKillEmulatedS: number;
  /** From the kill to the green watch's SendTaskFailure (the event reached it, and it woke swap) completing. */
  readonly killToWakeWallMs: number;
  readonly killToWakeEmulatedS: number;
  /** From the kill to swap's ModifyRule that points production back at blue completing (API level). */
  readonly killToProductionRuleBackWallMs: number;
  readonly killToProductionRuleBackEmulatedS: number;
  /** From the kill to the first blue response on production (client level). */
  readonly killToFirstBlueWallMs: number;
  readonly killToFirstBlueEmulatedS: number;
  /** From the kill to the last non-2xx response or connection error on production. */
  readonly killToLastFailureWallMs: number;
  /**
   * From the kill to the first green 2xx to a request sent after production had started failing: only a replacement
   * task (ECS restarts crashed tasks) can answer that. NaN when none answered before blue was back.
   */
  readonly killToReplacementGreenWallMs: number;
  readonly replacementGreenAnswered: boolean;
  /** Production from the start of the load (before swap) until the kill: the swap's own cutover, goal 0 failures. */
  readonly beforeKill: WindowStats;
  /** Production from the kill until the first blue response completes. */
  readonly untilBlue: WindowStats & {
    readonly status502: number;
    readonly status503: number;
    /** 2xx from green: requests in flight at the kill that still completed, and any replacement task's answers. */
    readonly green2xx: number;
  };
  /** Production after the first blue response until the load stopped (requests already in flight, if any). */
  readonly afterBlue: WindowStats;
  /** How swap ended: its error (`BlueGreen.GreenUnhealthyAfterSwap` when the bake moved production back), or ''. */
  readonly swapStatus: string;
  readonly swapError: string;
  /** Whether the production rule forwarded to blue's target group when swap had ended. */
  readonly productionOnBlue: boolean;
  /** The swap, including the bake and its undo; and the abort that discards green afterwards (not measured under load). */
  readonly machines: { readonly swap: MachineCost };
  /** Where the scenario's wall time goes (deploy-green, swap, the abort or rollback after it, and in all). */
  readonly scenarioWallMs: {
    readonly deployGreen: number;
    readonly swap: number;
    readonly cleanUp: number;
    readonly total: number;
  };
}

export interface CrashOptions {
  readonly repo: string;
  readonly desiredCount: number;
  readonly connections: number;
  /** Image tag of the live (blue) version, as shown in X-App-Version. */
  readonly blueTag: string;
  /** Image tag of the green that crashes (unique in the run: the task processes are found by it). */
  readonly crashTag: string;
  readonly crashCommit: string;
}

const execFileAsync = promisify(execFile);
const TASK_SERVER = `${path.sep}dataplane${path.sep}task-server${path.sep}server.js`;

/** Pids of this process's task processes that serve `commit` (local ECS forks them; see local/dataplane). */
export async function taskPids(commit: string): Promise<number[]> {
  const { stdout } = await execFileAsync('ps', ['-A', '-ww', '-o', 'pid=,ppid=,args=']);
  const marker = JSON.stringify({ commit }).slice(1, -1);
  const rows = stdout.split('\n').flatMap((line) => {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    return match ? [{ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] ?? '' }] : [];
  });
  // Task processes are this process's grandchildren: local AWS forks them through its task spawner (a child process).
  const ours = new Set([process.pid, ...rows.filter((r) => r.ppid === process.pid).map((r) => r.pid)]);
  return rows
    .filter((r) => ours.has(r.ppid) && r.args.includes(TASK_SERVER) && r.args.includes(marker))
    .map((r) => r.pid);
}

/** Resolves with the first controller call matching `predicate`, polling the call log every `everyMs`. */
function waitForCall(
  stack: LocalStack,
  predicate: (c: CallRecord) => boolean,
  giveUp: Promise<unknown>,
  everyMs = 2,
): Promise<CallRecord> {
  return new Promise<CallRecord>((resolve, reject) => {
    let done = false;
    const timer = setInterval(() => {
      const found = stack.aws.server.callLog.entries().find((c) => c.principal !== undefined && predicate(c));
      if (found) {
        done = true;
        clearInterval(timer);
        resolve(found);
      }
    }, everyMs);
    giveUp.then(
      () => {
        if (done) return;
        clearInterval(timer);
        reject(new Error("swap ended before its bake's green watch began (is bakeSeconds ≥ 1?)"));
      },
      (error: unknown) => {
        clearInterval(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export async function measureCrash(stack: LocalStack, o: CrashOptions): Promise<CrashMeasurement> {
  const started = Date.now();
  const { timeScale } = stack.aws.clock;
  const emulatedS = (ms: number): number => ms / 1000 / timeScale;
  const prodRule = ruleArn(stack, 80);
  const live = observe(stack).production;
  const blueTg = live.kind === 'forward' ? live.targetGroupArns[0] : undefined;
  if (blueTg === undefined) throw new Error('crash scenario: production does not forward to a live version');

  // The load starts while green deploys (production is untouched by deploy-green), which saves its start-up time.
  const [prodLoad, deploy] = await Promise.all([
    startLoad(stack.urls.production, o.connections),
    timed(stack, 'deployGreen', {
      ...stack.service,
      image: `${o.repo}:${o.crashTag}`,
      commit: o.crashCommit,
    }),
  ]);
  const loadStart = deploy[2];
  let swap: [ExecutionResult, number, number];
  let trigger: CallRecord;
  let killAt: number;
  let swapToKillMs: number;
  let productionOnBlue: boolean;
  try {
    expectStatus(deploy, 'SUCCEEDED', 'deploy-green before the crash');
    const pids = await taskPids(o.crashTag);
    if (pids.length !== o.desiredCount) {
      throw new Error(`crash scenario: found ${pids.length} green task processes, expected ${o.desiredCount}`);
    }
    stack.aws.server.callLog.clear();
    const swapRun = timed(stack, 'swap', { ...stack.service, bakeSeconds: BENCH_BAKE_SECONDS });
    const toGreen = await waitForCall(
      stack,
      (c) => c.operation === 'ModifyRule' && c.input.RuleArn === prodRule,
      swapRun,
    );
    trigger = await waitForCall(
      stack,
      (c) => c.operation === 'DescribeTargetHealth' && Date.parse(c.time) > Date.parse(toGreen.time),
      swapRun,
    );
    killAt = Date.now();
    swapToKillMs = killAt - endOf(toGreen);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone: it crashed on its own, which is the same thing.
      }
    }
    swap = await swapRun;
    const production = observe(stack).production;
    productionOnBlue = production.kind === 'forward' && production.targetGroupArns[0] === blueTg;
    // A moment of load after swap ended, to see whether anything still failed once blue was back.
    await sleep(300);
  } catch (error) {
    await prodLoad.stop().catch(() => undefined);
    throw error;
  }
  const loadEnd = Date.now();
  const prod = await prodLoad.stop();

  // The calls after the one that triggered the kill, by position in the log: timestamps have millisecond resolution,
  // and the kill often falls in the same millisecond as that call.
  const calls = stack.aws.server.callLog.entries().filter((c) => c.principal !== undefined);
  const afterKill = calls.slice(calls.indexOf(trigger) + 1);
  const detecting = afterKill.find((c) => c.operation === 'SendTaskFailure');
  const ruleBack = afterKill.find((c) => c.operation === 'ModifyRule' && c.input.RuleArn === prodRule);

  let firstBlue = NaN;
  let lastFailure = NaN;
  for (let i = 0; i < prod.end.length; i++) {
    const t = prod.end[i] ?? 0;
    if (t < killAt) continue;
    const status = prod.status[i] ?? 0;
    if (Number.isNaN(firstBlue) && tagOf(prod.versions[prod.version[i] ?? 0] ?? '') === o.blueTag) firstBlue = t;
    if (status < 200 || status > 299) lastFailure = Math.max(Number.isNaN(lastFailure) ? t : lastFailure, t);
  }
  for (const t of prod.errorTimes)
    if (t >= killAt) lastFailure = Math.max(Number.isNaN(lastFailure) ? t : lastFailure, t);
  const untilBlueEnd = Number.isNaN(firstBlue) ? loadEnd + 1 : firstBlue + 1;
  let status502 = 0;
  let status503 = 0;
  let green2xx = 0;
  let firstFailure = NaN;
  let replacementGreen = NaN;
  for (let i = 0; i < prod.end.length; i++) {
    const t = prod.end[i] ?? 0;
    if (t < killAt || t >= untilBlueEnd) continue;
    const status = prod.status[i] ?? 0;
    if (status === 502) status502++;
    if (status === 503) status503++;
    if (status < 200 || status > 299) firstFailure = Number.isNaN(firstFailure) ? t : firstFailure;
    const green = tagOf(prod.versions[prod.version[i] ?? 0] ?? '') === o.crashTag;
    if (green && status >= 200 && status <= 299) {
      green2xx++;
      const sent = t - (prod.latency[i] ?? 0);
      if (Number.isNaN(replacementGreen) && sent > firstFailure) replacementGreen = t;
    }
  }

  // Discard green (swap left it on the test listener for inspection); if swap did not move production back,
  // rollback does that and removes green. Neither is measured: production is already on blue or about to be.
  const cleanUp = swap[0].status === 'SUCCEEDED' ? 'rollback' : 'abort';
  const cleaned = await timed(stack, cleanUp, stack.service);
  expectStatus(cleaned, 'SUCCEEDED', `${cleanUp} after the crash`);

  return {
    killedTasks: o.desiredCount,
    swapToKillEmulatedS: emulatedS(swapToKillMs),
    killToWakeWallMs: detecting ? endOf(detecting) - killAt : NaN,
    killToWakeEmulatedS: detecting ? emulatedS(endOf(detecting) - killAt) : NaN,
    killToProductionRuleBackWallMs: ruleBack ? endOf(ruleBack) - killAt : NaN,
    killToProductionRuleBackEmulatedS: ruleBack ? emulatedS(endOf(ruleBack) - killAt) : NaN,
    killToFirstBlueWallMs: firstBlue - killAt,
    killToFirstBlueEmulatedS: emulatedS(firstBlue - killAt),
    killToLastFailureWallMs: lastFailure - killAt,
    killToReplacementGreenWallMs: replacementGreen - killAt,
    replacementGreenAnswered: !Number.isNaN(replacementGreen),
    beforeKill: windowStats(prod, loadStart, killAt),
    untilBlue: { ...windowStats(prod, killAt, untilBlueEnd), status502, status503, green2xx },
    afterBlue: windowStats(prod, untilBlueEnd, loadEnd + 1),
    swapStatus: swap[0].status,
    swapError: swap[0].error ?? '',
    productionOnBlue,
    machines: { swap: machineCost(stack, [swap]) },
    scenarioWallMs: {
      deployGreen: deploy[2] - deploy[1],
      swap: swap[2] - swap[1],
      cleanUp: cleaned[2] - cleaned[1],
      total: Date.now() - started,
    },
  };
}
