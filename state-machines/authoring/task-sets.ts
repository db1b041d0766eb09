import type { Catcher, ChoiceRule, MapState, PassState, Retrier, States, TaskState } from './asl';
import { changeTask, ecs, inlineMap, type OnError, retry, waitLoopStates } from './basics';
import { forwards } from './rules';
import { deleteTargetGroupTask } from './target-groups';

/** ECS task sets: which one a rule serves, making one primary, and deleting one until ECS has removed it. */

/** The i-th task set of the service DescribeService found. */
export const taskSetPath = (i: number): string => `$.current.services[0].TaskSets[${i}]`;

/**
 * The i-th task set as a version: { found, taskSetArn, taskSetId, status, targetGroupArn } at `resultPath`, its
 * target group read at `tgPath` (by default the task set's own).
 */
export function pickTaskSet(i: number, resultPath: string, next: string, tgPath?: string): PassState {
  const ts = taskSetPath(i);
  return {
    Type: 'Pass',
    Parameters: {
      found: true,
      'taskSetArn.$': `${ts}.TaskSetArn`,
      'taskSetId.$': `${ts}.Id`,
      'status.$': `${ts}.Status`,
      'targetGroupArn.$': tgPath ?? `${ts}.LoadBalancers[0].TargetGroupArn`,
    },
    ResultPath: resultPath,
    Next: next,
  };
}

/**
 * Finds which task set a rule forwards to, by comparing its target group with the (at most two) task sets.
 * Writes { found, taskSetArn, taskSetId, targetGroupArn, status } to resultPath.
 */
export function locateTaskSetStates(prefix: string, rulePath: string, resultPath: string, next: string): States {
  const tg = `${rulePath}.actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn`;
  const taskSetTg = (i: number): string => `${taskSetPath(i)}.LoadBalancers[0].TargetGroupArn`;
  const second: ChoiceRule[] = [
    { Not: { Variable: taskSetTg(1), IsPresent: true }, Next: `${prefix}Orphan` },
    { Variable: taskSetTg(1), StringEqualsPath: tg, Next: `${prefix}Second` },
  ];
  return {
    [`${prefix}Locate`]: {
      Type: 'Choice',
      Comment:
        'Choice rules stop at the first match, so a path is compared only after it is known to exist. A first task set without a target group goes to LocateSecond; otherwise the second is compared here too.',
      Choices: [
        { Not: forwards(rulePath), Next: `${prefix}None` },
        { Not: { Variable: taskSetTg(0), IsPresent: true }, Next: `${prefix}LocateSecond` },
        { Variable: taskSetTg(0), StringEqualsPath: tg, Next: `${prefix}First` },
        ...second,
      ],
      Default: `${prefix}Orphan`,
    },
    [`${prefix}LocateSecond`]: { Type: 'Choice', Choices: second, Default: `${prefix}Orphan` },
    [`${prefix}None`]: { Type: 'Pass', Parameters: { found: false }, ResultPath: resultPath, Next: next },
    [`${prefix}Orphan`]: {
      Type: 'Pass',
      Parameters: { found: false, 'targetGroupArn.$': tg },
      ResultPath: resultPath,
      Next: next,
    },
    [`${prefix}First`]: pickTaskSet(0, resultPath, next, tg),
    [`${prefix}Second`]: pickTaskSet(1, resultPath, next, tg),
  };
}

/** UpdateServicePrimaryTaskSet: the task set at `taskSetArnPath` becomes primary. */
export function makePrimaryTask(
  taskSetArnPath: string,
  next: string,
  onError: OnError,
  options?: { comment?: string; retrier?: readonly Retrier[] },
): TaskState {
  const parameters = { 'Cluster.$': '$.cluster', 'Service.$': '$.service', 'PrimaryTaskSet.$': taskSetArnPath };
  return changeTask(ecs('updateServicePrimaryTaskSet'), parameters, next, onError, options);
}

/** DescribeTaskSets of the one task set at `taskSetArnPath`, as `{ taskSets }` (empty once ECS removed it). */
export function describeTaskSetTask(
  taskSetArnPath: string,
  resultPath: string,
  next: string,
  { comment, onError }: { comment?: string; onError?: readonly Catcher[] } = {},
): TaskState {
  return {
    Type: 'Task',
    Resource: ecs('describeTaskSets'),
    ...(comment ? { Comment: comment } : {}),
    Parameters: {
      'Cluster.$': '$.cluster',
      'Service.$': '$.service',
      'TaskSets.$': `States.Array(${taskSetArnPath})`,
    },
    ResultSelector: { 'taskSets.$': '$.TaskSets' },
    ResultPath: resultPath,
    Retry: retry,
    ...(onError ? { Catch: onError } : {}),
    Next: next,
  };
}

/**
 * DeleteTaskSet (forced: its tasks stop even while the service still wants them), then a wait loop until ECS has
 * drained and removed it: `gone` once DescribeTaskSets no longer finds it, `timedOut` after `timeoutSeconds`. A task
 * set already gone (TaskSetNotFound) goes to `notFound`.
 */
export function removeTaskSetStates({
  names,
  taskSetArnPath,
  drainPath,
  seconds,
  timeoutSeconds,
  gone,
  timedOut,
  notFound,
  deleteRetry,
  onError,
  describeComment,
  drainComment,
}: {
  /** Without `start`, the counter at `drainPath` is already `{ elapsedSeconds: 0 }` (a Map's ItemSelector sets it). */
  names: { delete: string; start?: string; wait: string; describe: string; isGone: string; count: string };
  taskSetArnPath: string;
  drainPath: string;
  seconds: number;
  timeoutSeconds: number;
  gone: string;
  timedOut: string;
  notFound: string;
  deleteRetry: readonly Retrier[];
  /** Other errors of the delete and the describe (none: they fail the enclosing Map). */
  onError?: readonly Catcher[];
  describeComment?: string;
  drainComment?: string;
}): States {
  const isGone: ChoiceRule[] = [
    { Not: { Variable: `${drainPath}.ecs.taskSets[0]`, IsPresent: true }, Next: gone },
    { Variable: `${drainPath}.elapsedSeconds`, NumericGreaterThanEquals: timeoutSeconds, Next: timedOut },
  ];
  return {
    [names.delete]: {
      Type: 'Task',
      Resource: ecs('deleteTaskSet'),
      Parameters: { 'Cluster.$': '$.cluster', 'Service.$': '$.service', 'TaskSet.$': taskSetArnPath, Force: true },
      ResultPath: null,
      Retry: deleteRetry,
      Catch: [{ ErrorEquals: ['Ecs.TaskSetNotFoundException'], ResultPath: null, Next: notFound }, ...(onError ?? [])],
      Next: names.start ?? names.wait,
    },
    ...waitLoopStates({
      start: names.start,
      wait: names.wait,
      count: names.count,
      path: drainPath,
      seconds,
      then: names.describe,
    }),
    [names.describe]: describeTaskSetTask(taskSetArnPath, `${drainPath}.ecs`, names.isGone, {
      comment: describeComment,
      onError,
    }),
    [names.isGone]: {
      Type: 'Choice',
      ...(drainComment ? { Comment: drainComment } : {}),
      Choices: isGone,
      Default: names.count,
    },
  };
}

/**
 * A Map over the service's task sets that deletes every one except `$.live` (when found), waits until ECS has
 * drained and removed it, then deletes its target group. Used by clean-up, abort and rollback. Each item starts with
 * its drain counter at 0 (`$.drain`, from the ItemSelector), so the wait needs no state to start it.
 */
export function removeTaskSetsMap(next: string, onError: string): MapState {
  return inlineMap({
    itemsPath: '$.current.services[0].TaskSets',
    maxConcurrency: 2,
    itemSelector: {
      'taskSet.$': '$$.Map.Item.Value',
      'live.$': '$.live',
      'cluster.$': '$.cluster',
      'service.$': '$.service',
      drain: { elapsedSeconds: 0 },
    },
    startAt: 'IsOldTaskSet',
    states: {
      IsOldTaskSet: {
        Type: 'Choice',
        Choices: [
          { Not: { Variable: '$.live.taskSetArn', IsPresent: true }, Next: 'IsAlreadyDraining' },
          { Variable: '$.taskSet.TaskSetArn', StringEqualsPath: '$.live.taskSetArn', Next: 'KeepLiveTaskSet' },
        ],
        Default: 'IsAlreadyDraining',
      },
      IsAlreadyDraining: {
        Type: 'Choice',
        Comment: 'A re-run after a partial clean-up finds the task set already DRAINING: just wait for it.',
        Choices: [{ Variable: '$.taskSet.Status', StringEquals: 'DRAINING', Next: 'WaitForDrain' }],
        Default: 'DeleteOldTaskSet',
      },
      KeepLiveTaskSet: { Type: 'Pass', Parameters: { removed: false }, End: true },
      ...removeTaskSetStates({
        names: {
          delete: 'DeleteOldTaskSet',
          wait: 'WaitForDrain',
          describe: 'DescribeOldTaskSet',
          isGone: 'IsDrained',
          count: 'CountDrainWait',
        },
        taskSetArnPath: '$.taskSet.TaskSetArn',
        drainPath: '$.drain',
        seconds: 15,
        timeoutSeconds: 3600,
        gone: 'HasOldTargetGroup',
        timedOut: 'DrainTimedOut',
        notFound: 'WaitForDrain',
        deleteRetry: retry,
        drainComment:
          'ECS removes a deleted task set once its targets have drained and its tasks stopped; only then is the target group free to delete.',
      }),
      DrainTimedOut: {
        Type: 'Fail',
        Error: 'BlueGreen.DrainTimeout',
        Cause: 'An old task set was still draining after an hour. Production is unaffected; re-run clean-up later.',
      },
      HasOldTargetGroup: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.taskSet.LoadBalancers[0].TargetGroupArn', IsPresent: true, Next: 'DeleteOldTargetGroup' },
        ],
        Default: 'Removed',
      },
      DeleteOldTargetGroup: deleteTargetGroupTask({
        tgPath: '$.taskSet.LoadBalancers[0].TargetGroupArn',
        next: 'Removed',
      }),
      Removed: { Type: 'Pass', Parameters: { removed: true, 'taskSetArn.$': '$.taskSet.TaskSetArn' }, End: true },
    },
    resultPath: '$.removed',
    onError,
    next,
  });
}
