/**
 * The green watch: how swap watches green under production traffic (each step of a traffic shift, and the bake)
 * without polling. Stated once here; swap's ASL (state-machines/authoring/watch.ts), the green-watch function
 * (lambdas/green-watch) and the stack (infra) read it.
 *
 * 1. swap invokes the function with `lambda:invoke.waitForTaskToken` and a {@link WatchRequest}, with
 *    `TimeoutSecondsPath` set to the watch's length. The function stores the request beside the lease, in the
 *    service's item of the deployment table (attribute {@link WATCH_ATTRIBUTE}, written only while this execution
 *    holds the lease), then checks green's target health once, which closes the window between swap's last check
 *    and the watch: a green already degraded fails the Task at once with {@link GREEN_DEGRADED}.
 * 2. EventBridge sends the function every `ECS Task State Change` of the service's cluster whose desired status is
 *    STOPPED. One of green's tasks (started by green's task set) stopping, for any reason, wakes swap at once: the
 *    function calls SendTaskFailure with {@link GREEN_DEGRADED} and a cause that quotes ECS's stop code and reason.
 *    ECS also stops a task whose target fails its load balancer health checks, so this covers a green that turns
 *    unhealthy as well as one that crashes.
 * 3. Alarm gates. When a watch begins, the function points the three built-in alarms ({@link BUILT_IN_ALARMS}, named
 *    `<prefix><suffix>` after the stack's {@link ALARM_PREFIX_VARIABLE}) at green's target group: an alarm that exists
 *    on another target group (a previous green) is deleted and created again (PutMetricAlarm on an existing name keeps
 *    the old state, which belonged to another green), one on this green is kept (the steps of a shift and the bake
 *    watch the same green). Then it reads the built-in alarms and the user's metric alarms ({@link USER_ALARMS_VARIABLE})
 *    with DescribeAlarms: one already in ALARM fails the Task at once with {@link GREEN_DEGRADED}, naming the alarm and its
 *    reason; a user alarm that does not exist is {@link WATCH_UNAVAILABLE} (a watch it cannot trust is no watch).
 *    EventBridge sends the function every `CloudWatch Alarm State Change` to ALARM of a watched alarm: while a watch
 *    is active, it calls SendTaskFailure with {@link GREEN_DEGRADED} and a cause naming the alarm and CloudWatch's
 *    reason. A built-in alarm's event is ignored unless its TargetGroup dimension is the watched green's (a previous
 *    green's alarm is stale). The healthy-hosts alarm's breaches that rest only on minutes before the watch began
 *    (green's targets still registering) re-arm it instead ({@link PRE_WATCH_BREACH_REARMED}). It reacts within about
 *    one alarm period (60 s) of green misbehaving.
 * 4. Nothing woke it for the watch's length: the Task times out (`States.Timeout`). swap then invokes the function once
 *    more, plainly, with a {@link WatchCheckRequest}: the watch ends as it began, with one read of green's target health
 *    and of the watched alarms. That closes the window at the other end: an alarm that went to ALARM, or a target that
 *    turned unhealthy, while the event about it was still on its way (EventBridge and Lambda take seconds) fails the
 *    Task with {@link GREEN_DEGRADED} as it would have woken it. Only then has the watch passed.
 *
 * The number of state transitions does not grow with the watch's length: a 24-hour bake costs what a 5-minute one
 * costs.
 */

/**
 * Target health states (ELBv2 `TargetHealth.State`) that make a serving green degraded: swap's health gate
 * (state-machines/authoring/health.ts, `tolerateRegistering`) and the green-watch function both judge by this list, with
 * one more rule each applies alike: no target `healthy` at all is degraded too. `initial` is still registering.
 */
export const DEGRADED_TARGET_STATES = ['unhealthy', 'unavailable', 'draining'] as const;

/** The error a degraded green fails the watching Task with (the function's own error, or SendTaskFailure's). */
export const GREEN_DEGRADED = 'BlueGreen.GreenDegraded';

/**
 * The error the function fails the watching Task with when it could not set the watch up (an AWS call failed after
 * the SDK's own retries). swap retries it a few times, then undoes: a watch it cannot trust is no watch.
 */
export const WATCH_UNAVAILABLE = 'BlueGreen.WatchUnavailable';

/** The attribute of the deployment table's item (beside `lease` and `record`) that holds the current watch. */
export const WATCH_ATTRIBUTE = 'watch';

/**
 * The function's environment variable holding the built-in alarms' name prefix (`<stack>-<service>-green-`); each
 * built-in alarm is named `<prefix><suffix>`.
 */
export const ALARM_PREFIX_VARIABLE = 'GREEN_ALARM_PREFIX';

/** The function's environment variable holding the user's watched alarm names, as a JSON array of strings. */
export const USER_ALARMS_VARIABLE = 'WATCHED_ALARMS';

/**
 * The function's environment variable holding the load balancer's ARN; the built-in alarms' `LoadBalancer` dimension
 * (`app/NAME/ID`) is derived from it.
 */
export const LOAD_BALANCER_VARIABLE = 'LOAD_BALANCER_ARN';

/** The built-in alarms, by name suffix. Each watches green's target group only (TargetGroup + LoadBalancer). */
export const BUILT_IN_ALARMS = {
  /** HTTPCode_Target_5XX_Count, Sum over 60 s ≥ 5. */
  errors: '5xx',
  /** TargetResponseTime p99 over 60 s > 1 s. */
  latency: 'p99',
  /** HealthyHostCount, Minimum over 60 s < 1. */
  healthyHosts: 'healthy-hosts',
} as const;

/** The most alarms a user may add: one DescribeAlarms reads at most 100 names, three are the built-in ones. */
export const MAX_USER_ALARMS = 100 - Object.keys(BUILT_IN_ALARMS).length;

/** What is being watched: one step of a traffic shift, or the bake. */
export type WatchKind = 'shift' | 'bake';

/**
 * What a {@link WatchCheckRequest} checks for: the end of a watch, or clean-up's check of the live version (the green
 * swap watched) before it removes the version production could go back to.
 */
export type CheckKind = WatchKind | 'clean-up';

/** The payload swap invokes the green-watch function with. */
export interface WatchRequest {
  readonly action: 'watch';
  readonly kind: WatchKind;
  /** `$$.Task.Token` of the watching Task. */
  readonly token: string;
  /** The execution that holds the lease (`$$.Execution.Id`). */
  readonly execution: string;
  /** The key of the deployment table's item. */
  readonly serviceArn: string;
  /** Green's task set: its tasks are started by it (`startedBy`), so their state changes name it. */
  readonly taskSetId: string;
  readonly targetGroupArn: string;
  /** How long the watch lasts (the Task's timeout), for the messages. */
  readonly seconds: number;
  /**
   * When the watch began (`$$.State.EnteredTime`, ISO 8601): the built-in healthy-hosts alarm's breaches that rest only
   * on periods that began earlier are not green failing under the watch (see {@link PRE_WATCH_BREACH_REARMED}).
   * Absent from a request of an execution started on an earlier definition: then every breach counts.
   */
  readonly startedAt?: string;
}

/**
 * The built-in alarm whose breaches before a watch do not count: green's target group reports HealthyHostCount 0 while
 * its targets register (`initial`) under test, and a new alarm reads the minutes before it was created, so a green that
 * turned healthy a minute or two before swap would be failed for its own start-up. An ALARM of this alarm whose
 * breaching datapoints all began before the watch's `startedAt` (CloudWatch's `evaluatedDatapoints` in the state's
 * reason data) re-arms it instead of waking swap: the function deletes and creates it again, so it starts in
 * INSUFFICIENT_DATA and its next evaluation, on later minutes, decides. A green still without a healthy target then
 * trips it with a period that began during the watch. Breaches of the 5XX and latency alarms before the watch are
 * green's real answers to test traffic, and still count.
 */
export const PRE_WATCH_BREACH_REARMED = BUILT_IN_ALARMS.healthyHosts;

/**
 * The payload swap invokes the function with (a plain invoke, no task token) when a watch timed out: read green's
 * target health and the watched alarms once more (step 4 above). clean-up sends the same for the live version before
 * it removes the previous one (kind `clean-up`): a live version degraded, or with a watched alarm in ALARM, keeps the
 * version production could go back to. The function answers when green passes, and fails with {@link GREEN_DEGRADED}
 * (green degraded, or an alarm in ALARM) or {@link WATCH_UNAVAILABLE} (a read failed).
 */
export interface WatchCheckRequest {
  readonly action: 'check';
  readonly kind: CheckKind;
  /** The execution whose watch ended (`$$.Execution.Id`): the stored watch's start is read only if it is this one's. */
  readonly execution: string;
  readonly serviceArn: string;
  readonly taskSetId: string;
  readonly targetGroupArn: string;
}

/** The error payload the function fails the Task with: the shape Lambda gives a function error, so ASL reads one. */
export interface WatchFailureCause {
  readonly errorType: typeof GREEN_DEGRADED | typeof WATCH_UNAVAILABLE;
  readonly errorMessage: string;
}
