/**
 * The green watch's decisions, pure: what a request and an event must look like, whether a task state change is one
 * of green's tasks stopping, whether green's targets are degraded, and the messages that say so
 * (contract/green-watch.ts states the protocol).
 */
import {
  GREEN_DEGRADED,
  WATCH_UNAVAILABLE,
  type WatchFailureCause,
  type WatchKind,
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
  return {
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
const watchName = (kind: WatchKind): string => (kind === 'bake' ? 'the bake' : 'a traffic shift step');

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
 * Green is degraded, by the rule of swap's health gate (state-machines/authoring/health.ts, `tolerateRegistering`):
 * a target `unhealthy`, `unavailable` or `draining`, or none `healthy`. A target in `initial` is still registering.
 */
export function degradedTargets(targets: readonly TargetState[]): string | undefined {
  const bad = targets.filter((t) => ['unhealthy', 'unavailable', 'draining'].includes(t.state));
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
export function failureCause(message: string): string {
  const cause: WatchFailureCause = { errorType: GREEN_DEGRADED, errorMessage: message };
  return JSON.stringify(cause);
}
