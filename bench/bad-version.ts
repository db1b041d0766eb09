/**
 * A bad version under production traffic (issue 13): a green that passes deploy-green (its health checks and its test
 * traffic answer 200) but answers 500 to 5 % of production's requests (`local/error-rate`, every 20th production page
 * request of each task). It is swapped in with the stack's default 300-second bake while autocannon loads production,
 * and the bench measures from production's real responses: when the first request failed, when production answered
 * from blue alone again (the bad version's last answer), and how many requests failed in between.
 *
 * swap's bake is event-driven (contract/green-watch.ts): the built-in alarm on green's target group (HTTPCode_Target_
 * 5XX_Count, Sum ≥ 5 in 60 s) goes to ALARM when its period closes, EventBridge sends the change to the green-watch
 * function, whose SendTaskFailure wakes swap, and swap moves production back to blue.
 *
 * The poll-based bake it replaced (until commit 2f6c0f1) polled green's target health every 10 s and judged nothing
 * else. It is not run again here (its machine is gone): the bench records the signal it would have polled instead,
 * green's target health in the emulator's ELBv2 every 10 emulated seconds while the bad version serves production,
 * and derives what it would have done from that signal and from this run's measured error share and request rate.
 */
import { BAKE_SECONDS, DEGRADED_TARGET_STATES } from '../contract';
import type { ExecutionResult } from '../harness/demo/executions';
import type { LocalStack } from '../harness/demo/local-stack';
import { observe } from '../harness/demo/observe';
import { endOf, expectStatus, machineCost, ruleArn, sleep, tagOf, timed, type MachineCost } from './flow';
import { GREEN_UNHEALTHY_AFTER_SWAP } from './crash';
import { startLoad } from './load';
import type { LoadSamples } from './load-worker';
import { windowStats, type Spread, type WindowStats } from './stats';

/** The bad version's share of failing production requests, in percent (`errors-N` in its image tag). */
export const BAD_VERSION_ERROR_PERCENT = 5;
/** swap's bake in this scenario: the stack's default, which is also the bake the poll-based comparison spans. */
export const BAD_VERSION_BAKE_SECONDS = BAKE_SECONDS.default;
/** The period of the poll-based bake's target-health polls (its 10-second Wait), in emulated seconds. */
export const POLL_BAKE_PERIOD_SECONDS = 10;
/** The built-in alarms' period (contract/green-watch.ts), in emulated seconds: the alarm is evaluated as one closes. */
const ALARM_PERIOD_SECONDS = 60;

/** One sample of the poll-based bake's signal: green's target health as ELBv2 had it at that moment. */
export interface TargetHealthPoll {
  /** Emulated s after production moved to green. */
  readonly atEmulatedS: number;
  readonly states: string[];
  /** What the poll-based bake (and today's health gate) would call degraded: any target degraded, or none healthy. */
  readonly degraded: boolean;
}

export interface BadVersionMeasurement {
  readonly errorPercent: number;
  readonly bakeSeconds: number;
  /** Emulated s from swap's production ModifyRule (to green) to the first failed production request. */
  readonly swapToFirstErrorEmulatedS: number;
  /** From the first failed production request (its answer) to the green watch's SendTaskFailure completing. */
  readonly firstErrorToWakeWallMs: number;
  readonly firstErrorToWakeEmulatedS: number;
  /** …of which until the alarm's 60 s period that caught it closed (computed on the emulated clock). */
  readonly firstErrorToPeriodCloseEmulatedS: number;
  /** From the first failed request to swap's ModifyRule pointing production back at blue completing (API level). */
  readonly firstErrorToRuleBackWallMs: number;
  readonly firstErrorToRuleBackEmulatedS: number;
  /** From the first failed request to the first blue answer after it (client level). */
  readonly firstErrorToFirstBlueWallMs: number;
  readonly firstErrorToFirstBlueEmulatedS: number;
  /** From the first failed request to the bad version's last answer: from then on, production answers from blue only. */
  readonly firstErrorToBlueOnlyWallMs: number;
  readonly firstErrorToBlueOnlyEmulatedS: number;
  /** Production from the first failed request to the bad version's last answer (inclusive). */
  readonly untilBlueOnly: WindowStats;
  /** Failed production requests in that window: non-2xx answers and connection errors. */
  readonly failedUntilBlueOnly: number;
  /** Production after the bad version's last answer until the load stopped (goal: 0 failures). */
  readonly afterBlueOnly: WindowStats;
  /** Production before swap moved it to green (blue only; goal: 0 failures). */
  readonly beforeSwap: WindowStats;
  /** Answers from the bad version on production, and how many of them failed (non-2xx). */
  readonly badVersionAnswers: number;
  readonly badVersionFailed: number;
  /** badVersionFailed / badVersionAnswers, in percent: the measured error share. */
  readonly measuredErrorPercent: number;
  /** Production requests per second while the bad version served it (move to green → move back), wall and emulated. */
  readonly requestsPerWallSecond: number;
  readonly requestsPerEmulatedSecond: number;
  /** The poll-based bake's signal, sampled every 10 emulated s while the bad version served production. */
  readonly targetHealthPolls: number;
  readonly targetHealthPollsDegraded: number;
  /** Derived, not measured: the poll-based bake keeps production on the bad version for the whole bake. */
  readonly pollBased: {
    readonly detected: boolean;
    /** measuredErrorPercent × requestsPerEmulatedSecond × bakeSeconds. */
    readonly derivedFailedOverBake: number;
  };
  /** The alarm named in swap's cause ('' if swap was not woken by an alarm). */
  readonly alarm: string;
  readonly swapStatus: string;
  readonly swapError: string;
  /** Whether the production rule forwarded to blue's target group when swap had ended. */
  readonly productionOnBlue: boolean;
  readonly machines: { readonly swap: MachineCost };
  readonly polls: TargetHealthPoll[];
  readonly scenarioWallMs: { readonly deployGreen: number; readonly swap: number; readonly total: number };
}

export interface BadVersionOptions {
  readonly connections: number;
  /** Image tag of the live (blue) version, as shown in X-App-Version. */
  readonly blueTag: string;
  /** A unique suffix for the bad version's image tag (its answers are told apart by it). */
  readonly runId: string;
  /** deploy-green's `commit` for the bad version (7-40 hex digits). */
  readonly commit: string;
}

/** Polls `read` every `everyMs` until it returns a value, or rejects when `giveUp` settles first. */
function waitFor<T>(read: () => T | undefined, giveUp: Promise<unknown>, everyMs = 2): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const timer = setInterval(() => {
      const found = read();
      if (found !== undefined) {
        done = true;
        clearInterval(timer);
        resolve(found);
      }
    }, everyMs);
    const stop = (): void => {
      if (done) return;
      clearInterval(timer);
      reject(new Error('bad version: swap ended before it moved production to green'));
    };
    giveUp.then(stop, stop);
  });
}

const failed = (s: LoadSamples, i: number): boolean => {
  const status = s.status[i] ?? 0;
  return status < 200 || status > 299;
};

export async function measureBadVersion(stack: LocalStack, o: BadVersionOptions): Promise<BadVersionMeasurement> {
  const started = Date.now();
  const { clock } = stack.aws;
  const emulatedS = (ms: number): number => ms / 1000 / clock.timeScale;
  /** The emulated clock's reading (epoch ms) at wall time `t`. */
  const emulatedAt = (t: number): number => clock.now() - (Date.now() - t) / clock.timeScale;
  const prodRule = ruleArn(stack, 80);
  const live = observe(stack).production;
  const blueTg = live.kind === 'forward' ? live.targetGroupArns[0] : undefined;
  if (blueTg === undefined) throw new Error('bad version: production does not forward to a live version');
  const badTag = `red-errors-${BAD_VERSION_ERROR_PERCENT}-${o.runId}`;

  const [prodLoad, deploy] = await Promise.all([
    startLoad(stack.urls.production, o.connections),
    timed(stack, 'deployGreen', { ...stack.service, image: `local/error-rate:${badTag}`, commit: o.commit }),
  ]);
  const loadStart = deploy[2];
  let swap: [ExecutionResult, number, number];
  let toGreenAt: number;
  let productionOnBlue: boolean;
  const polls: TargetHealthPoll[] = [];
  try {
    expectStatus(deploy, 'SUCCEEDED', 'bad version: deploy-green (its health checks and test traffic pass)');
    const test = observe(stack).test;
    const greenTg = test.kind === 'forward' ? test.targetGroupArns[0] : undefined;
    if (greenTg === undefined) throw new Error('bad version: no green under test after deploy-green');
    stack.aws.server.callLog.clear();
    const swapRun = timed(stack, 'swap', { ...stack.service, bakeSeconds: BAD_VERSION_BAKE_SECONDS });
    const toGreen = await waitFor(
      () =>
        stack.aws.server.callLog
          .entries()
          .find((c) => c.principal !== undefined && c.operation === 'ModifyRule' && c.input.RuleArn === prodRule),
      swapRun,
    );
    toGreenAt = endOf(toGreen);
    // The poll-based bake's signal: green's target health every 10 emulated s (read from the emulator, so the bench
    // makes no API call of its own) until the bad version no longer serves production.
    const poll = (): void => {
      const group = stack.aws.elbv2.state().targetGroups.find((g) => g.arn === greenTg);
      const states = (group?.targets ?? []).map((t) => t.health.state);
      const degraded =
        states.some((s) => (DEGRADED_TARGET_STATES as readonly string[]).includes(s)) || !states.includes('healthy');
      polls.push({ atEmulatedS: emulatedS(Date.now() - toGreenAt), states, degraded });
    };
    poll();
    const timer = setInterval(poll, clock.wallMs(POLL_BAKE_PERIOD_SECONDS));
    try {
      swap = await swapRun;
    } finally {
      clearInterval(timer);
    }
    const production = observe(stack).production;
    productionOnBlue = production.kind === 'forward' && production.targetGroupArns[0] === blueTg;
    // A moment of load after swap ended: requests in flight to the bad version complete, and blue answers.
    await sleep(300);
  } catch (error) {
    await prodLoad.stop().catch(() => undefined);
    throw error;
  }
  const loadEnd = Date.now();
  const prod = await prodLoad.stop();

  const calls = stack.aws.server.callLog.entries().filter((c) => c.principal !== undefined);
  const wake = calls.find((c) => c.operation === 'SendTaskFailure');
  const moves = calls.filter((c) => c.operation === 'ModifyRule' && c.input.RuleArn === prodRule);
  const ruleBack = moves[1];
  const alarmCreated = calls.find((c) => c.operation === 'PutMetricAlarm');

  const isBad = (i: number): boolean => tagOf(prod.versions[prod.version[i] ?? 0] ?? '') === badTag;
  const isBlue = (i: number): boolean => tagOf(prod.versions[prod.version[i] ?? 0] ?? '') === o.blueTag;
  let firstError = NaN;
  let lastBad = NaN;
  let badAnswers = 0;
  let badFailed = 0;
  for (let i = 0; i < prod.end.length; i++) {
    const t = prod.end[i] ?? 0;
    if (t < toGreenAt) continue;
    if (failed(prod, i) && Number.isNaN(firstError)) firstError = t;
    if (isBad(i)) {
      badAnswers++;
      if (failed(prod, i)) badFailed++;
      lastBad = t;
    }
  }
  for (const t of prod.errorTimes) if (t >= toGreenAt && !(t >= firstError)) firstError = t;
  let firstBlue = NaN;
  for (let i = 0; i < prod.end.length; i++) {
    const t = prod.end[i] ?? 0;
    if (t > firstError && isBlue(i)) {
      firstBlue = t;
      break;
    }
  }
  const untilBlueOnly = windowStats(prod, firstError, lastBad + 1);
  // The alarm's period that caught the errors: the first one to close after both the first error and the alarm's
  // creation (a new alarm is first evaluated when the period it was created in closes).
  const periodMs = ALARM_PERIOD_SECONDS * 1000;
  const caughtFrom = Math.max(emulatedAt(firstError), alarmCreated ? emulatedAt(endOf(alarmCreated)) : -Infinity);
  const periodClose = Math.ceil(caughtFrom / periodMs) * periodMs;

  const inLive = windowStats(prod, toGreenAt, ruleBack ? endOf(ruleBack) : loadEnd + 1);
  const measuredErrorPercent = badAnswers > 0 ? (badFailed / badAnswers) * 100 : NaN;
  const requestsPerEmulatedSecond = inLive.requestsPerSecond * clock.timeScale;
  const cause = swap[0].cause ?? '';
  const alarm = /alarm (\S+) is in ALARM/.exec(cause)?.[1] ?? '';

  // Take the bad version away: swap left it on the test listener (abort), or kept it on production (rollback).
  const cleanUp = swap[0].status === 'SUCCEEDED' ? 'rollback' : 'abort';
  expectStatus(await timed(stack, cleanUp, stack.service), 'SUCCEEDED', `${cleanUp} after the bad version`);

  const sinceFirstError = (t: number | undefined): number => (t === undefined ? NaN : t - firstError);
  return {
    errorPercent: BAD_VERSION_ERROR_PERCENT,
    bakeSeconds: BAD_VERSION_BAKE_SECONDS,
    swapToFirstErrorEmulatedS: emulatedS(firstError - toGreenAt),
    firstErrorToWakeWallMs: sinceFirstError(wake && endOf(wake)),
    firstErrorToWakeEmulatedS: emulatedS(sinceFirstError(wake && endOf(wake))),
    firstErrorToPeriodCloseEmulatedS: (periodClose - emulatedAt(firstError)) / 1000,
    firstErrorToRuleBackWallMs: sinceFirstError(ruleBack && endOf(ruleBack)),
    firstErrorToRuleBackEmulatedS: emulatedS(sinceFirstError(ruleBack && endOf(ruleBack))),
    firstErrorToFirstBlueWallMs: firstBlue - firstError,
    firstErrorToFirstBlueEmulatedS: emulatedS(firstBlue - firstError),
    firstErrorToBlueOnlyWallMs: lastBad - firstError,
    firstErrorToBlueOnlyEmulatedS: emulatedS(lastBad - firstError),
    untilBlueOnly,
    failedUntilBlueOnly: untilBlueOnly.non2xx + untilBlueOnly.connectionErrors,
    afterBlueOnly: windowStats(prod, lastBad + 1, loadEnd + 1),
    beforeSwap: windowStats(prod, loadStart, toGreenAt),
    badVersionAnswers: badAnswers,
    badVersionFailed: badFailed,
    measuredErrorPercent,
    requestsPerWallSecond: inLive.requestsPerSecond,
    requestsPerEmulatedSecond,
    targetHealthPolls: polls.length,
    targetHealthPollsDegraded: polls.filter((p) => p.degraded).length,
    pollBased: {
      detected: polls.some((p) => p.degraded),
      derivedFailedOverBake: (measuredErrorPercent / 100) * requestsPerEmulatedSecond * BAD_VERSION_BAKE_SECONDS,
    },
    alarm,
    swapStatus: swap[0].status,
    swapError: swap[0].error ?? '',
    productionOnBlue,
    machines: { swap: machineCost(stack, [swap]) },
    polls,
    scenarioWallMs: { deployGreen: deploy[2] - deploy[1], swap: swap[2] - swap[1], total: Date.now() - started },
  };
}

/** The figures of one desired count as the bench prints them below its table, event-driven and poll-based side by side. */
export function badVersionSummary(r: {
  readonly desiredCount: number;
  readonly badVersions: readonly BadVersionMeasurement[];
  readonly figures: Readonly<Record<string, Spread>>;
}): string | undefined {
  const runs = r.badVersions;
  if (runs.length === 0) return undefined;
  const f = (key: string, digits = 0): string => {
    const s = r.figures[`badVersion.${key}`];
    if (!s || s.n === 0) return '—';
    const n = (v: number): string =>
      v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    return s.min === s.max ? n(s.median) : `${n(s.median)} [${n(s.min)}–${n(s.max)}]`;
  };
  const undone = runs.filter((b) => b.swapError === GREEN_UNHEALTHY_AFTER_SWAP && b.productionOnBlue).length;
  const alarms = [...new Set(runs.map((b) => b.alarm || '(no alarm)'))].join(', ');
  const detected = runs.filter((b) => b.pollBased.detected).length;
  const bake = runs[0]?.bakeSeconds ?? BAD_VERSION_BAKE_SECONDS;
  return [
    `Bad version under production traffic at desired ${r.desiredCount} (${BAD_VERSION_ERROR_PERCENT} % of production ` +
      `requests answer 500; ${bake}-second bake), median [min–max] of ${runs.length} run(s):`,
    `  event-driven bake (today): production back on blue in ${undone}/${runs.length} runs (woken by ${alarms}); ` +
      `first failed request → production answers from blue only ${f('firstErrorToBlueOnlyEmulatedS', 1)} emulated s ` +
      `(${f('firstErrorToBlueOnlyWallMs')} wall ms), of which waiting for the alarm's 60-second period to close ` +
      `${f('firstErrorToPeriodCloseEmulatedS', 1)} s; failed requests in between ${f('failedUntilBlueOnly')} of ` +
      `${f('untilBlueOnly.requests')}`,
    `  poll-based bake (target health only, every ${POLL_BAKE_PERIOD_SECONDS} s): ` +
      (detected === 0
        ? 'not detected; '
        : `target health read degraded in ${detected}/${runs.length} runs (see polls in results.json); `) +
      `green's target health, sampled every ${POLL_BAKE_PERIOD_SECONDS} emulated s while the bad version served ` +
      `production, read degraded at ${f('targetHealthPollsDegraded')} of ${f('targetHealthPolls')} polls. ` +
      `Production stays on the bad version for the whole bake, and after it (swap succeeds): ${f('pollBased.derivedFailedOverBake')} ` +
      `failed requests over the bake of ${bake} s at ${f('requestsPerEmulatedSecond')} req/s ` +
      `(${f('requestsPerWallSecond')} per wall second). DERIVED, not a second deployment: the measured error share ` +
      `(${f('measuredErrorPercent', 2)} %) × this run's production request rate on the emulated clock × ${bake} s.`,
  ].join('\n');
}
