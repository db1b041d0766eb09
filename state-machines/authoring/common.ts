import type { Catcher, ChoiceRule, Condition, MapState, PassState, Payload, Retrier, States, TaskState } from './asl';
import { catchTo, ecs, elb, fail, fmtReject, rejectStatic, retry } from './basics';
import { acquireLeaseStates, startLeaseState } from './lease';

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

/** Choice rules sending input for another cluster or service to the rejects of identityRejects(). */
export const wrongIdentityRules = (): ChoiceRule[] => [
  {
    And: [
      { Not: { Variable: '$.cluster', StringEquals: '${ClusterName}' } },
      { Not: { Variable: '$.cluster', StringEquals: '${ClusterArn}' } },
    ],
    Next: 'RejectWrongCluster',
  },
  {
    And: [
      { Not: { Variable: '$.service', StringEquals: '${ServiceName}' } },
      { Not: { Variable: '$.service', StringEquals: '${ServiceArn}' } },
    ],
    Next: 'RejectWrongService',
  },
];

/** Each state machine acts on the one service of its stack; input naming another gets an error with the fix. */
export function identityRejects(name: string): States {
  return {
    RejectWrongCluster: fmtReject(
      'BlueGreen.InvalidInput',
      `States.Format('Input field cluster is {} but this state machine acts only on cluster \${ClusterName}. Use "cluster": "\${ClusterName}", or start the ${name} state machine of the stack that owns {}.', $.cluster, $.cluster)`,
      'FailInvalidInput',
    ),
    RejectWrongService: fmtReject(
      'BlueGreen.InvalidInput',
      `States.Format('Input field service is {} but this state machine acts only on service \${ServiceName}. Use "service": "\${ServiceName}", or start the ${name} state machine of the stack that owns {}.', $.service, $.service)`,
      'FailInvalidInput',
    ),
    FailInvalidInput: fail('Nothing was changed.'),
  };
}

/** DescribeServices of the input's service into `$.current`; read errors fail before any change. */
export function describeServiceTask(next: string): TaskState {
  return {
    Type: 'Task',
    Resource: ecs('describeServices'),
    Parameters: { 'Cluster.$': '$.cluster', 'Services.$': 'States.Array($.service)' },
    ResultSelector: { 'services.$': '$.Services', 'failures.$': '$.Failures' },
    ResultPath: '$.current',
    Retry: retry,
    Catch: catchTo('FailBeforeChanges'),
    Next: next,
  };
}

export function serviceNotFoundReject(): PassState {
  return fmtReject(
    'BlueGreen.ServiceNotFound',
    "States.Format('ECS service {} was not found (or is not ACTIVE) in cluster {}: {}. Deploy the stack first, or check the names.', $.service, $.cluster, States.JsonToString($.current.failures))",
    'FailBeforeChangesWithCause',
  );
}

/** DescribeRules of one controller-owned rule (by its placeholder) into `<resultPath>.actions`. */
export function describeRuleTask(
  ruleArn: string,
  resultPath: string,
  next: string,
  { comment, onError = 'FailBeforeChanges' }: { comment?: string; onError?: string } = {},
): TaskState {
  return {
    Type: 'Task',
    Resource: elb('describeRules'),
    ...(comment ? { Comment: comment } : {}),
    Parameters: { RuleArns: [ruleArn] },
    ResultSelector: { 'actions.$': '$.Rules[0].Actions' },
    ResultPath: resultPath,
    Retry: retry,
    Catch: catchTo(onError),
    Next: next,
  };
}

/**
 * Input checks, the lease (state-machines/authoring/lease.ts) and the service lookup shared by swap, clean-up, rollback
 * and abort. `operation` says what the machine does, for the error another operation gets while it holds the lease.
 */
export function serviceIdentityStates(name: string, next: string, operation: string): States {
  return {
    ValidateInput: {
      Type: 'Choice',
      Comment: 'Check the input before touching anything; each field gets its own error naming the fix.',
      Choices: [
        { Not: { Variable: '$.cluster', IsPresent: true }, Next: 'RejectCluster' },
        { Not: { Variable: '$.cluster', IsString: true }, Next: 'RejectCluster' },
        { Not: { Variable: '$.service', IsPresent: true }, Next: 'RejectService' },
        { Not: { Variable: '$.service', IsString: true }, Next: 'RejectService' },
        ...wrongIdentityRules(),
      ],
      Default: 'StartLease',
    },
    StartLease: startLeaseState('AcquireLease'),
    ...acquireLeaseStates({ machine: name, operation, next: 'DescribeService' }),
    RejectCluster: rejectStatic(
      'Input field \'cluster\' is required and must be a string: the name or ARN of the ECS cluster, e.g. "cluster": "${ClusterName}".',
    ),
    RejectService: rejectStatic(
      'Input field \'service\' is required and must be a string: the name or ARN of the ECS service, e.g. "service": "${ServiceName}".',
    ),
    ...identityRejects(name),
    DescribeService: describeServiceTask('CheckService'),
    CheckService: {
      Type: 'Choice',
      Choices: [
        { Not: { Variable: '$.current.services[0]', IsPresent: true }, Next: 'RejectServiceNotFound' },
        { Not: { Variable: '$.current.services[0].Status', StringEquals: 'ACTIVE' }, Next: 'RejectServiceNotFound' },
        { Variable: '$.current.services[0].TaskSets[2]', IsPresent: true, Next: 'RejectTooManyTaskSets' },
      ],
      Default: 'DescribeProductionRule',
    },
    RejectServiceNotFound: serviceNotFoundReject(),
    RejectTooManyTaskSets: fmtReject(
      'BlueGreen.UnexpectedState',
      "States.Format('Service {} has more than two task sets ({}); this controller keeps at most blue and green. Remove the extra task sets by hand, then retry.', $.service, States.JsonToString($.current.services[0].TaskSets[*].TaskSetArn))",
      'FailBeforeChangesWithCause',
    ),
    DescribeProductionRule: describeRuleTask('${ProdRuleArn}', '$.prodRule', 'DescribeTestRule'),
    DescribeTestRule: describeRuleTask('${TestRuleArn}', '$.testRule', next),
    FailBeforeChanges: {
      Type: 'Pass',
      Parameters: { 'Error.$': '$.error.Error', 'Cause.$': "States.Format('{} Nothing was changed.', $.error.Cause)" },
      ResultPath: '$.failure',
      Next: 'FailBeforeChangesWithCause',
    },
    FailBeforeChangesWithCause: fail('Nothing was changed.'),
  };
}

/**
 * Finds which task set a rule forwards to, by comparing its target group with the (at most two) task sets.
 * Writes { found, taskSetArn, taskSetId, targetGroupArn, status } to resultPath.
 */
export function locateTaskSetStates(prefix: string, rulePath: string, resultPath: string, next: string): States {
  const ts = (i: number): string => `$.current.services[0].TaskSets[${i}]`;
  const tg = `${rulePath}.actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn`;
  const pick = (i: number): PassState => ({
    Type: 'Pass',
    Parameters: {
      found: true,
      'taskSetArn.$': `${ts(i)}.TaskSetArn`,
      'taskSetId.$': `${ts(i)}.Id`,
      'status.$': `${ts(i)}.Status`,
      'targetGroupArn.$': tg,
    },
    ResultPath: resultPath,
    Next: next,
  });
  return {
    [`${prefix}Locate`]: {
      Type: 'Choice',
      Comment: 'Choice rules stop at the first match, so a path is compared only after it is known to exist.',
      Choices: [
        { Not: { Variable: `${rulePath}.actions[0].Type`, StringEquals: 'forward' }, Next: `${prefix}None` },
        {
          Not: { Variable: `${ts(0)}.LoadBalancers[0].TargetGroupArn`, IsPresent: true },
          Next: `${prefix}LocateSecond`,
        },
        { Variable: `${ts(0)}.LoadBalancers[0].TargetGroupArn`, StringEqualsPath: tg, Next: `${prefix}First` },
      ],
      Default: `${prefix}LocateSecond`,
    },
    [`${prefix}LocateSecond`]: {
      Type: 'Choice',
      Choices: [
        { Not: { Variable: `${ts(1)}.LoadBalancers[0].TargetGroupArn`, IsPresent: true }, Next: `${prefix}Orphan` },
        { Variable: `${ts(1)}.LoadBalancers[0].TargetGroupArn`, StringEqualsPath: tg, Next: `${prefix}Second` },
      ],
      Default: `${prefix}Orphan`,
    },
    [`${prefix}None`]: { Type: 'Pass', Parameters: { found: false }, ResultPath: resultPath, Next: next },
    [`${prefix}Orphan`]: {
      Type: 'Pass',
      Parameters: { found: false, 'targetGroupArn.$': tg },
      ResultPath: resultPath,
      Next: next,
    },
    [`${prefix}First`]: pick(0),
    [`${prefix}Second`]: pick(1),
  };
}

/**
 * A Map over the service's task sets that deletes every one except `$.live` (when found), waits until ECS has
 * drained and removed it, then deletes its target group. Used by clean-up, abort and rollback.
 */
export function removeTaskSetsMap(next: string, onError: string): MapState {
  return {
    Type: 'Map',
    ItemsPath: '$.current.services[0].TaskSets',
    MaxConcurrency: 2,
    ItemSelector: {
      'taskSet.$': '$$.Map.Item.Value',
      'live.$': '$.live',
      'cluster.$': '$.cluster',
      'service.$': '$.service',
    },
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: 'IsOldTaskSet',
      States: {
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
          Choices: [{ Variable: '$.taskSet.Status', StringEquals: 'DRAINING', Next: 'StartDrainWait' }],
          Default: 'DeleteOldTaskSet',
        },
        KeepLiveTaskSet: { Type: 'Pass', Parameters: { removed: false }, End: true },
        DeleteOldTaskSet: {
          Type: 'Task',
          Resource: ecs('deleteTaskSet'),
          Parameters: {
            'Cluster.$': '$.cluster',
            'Service.$': '$.service',
            'TaskSet.$': '$.taskSet.TaskSetArn',
            Force: true,
          },
          ResultPath: null,
          Retry: retry,
          Catch: [{ ErrorEquals: ['Ecs.TaskSetNotFoundException'], ResultPath: null, Next: 'StartDrainWait' }],
          Next: 'StartDrainWait',
        },
        StartDrainWait: { Type: 'Pass', Result: { elapsedSeconds: 0 }, ResultPath: '$.drain', Next: 'WaitForDrain' },
        WaitForDrain: { Type: 'Wait', Seconds: 15, Next: 'DescribeOldTaskSet' },
        DescribeOldTaskSet: {
          Type: 'Task',
          Resource: ecs('describeTaskSets'),
          Parameters: {
            'Cluster.$': '$.cluster',
            'Service.$': '$.service',
            'TaskSets.$': 'States.Array($.taskSet.TaskSetArn)',
          },
          ResultSelector: { 'taskSets.$': '$.TaskSets' },
          ResultPath: '$.drain.ecs',
          Retry: retry,
          Next: 'IsDrained',
        },
        IsDrained: {
          Type: 'Choice',
          Comment:
            'ECS removes a deleted task set once its targets have drained and its tasks stopped; only then is the target group free to delete.',
          Choices: [
            { Not: { Variable: '$.drain.ecs.taskSets[0]', IsPresent: true }, Next: 'HasOldTargetGroup' },
            { Variable: '$.drain.elapsedSeconds', NumericGreaterThanEquals: 3600, Next: 'DrainTimedOut' },
          ],
          Default: 'CountDrainWait',
        },
        CountDrainWait: {
          Type: 'Pass',
          Parameters: { 'elapsedSeconds.$': 'States.MathAdd($.drain.elapsedSeconds, 15)' },
          ResultPath: '$.drain',
          Next: 'WaitForDrain',
        },
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
    },
    ResultPath: '$.removed',
    Catch: catchTo(onError),
    Next: next,
  };
}

interface RuleTaskOptions {
  errorPath?: string;
  retrier?: readonly Retrier[];
}

/** ModifyRule: a controller-owned rule answers its idle fixed 503 again (the text CDK gave it, so nothing drifts). */
export function fixedResponseRuleTask(
  ruleArn: string,
  message: string,
  next: string,
  onError: string,
  { errorPath = '$.error', retrier = retry }: RuleTaskOptions = {},
): TaskState {
  return {
    Type: 'Task',
    Resource: elb('modifyRule'),
    Parameters: {
      RuleArn: ruleArn,
      Actions: [
        {
          Type: 'fixed-response',
          FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain', MessageBody: message },
        },
      ],
    },
    ResultPath: null,
    Retry: retrier,
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: errorPath, Next: onError }],
    Next: next,
  };
}

/** The test rule answers a fixed response again (nothing under test). */
export function closeTestListener(next: string, onError: string): TaskState {
  return fixedResponseRuleTask('${TestRuleArn}', '${TestListenerIdleMessage}', next, onError);
}

/** A rule forwarding to one target group (weight 1), as the controller-owned rules do once a version is in them. */
export const forwardTo = (tgPath: string): Payload[] => [
  { Type: 'forward', ForwardConfig: { TargetGroups: [{ 'TargetGroupArn.$': tgPath, Weight: 1 }] } },
];

/**
 * ModifyRule: the previous-version rule (test listener, routes no request) forwards to the version production is
 * about to leave, so ELBv2 keeps health-checking it and a swap undo or a rollback returns production to checked targets.
 */
export function keepPreviousInUse(tgPath: string, next: string, onError: string): TaskState {
  return {
    Type: 'Task',
    Resource: elb('modifyRule'),
    Parameters: {
      RuleArn: '${PreviousRuleArn}',
      Actions: forwardTo(tgPath),
    },
    ResultPath: null,
    Retry: retry,
    Catch: catchTo(onError),
    Next: next,
  };
}

/** The previous-version rule answers its fixed response again (no previous version kept). */
export function resetPreviousRule(next: string, onError: string, options?: RuleTaskOptions): TaskState {
  return fixedResponseRuleTask('${PreviousRuleArn}', '${PreviousRuleIdleMessage}', next, onError, options);
}

/** UpdateServicePrimaryTaskSet: the task set at `taskSetPath` becomes primary. */
export function makePrimaryTask(
  taskSetPath: string,
  next: string,
  {
    comment,
    retrier = retry,
    catches,
  }: { comment?: string; retrier?: readonly Retrier[]; catches: readonly Catcher[] },
): TaskState {
  return {
    Type: 'Task',
    Resource: ecs('updateServicePrimaryTaskSet'),
    ...(comment ? { Comment: comment } : {}),
    Parameters: { 'Cluster.$': '$.cluster', 'Service.$': '$.service', 'PrimaryTaskSet.$': taskSetPath },
    ResultPath: null,
    Retry: retrier,
    Catch: catches,
    Next: next,
  };
}

/**
 * Removes deployment rules (the lock/health-check rules deploy-green adds at priority 100 of the test listener) left
 * by an interrupted deploy-green, and the target group such a rule forwards to when no task set uses it.
 */
export function releaseDeploymentRulesStates(next: string, onError: string): States {
  return {
    ListDeploymentRules: {
      Type: 'Task',
      Resource: elb('describeRules'),
      Parameters: { ListenerArn: '${TestListenerArn}' },
      ResultSelector: { 'rules.$': '$.Rules' },
      ResultPath: '$.listenerRules',
      Retry: retry,
      Catch: catchTo(onError),
      Next: 'AnyTaskSetTargetGroups',
    },
    AnyTaskSetTargetGroups: {
      Type: 'Choice',
      Comment: 'A wildcard path over an empty list is a runtime error no Catch handles.',
      Choices: [{ Variable: '$.current.services[0].TaskSets[0]', IsPresent: true, Next: 'ListTaskSetTargetGroups' }],
      Default: 'NoTaskSetTargetGroups',
    },
    ListTaskSetTargetGroups: {
      Type: 'Pass',
      Parameters: { 'arns.$': '$.current.services[0].TaskSets[*].LoadBalancers[0].TargetGroupArn' },
      ResultPath: '$.taskSetTargetGroups',
      Next: 'RemoveDeploymentRules',
    },
    NoTaskSetTargetGroups: {
      Type: 'Pass',
      Result: { arns: [] },
      ResultPath: '$.taskSetTargetGroups',
      Next: 'RemoveDeploymentRules',
    },
    RemoveDeploymentRules: {
      Type: 'Map',
      ItemsPath: '$.listenerRules.rules',
      MaxConcurrency: 1,
      ItemSelector: { 'rule.$': '$$.Map.Item.Value', 'inUse.$': '$.taskSetTargetGroups.arns' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'IsDeploymentRule',
        States: {
          IsDeploymentRule: {
            Type: 'Choice',
            Choices: [{ Variable: '$.rule.Priority', StringEquals: '100', Next: 'DeploymentRuleDescribeTags' }],
            Default: 'NotADeploymentRule',
          },
          ...ownerTagsCheckStates({
            prefix: 'DeploymentRule',
            arnPath: '$.rule.RuleArn',
            resultPath: '$.tags',
            ours: 'DeleteDeploymentRule',
            notOurs: 'NotADeploymentRule',
          }),
          NotADeploymentRule: { Type: 'Pass', Parameters: { removed: false }, End: true },
          DeleteDeploymentRule: {
            Type: 'Task',
            Resource: elb('deleteRule'),
            Parameters: { 'RuleArn.$': '$.rule.RuleArn' },
            ResultPath: null,
            Retry: retry,
            Catch: [
              {
                ErrorEquals: ['ElasticLoadBalancingV2.RuleNotFoundException'],
                ResultPath: null,
                Next: 'ForwardsToOrphan',
              },
            ],
            Next: 'ForwardsToOrphan',
          },
          ForwardsToOrphan: {
            Type: 'Choice',
            Comment: 'A target group only this rule used (its task set is gone) would otherwise be left behind.',
            Choices: [
              {
                Not: { Variable: '$.rule.Actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn', IsPresent: true },
                Next: 'DeploymentRuleRemoved',
              },
              { Variable: '$.inUse[0]', IsPresent: true, Next: 'IsOrphanInUse' },
            ],
            Default: 'DeleteOrphanTargetGroup',
          },
          IsOrphanInUse: {
            Type: 'Pass',
            Parameters: {
              'inUse.$':
                'States.ArrayContains($.inUse, $.rule.Actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn)',
            },
            ResultPath: '$.orphan',
            Next: 'IsOrphan',
          },
          IsOrphan: {
            Type: 'Choice',
            Choices: [{ Variable: '$.orphan.inUse', BooleanEquals: true, Next: 'DeploymentRuleRemoved' }],
            Default: 'DeleteOrphanTargetGroup',
          },
          DeleteOrphanTargetGroup: deleteTargetGroupTask({
            tgPath: '$.rule.Actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn',
            next: 'DeploymentRuleRemoved',
          }),
          DeploymentRuleRemoved: {
            Type: 'Pass',
            Parameters: { removed: true, 'ruleArn.$': '$.rule.RuleArn' },
            End: true,
          },
        },
      },
      ResultPath: '$.removedRules',
      Catch: catchTo(onError),
      Next: next,
    },
  };
}

/**
 * DescribeTargetHealth, then the list of target states (`<resultPath>.states`, empty when no target is registered).
 * The wildcard path is taken only once a first target exists: on an empty list it would be a States.Runtime error,
 * which no Catch can handle.
 */
export function targetStatesStates({
  describe,
  tgPath,
  resultPath,
  next,
  onError,
}: {
  describe: string;
  tgPath: string;
  resultPath: string;
  next: string;
  onError: string;
}): States {
  const base = describe.replace(/^Describe/, '').replace(/TargetHealth$/, '');
  return {
    [describe]: {
      Type: 'Task',
      Resource: elb('describeTargetHealth'),
      Parameters: { 'TargetGroupArn.$': tgPath },
      ResultSelector: { 'targets.$': '$.TargetHealthDescriptions' },
      ResultPath: resultPath,
      Retry: retry,
      Catch: catchTo(onError),
      Next: `Any${base}Targets`,
    },
    [`Any${base}Targets`]: {
      Type: 'Choice',
      Choices: [{ Variable: `${resultPath}.targets[0]`, IsPresent: true, Next: `${base}TargetStates` }],
      Default: `No${base}Targets`,
    },
    [`${base}TargetStates`]: {
      Type: 'Pass',
      Parameters: { 'states.$': `${resultPath}.targets[*].TargetHealth.State` },
      ResultPath: resultPath,
      Next: next,
    },
    [`No${base}Targets`]: { Type: 'Pass', Result: { states: [] }, ResultPath: resultPath, Next: next },
  };
}

/**
 * A target group is fully healthy: at least one target is registered and every target's state is `healthy`.
 * Describe → states → summary (at `resultPath`) → Choice to `healthy` or `unhealthy`; read errors go to `onError`.
 *
 * With `duringBake`, the test is the one a bake needs: green is degraded when any target is `unhealthy` or
 * `unavailable`, or none is `healthy`. Targets in `initial` (a task the service scaled out, or a replacement, still
 * registering) or `draining` (scaled in) are transitions, not failures: an autoscaler acting during the bake must not
 * roll back a healthy release, and a dead task still fails the bake when it leaves no healthy target.
 */
export function fullyHealthyGateStates({
  name,
  tgPath,
  resultPath,
  healthy,
  unhealthy,
  onError,
  duringBake = false,
}: {
  name: string;
  tgPath: string;
  resultPath: string;
  healthy: string;
  unhealthy: string;
  onError: string;
  duringBake?: boolean;
}): States {
  const states = `${resultPath}.states`;
  return {
    ...targetStatesStates({
      describe: `Describe${name}TargetHealth`,
      tgPath,
      resultPath,
      next: `Summarize${name}Health`,
      onError,
    }),
    [`Summarize${name}Health`]: {
      Type: 'Pass',
      Parameters: {
        'registered.$': `States.ArrayLength(${states})`,
        ...(duringBake
          ? {
              'anyUnhealthy.$': `States.ArrayContains(${states}, 'unhealthy')`,
              'anyUnavailable.$': `States.ArrayContains(${states}, 'unavailable')`,
            }
          : { 'distinctStates.$': `States.ArrayLength(States.ArrayUnique(${states}))` }),
        'anyHealthy.$': `States.ArrayContains(${states}, 'healthy')`,
        'states.$': states,
      },
      ResultPath: resultPath,
      Next: `Is${name}Healthy`,
    },
    [`Is${name}Healthy`]: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: `${resultPath}.registered`, NumericGreaterThan: 0 },
            ...(duringBake
              ? [
                  { Variable: `${resultPath}.anyUnhealthy`, BooleanEquals: false },
                  { Variable: `${resultPath}.anyUnavailable`, BooleanEquals: false },
                ]
              : [{ Variable: `${resultPath}.distinctStates`, NumericEquals: 1 }]),
            { Variable: `${resultPath}.anyHealthy`, BooleanEquals: true },
          ],
          Next: healthy,
        },
      ],
      Default: unhealthy,
    },
  };
}

/**
 * Deletes green target groups this stack made for this service (owner tags; the `<prefix>-` name only narrows the
 * candidates) that nothing uses any more: no listener rule forwards to them (ELBv2 lists no load balancer for them)
 * and no task set has them. A clean-up, abort or rollback interrupted after ECS removed a task set but before its
 * target group was deleted, or a stopped deploy-green, leaves exactly such a group; a re-run finds it here. No
 * deploy-green can be in flight meanwhile (the caller holds the lease). Reads every page of DescribeTargetGroups.
 */
export function sweepOrphanTargetGroupsStates(next: string, onError: string): States {
  return {
    SweepDescribeService: {
      Type: 'Task',
      Resource: ecs('describeServices'),
      Parameters: { 'Cluster.$': '$.cluster', 'Services.$': 'States.Array($.service)' },
      ResultSelector: { 'taskSets.$': '$.Services[0].TaskSets', sweptAny: false },
      ResultPath: '$.sweep',
      Retry: retry,
      Catch: catchTo(onError),
      Next: 'SweepHasTaskSets',
    },
    SweepHasTaskSets: {
      Type: 'Choice',
      Comment:
        'Wildcard paths only over a non-empty list (on an empty one they are an uncatchable States.Runtime error).',
      Choices: [{ Variable: '$.sweep.taskSets[0]', IsPresent: true, Next: 'SweepCollectInUse' }],
      Default: 'SweepNothingInUse',
    },
    SweepCollectInUse: {
      Type: 'Pass',
      Parameters: { 'arns.$': '$.sweep.taskSets[*].LoadBalancers[0].TargetGroupArn' },
      ResultPath: '$.sweep.inUse',
      Next: 'SweepDescribeTargetGroups',
    },
    SweepNothingInUse: {
      Type: 'Pass',
      Result: { arns: [] },
      ResultPath: '$.sweep.inUse',
      Next: 'SweepDescribeTargetGroups',
    },
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
    SweepOrphans: {
      Type: 'Map',
      ItemsPath: '$.sweep.page.TargetGroups',
      MaxConcurrency: 2,
      ItemSelector: { 'group.$': '$$.Map.Item.Value', 'inUse.$': '$.sweep.inUse.arns' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'SweepIsOurs',
        States: {
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
          SweepIsUsedByTaskSet: {
            Type: 'Pass',
            Parameters: { 'used.$': 'States.ArrayContains($.inUse, $.group.TargetGroupArn)' },
            ResultPath: '$.check',
            Next: 'SweepIsOrphan',
          },
          SweepIsOrphan: {
            Type: 'Choice',
            Choices: [{ Variable: '$.check.used', BooleanEquals: true, Next: 'SweepKeepGroup' }],
            Default: 'SweepGroupDescribeTags',
          },
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
      },
      ResultSelector: { 'text.$': 'States.JsonToString($)' },
      ResultPath: '$.sweep.pageResult',
      Catch: catchTo(onError),
      Next: 'SweepDidDelete',
    },
    SweepDidDelete: {
      Type: 'Choice',
      Comment: 'So a caller can say truthfully whether the sweep changed anything.',
      Choices: [{ Variable: '$.sweep.pageResult.text', StringMatches: '*"deleted":true*', Next: 'SweepNoteDeleted' }],
      Default: 'SweepMorePages',
    },
    SweepNoteDeleted: { Type: 'Pass', Result: true, ResultPath: '$.sweep.sweptAny', Next: 'SweepMorePages' },
  };
}
