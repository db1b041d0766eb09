import type { Condition, Payload, States, TaskState } from './asl';
import { catchTo, containsStates, ecs, elb, inlineMap, retry } from './basics';

/** Target groups: deleting one, telling ours from others' (owner tags), and sweeping the ones left behind. */

/**
 * DeleteTargetGroup, which succeeds for a group that is already gone (a re-run, or a group an earlier step removed):
 * the API reference lists only ResourceInUse, and a missing group is no error. Errors are retried while ELBv2 may
 * still report the group in use, then go to `onError` if given.
 */
export function deleteTargetGroupTask({
  tgPath,
  next,
  onError,
  comment,
}: {
  tgPath: string;
  next: string;
  onError?: string;
  comment?: string;
}): TaskState {
  return {
    Type: 'Task',
    Resource: elb('deleteTargetGroup'),
    ...(comment ? { Comment: comment } : {}),
    Parameters: { 'TargetGroupArn.$': tgPath },
    ResultPath: null,
    Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 3, MaxAttempts: 8, BackoffRate: 1.5 }],
    ...(onError ? { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.undoError', Next: onError }] } : {}),
    Next: next,
  };
}

/**
 * DescribeTags of the resource at `arnPath`, then `ours` only when it carries both owner tags of this stack and
 * service (bluegreen:stack, bluegreen:service) that every resource the controller creates gets. A look-alike name
 * or priority is never enough. Read errors go to `onError` (or fail the enclosing Map when none is given).
 */
export function ownerTagsCheckStates({
  prefix,
  arnPath,
  resultPath,
  ours,
  notOurs,
  onError,
}: {
  prefix: string;
  arnPath: string;
  resultPath: string;
  ours: string;
  notOurs: string;
  onError?: string;
}): States {
  // Matched on the tag list as JSON text ({"Key":…,"Value":…} in the SDK's member order): a JSONPath filter that
  // matches nothing is a runtime error no Catch handles, and a list may be empty.
  const tagged = (key: string, value: string): Condition => ({
    Variable: `${resultPath}.tags`,
    StringMatches: `*{"Key":"${key}","Value":"${value}"}*`,
  });
  return {
    [`${prefix}DescribeTags`]: {
      Type: 'Task',
      Resource: elb('describeTags'),
      Parameters: { 'ResourceArns.$': `States.Array(${arnPath})` },
      ResultSelector: { 'tags.$': 'States.JsonToString($.TagDescriptions[0].Tags)' },
      ResultPath: resultPath,
      Retry: retry,
      ...(onError ? { Catch: catchTo(onError) } : {}),
      Next: `${prefix}IsOurs`,
    },
    [`${prefix}IsOurs`]: {
      Type: 'Choice',
      Choices: [
        {
          And: [tagged('bluegreen:stack', '${StackName}'), tagged('bluegreen:service', '${ServiceName}')],
          Next: ours,
        },
      ],
      Default: notOurs,
    },
  };
}

/**
 * The target groups the task sets at `taskSetsPath` use, as `{ arns }` at `resultPath` (empty without task sets):
 * `any` checks first, because a wildcard path over an empty list is a runtime error no Catch handles.
 */
export function taskSetTargetGroupsStates({
  any,
  list,
  none,
  taskSetsPath,
  resultPath,
  next,
}: {
  any: string;
  list: string;
  none: string;
  taskSetsPath: string;
  resultPath: string;
  next: string;
}): States {
  return {
    [any]: {
      Type: 'Choice',
      Comment:
        'Wildcard paths only over a non-empty list (on an empty one they are an uncatchable States.Runtime error).',
      Choices: [{ Variable: `${taskSetsPath}[0]`, IsPresent: true, Next: list }],
      Default: none,
    },
    [list]: {
      Type: 'Pass',
      Parameters: { 'arns.$': `${taskSetsPath}[*].LoadBalancers[0].TargetGroupArn` },
      ResultPath: resultPath,
      Next: next,
    },
    [none]: { Type: 'Pass', Result: { arns: [] }, ResultPath: resultPath, Next: next },
  };
}

/**
 * Deletes green target groups this stack made for this service (owner tags; the `<prefix>-` name only narrows the
 * candidates) that nothing uses any more: no listener rule forwards to them (ELBv2 lists no load balancer for them)
 * and no task set has them. A clean-up, abort or rollback interrupted after ECS removed a task set but before its
 * target group was deleted, or a stopped deploy-green, leaves exactly such a group; a re-run finds it here. No
 * deploy-green can be in flight meanwhile (the caller holds the lease). Reads every page of DescribeTargetGroups.
 * `keep` adds fields to its first Task's result (`$.sweep`).
 */
export function sweepOrphanTargetGroupsStates(
  next: string,
  onError: string,
  { keep = {} }: { keep?: Payload } = {},
): States {
  return {
    SweepDescribeService: {
      Type: 'Task',
      Resource: ecs('describeServices'),
      Parameters: { 'Cluster.$': '$.cluster', 'Services.$': 'States.Array($.service)' },
      // `keep`: fields the caller reads after the sweep (teardown.ts: the autoscaling flag), kept without a Pass.
      ResultSelector: { 'taskSets.$': '$.Services[0].TaskSets', sweptAny: false, ...keep },
      ResultPath: '$.sweep',
      Retry: retry,
      Catch: catchTo(onError),
      Next: 'SweepHasTaskSets',
    },
    ...taskSetTargetGroupsStates({
      any: 'SweepHasTaskSets',
      list: 'SweepCollectInUse',
      none: 'SweepNothingInUse',
      taskSetsPath: '$.sweep.taskSets',
      resultPath: '$.sweep.inUse',
      next: 'SweepDescribeTargetGroups',
    }),
    SweepDescribeTargetGroups: {
      Type: 'Task',
      Resource: elb('describeTargetGroups'),
      Comment:
        'Pages of 100: an account can have thousands of target groups, and a page of 400 descriptions can exceed the 256 KiB state payload limit.',
      Parameters: { PageSize: 100 },
      ResultPath: '$.sweep.page',
      Retry: retry,
      Catch: catchTo(onError),
      Next: 'SweepOrphans',
    },
    SweepNextPage: {
      Type: 'Task',
      Resource: elb('describeTargetGroups'),
      Parameters: { PageSize: 100, 'Marker.$': '$.sweep.page.NextMarker' },
      ResultPath: '$.sweep.page',
      Retry: retry,
      Catch: catchTo(onError),
      Next: 'SweepOrphans',
    },
    SweepMorePages: {
      Type: 'Choice',
      Choices: [{ Variable: '$.sweep.page.NextMarker', IsPresent: true, Next: 'SweepNextPage' }],
      Default: next,
    },
    SweepOrphans: inlineMap({
      itemsPath: '$.sweep.page.TargetGroups',
      maxConcurrency: 2,
      itemSelector: { 'group.$': '$$.Map.Item.Value', 'inUse.$': '$.sweep.inUse.arns' },
      startAt: 'SweepIsOurs',
      states: {
        SweepIsOurs: {
          Type: 'Choice',
          Choices: [
            {
              Not: { Variable: '$.group.TargetGroupName', StringMatches: '${TargetGroupNamePrefix}-*' },
              Next: 'SweepKeepGroup',
            },
            { Variable: '$.group.LoadBalancerArns[0]', IsPresent: true, Next: 'SweepKeepGroup' },
          ],
          Default: 'SweepIsUsedByTaskSet',
        },
        ...containsStates({
          check: 'SweepIsUsedByTaskSet',
          choose: 'SweepIsOrphan',
          list: '$.inUse',
          item: '$.group.TargetGroupArn',
          resultPath: '$.check',
          flag: 'used',
          contained: 'SweepKeepGroup',
          notContained: 'SweepGroupDescribeTags',
        }),
        ...ownerTagsCheckStates({
          prefix: 'SweepGroup',
          arnPath: '$.group.TargetGroupArn',
          resultPath: '$.tags',
          ours: 'SweepDeleteOrphanGroup',
          notOurs: 'SweepKeepGroup',
        }),
        SweepDeleteOrphanGroup: {
          Type: 'Task',
          Resource: elb('deleteTargetGroup'),
          Parameters: { 'TargetGroupArn.$': '$.group.TargetGroupArn' },
          ResultPath: null,
          Retry: [{ ErrorEquals: ['ElasticLoadBalancingV2.ResourceInUseException'], MaxAttempts: 0 }, ...retry],
          // A group already gone is deleted without error (DeleteTargetGroup raises only ResourceInUse).
          Catch: [
            {
              ErrorEquals: ['ElasticLoadBalancingV2.ResourceInUseException'],
              ResultPath: null,
              Next: 'SweepKeepGroup',
            },
          ],
          Next: 'SweepOrphanDeleted',
        },
        SweepOrphanDeleted: {
          Type: 'Pass',
          Parameters: { deleted: true, 'targetGroupArn.$': '$.group.TargetGroupArn' },
          End: true,
        },
        SweepKeepGroup: { Type: 'Pass', Parameters: { deleted: false }, End: true },
      },
      resultSelector: { 'text.$': 'States.JsonToString($)' },
      resultPath: '$.sweep.pageResult',
      onError,
      next: 'SweepDidDelete',
    }),
    SweepDidDelete: {
      Type: 'Choice',
      Comment: 'So a caller can say truthfully whether the sweep changed anything.',
      Choices: [{ Variable: '$.sweep.pageResult.text', StringMatches: '*"deleted":true*', Next: 'SweepNoteDeleted' }],
      Default: 'SweepMorePages',
    },
    SweepNoteDeleted: { Type: 'Pass', Result: true, ResultPath: '$.sweep.sweptAny', Next: 'SweepMorePages' },
  };
}
