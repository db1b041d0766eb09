/**
 * The `taskResourceLocalHandlers` for one execution: one handler per Task state name (nested ones included),
 * generated from its Resource, plus the Clock-based handlers of rewritten Wait states (see run-plan.ts).
 */
import type { Clock } from '../aws/clock';
import { callDynamoDbTask } from './dynamodb-task';
import type { ExecutionHistory } from './history';
import { invokeLocalLambda, type LocalLambda } from './lambda-task';
import type { RunOptions } from './library';
import type { RunPlan } from './run-plan';
import type { SdkClientPool } from './sdk-client-pool';
import { callSdkAction } from './sdk-task';
import { LocalRuntimeError } from './task-errors';
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
