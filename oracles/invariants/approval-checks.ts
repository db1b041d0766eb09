/**
 * Invariants of the swap approval as a task-token wait (contract/approvals.ts), over what a random operator plan
 * (oracles/faults/approval-plan.ts) saw. Pure: each check returns problems in plain words (empty = it holds).
 *
 * 1. Production forwards only to the version live before, to a green that was under test when an approve was sent
 *    for it (and the approve was accepted), or to a green a manual swap moved it to.
 * 2. At most one swap waits per service, and the item's approval attribute names it (none waits: it names none
 *    still running).
 * 3. No swap waits forever: every wait ends by its window (with a generous slack for the emulator's timers).
 * 5. Every CLI command exits 0 or 2, never anything else; a command that exits 2 changed nothing; of two commands
 *    answering the same waiter at once, at most one is accepted.
 * (4, nothing orphaned and the status truthful, reuses oracles/invariants/state-checks.ts.)
 */

/** The few fields of an execution (local Step Functions' snapshot) these checks read. */
export interface ExecutionView {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly status: string;
  readonly input: string;
  /** Its history: event type, emulated epoch ms, and the state's name for StateEntered events. */
  readonly history: ReadonlyArray<{ readonly type: string; readonly timestamp: number; readonly name?: string }>;
}

const AWAIT_STATE = 'AwaitApproval';

/** The swap's wait: when AwaitApproval was entered, whether its token is out (TaskSubmitted), and when it closed. */
export interface Wait {
  readonly executionArn: string;
  readonly enteredAt: number;
  readonly submitted: boolean;
  /** The event that closed the Task (TaskSucceeded, TaskFailed, TaskTimedOut, …) and when; none: still open. */
  readonly closed?: { readonly type: string; readonly at: number };
  readonly executionRunning: boolean;
}

const CLOSING = new Set(['TaskSucceeded', 'TaskFailed', 'TaskTimedOut', 'TaskSubmitFailed', 'TaskStartFailed']);

/** Every AwaitApproval wait in the executions given (a swap waits at most once). */
export function waitsOf(executions: readonly ExecutionView[]): Wait[] {
  return executions.flatMap((execution) => {
    const events = execution.history;
    const entered = events.findIndex((e) => e.type === 'TaskStateEntered' && e.name === AWAIT_STATE);
    if (entered < 0) return [];
    let submitted = false;
    let closed: Wait['closed'];
    for (const e of events.slice(entered + 1)) {
      if (e.type === 'TaskSubmitted') submitted = true;
      if (CLOSING.has(e.type)) {
        closed = { type: e.type, at: e.timestamp };
        break;
      }
      if (e.type === 'TaskStateExited' || e.type.startsWith('Execution')) {
        closed = { type: e.type, at: e.timestamp };
        break;
      }
    }
    const enteredEvent = events[entered];
    return [
      {
        executionArn: execution.executionArn,
        enteredAt: enteredEvent === undefined ? 0 : enteredEvent.timestamp,
        submitted,
        ...(closed && { closed }),
        executionRunning: execution.status === 'RUNNING',
      },
    ];
  });
}

/** The executions waiting now: running, AwaitApproval entered, its token handed out, the Task not closed. */
export function waitingNow(executions: readonly ExecutionView[]): string[] {
  return waitsOf(executions)
    .filter((w) => w.executionRunning && w.submitted && w.closed === undefined)
    .map((w) => w.executionArn);
}

/**
 * Whether things settled: every running execution is a swap waiting for approval (nothing else is still doing
 * anything). Only then are invariant 2's counts meaningful.
 */
export function settled(executions: readonly ExecutionView[]): boolean {
  const waiting = new Set(waitingNow(executions));
  return executions.every((e) => e.status !== 'RUNNING' || waiting.has(e.executionArn));
}

/**
 * (2) Once settled: at most one swap waits, the approval attribute names it; none waits, the attribute names no
 * running execution.
 */
export function waiterProblems(
  executions: readonly ExecutionView[],
  approvalExecutionArn: string | undefined,
): string[] {
  const waiting = waitingNow(executions);
  const problems: string[] = [];
  if (waiting.length > 1) problems.push(`[2] ${waiting.length} swaps wait for approval at once: ${waiting.join(', ')}`);
  const [only] = waiting;
  if (waiting.length === 1 && approvalExecutionArn !== only) {
    problems.push(
      `[2] swap ${only} waits, but the item's approval names ${approvalExecutionArn ?? 'nothing'}: the CLI cannot answer it`,
    );
  }
  if (waiting.length === 0 && approvalExecutionArn !== undefined) {
    const named = executions.find((e) => e.executionArn === approvalExecutionArn);
    if (named?.status === 'RUNNING') {
      problems.push(`[2] the item's approval names ${approvalExecutionArn}, running but not waiting`);
    }
  }
  return problems;
}

/** (3) Every wait closed, and no later than its window (plus `slackSeconds`) after it began. */
export function windowProblems(waits: readonly Wait[], windowSeconds: number, slackSeconds: number): string[] {
  return waits.flatMap((w) => {
    if (w.closed === undefined) return [`[3] swap ${w.executionArn} still waits for approval after the plan ended`];
    const waited = (w.closed.at - w.enteredAt) / 1000;
    return waited > windowSeconds + slackSeconds
      ? [
          `[3] swap ${w.executionArn} waited ${Math.round(waited)} s (${w.closed.type}), past its ${windowSeconds} s window`,
        ]
      : [];
  });
}

/** Why production may forward to a task set. */
export type ForwardReason = 'live before' | 'approved' | 'swapped by hand';

/**
 * (1) Every task set production forwarded to at any time had a reason to be there: it was live before the plan, it
 * was approved while it was the green under test, or a manual swap moved production to it.
 */
export function forwardProblems(forwardedTo: Iterable<string>, allowed: ReadonlyMap<string, ForwardReason>): string[] {
  return [...new Set(forwardedTo)]
    .filter((arn) => !allowed.has(arn))
    .map((arn) => `[1] production forwarded to task set ${arn}, which nobody approved or swapped to by hand`);
}

/** One CLI command run during a plan. */
export interface CliRun {
  readonly args: readonly string[];
  readonly code: number;
  readonly stderr: string;
  /** Ran at the same time as another command (then "nothing changed" is not checked: the other one may change). */
  readonly concurrent: boolean;
  /** For a sequential command that exited 2: what changed meanwhile (undefined: nothing). */
  readonly changed?: string;
}

/** (5) Exit codes 0 or 2 only; 2 changed nothing; of commands answering one waiter at once, at most one exits 0. */
export function cliProblems(runs: readonly CliRun[], raced: ReadonlyArray<readonly CliRun[]> = []): string[] {
  const problems: string[] = [];
  for (const run of runs) {
    const line = `bluegreen ${run.args.join(' ')}`;
    if (run.code !== 0 && run.code !== 2) {
      problems.push(`[5] ${line} exited ${run.code}: ${run.stderr.trim().split('\n')[0] ?? ''}`);
    }
    if (run.code === 2 && run.changed !== undefined) problems.push(`[5] ${line} exited 2, yet ${run.changed}`);
  }
  for (const pair of raced) {
    const accepted = pair.filter((r) => r.code === 0);
    if (accepted.length > 1) {
      problems.push(
        `[5] ${accepted.length} commands run at once were all accepted for one waiter: ${accepted.map((r) => r.args[0]).join(', ')}`,
      );
    }
  }
  return problems;
}
