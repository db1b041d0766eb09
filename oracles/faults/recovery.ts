/**
 * What an operator runs after stopping an execution (StopExecution, the console's Stop button): the recovery table
 * the README documents ("After Stop, or a failure, run this") and the operator-plan tests exercise. One place, so both
 * say the same.
 *
 * A recovery may be refused: a re-run deploy-green whose stopped run left its own green task set behind fails with
 * `BlueGreen.DeploymentInProgress` and names abort ("Run abort to remove it, then deploy again"). The operator then
 * runs the machine the refusal names (`followRefusal`), and, where it says so, the refused machine again.
 */
import { MACHINES } from '../../contract';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Machine } from '../invariants/state-checks';

export interface Recovery {
  /** The commands that recover, first the one the README recommends. Each is run with the stopped run's input. */
  readonly commands: readonly Machine[];
  /** What the recovery does, in the README's words. */
  readonly effect: string;
}

export const RECOVERY: Readonly<Record<Machine, Recovery>> = {
  deployGreen: {
    commands: ['deployGreen', 'abort'],
    effect:
      're-run deploy-green: if the stopped run left no green task set, it removes the stale deployment rule and ' +
      'deploys (the next clean-up, abort or rollback sweeps a target group it left); if it left one, deploy-green ' +
      'refuses and names abort: run abort, then deploy again. Or abort, which removes green',
  },
  swap: {
    commands: ['swap', 'rollback'],
    effect:
      're-run swap: it re-checks green, finishes the switch and bakes again from the start; or rollback, to the ' +
      'recorded previous version',
  },
  cleanUp: { commands: ['cleanUp'], effect: 're-run clean-up: it finishes removing the old version' },
  rollback: {
    commands: ['rollback'],
    effect: 're-run rollback: it finishes going back to the previous version, never forward',
  },
  abort: { commands: ['abort'], effect: 're-run abort: it finishes removing green' },
};

/** What a refusal tells the operator to run next. */
export interface NextCommand {
  /** The machine the refusal names. */
  readonly run: Machine;
  /** Whether the refusal says to run the refused machine again afterwards ("…, then deploy again"). */
  readonly thenAgain: boolean;
}

/**
 * The refusals that name the command that moves on, by the state that refused (a Fail state turned into a Pass of the
 * same name by the lease release, so the execution history shows it) and the machine it belongs to.
 */
const REFUSALS: ReadonlyArray<{ machine: Machine; state: string; error: string; next: NextCommand }> = [
  {
    machine: 'deployGreen',
    state: 'RejectInterruptedDeployment',
    error: 'BlueGreen.DeploymentInProgress',
    next: { run: 'abort', thenAgain: true },
  },
  {
    // deploy-green stopped after it recorded green as under test (its last steps): the re-run finds a whole green
    // deployment and says "finish it with swap and clean-up, or discard it with abort, then deploy again".
    machine: 'deployGreen',
    state: 'RejectDeploymentInProgress',
    error: 'BlueGreen.DeploymentInProgress',
    next: { run: 'abort', thenAgain: true },
  },
  {
    // A swap stopped before it changed anything, "recovered" with rollback: production never moved, so rollback
    // refuses and names abort ("Run abort to discard green").
    machine: 'rollback',
    state: 'RejectNotSwapped',
    error: 'BlueGreen.NotSwapped',
    next: { run: 'abort', thenAgain: false },
  },
  {
    machine: 'deployGreen',
    state: 'RejectUnfinishedSwap',
    error: 'BlueGreen.SwapUnfinished',
    next: { run: 'swap', thenAgain: false },
  },
  {
    machine: 'deployGreen',
    state: 'RejectUnfinishedRollback',
    error: 'BlueGreen.RollbackUnfinished',
    next: { run: 'rollback', thenAgain: false },
  },
];

/**
 * The command a FAILED execution's refusal names (undefined: it names none, or it is no refusal the README lists as
 * a step of a recovery). Read from the execution history (which refusal state it entered) and the error name.
 */
export function followRefusal(
  machine: Machine,
  result: { status: string; error?: string; history: readonly HistoryEvent[] },
): NextCommand | undefined {
  if (result.status !== 'FAILED') return undefined;
  const entered = new Set(
    result.history.flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : [])),
  );
  return REFUSALS.find((r) => r.machine === machine && r.error === result.error && entered.has(r.state))?.next;
}

/** Kebab-case names, as the README and the CLI spell the state machines. */
export const MACHINE_NAMES: Readonly<Record<Machine, string>> = {
  deployGreen: MACHINES.deployGreen.name,
  swap: MACHINES.swap.name,
  cleanUp: MACHINES.cleanUp.name,
  rollback: MACHINES.rollback.name,
  abort: MACHINES.abort.name,
};

/** The recovery table as Markdown rows (`| stopped | run |`), for the README. */
export function recoveryTableMarkdown(): string {
  const rows = (Object.keys(RECOVERY) as Machine[]).map(
    (machine) => `| ${MACHINE_NAMES[machine]} | ${RECOVERY[machine].effect} |`,
  );
  return ['| stopped | recovery |', '| --- | --- |', ...rows].join('\n');
}
