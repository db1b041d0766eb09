/**
 * What every execution reports, for programs as well as people: a successful execution's output and a failed one's
 * cause both carry `undone` (what became of this run's changes) and `next` (what to run next, best first). The state
 * machines write them (state-machines/authoring), the CLI and the test oracles read them; nobody parses the prose.
 *
 * A failed execution's cause is the JSON text of a {@link FailureCause}; a successful one's output is a JSON object
 * with `undone: 'not-needed'`, `next` and a `message`, beside the machine's own fields.
 */
import { MACHINE_NAMES, type MachineName } from './machines';

/** What became of the changes this run made. */
export const UNDONE = {
  /** The run succeeded: its changes stand, and there was nothing to undo. */
  notNeeded: 'not-needed',
  /** The run refused, or failed, before it changed anything. */
  nothingChanged: 'nothing-changed',
  /** The run failed after changing things, and undid all of them: AWS is as the run found it. */
  everything: 'everything',
  /**
   * The run stopped part-way through work that is safe to leave half-done (removing an old version, discarding green):
   * production is unaffected, some of the work is done, and the same machine run again finishes it.
   */
  partly: 'partly',
  /** The run failed and so did its undo: what it made may still exist; `next` says how to get out. */
  failed: 'failed',
} as const;
export type Undone = (typeof UNDONE)[keyof typeof UNDONE];
export const UNDONE_VALUES: readonly Undone[] = Object.values(UNDONE);

/**
 * A step to take next. A machine's name means "start that state machine" (its CLI command is in MACHINES); the
 * others:
 * - `wait`: another operation holds the service; wait for it to end (the cause's `holder` names its execution);
 * - `fix-input`: the input was refused; correct the field the message names and start the same machine again;
 * - `status`: compare what the controller recorded with what AWS has (`bluegreen status`) before choosing.
 */
export type NextStep = MachineName | 'wait' | 'fix-input' | 'status';
export const NEXT_STEPS: readonly NextStep[] = [...MACHINE_NAMES, 'wait', 'fix-input', 'status'];

/** The structured part of every result. */
export interface ExecutionReport {
  readonly undone: Undone;
  /** Best first; never empty. */
  readonly next: readonly NextStep[];
}

/** A failed execution's cause, parsed. */
export interface FailureCause extends ExecutionReport {
  /** What happened, what was found, and what to do, in words. */
  readonly message: string;
  /** With `next: ['wait', …]`: the ARN of the execution that holds the service. */
  readonly holder?: string;
}

/** A successful execution's output, as far as the contract goes (each machine adds its own fields). */
export interface SuccessOutput extends ExecutionReport {
  readonly cluster: string;
  readonly service: string;
  readonly message: string;
}

function isReport(value: Record<string, unknown>): boolean {
  const { undone, next } = value;
  return (
    typeof undone === 'string' &&
    (UNDONE_VALUES as readonly string[]).includes(undone) &&
    Array.isArray(next) &&
    next.length > 0 &&
    next.every((step) => typeof step === 'string' && (NEXT_STEPS as readonly string[]).includes(step))
  );
}

/** JSON text that holds an object (an execution's input, output or cause), parsed; undefined for anything else. */
export function parseJsonObject(json: string | undefined): Record<string, unknown> | undefined {
  if (json === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A failed execution's cause as a {@link FailureCause}, or undefined when it is not one: a failure the state machine
 * did not write (States.Runtime, an execution that timed out or was stopped, one from before results were
 * structured).
 */
export function parseFailureCause(cause: string | undefined): FailureCause | undefined {
  const value = parseJsonObject(cause);
  if (!value || typeof value.message !== 'string' || !isReport(value)) return undefined;
  if (value.holder !== undefined && typeof value.holder !== 'string') return undefined;
  return value as unknown as FailureCause;
}

/** A successful execution's output as a {@link SuccessOutput}, or undefined when it is not one. */
export function parseSuccessOutput(output: string | undefined): SuccessOutput | undefined {
  const value = parseJsonObject(output);
  if (!value || typeof value.message !== 'string' || !isReport(value)) return undefined;
  return value as unknown as SuccessOutput;
}
