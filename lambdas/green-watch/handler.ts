/**
 * Lambda entry point of green-watch (contract/green-watch.ts): swap's watching Task invokes it with a watch request
 * and a task token; EventBridge invokes it with ECS task state changes and CloudWatch alarm state changes. Environment:
 * DEPLOYMENT_TABLE (the deployment record's table), SERVICE_ARN (its item's key, the service the events are about),
 * GREEN_ALARM_PREFIX (the built-in alarms' name prefix), LOAD_BALANCER_ARN (their LoadBalancer dimension's load balancer) and
 * WATCHED_ALARMS (the user's alarm names, a JSON array).
 */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { SendTaskFailureCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  ALARM_PREFIX_VARIABLE,
  GREEN_DEGRADED,
  LOAD_BALANCER_VARIABLE,
  PRE_WATCH_BREACH_REARMED,
  targetGroupDimension,
  USER_ALARMS_VARIABLE,
  WATCH_ATTRIBUTE,
  WATCH_UNAVAILABLE,
  type WatchCheckRequest,
  type WatchKind,
  type WatchRequest,
} from '../../contract';
import {
  alarmMessage,
  breachPredates,
  builtInAlarmNames,
  builtInAlarms,
  readAlarmNames,
  readAlarmStateChange,
  type BuiltInAlarm,
  degradedTargets,
  failureCause,
  GreenDegradedError,
  WatchUnavailableError,
  isGreenTaskStopping,
  readTaskStateChange,
  readWatchCheckRequest,
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
  | { readonly outcome: 'passed'; readonly taskSetId: string }
  | { readonly outcome: 'woke'; readonly taskSetId: string; readonly message: string }
  | { readonly outcome: 'ignored'; readonly why: string }
  | { readonly outcome: 'rearmed'; readonly alarmName: string };

/** The built-in alarm already points at green's target group and load balancer. */
function sameTarget(existing: MetricAlarm, wanted: BuiltInAlarm): boolean {
  const dimensions = (ds: ReadonlyArray<{ Name?: string; Value?: string }>): string =>
    ds
      .map((d) => `${d.Name ?? ''}=${d.Value ?? ''}`)
      .sort()
      .join(',');
  return dimensions(existing.Dimensions ?? []) === dimensions(wanted.Dimensions);
}

/** The built-in alarm is configured as this version of the function would configure it. */
function sameConfiguration(existing: MetricAlarm, wanted: BuiltInAlarm): boolean {
  return (
    existing.MetricName === wanted.MetricName &&
    existing.Namespace === wanted.Namespace &&
    existing.Statistic === wanted.Statistic &&
    existing.ExtendedStatistic === wanted.ExtendedStatistic &&
    existing.Period === wanted.Period &&
    existing.EvaluationPeriods === wanted.EvaluationPeriods &&
    (existing.DatapointsToAlarm ?? existing.EvaluationPeriods) ===
      (wanted.DatapointsToAlarm ?? wanted.EvaluationPeriods) &&
    existing.Threshold === wanted.Threshold &&
    existing.ComparisonOperator === wanted.ComparisonOperator &&
    existing.TreatMissingData === wanted.TreatMissingData &&
    existing.AlarmDescription === wanted.AlarmDescription
  );
}

/** DescribeTargetHealth's descriptions as the watch judges them. */
function targetStates(descriptions: readonly TargetHealthDescription[]): TargetState[] {
  return descriptions.map((d) => ({
    id: d.Target?.Id ?? 'unknown',
    ...(d.Target?.Port !== undefined && { port: d.Target.Port }),
    state: d.TargetHealth?.State ?? 'unknown',
    ...(d.TargetHealth?.Reason !== undefined && { reason: d.TargetHealth.Reason }),
    ...(d.TargetHealth?.Description !== undefined && { description: d.TargetHealth.Description }),
  }));
}

/** SendTaskFailure's answers for a token whose Task has already ended: the watch is over, nothing to wake. */
const WATCH_OVER = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** An AWS call of the watch's set-up (or of its check as it ended) failed, after the SDK's own retries. */
function unavailable(what: string, error: unknown, doing = 'set the watch up'): WatchUnavailableError {
  const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new WatchUnavailableError(`green-watch could not ${doing}: ${what} failed (${cause}).`, {
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
  const cw = new CloudWatchClient(config);
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
                ...(request.startedAt !== undefined && { startedAt: { S: request.startedAt } }),
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
    const degraded = degradedTargets(targetStates(health.TargetHealthDescriptions ?? []));
    if (degraded !== undefined) throw new GreenDegradedError(`${degraded}, as the watch began`);
    await gateAlarms(request);
    return { outcome: 'watching', taskSetId: request.taskSetId };
  }

  /**
   * Points the built-in alarms at green (an alarm on another target group is deleted and created again, so it starts
   * in INSUFFICIENT_DATA instead of keeping another green's state), then fails at once if a watched alarm is in ALARM.
   */
  async function gateAlarms(request: WatchRequest): Promise<void> {
    const { wanted, names, byName } = await readWatchedAlarms(request.targetGroupArn);
    const elsewhere = wanted.filter((a) => {
      const existing = byName.get(a.AlarmName);
      return existing !== undefined && !sameTarget(existing, a);
    });
    if (elsewhere.length > 0) {
      await cw
        .send(new DeleteAlarmsCommand({ AlarmNames: elsewhere.map((a) => a.AlarmName) }))
        .catch((error: unknown) => {
          throw unavailable("deleting a previous green's alarms (CloudWatch DeleteAlarms)", error);
        });
    }
    const fresh = new Set<string>();
    for (const alarm of wanted) {
      const existing = byName.get(alarm.AlarmName);
      if (existing !== undefined && sameTarget(existing, alarm) && sameConfiguration(existing, alarm)) continue;
      await cw
        .send(new PutMetricAlarmCommand({ ...alarm, Dimensions: alarm.Dimensions.map((d) => ({ ...d })) }))
        .catch((error: unknown) => {
          throw unavailable(`pointing ${alarm.AlarmName} at green (CloudWatch PutMetricAlarm)`, error);
        });
      if (existing === undefined || !sameTarget(existing, alarm)) fresh.add(alarm.AlarmName);
    }
    const first = await firstInAlarm(
      names.filter((n) => !fresh.has(n)),
      byName,
      wanted,
      () => Promise.resolve(request.startedAt),
    );
    if (first !== undefined) {
      const message = alarmMessage(first.AlarmName ?? '', first.StateReason ?? 'no reason given', request.kind);
      throw new GreenDegradedError(`${message}, as the watch began`);
    }
  }

  /**
   * The watched alarms as DescribeAlarms has them: the built-in ones (as this function configures them for green's
   * target group) and the user's, which must all exist (`doing`: what a failed read says it could not do).
   */
  async function readWatchedAlarms(
    targetGroupArn: string,
    doing?: string,
  ): Promise<{ wanted: BuiltInAlarm[]; names: string[]; byName: Map<string, MetricAlarm> }> {
    const wanted = builtInAlarms(
      variable(env, ALARM_PREFIX_VARIABLE),
      variable(env, LOAD_BALANCER_VARIABLE),
      targetGroupArn,
    );
    const users = readAlarmNames(env.variables[USER_ALARMS_VARIABLE]);
    const names = [...wanted.map((a) => a.AlarmName), ...users];
    const described = await cw
      .send(
        // Metric alarms only (no AlarmTypes): reading composite alarms needs DescribeAlarms on `*`, and the role's is
        // scoped to the watched alarms' ARNs.
        new DescribeAlarmsCommand({ AlarmNames: names, MaxRecords: 100 }),
      )
      .catch((error: unknown) => {
        throw unavailable('reading the watched alarms (CloudWatch DescribeAlarms)', error, doing);
      });
    const byName = new Map((described.MetricAlarms ?? []).map((a) => [a.AlarmName ?? '', a]));
    const missing = users.filter((name) => !byName.has(name));
    if (missing.length > 0) {
      throw unavailable(
        'reading the watched alarms',
        new Error(
          `no metric alarm named ${missing.join(', ')} exists (the stack's bakeAlarmNames names it; composite alarms are not supported)`,
        ),
        doing,
      );
    }
    return { wanted, names, byName };
  }

  /**
   * The first of `names` in ALARM, by `byName` (what DescribeAlarms answered), after re-arming the built-in alarm whose
   * breaches before the watch do not count when its breach rests only on them (`doing`: what a failed re-arm says).
   * `startedAt` (when the watch began) is asked for only when an alarm is in ALARM.
   */
  async function firstInAlarm(
    names: readonly string[],
    byName: ReadonlyMap<string, MetricAlarm>,
    wanted: readonly BuiltInAlarm[],
    startedAt: () => Promise<string | undefined>,
    doing?: string,
  ): Promise<MetricAlarm | undefined> {
    for (const name of names) {
      const alarm = byName.get(name);
      if (alarm?.StateValue !== 'ALARM') continue;
      const own = wanted.find((a) => a.AlarmName === name);
      if (own === undefined || !preWatchBreach(own, alarm.StateReasonData, await startedAt())) return alarm;
      await rearm(own).catch((error: unknown) => {
        throw unavailable(`re-arming ${name} (CloudWatch DeleteAlarms, PutMetricAlarm)`, error, doing);
      });
    }
    return undefined;
  }

  /**
   * As a watch ends (its Task timed out): green's target health and the watched alarms once more, so a change whose
   * event had not reached the function yet still fails the watch (contract/green-watch.ts, step 4). For clean-up
   * (kind `clean-up`), the same of the live version, before the previous one is removed.
   */
  async function check(request: WatchCheckRequest): Promise<GreenWatchResult> {
    const cleanUp = request.kind === 'clean-up';
    const doing = cleanUp ? 'check the live version for clean-up' : 'check green as the watch ended';
    const health = await elbv2
      .send(new DescribeTargetHealthCommand({ TargetGroupArn: request.targetGroupArn }))
      .catch((error: unknown) => {
        throw unavailable("reading green's target health (ELBv2 DescribeTargetHealth)", error, doing);
      });
    const degraded = degradedTargets(targetStates(health.TargetHealthDescriptions ?? []));
    if (degraded !== undefined) {
      throw new GreenDegradedError(`${degraded}, ${cleanUp ? 'as clean-up checked it' : 'as the watch ended'}`);
    }
    const { wanted, names, byName } = await readWatchedAlarms(request.targetGroupArn, doing);
    // A built-in alarm on another target group is not green's (the watch pointed them at green as it began).
    const onGreen = names.filter((name) => {
      const own = wanted.find((a) => a.AlarmName === name);
      const existing = byName.get(name);
      return own === undefined || (existing !== undefined && sameTarget(existing, own));
    });
    const started = (): Promise<string | undefined> => (cleanUp ? Promise.resolve(undefined) : watchStart(request));
    const first = await firstInAlarm(onGreen, byName, wanted, started, doing);
    if (first !== undefined) {
      const message = alarmMessage(first.AlarmName ?? '', first.StateReason ?? 'no reason given', request.kind);
      throw new GreenDegradedError(cleanUp ? message : `${message}, as the watch ended`);
    }
    return { outcome: 'passed', taskSetId: request.taskSetId };
  }

  /**
   * When the watch that just ended began, for the healthy-hosts alarm's breaches from before it: the stored watch's
   * `startedAt`, if it is this execution's watch of this green (else every breach counts).
   */
  async function watchStart(request: WatchCheckRequest): Promise<string | undefined> {
    const item = await ddb
      .send(
        new GetItemCommand({ TableName: table(), Key: { service: { S: request.serviceArn } }, ConsistentRead: true }),
      )
      .catch((error: unknown) => {
        throw unavailable('reading the watch (DynamoDB GetItem)', error, 'check green as the watch ended');
      });
    const stored = item.Item?.[WATCH_ATTRIBUTE]?.M;
    const ours = stored?.execution?.S === request.execution && stored?.taskSetId?.S === request.taskSetId;
    return ours ? stored?.startedAt?.S : undefined;
  }

  /**
   * A breach of the built-in alarm whose breaches before the watch do not count (contract/green-watch.ts,
   * `PRE_WATCH_BREACH_REARMED`) that rests only on periods that began before the watch.
   */
  function preWatchBreach(alarm: BuiltInAlarm, reasonData: string | undefined, startedAt: string | undefined): boolean {
    if (startedAt === undefined) return false;
    if (alarm.AlarmName !== `${variable(env, ALARM_PREFIX_VARIABLE)}${PRE_WATCH_BREACH_REARMED}`) return false;
    return breachPredates(reasonData, Date.parse(startedAt), alarm);
  }

  /** Deletes the alarm and creates it again: it starts in INSUFFICIENT_DATA, and its next evaluation decides. */
  async function rearm(alarm: BuiltInAlarm): Promise<void> {
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: [alarm.AlarmName] }));
    await cw.send(new PutMetricAlarmCommand({ ...alarm, Dimensions: alarm.Dimensions.map((d) => ({ ...d })) }));
  }

  /** Reads the stored watch; undefined (with why) when there is none, or its execution no longer holds the lease. */
  async function activeWatch(): Promise<
    | {
        readonly token: string;
        readonly taskSetId: string;
        readonly targetGroupArn?: string;
        readonly kind: WatchKind;
        readonly startedAt?: string;
      }
    | { readonly ignored: string }
  > {
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
    const targetGroupArn = current?.targetGroupArn?.S;
    const startedAt = current?.startedAt?.S;
    const kind = current?.kind?.S === 'shift' ? 'shift' : 'bake';
    if (token === undefined || taskSetId === undefined) return { ignored: 'no watch' };
    if (holder === undefined || holder !== current?.execution?.S) {
      return { ignored: 'the watching execution no longer holds the lease' };
    }
    return {
      token,
      taskSetId,
      kind,
      ...(targetGroupArn !== undefined && { targetGroupArn }),
      ...(startedAt !== undefined && { startedAt }),
    };
  }

  /** SendTaskFailure with GreenDegraded (or WatchUnavailable); a watch already over is not an error. */
  async function wake(
    token: string,
    taskSetId: string,
    message: string,
    error: typeof GREEN_DEGRADED | typeof WATCH_UNAVAILABLE = GREEN_DEGRADED,
  ): Promise<GreenWatchResult> {
    try {
      await sfn.send(new SendTaskFailureCommand({ taskToken: token, error, cause: failureCause(message, error) }));
    } catch (error) {
      if (error instanceof Error && WATCH_OVER.has(error.name)) return { outcome: 'ignored', why: 'the watch is over' };
      throw error;
    }
    return { outcome: 'woke', taskSetId, message };
  }

  /** Wakes the watching Task when a watched alarm goes to ALARM (a built-in one only on the watched green). */
  async function onAlarmStateChange(event: unknown): Promise<GreenWatchResult | undefined> {
    const change = readAlarmStateChange(event);
    if (change === undefined) return undefined;
    if (change.state !== 'ALARM') return { outcome: 'ignored', why: `alarm ${change.alarmName} is ${change.state}` };
    const prefix = variable(env, ALARM_PREFIX_VARIABLE);
    const builtIn = builtInAlarmNames(prefix);
    const users = readAlarmNames(env.variables[USER_ALARMS_VARIABLE]);
    if (!builtIn.includes(change.alarmName) && !users.includes(change.alarmName)) {
      return { outcome: 'ignored', why: `alarm ${change.alarmName} is not watched` };
    }
    const watching = await activeWatch();
    if ('ignored' in watching) return { outcome: 'ignored', why: watching.ignored };
    if (
      builtIn.includes(change.alarmName) &&
      (watching.targetGroupArn === undefined || change.targetGroup !== targetGroupDimension(watching.targetGroupArn))
    ) {
      return { outcome: 'ignored', why: `alarm ${change.alarmName} is about another target group than green's` };
    }
    const own =
      watching.targetGroupArn === undefined
        ? undefined
        : builtInAlarms(prefix, variable(env, LOAD_BALANCER_VARIABLE), watching.targetGroupArn).find(
            (a) => a.AlarmName === change.alarmName,
          );
    if (own !== undefined && preWatchBreach(own, change.reasonData, watching.startedAt)) {
      try {
        await rearm(own);
      } catch (error) {
        // Left in ALARM, the alarm would not change state again: the watch would be blind to it. A watch it cannot
        // trust is no watch, so swap is woken as for a watch it could not set up (it retries the watch, then undoes).
        const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return wake(
          watching.token,
          watching.taskSetId,
          `green-watch could not re-arm ${own.AlarmName} after a breach from before the watch (${cause})`,
          WATCH_UNAVAILABLE,
        );
      }
      return { outcome: 'rearmed', alarmName: own.AlarmName };
    }
    return wake(watching.token, watching.taskSetId, alarmMessage(change.alarmName, change.reason, watching.kind));
  }

  /** Wakes the watching Task when one of green's tasks stops. */
  async function onTaskStateChange(event: unknown): Promise<GreenWatchResult> {
    const change = readTaskStateChange(event);
    if (change === undefined) return { outcome: 'ignored', why: 'not an ECS task state change' };
    const watching = await activeWatch();
    if ('ignored' in watching) return { outcome: 'ignored', why: watching.ignored };
    if (!isGreenTaskStopping(change, watching.taskSetId))
      return { outcome: 'ignored', why: 'not one of green’s tasks stopping' };
    return wake(watching.token, watching.taskSetId, taskStoppingMessage(change, watching.kind));
  }

  return async (event) => {
    const request = readWatchRequest(event);
    if (request !== undefined) return watch(request);
    const checking = readWatchCheckRequest(event);
    if (checking !== undefined) return check(checking);
    return (await onAlarmStateChange(event)) ?? onTaskStateChange(event);
  };
}

/** On AWS: the function's own region and role, configured by its environment. */
export const handler = createHandler({ variables: process.env });
