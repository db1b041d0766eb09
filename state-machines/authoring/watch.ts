import { GREEN_DEGRADED, WATCH_UNAVAILABLE, type CheckKind, type WatchKind } from '../../contract';
import type { Payload, State, States } from './asl';
import { lambdaRetry } from './basics';

/**
 * The green watch (contract/green-watch.ts): one Task that waits on a task token for `secondsPath` seconds while
 * EventBridge watches green for it. It fails with BlueGreen.GreenDegraded when green was already degraded as it began,
 * or when one of green's tasks stopped or a watched alarm went to ALARM meanwhile. It times out (`States.Timeout`)
 * when nothing woke it; `Check<name>` then has the function read green's target health and the watched alarms once
 * more (what changed while its event was on its way fails it as the event would have), and only then has the watch
 * `passed`. Either failure leaves the function's message at `<resultPath>.payload.errorMessage` (`Read<name>Degraded`),
 * then goes to `degraded`. BlueGreen.WatchUnavailable (the function could not set the watch up, or read for its check)
 * is retried. Any other error (the function failed, the lease was lost) goes to `onError`. `secondsPath` must hold a
 * whole number of at least 1 (a Task's timeout is positive): callers skip the watch for 0.
 */
export function greenWatchStates({
  name,
  kind,
  secondsPath,
  resultPath,
  passed,
  degraded,
  onError,
}: {
  name: string;
  kind: WatchKind;
  secondsPath: string;
  resultPath: string;
  passed: string;
  degraded: string;
  onError: string;
}): States {
  const payload: Payload = {
    action: 'watch',
    kind,
    'token.$': '$$.Task.Token',
    'execution.$': '$$.Execution.Id',
    serviceArn: '${ServiceArn}',
    'taskSetId.$': '$.green.taskSetId',
    'targetGroupArn.$': '$.green.targetGroupArn',
    'seconds.$': secondsPath,
    // When the watch began: the healthy-hosts alarm's breaches from before it (green still registering) re-arm it.
    'startedAt.$': '$$.State.EnteredTime',
  };
  return {
    [`Watch${name}`]: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Comment:
        "Waits, without polling, for the watch's length (the Task's timeout: States.Timeout, then the check as it ends) unless green-watch wakes it: green degraded as the watch began, or one of green's tasks stopped (ECS Task State Change through EventBridge). Its transitions do not grow with its length.",
      Parameters: { FunctionName: '${GreenWatchFunctionArn}', Payload: payload },
      TimeoutSecondsPath: secondsPath,
      ResultPath: null,
      // A watch the function could not set up (an AWS call failed past the SDK's retries) is tried again; still
      // failing, it goes to onError (the undo): a watch it cannot trust is no watch.
      Retry: [{ ErrorEquals: [WATCH_UNAVAILABLE], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }, ...lambdaRetry],
      Catch: [
        { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: `Check${name}` },
        { ErrorEquals: [GREEN_DEGRADED], ResultPath: resultPath, Next: `Read${name}Degraded` },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: onError },
      ],
      Next: `Check${name}`,
    },
    [`Check${name}`]: greenCheckTask({
      kind,
      versionPath: '$.green',
      resultPath,
      passed,
      degraded: `Read${name}Degraded`,
      onError,
      comment:
        "The watch ends as it began: green's target health and the watched alarms read once more, so an alarm or a target that changed while its event was still on its way fails the watch as the event would have.",
    }),
    [`Read${name}Degraded`]: {
      Type: 'Pass',
      Comment: "The cause is the function's JSON error payload either way (its own error, or SendTaskFailure's).",
      Parameters: { 'payload.$': `States.StringToJson(${resultPath}.Cause)` },
      ResultPath: resultPath,
      Next: degraded,
    },
  };
}

/**
 * The green-watch function's check (contract/green-watch.ts, WatchCheckRequest): one plain invoke that reads the target
 * health of the version at `versionPath` (its `taskSetId` and `targetGroupArn`) and the watched alarms, and goes to
 * `passed`. BlueGreen.GreenDegraded (a target degraded, none healthy, or an alarm in ALARM) leaves the function's error
 * at `resultPath` and goes to `degraded`; BlueGreen.WatchUnavailable (a read failed) is retried, then, like any other
 * error, goes to `onError`.
 */
export function greenCheckTask({
  kind,
  versionPath,
  resultPath,
  passed,
  degraded,
  onError,
  comment,
}: {
  kind: CheckKind;
  versionPath: string;
  resultPath: string;
  passed: string;
  degraded: string;
  onError: string;
  comment: string;
}): State {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Comment: comment,
    Parameters: {
      FunctionName: '${GreenWatchFunctionArn}',
      Payload: {
        action: 'check',
        kind,
        'execution.$': '$$.Execution.Id',
        serviceArn: '${ServiceArn}',
        'taskSetId.$': `${versionPath}.taskSetId`,
        'targetGroupArn.$': `${versionPath}.targetGroupArn`,
      },
    },
    ResultPath: null,
    TimeoutSeconds: 60,
    Retry: [{ ErrorEquals: [WATCH_UNAVAILABLE], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }, ...lambdaRetry],
    Catch: [
      { ErrorEquals: [GREEN_DEGRADED], ResultPath: resultPath, Next: degraded },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: onError },
    ],
    Next: passed,
  };
}
