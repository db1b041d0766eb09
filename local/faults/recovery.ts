/**
 * What an operator runs after stopping an execution (StopExecution, the console's Stop button): the recovery table
 * the README documents and the operator-plan tests exercise. One place, so both say the same.
 */
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
      're-run deploy-green: it takes over the stale lease, removes the interrupted green and deploys again; or abort, which removes it',
  },
  swap: {
    commands: ['swap', 'rollback'],
    effect:
      're-run swap: it re-checks green, finishes the switch and bakes again; or rollback, to the previous version',
  },
  cleanUp: { commands: ['cleanUp'], effect: 're-run clean-up: it finishes removing the old version' },
  rollback: {
    commands: ['rollback'],
    effect: 're-run rollback: it finishes going back to the previous version, never forward',
  },
  abort: { commands: ['abort'], effect: 're-run abort: it finishes removing green' },
};

/** Kebab-case names, as the README and the CLI spell the state machines. */
export const MACHINE_NAMES: Readonly<Record<Machine, string>> = {
  deployGreen: 'deploy-green',
  swap: 'swap',
  cleanUp: 'clean-up',
  rollback: 'rollback',
  abort: 'abort',
};

/** The recovery table as Markdown rows (`| stopped | run |`), for the README. */
export function recoveryTableMarkdown(): string {
  const rows = (Object.keys(RECOVERY) as Machine[]).map(
    (machine) => `| ${MACHINE_NAMES[machine]} | ${RECOVERY[machine].effect} |`,
  );
  return ['| stopped | recovery |', '| --- | --- |', ...rows].join('\n');
}
