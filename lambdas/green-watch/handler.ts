/**
 * Lambda entry point of green-watch (contract/green-watch.ts): swap's watching Task invokes it with a watch request
 * and a task token; EventBridge invokes it with ECS task state changes. Environment: DEPLOYMENT_TABLE (the deployment
 * record's table) and SERVICE_ARN (its item's key, the service the events are about).
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SendTaskFailureCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GREEN_DEGRADED, WATCH_ATTRIBUTE, type WatchRequest } from '../../contract';
import {
  degradedTargets,
  failureCause,
  GreenDegradedError,
  WatchUnavailableError,
  isGreenTaskStopping,
  readTaskStateChange,
  readWatchRequest,
  taskStoppingMessage,
  type TargetState,
} from './core';

/** Where the SDK clients go and what the function is configured with (its environment on AWS). */
export interface GreenWatchEnvironment {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly variables: Readonly<Record<string, string | undefined>>;
}

/** What one invocation did; the Task ignores it (the token decides), tests and logs read it. */
export type GreenWatchResult =
  | { readonly outcome: 'watching'; readonly taskSetId: string }
  | { readonly outcome: 'woke'; readonly taskSetId: string; readonly message: string }
  | { readonly outcome: 'ignored'; readonly why: string };

/** SendTaskFailure's answers for a token whose Task has already ended: the watch is over, nothing to wake. */
const WATCH_OVER = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** An AWS call of the watch's set-up failed (after the SDK's own retries). */
function unavailable(what: string, error: unknown): WatchUnavailableError {
  const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new WatchUnavailableError(`green-watch could not set the watch up: ${what} failed (${cause}).`, {
    cause: error,
  });
}

function variable(env: GreenWatchEnvironment, name: string): string {
  const value = env.variables[name];
  if (value === undefined || value === '') {
    throw new Error(`green-watch: the environment variable ${name} is not set (the stack sets it).`);
  }
  return value;
}

export function createHandler(env: GreenWatchEnvironment): (event: unknown) => Promise<GreenWatchResult> {
  const config = {
    ...(env.endpoint !== undefined && { endpoint: env.endpoint }),
    ...(env.region !== undefined && { region: env.region }),
    ...(env.credentials !== undefined && { credentials: env.credentials }),
  };
  const ddb = new DynamoDBClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const sfn = new SFNClient(config);
  const table = (): string => variable(env, 'DEPLOYMENT_TABLE');

  /** Stores the watch beside the lease (only while the lease is ours), then checks green once. */
  async function watch(request: WatchRequest): Promise<GreenWatchResult> {
    try {
      await ddb.send(
        new UpdateItemCommand({
          TableName: table(),
          Key: { service: { S: request.serviceArn } },
          UpdateExpression: 'SET #watch = :watch',
          ConditionExpression: '#lease.#holder = :me',
          ExpressionAttributeNames: { '#watch': WATCH_ATTRIBUTE, '#lease': 'lease', '#holder': 'holder' },
          ExpressionAttributeValues: {
            ':me': { S: request.execution },
            ':watch': {
              M: {
                token: { S: request.token },
                execution: { S: request.execution },
                kind: { S: request.kind },
                taskSetId: { S: request.taskSetId },
                targetGroupArn: { S: request.targetGroupArn },
                seconds: { N: String(request.seconds) },
              },
            },
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new Error(
          `green-watch: execution ${request.execution} no longer holds the lease of ${request.serviceArn}, so it may not watch green.`,
          { cause: error },
        );
      }
      throw unavailable('storing the watch (DynamoDB UpdateItem)', error);
    }
    const health = await elbv2
      .send(new DescribeTargetHealthCommand({ TargetGroupArn: request.targetGroupArn }))
      .catch((error: unknown) => {
        throw unavailable("reading green's target health (ELBv2 DescribeTargetHealth)", error);
      });
    const targets: TargetState[] = (health.TargetHealthDescriptions ?? []).map((d) => ({
      id: d.Target?.Id ?? 'unknown',
      ...(d.Target?.Port !== undefined && { port: d.Target.Port }),
      state: d.TargetHealth?.State ?? 'unknown',
      ...(d.TargetHealth?.Reason !== undefined && { reason: d.TargetHealth.Reason }),
      ...(d.TargetHealth?.Description !== undefined && { description: d.TargetHealth.Description }),
    }));
    const degraded = degradedTargets(targets);
    if (degraded !== undefined) throw new GreenDegradedError(`${degraded}, as the watch began`);
    return { outcome: 'watching', taskSetId: request.taskSetId };
  }

  /** Wakes the watching Task when one of green's tasks stops. */
  async function onTaskStateChange(event: unknown): Promise<GreenWatchResult> {
    const change = readTaskStateChange(event);
    if (change === undefined) return { outcome: 'ignored', why: 'not an ECS task state change' };
    const item = await ddb.send(
      new GetItemCommand({
        TableName: table(),
        Key: { service: { S: variable(env, 'SERVICE_ARN') } },
        ConsistentRead: true,
      }),
    );
    const current = item.Item?.[WATCH_ATTRIBUTE]?.M;
    const holder = item.Item?.lease?.M?.holder?.S;
    const token = current?.token?.S;
    const taskSetId = current?.taskSetId?.S;
    const kind = current?.kind?.S === 'shift' ? 'shift' : 'bake';
    if (token === undefined || taskSetId === undefined) return { outcome: 'ignored', why: 'no watch' };
    if (holder === undefined || holder !== current?.execution?.S) {
      return { outcome: 'ignored', why: 'the watching execution no longer holds the lease' };
    }
    if (!isGreenTaskStopping(change, taskSetId))
      return { outcome: 'ignored', why: 'not one of green’s tasks stopping' };
    const message = taskStoppingMessage(change, kind);
    try {
      await sfn.send(
        new SendTaskFailureCommand({ taskToken: token, error: GREEN_DEGRADED, cause: failureCause(message) }),
      );
    } catch (error) {
      if (error instanceof Error && WATCH_OVER.has(error.name)) return { outcome: 'ignored', why: 'the watch is over' };
      throw error;
    }
    return { outcome: 'woke', taskSetId, message };
  }

  return async (event) => {
    const request = readWatchRequest(event);
    return request !== undefined ? watch(request) : onTaskStateChange(event);
  };
}

/** On AWS: the function's own region and role, configured by its environment. */
export const handler = createHandler({ variables: process.env });
