import { synthVariant } from '../support/harness';
import { Duration } from 'aws-cdk-lib';
import fc from 'fast-check';
import { readWaitingApproval, type WaitingApproval } from '../../contract';
import { endedExecution, type ExecutionResult } from '../../harness/demo/executions';
import { startLocalStack, type LocalStack } from '../../harness/demo/local-stack';
import { observe, type ServiceView } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import type { CfnTemplate } from '../../harness/deploy/deploy-template';
import {
  approvalPlanArbitrary,
  cliCommandsOf,
  type ApprovalAction,
  type ApprovalPlan,
} from '../../oracles/faults/approval-plan';
import {
  cliProblems,
  forwardProblems,
  settled,
  waiterProblems,
  waitingNow,
  waitsOf,
  windowProblems,
  type CliRun,
  type ExecutionView,
  type ForwardReason,
} from '../../oracles/invariants/approval-checks';
import { runToEnd } from '../../oracles/invariants/operator-flow';
import {
  durableState,
  orphanProblems,
  roles,
  truthProblems,
  type Machine,
} from '../../oracles/invariants/state-checks';
import { runInProcess } from '../cli/run-in-process';
import { userEnv } from '../cli/run-bin';

/**
 * The approvals as task-token waits (swapApprovalMode 'step-functions') under random operator plans, on one local
 * stack with 5-minute windows (3 s of wall time at time scale 0.01): each case deploys a green (which starts a swap
 * that waits; a swap that moves production starts a clean-up that waits), then does one to four things an operator
 * might (oracles/faults/approval-plan.ts): approve (whichever waits), reject either approval, abort or roll back by
 * hand, deploy again, swap by hand, wait out the window, double-click approve, approve racing reject. Once every execution has ended, the invariants of oracles/invariants/approval-checks.ts hold, and nothing
 * is orphaned and every execution run by hand tells the truth (state-checks.ts). APPROVAL_RUNS / APPROVAL_SEED
 * override the plan count (6 in CI, 3 locally; the 4 fixed plans always run) and the seed; PROPERTY_TRACE=1 prints each plan's outcome.
 */
const RUNS = Number(process.env.APPROVAL_RUNS ?? (process.env.CI ? 6 : 3));
const SEED = Number(process.env.APPROVAL_SEED ?? 20261202);
const WINDOW = Duration.minutes(5);
/** Emulated seconds a wait may run past its window before it counts as waiting too long (timers on a busy host). */
const WINDOW_SLACK_SECONDS = 150;
/** Wall-time bound for things to settle after an action (generous: the emulated work itself takes well under 1 s). */
const SETTLE_WALL_MS = 30_000;

jest.setTimeout(600_000);

function approvalTemplate(): CfnTemplate {
  return synthVariant(() => ({
    swapApprovalMode: 'step-functions',
    swapApprovalTimeout: WINDOW,
    cleanUpApprovalTimeout: WINDOW,
    bakeTime: Duration.seconds(10),
  }));
}

let stack: LocalStack;
let repo: string;
let commits = 0;
/** The first execution of the case running now: earlier ones have ended, and reading them all again costs. */
let caseStart = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every execution local Step Functions has run in this case, as the checks read them. */
function executions(): ExecutionView[] {
  return stack.aws.sfn
    .executions()
    .slice(caseStart)
    .map((e) => ({
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      status: e.status,
      input: e.input,
      history: e.history.map((h) => ({
        type: h.type,
        timestamp: h.timestamp,
        ...(typeof h.details?.['name'] === 'string' && { name: h.details['name'] }),
      })),
    }));
}

/** The service's deployment item: its record's phase and the waiting approval. */
function item(): { phase: string; approval?: WaitingApproval } {
  const found = stack.aws.dynamodb
    .state()
    .tables.flatMap((table) => table.items)
    .find((i) => i['record'] !== undefined || i['approval'] !== undefined);
  const record = found?.['record'];
  const approval = found?.['approval'];
  const phase = record && 'S' in record ? (JSON.parse(record.S) as { phase: string }).phase : 'none';
  const pending = approval && 'S' in approval ? readWaitingApproval(approval.S) : undefined;
  return { phase, ...(pending && { approval: pending }) };
}

const cliRaw = (args: readonly string[]) =>
  runInProcess(['--local', '--endpoint-url', stack.aws.endpoint, '--json', ...args], {
    env: userEnv() as Record<string, string>,
  });

/** Waits until every running execution is a swap waiting for approval; false when the bound passed first. */
async function settle(): Promise<boolean> {
  const deadline = Date.now() + SETTLE_WALL_MS;
  let quiet = 0;
  while (Date.now() < deadline) {
    const all = executions();
    const attribute = item().approval?.executionArn;
    const waiting = waitingNow(all);
    // Settled, and stays so for two reads in a row (a superseded waiter is failed right after its successor waits).
    if (settled(all) && waiterProblems(all, attribute).length === 0) {
      if (++quiet >= 2) return true;
    } else quiet = 0;
    await sleep(waiting.length > 0 ? 20 : 10);
  }
  return false;
}

/** Waits until no execution runs at all (a waiter's window ends meanwhile); false when the bound passed first. */
async function allEnded(boundWallMs: number): Promise<boolean> {
  const deadline = Date.now() + boundWallMs;
  while (Date.now() < deadline) {
    if (executions().every((e) => e.status !== 'RUNNING')) return true;
    await sleep(25);
  }
  return false;
}

const windowWallMs = () => stack.aws.clock.wallMs(WINDOW.toSeconds() + WINDOW_SLACK_SECONDS) + SETTLE_WALL_MS;

interface CaseLog {
  readonly problems: string[];
  readonly cli: CliRun[];
  readonly raced: CliRun[][];
  readonly allowed: Map<string, ForwardReason>;
  readonly trace: string[];
}

/** Runs one machine by hand with the state before and after, and checks (b) and (c) on it. */
async function runByHand(
  log: CaseLog,
  machine: Machine,
  input: Record<string, unknown> = {},
): Promise<ExecutionResult> {
  const before = observe(stack);
  if (machine === 'swap') {
    const green = roles(before).underTest;
    if (green !== undefined) log.allowed.set(green, 'swapped by hand');
  }
  const result = await runToEnd(stack, machine, { ...stack.service, ...input });
  const after = observe(stack);
  log.trace.push(`${machine}: ${result.status} ${result.error ?? ''}`.trim());
  log.problems.push(...truthProblems(machine, result, before, after).map((p) => `[4] ${machine} (c) ${p}`));
  return result;
}

async function deployGreen(log: CaseLog): Promise<ExecutionResult> {
  const live = await probe(stack.urls.production);
  const colour = live.colour === 'green' ? 'blue' : 'green';
  const commit = `a${(++commits).toString(16).padStart(6, '0')}`;
  return runByHand(log, 'deployGreen', { image: `${repo}:${colour}`, commit });
}

/** Runs CLI commands (at once when `concurrent`), noting what each approve that was accepted approved. */
async function runCli(log: CaseLog, commands: ReadonlyArray<readonly string[]>, concurrent: boolean): Promise<void> {
  const before = observe(stack);
  const startedBefore = executions().length;
  const underTest = roles(before).underTest;
  const answers = concurrent
    ? await Promise.all(commands.map((args) => cliRaw(args)))
    : [await cliRaw(commands[0] ?? [])];
  const calm = await settle();
  if (!calm) log.problems.push(`[2] things did not settle after ${commands.map((c) => c[0]).join(' + ')}`);
  const runs = answers.map((answer, i): CliRun => {
    const args = commands[i] ?? [];
    let changed: string | undefined;
    if (!concurrent && answer.code === 2) {
      const same = JSON.stringify(durableState(before)) === JSON.stringify(durableState(observe(stack)));
      const started = executions().length - startedBefore;
      if (!same) changed = 'the service changed';
      else if (started > 0) changed = `${started} execution(s) started`;
    }
    if (args[0] === 'approve' && answer.code === 0) {
      const answered = JSON.parse(answer.stdout) as { stageName?: string; green?: { taskSetArn?: string } };
      const green = answered.green?.taskSetArn;
      const live = roles(before).live;
      if (green === undefined) log.problems.push(`[1] approve was accepted but names no green: ${answer.stdout}`);
      else if (answered.stageName === 'ApproveCleanUp') {
        // The clean-up approval keeps the green production serves (and removes blue): it moves nothing.
        if (green !== live) {
          log.problems.push(`[1] clean-up was approved keeping ${green}, but production served ${live ?? 'nothing'}`);
        }
      } else if (green !== underTest) {
        log.problems.push(`[1] approve was sent for green ${green}, but ${underTest ?? 'nothing'} was under test`);
      } else log.allowed.set(green, 'approved');
    }
    log.trace.push(`bluegreen ${args[0]}: exit ${answer.code}`);
    return {
      args,
      code: answer.code,
      stderr: answer.stderr,
      concurrent,
      ...(changed !== undefined && { changed }),
    };
  });
  log.cli.push(...runs);
  if (concurrent) log.raced.push(runs);
}

async function perform(log: CaseLog, action: ApprovalAction): Promise<void> {
  const { commands, concurrent } = cliCommandsOf(action);
  if (commands.length > 0) return runCli(log, commands, concurrent);
  switch (action) {
    case 'abort':
    case 'swap':
    case 'rollback':
      await runByHand(log, action);
      break;
    case 'deployGreen':
      await deployGreen(log);
      break;
    case 'expire': {
      // Nobody answers: whatever waits ends by its window.
      const deadline = Date.now() + windowWallMs();
      while (waitingNow(executions()).length > 0 && Date.now() < deadline) await sleep(50);
      log.trace.push('waited out the window');
      break;
    }
  }
  if (!(await settle())) log.problems.push(`[2] things did not settle after ${action}`);
}

/** Back to one live version and nothing else, whatever the case left. */
async function restore(log: CaseLog): Promise<void> {
  const { phase } = item();
  if (phase === 'testing') await runByHand(log, 'abort');
  else if (phase === 'swapped') await runByHand(log, 'cleanUp');
  if (!(await allEnded(windowWallMs()))) log.problems.push('[restore] executions still running');
}

async function runCase(plan: ApprovalPlan): Promise<string[]> {
  const log: CaseLog = { problems: [], cli: [], raced: [], allowed: new Map(), trace: [] };
  caseStart = stack.aws.sfn.executions().length;
  const started = Date.now();
  const initial = observe(stack);
  const live = roles(initial).live;
  if (live !== undefined) log.allowed.set(live, 'live before');

  // Where production forwards, read every few ms (and mapped to task sets as they were then).
  const forwardedTo = new Set<string>();
  const look = (view: ServiceView) => {
    if (view.production.kind !== 'forward') return;
    for (const tg of view.production.targetGroupArns) {
      const ts = view.taskSets.find((t) => t.targetGroupArn === tg);
      forwardedTo.add(ts?.arn ?? `(no task set) ${tg}`);
    }
  };
  const timer = setInterval(() => look(observe(stack)), 5);
  try {
    await deployGreen(log);
    if (!(await settle())) log.problems.push('[2] things did not settle after deploy-green');
    for (const action of plan.actions) {
      await perform(log, action);
      const all = executions();
      log.problems.push(...waiterProblems(all, item().approval?.executionArn).map((p) => `${p} (after ${action})`));
      log.problems.push(...orphanProblems(observe(stack)).map((p) => `[4] (b) after ${action}: ${p}`));
    }
    // Whatever still waits is rejected at its stage (cheaper than its window; 'expire' covers the window).
    if (waitingNow(executions()).length > 0) {
      await runCli(log, [['reject', '--stage', item().approval?.stage ?? 'ApproveSwap']], false);
    }
    if (!(await allEnded(windowWallMs()))) log.problems.push('[3] executions still running after the plan');
  } finally {
    clearInterval(timer);
  }
  look(observe(stack));
  const mine = executions();
  log.problems.push(...forwardProblems(forwardedTo, log.allowed));
  log.problems.push(...windowProblems(waitsOf(mine), WINDOW.toSeconds(), WINDOW_SLACK_SECONDS));
  log.problems.push(...cliProblems(log.cli, log.raced));
  log.problems.push(...orphanProblems(observe(stack)).map((p) => `[4] (b) at the end: ${p}`));
  const status = await cliRaw(['status']);
  if (status.code !== 0) log.problems.push(`[4] bluegreen status exited ${status.code}: ${status.stderr.trim()}`);
  await restore(log);
  if (process.env.PROPERTY_TRACE)
    process.stdout.write(`${JSON.stringify(plan.actions)} (${Date.now() - started} ms): ${log.trace.join('; ')}\n`);
  if (log.problems.length === 0) return [];
  const ended = await Promise.all(
    mine.map(async (e) => {
      const r = await endedExecution(stack.sfn, e.executionArn);
      return `${e.stateMachineArn.split(':').pop()} ${r.status} ${r.error ?? ''}`;
    }),
  );
  return [
    `plan ${JSON.stringify(plan)}`,
    ...log.problems,
    `steps: ${log.trace.join('; ')}`,
    `executions: ${ended.join('; ')}`,
  ];
}

beforeAll(async () => {
  stack = await startLocalStack(approvalTemplate(), {
    timeScale: 0.01,
    ports: { api: 0, listeners: { 80: 0, 8080: 0 } },
  });
  repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
  // A live blue first: its deploy-green's waiter is left for a green that is no longer under test once swapped.
  const log: CaseLog = { problems: [], cli: [], raced: [], allowed: new Map(), trace: [] };
  await runByHand(log, 'deployGreen', { image: `${repo}:blue`, commit: 'b1e0001' });
  await runByHand(log, 'swap');
  await runByHand(log, 'cleanUp');
  await cliRaw(['reject', '--stage', 'ApproveSwap']);
  expect(await allEnded(windowWallMs())).toBe(true);
  expect(log.problems).toEqual([]);
}, 120_000);
afterAll(async () => stack?.close());

/** Sequences the seed may not draw, run every time: a waiter replaced by a newer deployment, and the refusals. */
const FIXED: Array<[string, ApprovalPlan]> = [
  ['abort by hand, deploy again, approve the new waiter', { actions: ['abort', 'deployGreen', 'approve'] }],
  ['deploy again while green is under test (refused), then approve', { actions: ['deployGreen', 'approve'] }],
  ['abort by hand, deploy again, nobody answers', { actions: ['abort', 'deployGreen', 'expire'] }],
  ['approve racing reject, then swap by hand', { actions: ['approveVsReject', 'swap'] }],
];

test.each(FIXED)('fixed plan: %s', async (_name, plan) => {
  expect(await runCase(plan)).toEqual([]);
});

test(`random operator plans around the waiting approvals keep their invariants (${RUNS} plans, seed ${SEED})`, async () => {
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(approvalPlanArbitrary, async (plan) => {
      const problems = await runCase(plan);
      if (problems.length > 0) throw new Error(problems.join('\n'));
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  if (process.env.PROPERTY_TIMINGS) {
    const ms = Date.now() - started;
    process.stdout.write(`approval property: ${RUNS} plans in ${ms} ms (${Math.round(ms / RUNS)} ms each)\n`);
  }
});
