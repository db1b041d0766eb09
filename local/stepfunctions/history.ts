/**
 * Execution history as GetExecutionHistory returns it, built from the event log aws-local-stepfunctions 3 exposes
 * (`run().eventLogs`: ExecutionStarted, StateEntered/Exited/Failed/Retried/Caught, MapIteration*, …) plus what the
 * Task handlers saw (the parameters sent and the raw result), mapped to AWS event types and detail fields.
 */
import type { TaskResource } from './task-resources';

export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  /** Emulated epoch milliseconds. */
  readonly timestamp: number;
  readonly type: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What one Task handler call saw; handlers record it, history reads it when the matching library event arrives. */
export interface TaskCall {
  readonly parameters: unknown;
  result?: unknown;
  /** Extra TaskScheduled details (a callback Task's `timeoutInSeconds` / `heartbeatInSeconds`). */
  scheduled?: Readonly<Record<string, unknown>>;
  /** A callback Task's Lambda returned (TaskSubmitted): when, and the invoke result. */
  submitted?: { readonly at: number; readonly output: unknown };
  /** History has written its TaskStarted / its closing event. */
  started?: boolean;
  ended?: boolean;
}

/** The subset of the library's EventLog we read (its types are not exported). */
export interface LibraryEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly Error?: string;
  readonly Cause?: unknown;
  readonly index?: number;
  readonly state?: {
    readonly name: string;
    readonly type: string;
    readonly input?: unknown;
    readonly output?: unknown;
  };
  readonly parentState?: { readonly name: string };
}

export interface HistoryContext {
  readonly region: string;
  readonly roleArn: string;
  readonly stateTypes: ReadonlyMap<string, string>;
  readonly tasks: ReadonlyMap<string, TaskResource>;
  /** Converts a wall-clock timestamp from the library to emulated time. */
  readonly toEmulatedMs: (wallMs: number) => number;
}

const json = (value: unknown): string => JSON.stringify(value ?? null);
/** Task errors AWS records as TaskTimedOut rather than TaskFailed. */
const TIMEOUT_ERRORS = new Set(['States.Timeout', 'States.HeartbeatTimeout']);
const causeText = (cause: unknown): string => (typeof cause === 'string' ? cause : json(cause));

/** The HistoryEvent member holding an event type's details: `TaskScheduled` → `taskScheduledEventDetails`. */
export function detailsMember(type: string): string {
  const category = /StateEntered$/.test(type) ? 'StateEntered' : /StateExited$/.test(type) ? 'StateExited' : type;
  return `${category.charAt(0).toLowerCase()}${category.slice(1)}EventDetails`;
}

export class ExecutionHistory {
  private readonly list: HistoryEvent[] = [];
  private readonly pendingCalls = new Map<string, TaskCall[]>();
  /** The Task call in progress per state (and Map iteration), and whether a Catch handled its failure. */
  private readonly current = new Map<string, { call: TaskCall | undefined; caught: boolean }>();

  private abortReason: { error?: string; cause?: string } = {};

  constructor(private readonly context: HistoryContext) {}

  /** StopExecution's error and cause, reported in the ExecutionAborted event. */
  setAbortReason(error: string | undefined, cause: string | undefined): void {
    this.abortReason = { ...(error !== undefined && { error }), ...(cause !== undefined && { cause }) };
  }

  get events(): readonly HistoryEvent[] {
    return this.list;
  }

  add(type: string, timestamp: number, details?: Record<string, unknown>): void {
    const id = this.list.length + 1;
    this.list.push({ id, previousEventId: id - 1, timestamp, type, ...(details && { details }) });
  }

  /** Called synchronously by a Task handler, before the library's log reaches us. */
  recordTaskCall(stateName: string, parameters: unknown): TaskCall {
    const call: TaskCall = { parameters };
    const queue = this.pendingCalls.get(stateName) ?? [];
    queue.push(call);
    this.pendingCalls.set(stateName, queue);
    return call;
  }

  /**
   * A callback Task's Lambda returned: TaskSubmitted, right after TaskStarted (written now if history already has it,
   * else when the library's StateEntered reaches history), never after the Task has closed.
   */
  taskSubmitted(call: TaskCall, resource: TaskResource, output: unknown): void {
    call.submitted = { at: this.context.toEmulatedMs(Date.now()), output };
    if (call.started && !call.ended) this.addSubmitted(call, resource);
  }

  private addSubmitted(call: TaskCall, resource: TaskResource): void {
    if (!call.submitted) return;
    this.add('TaskSubmitted', call.submitted.at, {
      resourceType: resource.resourceType,
      resource: resource.resource,
      output: json(call.submitted.output),
      outputDetails: { truncated: false },
    });
  }

  private startTask(name: string, key: string, resource: TaskResource, at: number): void {
    // The handler runs synchronously right after the library logs StateEntered/StateRetried, so its call is already
    // recorded here; no call means the state failed before reaching its resource (InputPath/Parameters errors).
    const call = this.pendingCalls.get(name)?.shift();
    this.current.set(key, { call, caught: false });
    if (!call) return;
    const { resourceType, resource: action } = resource;
    this.add('TaskScheduled', at, {
      resourceType,
      resource: action,
      region: this.context.region,
      parameters: json(call.parameters),
      ...call.scheduled,
    });
    this.add('TaskStarted', at, { resourceType, resource: action });
    call.started = true;
    this.addSubmitted(call, resource);
  }

  onLibraryEvent(event: LibraryEvent): void {
    const at = this.context.toEmulatedMs(event.timestamp);
    const state = event.state;
    const key = state ? `${state.name}#${event.index ?? ''}` : '';
    const type = state ? (this.context.stateTypes.get(state.name) ?? state.type) : '';
    const task = state ? this.context.tasks.get(state.name) : undefined;

    switch (event.type) {
      case 'ExecutionStarted':
        this.add('ExecutionStarted', at, {
          input: json(event.input),
          inputDetails: { truncated: false },
          roleArn: this.context.roleArn,
        });
        return;
      case 'ExecutionSucceeded':
        this.add('ExecutionSucceeded', at, { output: json(event.output), outputDetails: { truncated: false } });
        return;
      case 'ExecutionFailed':
        this.add('ExecutionFailed', at, {
          ...(event.Error !== undefined && { error: event.Error }),
          ...(event.Cause !== undefined && { cause: causeText(event.Cause) }),
        });
        return;
      case 'ExecutionAborted':
        this.add('ExecutionAborted', at, this.abortReason);
        return;
      case 'ExecutionTimeout':
        this.add('ExecutionTimedOut', at, { error: 'States.Timeout', cause: 'The execution timed out.' });
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.add(event.type, at, { name: event.parentState?.name, index: event.index });
        return;
      case 'StateEntered':
        if (!state) return;
        this.add(`${type}StateEntered`, at, {
          name: state.name,
          input: json(state.input),
          inputDetails: { truncated: false },
        });
        if (type === 'Task' && task) this.startTask(state.name, key, task, at);
        if (type === 'Parallel' || type === 'Map') {
          this.current.set(key, { call: undefined, caught: false });
          this.add(`${type}StateStarted`, at);
        }
        return;
      case 'StateRetried':
        if (state && type === 'Task' && task) this.startTask(state.name, key, task, at);
        return;
      case 'StateCaught': {
        const running = this.current.get(key);
        if (running) running.caught = true;
        return;
      }
      case 'StateFailed': {
        if (!state) return;
        const failedCall = this.current.get(key)?.call;
        if (type === 'Task' && task && failedCall) {
          failedCall.ended = true;
          const details = {
            resourceType: task.resourceType,
            resource: task.resource,
            error: event.Error,
            cause: causeText(event.Cause),
          };
          this.add(TIMEOUT_ERRORS.has(event.Error ?? '') ? 'TaskTimedOut' : 'TaskFailed', at, details);
        }
        if (type === 'Parallel' || type === 'Map') this.add(`${type}StateFailed`, at);
        return;
      }
      case 'StateExited': {
        if (!state) return;
        const running = this.current.get(key);
        this.current.delete(key);
        if (running?.call) running.call.ended = true;
        if (type === 'Task' && task && !running?.caught) {
          this.add('TaskSucceeded', at, {
            resourceType: task.resourceType,
            resource: task.resource,
            output: json(running?.call?.result),
            outputDetails: { truncated: false },
          });
        }
        if ((type === 'Parallel' || type === 'Map') && !running?.caught) this.add(`${type}StateSucceeded`, at);
        this.add(`${type}StateExited`, at, {
          name: state.name,
          output: json(state.output),
          outputDetails: { truncated: false },
        });
        return;
      }
      default:
        // ParallelBranch* events have no AWS counterpart.
        return;
    }
  }
}
