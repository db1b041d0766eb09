/**
 * Two executions on one service at once, for the concurrency suites: the start states each machine acts from, moving
 * the one stack between them with the state machines themselves (so the controller's own records stay consistent),
 * and one trial: both started (in the same tick, or B some emulated seconds after A), both followed to the end, the
 * pair oracle (oracles/invariants/concurrency.ts), (a) throughout, and nothing left behind.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { observe, type ServiceView } from '../../harness/demo/observe';
import { pairProblems, timed } from '../../oracles/invariants/concurrency';
import { cutoverWindows, excusingWindow } from '../../oracles/invariants/cutover';
import { decoyArns, decoyProblems, decoysIntact, withoutDecoys } from '../../oracles/invariants/decoys';
import {
  machineInput,
  productionRuleArn,
  resultOf,
  roleOf,
  runToEnd,
  waitForSettled,
} from '../../oracles/invariants/operator-flow';
import { startProductionMonitor } from '../../oracles/invariants/production-monitor';
import { orphanProblems, roles, type Machine } from '../../oracles/invariants/state-checks';
import { restoreOperatorBaseline, type OperatorStack } from './operator-support';
import { discardNonLive, resetDeploymentRecord } from './support';

/** Where the service is: one live version (S0), a green under test (S1), swapped with the previous kept (S2). */
/**
 * Green is always the healthy demo image here, so deploy-green's health timeout only bounds a starved machine: with
 * emulated time scaled from wall time, 60 emulated seconds are a quarter of a wall second, which a loaded 2-core
 * runner can lose. 600 costs nothing when green turns healthy (deploy-green moves on at once).
 */
const HEALTHY_GREEN_TIMEOUT = 600;

export type StartState = 'live' | 'testing' | 'swapped';

/** The state each machine acts from (where it changes something when run alone). */
export const NATURAL: Readonly<Record<Machine, StartState>> = {
  deployGreen: 'live',
  swap: 'testing',
  abort: 'testing',
  cleanUp: 'swapped',
  rollback: 'swapped',
};

export function stateOf(view: ServiceView): StartState | 'other' {
  const r = roles(view);
  if (view.taskSets.length === 1 && r.live && view.test.kind === 'fixed') return 'live';
  if (view.taskSets.length === 2 && r.live && r.underTest) return 'testing';
  if (view.taskSets.length === 2 && r.live && r.standby) return 'swapped';
  return 'other';
}

/**
 * Back to one live version (S0) with test-side calls, where the state machines are not what is under test: every
 * task set but the live one removed, both test-listener rules idle, the lease and deployment record put back as the
 * machines leave them (phase stable). Falls back to the full restore when nothing is live or a decoy was touched.
 */
export async function backToLive(os: OperatorStack): Promise<void> {
  const { stack } = os;
  const view = withoutDecoys(observe(stack), os.decoys);
  if (roles(view).live === undefined || !(await decoysIntact(stack, os.decoys))) {
    await restoreOperatorBaseline(os);
  } else {
    await discardNonLive(os, decoyArns(os.decoys));
  }
  await resetDeploymentRecord(stack);
  await waitForSettled(stack, 120);
}

/**
 * Moves the service to `target`: back to one live version test-side (backToLive), forward with fault-free executions
 * (deploy-green to a green under test, swap with bake 0 to swapped). Throws when a step does not succeed.
 */
export async function moveTo(os: OperatorStack, target: StartState): Promise<void> {
  const { stack } = os;
  const step = async (machine: Machine) => {
    const result = await runToEnd(
      stack,
      machine,
      machineInput(stack, machine, { bakeSeconds: 0, commit: 'ab12cd3', healthTimeoutSeconds: HEALTHY_GREEN_TIMEOUT }),
    );
    if (result.status !== 'SUCCEEDED') {
      throw new Error(`Moving to ${target}: ${machine} ended ${result.status} ${result.error}: ${result.cause}`);
    }
  };
  for (let i = 0; i < 4; i++) {
    const now = stateOf(withoutDecoys(observe(stack), os.decoys));
    if (now === target) break;
    if (now === 'live') await step('deployGreen');
    else if (now === 'testing' && target === 'swapped') await step('swap');
    else await backToLive(os);
  }
  await waitForSettled(stack, 120);
  const reached = stateOf(withoutDecoys(observe(stack), os.decoys));
  if (reached !== target) throw new Error(`Could not move the service to ${target} (it is ${reached}).`);
}

/** One trial of a chain: which pair it counts for, where it starts, and which machine's start is issued first. */
export interface ChainedTrial {
  readonly pair: string;
  readonly label: string;
  readonly from: StartState;
  readonly a: Machine;
  readonly b: Machine;
}

export interface ChainStats {
  /** Trials run. */
  run: number;
  /** Trials that started where the previous one left the service (no preparation). */
  chained: number;
  /** Trials that needed moveTo first. */
  prepared: number;
}

/**
 * Runs every trial, each from its start state, in an order that lets most start where the previous trial left the
 * service: after each trial the next one is a pending trial whose start state is the current state; only when none is
 * left for that state is the service moved (moveTo). A trial that reported problems is followed by a full restore,
 * so whatever it left behind cannot become the next trial's start. `run` returns the trial's problems.
 */
export async function runTrialsChained(
  os: OperatorStack,
  trials: readonly ChainedTrial[],
  run: (trial: ChainedTrial) => Promise<string[]>,
): Promise<ChainStats> {
  const stats: ChainStats = { run: 0, chained: 0, prepared: 0 };
  const pending = [...trials];
  while (pending.length > 0) {
    const now = stateOf(withoutDecoys(observe(os.stack), os.decoys));
    let index = pending.findIndex((t) => t.from === now);
    if (index < 0) {
      index = 0;
      await moveTo(os, (pending[0] as ChainedTrial).from);
      stats.prepared++;
    } else {
      stats.chained++;
    }
    const [trial] = pending.splice(index, 1);
    if (!trial) break;
    const problems = await run(trial);
    stats.run++;
    if (problems.length > 0) await backToLive(os);
  }
  return stats;
}

export interface PairTrial {
  readonly a: Machine;
  readonly b: Machine;
  /** Emulated seconds between the two starts; `same-tick` issues both StartExecution calls in the same tick. */
  readonly offset: number | 'same-tick';
}

/** Runs one trial from the current state; returns its problems (empty = everything held). */
export async function runPair(os: OperatorStack, trial: PairTrial): Promise<string[]> {
  const { stack } = os;
  const callsBefore = stack.aws.server.callLog.entries().length;
  const monitor = startProductionMonitor(stack, { injector: os.injector, pollMs: 10, probeGapMs: 25 });
  const start = (machine: Machine, commit: string) =>
    stack.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachines[machine],
        input: JSON.stringify(
          machineInput(stack, machine, { commit, bakeSeconds: 10, healthTimeoutSeconds: HEALTHY_GREEN_TIMEOUT }),
        ),
      }),
    );
  let arns: Array<string | undefined>;
  if (trial.offset === 'same-tick') {
    const started = await Promise.all([start(trial.a, 'aaaa001'), start(trial.b, 'bbbb002')]);
    arns = started.map((s) => s.executionArn);
  } else {
    const first = await start(trial.a, 'aaaa001');
    await stack.aws.clock.sleep(trial.offset);
    const second = await start(trial.b, 'bbbb002');
    arns = [first.executionArn, second.executionArn];
  }
  const [arnA, arnB] = arns;
  if (!arnA || !arnB) throw new Error('StartExecution returned no executionArn.');
  const [ra, rb] = await Promise.all([resultOf(stack, arnA), resultOf(stack, arnB)]);
  const problems = pairProblems(timed(`A ${trial.a}`, ra), timed(`B ${trial.b}`, rb));
  const episodes = await monitor.stop();
  const calls = stack.aws.server.callLog.entries().slice(callsBefore);
  const roleArns = await Promise.all([roleOf(stack, 'swap'), roleOf(stack, 'rollback')]);
  const windows = cutoverWindows(calls, productionRuleArn(stack), new Set(roleArns), new Set([roleArns[0]]));
  for (const v of episodes.filter((e) => excusingWindow(e, windows) === undefined)) {
    problems.push(`(a) ${v.kind}: ${v.message}`);
  }
  await waitForSettled(stack, 300);
  const view = withoutDecoys(observe(stack), os.decoys);
  problems.push(...orphanProblems(view).map((p) => `(b) left behind: ${p}`));
  problems.push(...(await decoyProblems(stack, os.decoys, calls)).map((p) => `(d) ${p}`));
  if (problems.length === 0) return [];
  const describe = (label: string, r: typeof ra) => `${label}: ${r.status} ${r.error ?? ''} ${r.cause ?? ''}`.trim();
  return [...problems, describe(`A ${trial.a}`, ra), describe(`B ${trial.b}`, rb)];
}
