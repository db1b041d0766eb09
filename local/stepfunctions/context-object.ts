/**
 * The Context Object (`$$`) as AWS gives it: `$$.Execution.{Id, Input, Name, RoleArn, StartTime, RedriveCount}`,
 * `$$.StateMachine.{Id, Name}` and `$$.State.{Name, EnteredTime, RetryCount}`, in emulated time
 * (docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html).
 *
 * aws-local-stepfunctions 3.0.0 builds its own context for every (nested) run: it overwrites `Execution.StartTime`
 * with the wall-clock time the run started (and `Execution.Input` with a Parallel branch's or Map iteration's input),
 * and has no `State` at all. Two hooks, installed once by library.ts, correct that for contexts we created:
 * - jsonpath-plus' `JSONPath` (the library evaluates every `$$.…` path through it) sees, for a context carrying our
 *   marker, a view whose Execution, StateMachine and State members are ours;
 * - `StateMachine.prototype.execute` wraps the run's event logger so each StateEntered / StateRetried updates
 *   `$$.State` synchronously, before the state's InputPath and Parameters are evaluated.
 * `$$.State` is the most recently entered state of the execution: exact for InputPath and Parameters; a
 * ResultSelector evaluated while another Parallel branch entered a state would see that state (README divergence).
 * `$$.Task.Token` is there for a callback Task (`.waitForTaskToken`): each time such a state is entered or retried,
 * `taskToken` issues a new token (callback-task.ts), in the same synchronous step, before its Parameters are read.
 */

import { indefiniteEmpty } from './jsonpath-shape';

const TRACKER = Symbol('localStepFunctionsContextObject');

export interface ContextObjectSource {
  readonly executionArn: string;
  readonly name: string;
  readonly roleArn: string;
  /** Emulated start time of the execution (ms). */
  readonly startTime: number;
  /** The execution's input, parsed. */
  readonly input: unknown;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  /** Emulated now (ms). */
  readonly now: () => number;
  /**
   * Called as a state is entered or retried, with its raw input: the task token of a callback Task (`$$.Task.Token`),
   * or undefined for any other state.
   */
  readonly taskToken?: (stateName: string, stateInput: unknown) => string | undefined;
}

interface StateMember {
  readonly Name: string;
  readonly EnteredTime: string;
  readonly RetryCount: number;
}

class ContextTracker {
  private state?: StateMember;
  private token?: string;

  constructor(private readonly source: ContextObjectSource) {}

  entered(name: string, input: unknown): void {
    this.state = { Name: name, EnteredTime: new Date(this.source.now()).toISOString(), RetryCount: 0 };
    this.token = this.source.taskToken?.(name, input);
  }

  retried(name: string, input: unknown): void {
    if (this.state?.Name !== name) return this.entered(name, input);
    this.state = { ...this.state, RetryCount: this.state.RetryCount + 1 };
    // Every attempt of a callback Task gets its own token, as on AWS.
    this.token = this.source.taskToken?.(name, input);
  }

  execution(): Record<string, unknown> {
    const s = this.source;
    return {
      Id: s.executionArn,
      Input: s.input,
      Name: s.name,
      RoleArn: s.roleArn,
      StartTime: new Date(s.startTime).toISOString(),
      RedriveCount: 0,
    };
  }

  /** What `$$` means for the library's context object `libraryContext` (which may add `Map`). */
  view(libraryContext: Record<string, unknown>): Record<string, unknown> {
    return {
      ...libraryContext,
      Execution: this.execution(),
      StateMachine: { Id: this.source.stateMachineArn, Name: this.source.stateMachineName },
      ...(this.state && { State: { ...this.state } }),
      ...(this.token !== undefined && { Task: { Token: this.token } }),
    };
  }
}

function trackerOf(value: unknown): ContextTracker | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const tracker = (value as Record<symbol, unknown>)[TRACKER];
  return tracker instanceof ContextTracker ? tracker : undefined;
}

/** The `context` run option for one execution; the library copies it (symbol included) into every run's context. */
export function createRunContext(source: ContextObjectSource): Record<string | symbol, unknown> {
  const tracker = new ContextTracker(source);
  return {
    [TRACKER]: tracker,
    Execution: tracker.execution(),
    StateMachine: { Id: source.stateMachineArn, Name: source.stateMachineName },
  };
}

type JsonPathFunction = (...args: unknown[]) => unknown;
type Dispatch = (stateName: string, ...rest: unknown[]) => void;
interface EventLoggerLike {
  dispatchStateEnteredEvent: Dispatch;
  dispatchStateRetriedEvent: Dispatch;
}
interface ExecuteOptions {
  readonly runOptions?: { readonly context?: unknown };
  readonly eventLogger?: EventLoggerLike;
}
type Execute = (this: unknown, input: unknown, options: ExecuteOptions, cleanup: unknown) => unknown;

const INSTALLED = Symbol('localStepFunctionsContextHooks');

/** jsonpath-plus' JSONPath used as a class: built without running (`autostart: false`), then evaluated. */
type JsonPathConstructor = new (options: Record<string, unknown>) => {
  evaluate(query: { path: unknown; json: unknown }): unknown;
};

/** The only call the library makes: `JSONPath({ path, json, wrap })`, an options object naming `path` and `json`. */
function isPlainQuery(value: unknown): value is Record<string, unknown> & { path: string; json: unknown } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const options = value as Record<string, unknown>;
  return typeof options.path === 'string' && 'json' in options && !('autostart' in options);
}

/**
 * What `JSONPath(options)` returns, without its exception: called as a function, JSONPath constructs itself with
 * `new`, and, to return a result that is not an object (a scalar, or undefined for no match: every `$.cluster` with
 * `wrap: false`), throws an Error carrying the value and catches it again. Building that Error (its stack trace) on
 * nearly every path evaluation cost more than the evaluation. Here the instance is built with `autostart: false` and
 * evaluated with exactly the arguments its constructor passes (`{ path, json }`), and the value is returned as is:
 * the same result, and the same errors, as the original call.
 */
function evaluateQuery(
  JsonPathClass: JsonPathConstructor,
  options: Record<string, unknown> & { path: string },
): unknown {
  const instance = new JsonPathClass({ ...options, autostart: false });
  const value = instance.evaluate({ path: options.path, json: options.json });
  // No match: AWS's result shape (jsonpath-shape.ts), `[]` for an indefinite path.
  return value === undefined ? indefiniteEmpty(options.path) : value;
}

/** Installs both hooks once (see the file comment). Fails loudly if the library's internals are not as expected. */
export function installContextObjectHooks(
  stateMachinePrototype: object,
  jsonPathModule: { JSONPath: JsonPathFunction },
): void {
  const marked = jsonPathModule as unknown as Record<symbol, unknown>;
  if (marked[INSTALLED] === true) return;
  const originalJsonPath = jsonPathModule.JSONPath;
  const proto = stateMachinePrototype as { execute?: Execute };
  const originalExecute = proto.execute;
  if (typeof originalJsonPath !== 'function' || typeof originalExecute !== 'function') {
    throw new Error('aws-local-stepfunctions internals changed: cannot provide the Context Object ($$) locally');
  }
  const JsonPathClass = originalJsonPath as unknown as JsonPathConstructor;
  const patchedJsonPath = function (this: unknown, ...args: unknown[]): unknown {
    const options = args[0] as { json?: unknown } | undefined;
    const tracker = trackerOf(options?.json);
    if (tracker && options) args[0] = { ...options, json: tracker.view(options.json as Record<string, unknown>) };
    if (this === undefined && args.length === 1 && isPlainQuery(args[0])) return evaluateQuery(JsonPathClass, args[0]);
    return originalJsonPath.apply(this, args);
  };
  Object.assign(patchedJsonPath, originalJsonPath);
  jsonPathModule.JSONPath = patchedJsonPath;
  proto.execute = function execute(this: unknown, input, options, cleanup) {
    const tracker = trackerOf(options.runOptions?.context);
    const logger = options.eventLogger;
    if (tracker && logger) {
      const entered = logger.dispatchStateEnteredEvent.bind(logger);
      const retried = logger.dispatchStateRetriedEvent.bind(logger);
      // Both dispatchers take (stateName, stateType, input, …): rest[1] is the state's raw input.
      logger.dispatchStateEnteredEvent = (name, ...rest) => {
        tracker.entered(name, rest[1]);
        entered(name, ...rest);
      };
      logger.dispatchStateRetriedEvent = (name, ...rest) => {
        tracker.retried(name, rest[1]);
        retried(name, ...rest);
      };
    }
    return originalExecute.call(this, input, options, cleanup);
  };
  marked[INSTALLED] = true;
}
