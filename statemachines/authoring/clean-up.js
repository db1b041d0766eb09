const c = require('./common');
const def = {
  Comment:
    'clean-up: close the test listener, delete every task set that production no longer uses, and delete its target group once its tasks have drained. Safe to re-run after any partial failure.',
  StartAt: 'ValidateInput',
  States: {
    ...c.serviceIdentityStates('clean-up', 'LiveLocate'),
    ...c.locateTaskSetStates('Live', '$.prodRule', '$.live', 'CheckNothingUnderTest'),
    CheckNothingUnderTest: {
      Type: 'Choice',
      Comment:
        'A test listener that forwards anywhere but production means a green that was never swapped: deleting "the old version" would delete blue or the untested green.',
      Choices: [
        { Not: { Variable: '$.testRule.actions[0].Type', StringEquals: 'forward' }, Next: 'CheckLiveIsPrimary' },
        { Not: { Variable: '$.prodRule.actions[0].Type', StringEquals: 'forward' }, Next: 'RejectGreenNotSwapped' },
        {
          Variable: '$.testRule.actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn',
          StringEqualsPath: '$.prodRule.actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn',
          Next: 'CheckLiveIsPrimary',
        },
      ],
      Default: 'RejectGreenNotSwapped',
    },
    RejectGreenNotSwapped: c.fmtReject(
      'BlueGreen.GreenNotSwapped',
      "States.Format('Service {} has a green under test that production does not serve yet (test listener: {}). Run swap first, or abort to discard green. Nothing was changed.', $.service, States.JsonToString($.testRule.actions))",
      'FailBeforeChangesWithCause',
    ),
    CheckLiveIsPrimary: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.live.found', BooleanEquals: false },
            { Not: { Variable: '$.current.services[0].TaskSets[0]', IsPresent: true } },
          ],
          Next: 'CloseTestListener',
        },
        { Variable: '$.live.found', BooleanEquals: false, Next: 'RejectNothingLive' },
        { Not: { Variable: '$.live.status', StringEquals: 'PRIMARY' }, Next: 'RejectSwapUnfinished' },
      ],
      Default: 'CloseTestListener',
    },
    RejectNothingLive: c.fmtReject(
      'BlueGreen.NothingLive',
      "States.Format('Production of service {} does not forward to any task set ({}), so there is no old version to remove. Run swap (or rollback) first. Nothing was changed.', $.service, States.JsonToString($.prodRule.actions))",
      'FailBeforeChangesWithCause',
    ),
    RejectSwapUnfinished: c.fmtReject(
      'BlueGreen.SwapUnfinished',
      "States.Format('Production forwards to task set {} but it is {} rather than PRIMARY: a swap did not finish. Run swap again to finish it, or rollback. Nothing was changed.', $.live.taskSetId, $.live.status)",
      'FailBeforeChangesWithCause',
    ),
    CloseTestListener: {
      Type: 'Task',
      Resource: c.elb('modifyRule'),
      Parameters: {
        RuleArn: '${TestRuleArn}',
        Actions: [
          {
            Type: 'fixed-response',
            FixedResponseConfig: {
              StatusCode: '503',
              ContentType: 'text/plain',
              MessageBody: '${TestListenerIdleMessage}',
            },
          },
        ],
      },
      ResultPath: null,
      Retry: c.retry,
      Catch: c.catchTo('FailCleanUp'),
      Next: 'RemoveOldTaskSets',
    },
    RemoveOldTaskSets: {
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
            Resource: c.ecs('deleteTaskSet'),
            Parameters: {
              'Cluster.$': '$.cluster',
              'Service.$': '$.service',
              'TaskSet.$': '$.taskSet.TaskSetArn',
              Force: true,
            },
            ResultPath: null,
            Retry: c.retry,
            Catch: [{ ErrorEquals: ['Ecs.TaskSetNotFoundException'], ResultPath: null, Next: 'StartDrainWait' }],
            Next: 'StartDrainWait',
          },
          StartDrainWait: { Type: 'Pass', Result: { elapsedSeconds: 0 }, ResultPath: '$.drain', Next: 'WaitForDrain' },
          WaitForDrain: { Type: 'Wait', Seconds: 15, Next: 'DescribeOldTaskSet' },
          DescribeOldTaskSet: {
            Type: 'Task',
            Resource: c.ecs('describeTaskSets'),
            Parameters: {
              'Cluster.$': '$.cluster',
              'Service.$': '$.service',
              'TaskSets.$': 'States.Array($.taskSet.TaskSetArn)',
            },
            ResultSelector: { 'taskSets.$': '$.TaskSets' },
            ResultPath: '$.drain.ecs',
            Retry: c.retry,
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
          DeleteOldTargetGroup: {
            Type: 'Task',
            Resource: c.elb('deleteTargetGroup'),
            Parameters: { 'TargetGroupArn.$': '$.taskSet.LoadBalancers[0].TargetGroupArn' },
            ResultPath: null,
            Retry: [
              { ErrorEquals: ['ElasticLoadBalancingV2.TargetGroupNotFoundException'], MaxAttempts: 0 },
              { ErrorEquals: ['States.ALL'], IntervalSeconds: 3, MaxAttempts: 8, BackoffRate: 1.5 },
            ],
            Catch: [
              {
                ErrorEquals: ['ElasticLoadBalancingV2.TargetGroupNotFoundException'],
                ResultPath: null,
                Next: 'Removed',
              },
            ],
            Next: 'Removed',
          },
          Removed: { Type: 'Pass', Parameters: { removed: true, 'taskSetArn.$': '$.taskSet.TaskSetArn' }, End: true },
        },
      },
      ResultPath: '$.removed',
      Catch: c.catchTo('FailCleanUp'),
      Next: 'CleanedUp',
    },
    CleanedUp: {
      Type: 'Pass',
      Parameters: {
        'cluster.$': '$.cluster',
        'service.$': '$.service',
        'removed.$': '$.removed',
        'message.$':
          "States.Format('Clean-up complete: the test listener is closed and only the production task set remains ({}).', States.JsonToString($.live))",
      },
      End: true,
    },
    FailCleanUp: {
      Type: 'Pass',
      Parameters: {
        'Error.$': '$.error.Error',
        'Cause.$':
          "States.Format('{} Clean-up stopped part-way; production is unaffected and clean-up is safe to re-run.', $.error.Cause)",
      },
      ResultPath: '$.failure',
      Next: 'FailCleanUpWithCause',
    },
    FailCleanUpWithCause: c.fail('Production is unaffected.'),
  },
};
module.exports = def;
