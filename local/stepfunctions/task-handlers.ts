/**
 * The `taskResourceLocalHandlers` for one execution: one handler per Task state name (nested ones included),
 * generated from its Resource, plus the Clock-based handlers of rewritten Wait states (see run-plan.ts).
 */
import type { Clock } from '../aws/clock';
import type { ExecutionCallbacks } from './callback-task';
import { callDynamoDbTask } from './dynamodb-task';
import type { ExecutionHistory, TaskCall } from './history';
import { invokeLocalLambda, type LocalLambda } from './lambda-task';
import type { RunOptions } from './library';
import type { RunPlan } from './run-plan';
import type { SdkClientPool } from './sdk-client-pool';
import { callSdkAction } from './sdk-task';
import { LocalRuntimeError } from './task-errors';
import type { TaskResource } from './task-resources';
import { isJsonObject } from './definition-walk';

type Handlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type Handler = Handlers[string];
type JsonValue = Awaited<ReturnType<Handler>>;

export interface HandlerContext {
  readonly plan: RunPlan;
  readonly history: ExecutionHistory;
  readonly clock: Clock;
  readonly region: string;
  readonly roleArn: string;
  readonly endpoint: () => string;
  readonly lambdas: Readonly<Record<string, LocalLambda>>;
  /** Aborted when the execution stops, so pending SDK calls and waits end with it. */
  readonly abortSignal: AbortSignal;
  readonly clients: SdkClientPool;
  /** The execution's callback Tasks (tokens issued as their states are entered). */
  readonly callbacks: ExecutionCallbacks;
}

/**
 * A callback Task (`lambda:invoke.waitForTaskToken`): claims the token issued for this attempt, starts its timeout
 * and heartbeat clocks, invokes the Lambda (a Lambda error fails the Task at once; its result only goes to
 * TaskSubmitted), then waits for SendTaskSuccess / SendTaskFailure, a timeout, or the end of the execution.
 */
async function runCallbackTask(
  context: HandlerContext,
  name: string,
  resource: TaskResource,
  parameters: unknown,
  call: TaskCall,
): Promise<unknown> {
  const task = context.callbacks.claim(name);
  if ('problem' in task.timing) {
    task.close();
    throw task.timing.problem;
  }
  const { timeoutSeconds, heartbeatSeconds } = task.timing;
  call.scheduled = {
    ...(timeoutSeconds !== undefined && { timeoutInSeconds: timeoutSeconds }),
    ...(heartbeatSeconds !== undefined && { heartbeatInSeconds: heartbeatSeconds }),
  };
  task.start(context.abortSignal);
  invokeLocalLambda(context.lambdas, parameters).then(
    (result) => context.history.taskSubmitted(call, resource, result),
    (error: unknown) => task.fail(error as Error),
  );
  const outcome = await task.outcome;
  if (!outcome.ok) throw outcome.error;
  return outcome.output;
}

function waitSeconds(kind: 'seconds' | 'timestamp', parameters: unknown, clock: Clock): number {
  const value = isJsonObject(parameters) ? parameters[kind === 'seconds' ? 'Seconds' : 'Timestamp'] : undefined;
  if (kind === 'seconds') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new LocalRuntimeError(`SecondsPath must point to a non-negative integer, got ${JSON.stringify(value)}`);
    }
    return value;
  }
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(at))
    throw new LocalRuntimeError(`Timestamp must be an ISO-8601 timestamp, got ${JSON.stringify(value)}`);
  return Math.max(0, (at - clock.now()) / 1000);
}

export function taskHandlers(context: HandlerContext): Handlers {
  const handlers: Handlers = {};
  for (const [name, resource] of context.plan.tasks) {
    handlers[name] = async (parameters) => {
      const call = context.history.recordTaskCall(name, parameters);
      const sdkCall = {
        endpoint: context.endpoint(),
        region: context.region,
        roleArn: context.roleArn,
        abortSignal: context.abortSignal,
        clients: context.clients,
      };
      const result =
        resource.kind === 'aws-sdk'
          ? await callSdkAction(resource.sdk, parameters, sdkCall)
          : resource.kind === 'dynamodb'
            ? await callDynamoDbTask(resource.task, parameters, sdkCall)
            : resource.kind === 'lambda-callback'
              ? await runCallbackTask(context, name, resource, parameters, call)
              : await invokeLocalLambda(context.lambdas, parameters);
      call.result = result;
      return result as JsonValue;
    };
  }
  for (const [name, kind] of context.plan.dynamicWaits) {
    handlers[name] = async (parameters) => {
      await context.clock.sleep(waitSeconds(kind, parameters, context.clock), context.abortSignal);
      return (isJsonObject(parameters) ? parameters['Input'] : null) as JsonValue;
    };
  }
  return handlers;
}
