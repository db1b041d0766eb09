/**
 * Turns a stored definition into what aws-local-stepfunctions runs, so emulated time (local/aws/clock.ts) applies to
 * every duration in it:
 * - Wait with `Seconds`: `waitTimeOverrides[name]` = Seconds × timeScale (the library's per-state override).
 * - Wait with `SecondsPath`, `Timestamp` or `TimestampPath`: the library has no hook that sees the state's input, so
 *   an override cannot be computed per execution. Such a Wait is rewritten into a Task whose Parameters evaluate the
 *   path (`"Seconds.$": <SecondsPath>`, `"Input.$": "$"`) and whose local handler sleeps on the Clock and returns the
 *   input unchanged; history still reports it as a Wait state.
 * - Retry: `IntervalSeconds` and `MaxDelaySeconds` are multiplied by timeScale in the copy the library runs. We do not
 *   use `retryIntervalOverrides`: the library uses an override as the whole interval, skipping BackoffRate (and
 *   jitter), while scaled seconds keep interval × BackoffRate^attempt, MaxDelaySeconds and JitterStrategy exactly.
 * - Task `TimeoutSeconds` and the top-level `TimeoutSeconds` are scaled too. A Task without one gets AWS's default
 *   (99999999 s) instead of the library's 60 s, capped to what setTimeout can hold. `TimeoutSecondsPath` is unscaled.
 * - A callback Task (`lambda:invoke.waitForTaskToken`) keeps its timeouts to itself: TimeoutSeconds(Path) and
 *   HeartbeatSeconds(Path) go to `callbacks` (callback-task.ts runs them on the Clock, from the state's input), and the
 *   library's copy gets the longest timer setTimeout can hold, so the library's wall-clock timeout never decides.
 * - An explicit `"ResultPath": "$"` (state or Catch) is removed: the library writes a key literally named `$`, while
 *   leaving ResultPath out means the same thing on AWS (the result replaces the input) and works in the library.
 * The library also mutates the definition it is given, so each run gets a fresh copy of `definition` (see json-clone.ts).
 */
import type { Clock } from '../aws/clock';
import { allStates, isJsonObject, type JsonObject } from './definition-walk';
import { jsonClone } from './json-clone';
import { parseTaskResource, type TaskResource } from './task-resources';
import { AWS_DEFAULT_TASK_TIMEOUT_SECONDS, callbackTiming, type CallbackTiming } from './callback-task';
/** setTimeout fires at once for delays above 2^31-1 ms. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
/** A Resource the library never calls: the rewritten Wait state always has a local handler. */
const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::local:wait';

export type DynamicWait = 'seconds' | 'timestamp';

export interface RunPlan {
  /** The definition as the library must run it; clone it for every run. */
  readonly definition: JsonObject;
  /** Every state's type in the original definition (rewritten Waits stay `Wait`). */
  readonly stateTypes: ReadonlyMap<string, string>;
  readonly tasks: ReadonlyMap<string, TaskResource>;
  readonly waitTimeOverrides: Readonly<Record<string, number>>;
  readonly dynamicWaits: ReadonlyMap<string, DynamicWait>;
  /** Callback Tasks by state name, with their timeouts as the definition gives them. */
  readonly callbacks: ReadonlyMap<string, CallbackTiming>;
}

function scaledSeconds(seconds: number, clock: Clock): number {
  // The library treats 0 as "not set", so keep scaled timeouts strictly positive.
  return Math.min(MAX_TIMER_SECONDS, Math.max(0.001, seconds * clock.timeScale));
}

function rewriteDynamicWait(state: JsonObject): DynamicWait {
  const kept: JsonObject = {};
  for (const key of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End']) if (key in state) kept[key] = state[key];
  const parameters: JsonObject = { 'Input.$': '$' };
  let kind: DynamicWait = 'timestamp';
  if (typeof state['SecondsPath'] === 'string') {
    parameters['Seconds.$'] = state['SecondsPath'];
    kind = 'seconds';
  } else if (typeof state['TimestampPath'] === 'string') {
    parameters['Timestamp.$'] = state['TimestampPath'];
  } else {
    parameters['Timestamp'] = state['Timestamp'];
  }
  for (const key of Object.keys(state)) delete state[key];
  Object.assign(state, kept, {
    Type: 'Task',
    Resource: LOCAL_WAIT_RESOURCE,
    Parameters: parameters,
    TimeoutSeconds: MAX_TIMER_SECONDS,
  });
  return kind;
}

function scaleRetriers(state: JsonObject, clock: Clock): void {
  if (!Array.isArray(state['Retry'])) return;
  for (const retrier of state['Retry']) {
    if (!isJsonObject(retrier)) continue;
    const interval = typeof retrier['IntervalSeconds'] === 'number' ? retrier['IntervalSeconds'] : 1;
    retrier['IntervalSeconds'] = interval * clock.timeScale;
    if (typeof retrier['MaxDelaySeconds'] === 'number') {
      retrier['MaxDelaySeconds'] = retrier['MaxDelaySeconds'] * clock.timeScale;
    }
  }
}

function dropRootResultPaths(state: JsonObject): void {
  if (state['ResultPath'] === '$') delete state['ResultPath'];
  if (!Array.isArray(state['Catch'])) return;
  for (const catcher of state['Catch'])
    if (isJsonObject(catcher) && catcher['ResultPath'] === '$') delete catcher['ResultPath'];
}

/** Builds the run plan; the definition must already have passed checkDefinition. */
export function planRun(original: JsonObject, clock: Clock): RunPlan {
  const definition = jsonClone(original);
  const stateTypes = new Map<string, string>();
  const tasks = new Map<string, TaskResource>();
  const waitTimeOverrides: Record<string, number> = {};
  const dynamicWaits = new Map<string, DynamicWait>();
  const callbacks = new Map<string, CallbackTiming>();

  for (const { name, state } of allStates(definition)) {
    stateTypes.set(name, String(state['Type']));
    scaleRetriers(state, clock);
    dropRootResultPaths(state);
    if (state['Type'] === 'Wait') {
      if (typeof state['Seconds'] === 'number') waitTimeOverrides[name] = clock.wallMs(state['Seconds']);
      else dynamicWaits.set(name, rewriteDynamicWait(state));
    } else if (state['Type'] === 'Task') {
      const resource = parseTaskResource(state['Resource']);
      if ('problem' in resource) throw new Error(`${name}: ${resource.problem}`);
      tasks.set(name, resource);
      if (resource.kind === 'lambda-callback') {
        callbacks.set(name, callbackTiming(state));
        for (const key of ['TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath']) delete state[key];
        state['TimeoutSeconds'] = MAX_TIMER_SECONDS;
      } else if (typeof state['TimeoutSeconds'] === 'number') {
        state['TimeoutSeconds'] = scaledSeconds(state['TimeoutSeconds'], clock);
      } else if (state['TimeoutSecondsPath'] === undefined) {
        state['TimeoutSeconds'] = scaledSeconds(AWS_DEFAULT_TASK_TIMEOUT_SECONDS, clock);
      }
    }
  }
  if (typeof definition['TimeoutSeconds'] === 'number') {
    definition['TimeoutSeconds'] = scaledSeconds(definition['TimeoutSeconds'], clock);
  }
  return { definition, stateTypes, tasks, waitTimeOverrides, dynamicWaits, callbacks };
}
