/**
 * The green watch's decisions, pure: what a request and an event must look like, whether a task state change is one
 * of green's tasks stopping, whether green's targets are degraded, and the messages that say so
 * (contract/green-watch.ts states the protocol).
 */
import {
  DEGRADED_TARGET_STATES,
  BUILT_IN_ALARMS,
  loadBalancerDimension,
  targetGroupDimension,
  GREEN_DEGRADED,
  WATCH_UNAVAILABLE,
  type CheckKind,
  type WatchFailureCause,
  type WatchKind,
  type WatchCheckRequest,
  type WatchRequest,
} from '../../contract';

/** The named error a degraded green fails the watching Task with (Lambda reports `name` as the Task's error). */
export class GreenDegradedError extends Error {
  override readonly name = GREEN_DEGRADED;
}

/** The watch could not be set up: an AWS call failed after the SDK's retries (swap retries, then undoes). */
export class WatchUnavailableError extends Error {
  override readonly name = WATCH_UNAVAILABLE;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A {@link WatchRequest}, or undefined when `event` is not one. Throws when it is one with a field wrong. */
export function readWatchRequest(event: unknown): WatchRequest | undefined {
  if (!isObject(event) || event.action !== 'watch') return undefined;
  const kind = event.kind;
  if (kind !== 'shift' && kind !== 'bake')
    throw new Error(`watch request: kind is ${JSON.stringify(kind)}, not 'shift' or 'bake'.`);
  const fields = ['token', 'execution', 'serviceArn', 'taskSetId', 'targetGroupArn'] as const;
  for (const field of fields) {
    if (typeof event[field] !== 'string' || event[field] === '') {
      throw new Error(`watch request: ${field} must be a non-empty string (swap's WatchGreen Task sends it).`);
    }
  }
  const seconds = event.seconds;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
    throw new Error(`watch request: seconds is ${JSON.stringify(seconds)}, not a whole number of at least 1.`);
  }
  const startedAt = event.startedAt;
  if (startedAt !== undefined && (typeof startedAt !== 'string' || Number.isNaN(Date.parse(startedAt)))) {
    throw new Error(
      `watch request: startedAt is ${JSON.stringify(startedAt)}, not an ISO 8601 time (swap sends $$.State.EnteredTime).`,
    );
  }
  return {
    ...(startedAt !== undefined && { startedAt }),
    action: 'watch',
    kind: kind as WatchKind,
    token: event.token as string,
    execution: event.execution as string,
    serviceArn: event.serviceArn as string,
    taskSetId: event.taskSetId as string,
    targetGroupArn: event.targetGroupArn as string,
    seconds,
  };
}

/** swap's check as a watch ended (contract/green-watch.ts, step 4), or undefined for any other event. */
export function readWatchCheckRequest(event: unknown): WatchCheckRequest | undefined {
  if (!isObject(event) || event.action !== 'check') return undefined;
  const kind = event.kind;
  if (kind !== 'shift' && kind !== 'bake' && kind !== 'clean-up')
    throw new Error(`check request: kind is ${JSON.stringify(kind)}, not 'shift', 'bake' or 'clean-up'.`);
  const fields = ['execution', 'serviceArn', 'taskSetId', 'targetGroupArn'] as const;
  for (const field of fields) {
    if (typeof event[field] !== 'string' || event[field] === '') {
      throw new Error(`check request: ${field} must be a non-empty string (swap's Check Task sends it).`);
    }
  }
  return {
    action: 'check',
    kind,
    execution: event.execution as string,
    serviceArn: event.serviceArn as string,
    taskSetId: event.taskSetId as string,
    targetGroupArn: event.targetGroupArn as string,
  };
}

/** The members of an `ECS Task State Change` event the watch reads. */
export interface TaskStateChange {
  readonly taskArn: string;
  readonly clusterArn: string;
  readonly startedBy?: string;
  readonly lastStatus?: string;
  readonly desiredStatus?: string;
  readonly stopCode?: string;
  readonly stoppedReason?: string;
  readonly exitCodes: readonly string[];
}

/** The task state change in an EventBridge event, or undefined when it is another kind of event. */
export function readTaskStateChange(event: unknown): TaskStateChange | undefined {
  if (!isObject(event) || event.source !== 'aws.ecs' || event['detail-type'] !== 'ECS Task State Change') {
    return undefined;
  }
  const detail = isObject(event.detail) ? event.detail : {};
  const taskArn = str(detail.taskArn);
  const clusterArn = str(detail.clusterArn);
  if (taskArn === undefined || clusterArn === undefined) return undefined;
  const containers = Array.isArray(detail.containers) ? detail.containers.filter(isObject) : [];
  const exitCodes = containers.flatMap((c) =>
    typeof c.exitCode === 'number' ? [`${str(c.name) ?? 'container'} exit code ${c.exitCode}`] : [],
  );
  const optional = (key: string): Record<string, string> => {
    const value = str(detail[key]);
    return value === undefined ? {} : { [key]: value };
  };
  return {
    taskArn,
    clusterArn,
    exitCodes,
    ...optional('startedBy'),
    ...optional('lastStatus'),
    ...optional('desiredStatus'),
    ...optional('stopCode'),
    ...optional('stoppedReason'),
  };
}

/** A task of green's task set is on its way out (ECS set its desired status to STOPPED, or it stopped). */
export function isGreenTaskStopping(change: TaskStateChange, greenTaskSetId: string): boolean {
  const stopping =
    change.desiredStatus === 'STOPPED' ||
    change.lastStatus === 'DEACTIVATING' ||
    change.lastStatus === 'STOPPING' ||
    change.lastStatus === 'DEPROVISIONING' ||
    change.lastStatus === 'STOPPED';
  return stopping && change.startedBy === greenTaskSetId;
}

const taskId = (taskArn: string): string => taskArn.split('/').pop() ?? taskArn;

/** What a watch is called in messages. */
const watchName = (kind: CheckKind): string =>
  kind === 'bake' ? 'the bake' : kind === 'shift' ? 'a traffic shift step' : 'clean-up';

export function taskStoppingMessage(change: TaskStateChange, kind: WatchKind): string {
  const why = [change.stopCode, change.stoppedReason].filter((s) => s !== undefined && s !== '').join(': ');
  const exits = change.exitCodes.length > 0 ? `; ${change.exitCodes.join(', ')}` : '';
  return (
    `green's task ${taskId(change.taskArn)} is stopping during ${watchName(kind)} ` +
    `(${why === '' ? 'no reason given' : why}${exits}; last status ${change.lastStatus ?? 'unknown'})`
  );
}

/** One target as DescribeTargetHealth reports it. */
export interface TargetState {
  readonly id: string;
  readonly port?: number;
  readonly state: string;
  readonly reason?: string;
  readonly description?: string;
}

/**
 * Green is degraded, by the rule of swap's health gate (contract/green-watch.ts, `DEGRADED_TARGET_STATES`): a target
 * in one of those states, or none `healthy`. A target in `initial` is still registering.
 */
export function degradedTargets(targets: readonly TargetState[]): string | undefined {
  const bad = targets.filter((t) => (DEGRADED_TARGET_STATES as readonly string[]).includes(t.state));
  if (bad.length === 0 && targets.some((t) => t.state === 'healthy')) return undefined;
  const quote = (t: TargetState): string =>
    [`${t.id}${t.port === undefined ? '' : `:${t.port}`}`, t.state, t.reason, t.description && `(${t.description})`]
      .filter((s) => s !== undefined && s !== '')
      .join(' ');
  if (targets.length === 0) return 'green has no registered targets';
  return bad.length > 0
    ? `green's targets are not all healthy: ${bad.map(quote).join(', ')}`
    : `none of green's targets is healthy yet: ${targets.map(quote).join(', ')}`;
}

/** The cause SendTaskFailure carries: the same JSON Lambda makes of a function error, so swap reads both alike. */
export function failureCause(message: string, errorType: WatchFailureCause['errorType'] = GREEN_DEGRADED): string {
  const cause: WatchFailureCause = { errorType, errorMessage: message };
  return JSON.stringify(cause);
}

/** The period of every built-in alarm: ALB publishes its metrics once a minute, so a shorter alarm has no data. */
export const BUILT_IN_ALARM_PERIOD_SECONDS = 60;
/** HTTPCode_Target_5XX_Count: green's own 500s in one period at which the errors alarm goes to ALARM. */
export const ERRORS_THRESHOLD = 5;
/** TargetResponseTime p99, seconds, above which the latency alarm goes to ALARM. */
export const LATENCY_P99_THRESHOLD_SECONDS = 1;

/** One built-in alarm as PutMetricAlarm takes it (the members the function sends). */
export interface BuiltInAlarm {
  readonly AlarmName: string;
  readonly AlarmDescription: string;
  readonly Namespace: 'AWS/ApplicationELB';
  readonly MetricName: string;
  readonly Dimensions: ReadonlyArray<{ readonly Name: string; readonly Value: string }>;
  readonly Statistic?: 'Sum' | 'Minimum';
  readonly ExtendedStatistic?: string;
  readonly EvaluateLowSampleCountPercentile?: 'ignore';
  readonly Period: number;
  readonly EvaluationPeriods: number;
  /** Of the evaluation periods, how many must breach. @default - all of them */
  readonly DatapointsToAlarm?: number;
  readonly Threshold: number;
  readonly ComparisonOperator: 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold';
  readonly TreatMissingData: 'notBreaching';
}

/**
 * The three built-in alarms on green's target group only (TargetGroup + LoadBalancer, so blue's traffic never counts),
 * one period each (healthy hosts: two), so a bad green is caught as the first period after it misbehaves closes. Missing data is
 * not breaching: ALB publishes no 5XX count without errors, no response time without requests, and a new alarm's
 * first period may have no host count yet, none of which is green failing (a green without healthy targets is also
 * caught by the target-health check as the watch begins and by ECS replacing its tasks).
 * - errors: HTTPCode_Target_5XX_Count, Sum ≥ 5 in 60 s. A count, not a rate: a rate needs metric math, and at low
 *   traffic one error is a large rate; five of green's own 500s in a minute is a broken green at any traffic, and no
 *   single stray error trips it.
 * - latency: TargetResponseTime p99 > 1 s in 60 s; with fewer samples than a p99 needs (10/(1-0.99) = 1,000) the
 *   state is kept (`EvaluateLowSampleCountPercentile: ignore`), so one slow request at low traffic does not trip it.
 * - healthyHosts: HealthyHostCount, Minimum < 1 in two 60 s periods in a row: green had no healthy target. The minutes
 *   before the watch may hold green's targets still registering (0 healthy), and a new alarm reads them: a breach that
 *   rests only on periods that began before the watch re-arms the alarm instead of waking swap
 *   (contract/green-watch.ts, `PRE_WATCH_BREACH_REARMED`). A green that crashes wakes the watch through ECS's task
 *   state change long before.
 */
export function builtInAlarms(prefix: string, loadBalancerArn: string, targetGroupArn: string): BuiltInAlarm[] {
  const Dimensions = [
    { Name: 'TargetGroup', Value: targetGroupDimension(targetGroupArn) },
    { Name: 'LoadBalancer', Value: loadBalancerDimension(loadBalancerArn) },
  ];
  const common = {
    Namespace: 'AWS/ApplicationELB',
    Dimensions,
    Period: BUILT_IN_ALARM_PERIOD_SECONDS,
    EvaluationPeriods: 1,
    TreatMissingData: 'notBreaching',
  } as const;
  return [
    {
      ...common,
      AlarmName: `${prefix}${BUILT_IN_ALARMS.errors}`,
      AlarmDescription: `ecs-bluegreen: green's target 5XX answers (${ERRORS_THRESHOLD} or more a minute) during swap's watch`,
      MetricName: 'HTTPCode_Target_5XX_Count',
      Statistic: 'Sum',
      Threshold: ERRORS_THRESHOLD,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    },
    {
      ...common,
      AlarmName: `${prefix}${BUILT_IN_ALARMS.latency}`,
      AlarmDescription: `ecs-bluegreen: green's target response time p99 above ${LATENCY_P99_THRESHOLD_SECONDS} s during swap's watch`,
      MetricName: 'TargetResponseTime',
      ExtendedStatistic: 'p99',
      EvaluateLowSampleCountPercentile: 'ignore',
      Threshold: LATENCY_P99_THRESHOLD_SECONDS,
      ComparisonOperator: 'GreaterThanThreshold',
    },
    {
      ...common,
      AlarmName: `${prefix}${BUILT_IN_ALARMS.healthyHosts}`,
      AlarmDescription: "ecs-bluegreen: green has no healthy target during swap's watch",
      MetricName: 'HealthyHostCount',
      Statistic: 'Minimum',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    },
  ];
}

/** The built-in alarms' names under `prefix`. */
export function builtInAlarmNames(prefix: string): string[] {
  return Object.values(BUILT_IN_ALARMS).map((suffix) => `${prefix}${suffix}`);
}

/** Reads the user's watched alarm names (a JSON array of strings; unset or empty: none). */
export function readAlarmNames(value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed) || !parsed.every((n) => typeof n === 'string')) {
    throw new Error(`green-watch: the watched alarm names must be a JSON array of strings, not ${value}.`);
  }
  return parsed as string[];
}

/** The members of a `CloudWatch Alarm State Change` event the watch reads. */
export interface AlarmStateChange {
  readonly alarmName: string;
  readonly state: string;
  readonly reason: string;
  /** CloudWatch's JSON reason data (`evaluatedDatapoints`, `threshold`), when the event carries it. */
  readonly reasonData?: string;
  /** The TargetGroup dimension of the alarm's metric, when it has one. */
  readonly targetGroup?: string;
}

/** The alarm state change in an EventBridge event, or undefined when it is another kind of event. */
export function readAlarmStateChange(event: unknown): AlarmStateChange | undefined {
  if (
    !isObject(event) ||
    event.source !== 'aws.cloudwatch' ||
    event['detail-type'] !== 'CloudWatch Alarm State Change'
  ) {
    return undefined;
  }
  const detail = isObject(event.detail) ? event.detail : {};
  const state = isObject(detail.state) ? detail.state : {};
  const alarmName = str(detail.alarmName);
  const value = str(state.value);
  if (alarmName === undefined || value === undefined) return undefined;
  const configuration = isObject(detail.configuration) ? detail.configuration : {};
  const metrics = Array.isArray(configuration.metrics) ? configuration.metrics.filter(isObject) : [];
  const targetGroup = metrics
    .map((m) => (isObject(m.metricStat) && isObject(m.metricStat.metric) ? m.metricStat.metric.dimensions : undefined))
    .map((d) => (isObject(d) ? str(d.TargetGroup) : undefined))
    .find((d) => d !== undefined);
  const reasonData = str(state.reasonData);
  return {
    alarmName,
    state: value,
    reason: str(state.reason) ?? 'no reason given',
    ...(reasonData !== undefined && { reasonData }),
    ...(targetGroup !== undefined && { targetGroup }),
  };
}

/**
 * The alarm's breach rests only on periods that began before `since` (epoch ms): every evaluated datapoint that breaches
 * the alarm's threshold (CloudWatch's `evaluatedDatapoints` in the state's reason data; a period began at its
 * `timestamp`) began earlier, so none of them is only about what happened since. False when the reason data cannot be
 * read or shows no breaching datapoint: then the breach counts.
 */
export function breachPredates(
  reasonData: string | undefined,
  since: number,
  alarm: Pick<BuiltInAlarm, 'Threshold' | 'ComparisonOperator'>,
): boolean {
  if (reasonData === undefined || Number.isNaN(since)) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(reasonData);
  } catch {
    return false;
  }
  const points = isObject(parsed) && Array.isArray(parsed.evaluatedDatapoints) ? parsed.evaluatedDatapoints : [];
  const breaching = points.filter(isObject).filter((p) => {
    const value = p.value;
    if (typeof value !== 'number') return false;
    switch (alarm.ComparisonOperator) {
      case 'GreaterThanOrEqualToThreshold':
        return value >= alarm.Threshold;
      case 'GreaterThanThreshold':
        return value > alarm.Threshold;
      case 'LessThanThreshold':
        return value < alarm.Threshold;
    }
  });
  if (breaching.length === 0) return false;
  return breaching.every((p) => {
    const began = typeof p.timestamp === 'string' ? Date.parse(p.timestamp) : Number.NaN;
    return !Number.isNaN(began) && began < since;
  });
}

export function alarmMessage(alarmName: string, reason: string, kind: CheckKind): string {
  return `alarm ${alarmName} is in ALARM during ${watchName(kind)} (${reason})`;
}
