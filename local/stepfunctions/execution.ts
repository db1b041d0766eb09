/**
 * One Step Functions execution: runs the state machine's plan with aws-local-stepfunctions, keeps its status and
 * builds its history from the library's event log.
 */
import type { SdkClientPool } from './sdk-client-pool';
import type { Clock } from '../aws/clock';
import { ExecutionCallbacks, type CallbackRegistry } from './callback-task';
import { createRunContext } from './context-object';
import { allStates } from './definition-walk';
import { ExecutionHistory, type HistoryEvent, type LibraryEvent } from './history';
import type { LocalLambda } from './lambda-task';
import { jsonClone } from './json-clone';
import { ExecutionError, ExecutionTimeoutError, StateMachine, type StateMachineDefinition } from './library';
import type { RunPlan } from './run-plan';
import { taskHandlers } from './task-handlers';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

type RunInput = Parameters<StateMachine['run']>[0];
type RunContext = NonNullable<NonNullable<Parameters<StateMachine['run']>[1]>['context']>;

export interface ExecutionSnapshot {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  /** JSON text, as given to StartExecution. */
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /** Emulated epoch milliseconds. */
  readonly startDate: number;
  readonly stopDate?: number;
  readonly history: readonly HistoryEvent[];
}

export interface ExecutionStart {
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly roleArn: string;
  readonly plan: RunPlan;
  readonly input: string;
  readonly clock: Clock;
  readonly region: string;
  readonly endpoint: () => string;
  readonly lambdas: Readonly<Record<string, LocalLambda>>;
  readonly toEmulatedMs: (wallMs: number) => number;
  /** The local Step Functions' SDK clients (its close() destroys them). */
  readonly clients: SdkClientPool;
  /** The local Step Functions' task tokens (callback Tasks). */
  readonly callbackRegistry: CallbackRegistry;
}

type Outcome = { readonly ok: true; readonly output: unknown } | { readonly ok: false; readonly error: unknown };

interface Failure {
  readonly error?: string;
  readonly cause?: string;
}

/** What aws-local-stepfunctions reports for a Fail state without Error/ErrorPath, and without Cause/CausePath. */
const LIBRARY_FAIL_ERROR = 'FailStateError';
const LIBRARY_FAIL_CAUSE = 'Execution failed because of a Fail state';

/** Fail states by name: whether each names an error and a cause (statically or by path). */
function failStates(definition: Record<string, unknown>): Map<string, { error: boolean; cause: boolean }> {
  const found = new Map<string, { error: boolean; cause: boolean }>();
  for (const { name, state } of allStates(definition)) {
    if (state['Type'] !== 'Fail') continue;
    found.set(name, {
      error: state['Error'] !== undefined || state['ErrorPath'] !== undefined,
      cause: state['Cause'] !== undefined || state['CausePath'] !== undefined,
    });
  }
  return found;
}

function failureOf(error: unknown): { error: string; cause: string } {
  // ExecutionError wraps the error that ended the run (a Task error, a Fail state, States.Runtime, …).
  const inner = error instanceof ExecutionError ? error.cause : error;
  if (inner instanceof Error) {
    const cause = (inner as { cause?: unknown }).cause;
    return { error: inner.name, cause: typeof cause === 'string' ? cause : inner.message };
  }
  return { error: 'States.Runtime', cause: String(inner) };
}

export class LocalExecution {
  private statusValue: ExecutionStatus = 'RUNNING';
  private output?: string;
  private error?: string;
  private cause?: string;
  private stopDate?: number;
  private readonly startDate: number;
  private readonly history: ExecutionHistory;
  /** The last Fail state the run entered: its Error/Cause, or their absence, is what the execution reports. */
  private lastFailState?: string;
  private readonly failStates: ReadonlyMap<string, { error: boolean; cause: boolean }>;
  private readonly handlerAbort = new AbortController();
  private readonly abortRun: () => void;
  private readonly callbacks: ExecutionCallbacks;
  /** Settles when the run has ended and its history is complete. */
  readonly done: Promise<void>;

  constructor(private readonly start: ExecutionStart) {
    this.startDate = start.clock.now();
    const history = new ExecutionHistory({
      region: start.region,
      roleArn: start.roleArn,
      stateTypes: start.plan.stateTypes,
      tasks: start.plan.tasks,
      toEmulatedMs: start.toEmulatedMs,
    });
    this.history = history;
    this.failStates = failStates(start.plan.definition);
    this.callbacks = new ExecutionCallbacks(start.callbackRegistry, start.executionArn, start.plan.callbacks);
    const machine = new StateMachine(jsonClone(start.plan.definition) as unknown as StateMachineDefinition, {
      // CreateStateMachine validated the original definition; the run plan's rewrites are ours.
      validationOptions: { noValidate: true },
    });
    const run = machine.run(JSON.parse(start.input) as RunInput, {
      overrides: {
        taskResourceLocalHandlers: taskHandlers({
          plan: start.plan,
          history,
          clock: start.clock,
          region: start.region,
          roleArn: start.roleArn,
          endpoint: start.endpoint,
          lambdas: start.lambdas,
          abortSignal: this.handlerAbort.signal,
          clients: start.clients,
          callbacks: this.callbacks,
        }),
        waitTimeOverrides: { ...start.plan.waitTimeOverrides },
      },
      // $$ as AWS gives it, in emulated time, State included (see context-object.ts).
      context: createRunContext({
        executionArn: start.executionArn,
        name: start.name,
        roleArn: start.roleArn,
        startTime: this.startDate,
        input: JSON.parse(start.input) as unknown,
        stateMachineArn: start.stateMachineArn,
        stateMachineName: start.stateMachineName,
        now: () => start.clock.now(),
        taskToken: this.callbacks.taskToken,
      }) as RunContext,
    });
    this.abortRun = run.abort;
    const historyComplete = (async () => {
      for await (const logged of run.eventLogs) {
        const event = logged as LibraryEvent;
        if (event.type === 'StateEntered' && event.state?.type === 'Fail') this.lastFailState = event.state.name;
        if (event.type !== 'ExecutionFailed') {
          history.onLibraryEvent(event);
          continue;
        }
        const failure = this.asAws({
          error: event.Error,
          cause: typeof event.Cause === 'string' ? event.Cause : undefined,
        });
        history.onLibraryEvent({ ...event, Error: failure.error, Cause: failure.cause });
      }
    })();
    const outcome = run.result.then(
      (output): Outcome => ({ ok: true, output }),
      (error: unknown): Outcome => ({ ok: false, error }),
    );
    this.done = Promise.all([outcome, historyComplete]).then(
      ([result]) => this.finish(result),
      (error: unknown) => this.finish({ ok: false, error }),
    );
  }

  get status(): ExecutionStatus {
    return this.statusValue;
  }

  get executionArn(): string {
    return this.start.executionArn;
  }

  get input(): string {
    return this.start.input;
  }

  /** StopExecution: ABORTED at once; the run and any pending SDK call or wait are cancelled. */
  stop(error?: string, cause?: string): number {
    if (this.statusValue === 'RUNNING') {
      this.statusValue = 'ABORTED';
      this.stopDate = this.start.clock.now();
      this.error = error;
      this.cause = cause;
      this.history.setAbortReason(error, cause);
      this.abortRun();
      this.handlerAbort.abort(new Error('Execution stopped'));
      this.callbacks.closeAll();
    }
    return this.stopDate ?? this.start.clock.now();
  }

  snapshot(): ExecutionSnapshot {
    return {
      executionArn: this.start.executionArn,
      stateMachineArn: this.start.stateMachineArn,
      name: this.start.name,
      status: this.statusValue,
      input: this.start.input,
      startDate: this.startDate,
      history: [...this.history.events],
      ...(this.output !== undefined && { output: this.output }),
      ...(this.error !== undefined && { error: this.error }),
      ...(this.cause !== undefined && { cause: this.cause }),
      ...(this.stopDate !== undefined && { stopDate: this.stopDate }),
    };
  }

  private finish(outcome: Outcome): void {
    this.handlerAbort.abort(new Error('Execution ended'));
    this.callbacks.closeAll();
    if (this.statusValue !== 'RUNNING') return;
    this.stopDate = this.start.clock.now();
    if (outcome.ok) {
      this.statusValue = 'SUCCEEDED';
      this.output = JSON.stringify(outcome.output ?? null);
      return;
    }
    if (outcome.error instanceof ExecutionTimeoutError) {
      this.statusValue = 'TIMED_OUT';
      this.error = 'States.Timeout';
      this.cause = 'The execution timed out.';
      return;
    }
    this.statusValue = 'FAILED';
    ({ error: this.error, cause: this.cause } = this.asAws(failureOf(outcome.error)));
  }

  /**
   * A Fail state without Error (ErrorPath) or Cause (CausePath) fails the execution without one: DescribeExecution
   * and the ExecutionFailed event leave the member out, where the library would report its own placeholders.
   */
  private asAws(failure: Failure): Failure {
    const named = this.lastFailState === undefined ? undefined : this.failStates.get(this.lastFailState);
    if (named === undefined) return failure;
    const noError = !named.error && failure.error === LIBRARY_FAIL_ERROR;
    const noCause = !named.cause && failure.cause === LIBRARY_FAIL_CAUSE;
    return {
      ...(!noError && failure.error !== undefined && { error: failure.error }),
      ...(!noCause && failure.cause !== undefined && { cause: failure.cause }),
    };
  }
}
