const TRANSIENT = [
  'Ecs.ServerException',
  'Ecs.ThrottlingException',
  'Ecs.EcsException',
  'ElasticLoadBalancingV2.ThrottlingException',
  'ElasticLoadBalancingV2.ElasticLoadBalancingV2Exception',
  'States.Timeout',
];
const retry = [{ ErrorEquals: TRANSIENT, IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' }];
const undoRetry = [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 }];
const catchTo = (next) => [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next }];
const ecs = (a) => `arn:aws:states:::aws-sdk:ecs:${a}`;
const elb = (a) => `arn:aws:states:::aws-sdk:elasticloadbalancingv2:${a}`;
const rejectStatic = (cause, next = 'FailInvalidInput') => ({
  Type: 'Pass',
  Parameters: { Error: 'BlueGreen.InvalidInput', Cause: cause },
  ResultPath: '$.failure',
  Next: next,
});
const fmtReject = (error, format, next) => ({
  Type: 'Pass',
  Parameters: { Error: error, 'Cause.$': format },
  ResultPath: '$.failure',
  Next: next,
});
const fail = (comment) => ({
  Type: 'Fail',
  Comment: comment,
  ErrorPath: '$.failure.Error',
  CausePath: '$.failure.Cause',
});

/** Input checks and service lookup shared by swap, clean-up, rollback and abort (input: cluster + service). */
function serviceIdentityStates(name, next) {
  return {
    ValidateInput: {
      Type: 'Choice',
      Comment: 'Check the input before touching anything; each field gets its own error naming the fix.',
      Choices: [
        { Not: { Variable: '$.cluster', IsPresent: true }, Next: 'RejectCluster' },
        { Not: { Variable: '$.cluster', IsString: true }, Next: 'RejectCluster' },
        { Not: { Variable: '$.service', IsPresent: true }, Next: 'RejectService' },
        { Not: { Variable: '$.service', IsString: true }, Next: 'RejectService' },
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
      ],
      Default: 'DescribeService',
    },
    RejectCluster: rejectStatic(
      'Input field \'cluster\' is required and must be a string: the name or ARN of the ECS cluster, e.g. "cluster": "${ClusterName}".',
    ),
    RejectService: rejectStatic(
      'Input field \'service\' is required and must be a string: the name or ARN of the ECS service, e.g. "service": "${ServiceName}".',
    ),
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
    DescribeService: {
      Type: 'Task',
      Resource: ecs('describeServices'),
      Parameters: { 'Cluster.$': '$.cluster', 'Services.$': 'States.Array($.service)' },
      ResultSelector: { 'services.$': '$.Services', 'failures.$': '$.Failures' },
      ResultPath: '$.current',
      Retry: retry,
      Catch: catchTo('FailBeforeChanges'),
      Next: 'CheckService',
    },
    CheckService: {
      Type: 'Choice',
      Choices: [
        { Not: { Variable: '$.current.services[0]', IsPresent: true }, Next: 'RejectServiceNotFound' },
        { Not: { Variable: '$.current.services[0].Status', StringEquals: 'ACTIVE' }, Next: 'RejectServiceNotFound' },
        { Variable: '$.current.services[0].TaskSets[2]', IsPresent: true, Next: 'RejectTooManyTaskSets' },
      ],
      Default: 'DescribeProductionRule',
    },
    RejectServiceNotFound: fmtReject(
      'BlueGreen.ServiceNotFound',
      "States.Format('ECS service {} was not found (or is not ACTIVE) in cluster {}: {}. Deploy the stack first, or check the names.', $.service, $.cluster, States.JsonToString($.current.failures))",
      'FailBeforeChangesWithCause',
    ),
    RejectTooManyTaskSets: fmtReject(
      'BlueGreen.UnexpectedState',
      "States.Format('Service {} has more than two task sets ({}); this controller keeps at most blue and green. Remove the extra task sets by hand, then retry.', $.service, States.JsonToString($.current.services[0].TaskSets[*].TaskSetArn))",
      'FailBeforeChangesWithCause',
    ),
    DescribeProductionRule: {
      Type: 'Task',
      Resource: elb('describeRules'),
      Parameters: { RuleArns: ['${ProdRuleArn}'] },
      ResultSelector: { 'actions.$': '$.Rules[0].Actions' },
      ResultPath: '$.prodRule',
      Retry: retry,
      Catch: catchTo('FailBeforeChanges'),
      Next: 'DescribeTestRule',
    },
    DescribeTestRule: {
      Type: 'Task',
      Resource: elb('describeRules'),
      Parameters: { RuleArns: ['${TestRuleArn}'] },
      ResultSelector: { 'actions.$': '$.Rules[0].Actions' },
      ResultPath: '$.testRule',
      Retry: retry,
      Catch: catchTo('FailBeforeChanges'),
      Next: next,
    },
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
function locateTaskSetStates(prefix, rulePath, resultPath, next) {
  const ts = (i) => `$.current.services[0].TaskSets[${i}]`;
  const tg = `${rulePath}.actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn`;
  const pick = (i) => ({
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

module.exports = {
  TRANSIENT,
  retry,
  undoRetry,
  catchTo,
  ecs,
  elb,
  rejectStatic,
  fmtReject,
  fail,
  serviceIdentityStates,
  locateTaskSetStates,
};
