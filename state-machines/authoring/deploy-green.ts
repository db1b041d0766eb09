import { START_APPROVAL, startApprovalStates, SWAP_APPROVAL_MODE } from './approval';
import { UNDONE } from '../../contract';
import type { ChoiceRule, Retrier, StateMachine, TaskState } from './asl';
import {
  catchTo,
  changeTask,
  containsStates,
  ecs,
  elb,
  failSaying,
  fmtReject,
  inlineMap,
  noteError,
  type OnError,
  outcome,
  retry,
  undoCatch,
  undoFailed,
  undoRetry,
  undoRetryExcept,
} from './basics';
import {
  allTargetsHealthy,
  healthSummary,
  failedTaskQuotes,
  stoppedTaskFailuresStates,
  targetHealthStates,
  targetQuotesStates,
  tooManyTaskFailures,
} from './health';
import { identityRejects, INPUT_CHECK, inputCheckStates, serviceLookupStates, wrongIdentityRules } from './identity';
import {
  leasedMachine,
  leaseStates,
  recordStates,
  restoreRecordTask,
  unfinishedChoiceRules,
  unfinishedRejects,
  TAKE_LEASE,
} from './lease';
import { describeRuleTask, forwardRuleTask, forwards, releaseDeploymentRulesStates, restoreRuleTask } from './rules';
import { lifecycleHookStates } from './hooks';
import { describeTaskSetTask, removeTaskSetStates } from './task-sets';
import { deleteTargetGroupTask } from './target-groups';

/** A task set beside the live one blocks a deployment (ListBlockingTaskSets says which and why). */
const ONE_DEPLOYMENT_AT_A_TIME: ChoiceRule = {
  Variable: '$.current.services[0].TaskSets[1]',
  IsPresent: true,
  Next: 'ListBlockingTaskSets',
};
/** Seconds between deploy-green's health polls. */
const HEALTH_POLL_SECONDS = 10;
/** The green task set as the poll's DescribeTaskSets found it. */
const GREEN_TASK_SET = '$.greenEcs.taskSets[0]';

/** Whose a created resource is: sweeps and IAM conditions select by these, never by name. */
/** What deploy-green's lifecycle hooks are told (contract/lifecycle-hooks.ts HookEvent): green, and the test URL. */
const greenHookEvent = {
  machine: 'deploy-green',
  'cluster.$': '$.cluster',
  'service.$': '$.service',
  green: {
    'taskSetArn.$': '$.greenTaskSet.arn',
    'targetGroupArn.$': '$.greenTargetGroup.arn',
    'taskDefinition.$': '$.greenTaskDefinition.arn',
  },
  testUrl: '${TestUrl}',
};

const OWNER_TAGS = [
  { Key: 'bluegreen:stack', Value: '${StackName}' },
  { Key: 'bluegreen:service', Value: '${ServiceName}' },
];
/** UpdateService: the service's desired count becomes the number at `countPath` (a path or intrinsic). */
const setDesiredCountTask = (
  countPath: string,
  next: string,
  onError: OnError,
  retrier?: readonly Retrier[],
): TaskState =>
  changeTask(
    ecs('updateService'),
    { 'Cluster.$': '$.cluster', 'Service.$': '$.service', 'DesiredCount.$': countPath },
    next,
    onError,
    { retrier },
  );

/** deploy-green: a green task set beside blue, healthy, behind the test listener; undone if any step fails. */
const definition: StateMachine = leasedMachine(
  'deploy-green: start a green task set beside blue behind its own target group, wait until it is healthy, then point the test listener at it. Undoes everything it made when a later step fails.',
  {
    ...inputCheckStates('deploy-green', 'ValidateInput'),
    ValidateInput: {
      Type: 'Choice',
      Comment: 'The input is well-formed (validate-input); it must also name the service this state machine deploys.',
      Choices: wrongIdentityRules(),
      Default: 'NameDeployment',
    },
    ...identityRejects('deploy-green'),

    NameDeployment: {
      Type: 'Pass',
      Comment:
        'A short random id makes the target group name unique per deployment (ELBv2 names are at most 32 characters), even when the same commit is deployed twice. The client token makes CreateTaskSet safe to retry.',
      Parameters: {
        'id.$': "States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0)",
        'clientToken.$': 'States.UUID()',
        'execution.$': '$$.Execution.Name',
      },
      ResultPath: '$.deployment',
      Next: TAKE_LEASE,
    },
    ...leaseStates('deploy-green', 'deploying green', 'DescribeService'),
    // One Choice (CheckService) makes every check of what DescribeService and the lease found: the controller; then
    // the deployment record, which says what is in flight, so the refusal can name the one command that moves on (an
    // interrupted deploy-green, phase deploying, may go on only if it left no task set and no open test listener
    // behind: this run holds the lease, so that run is over); then one deployment at a time.
    ...serviceLookupStates(
      'deploy-green',
      [
        {
          Not: { Variable: '$.current.services[0].DeploymentController.Type', StringEquals: 'EXTERNAL' },
          Next: 'RejectWrongController',
        },
        ...unfinishedChoiceRules(),
        { Variable: '$.lease.record.phase', StringEquals: 'swapped', Next: 'RejectPreviousKept' },
        {
          And: [
            { Variable: '$.lease.record.phase', StringEquals: 'deploying' },
            { Variable: '$.current.services[0].TaskSets[0]', IsPresent: true },
          ],
          Next: 'ListTaskSetDeployments',
        },
        ONE_DEPLOYMENT_AT_A_TIME,
      ],
      'DescribeTestRule',
    ),
    ...containsStates({
      collect: {
        name: 'ListTaskSetDeployments',
        key: 'ids',
        comment: 'Task sets carry the execution that made them (ExternalId).',
      },
      check: 'FindInterruptedGreen',
      choose: 'IsInterruptedGreenLeft',
      list: '$.current.services[0].TaskSets[*].ExternalId',
      item: '$.lease.record.green.execution',
      resultPath: '$.interrupted',
      flag: 'left',
      contained: 'RejectInterruptedDeployment',
      notContained: 'CheckOneDeploymentAtATime',
    }),
    ...unfinishedRejects(['swap', 'rollback']),
    RejectPreviousKept: fmtReject(
      'BlueGreen.DeploymentInProgress',
      "States.Format('Service {} still keeps the previous version (task set {}) for rollback after a swap. Run clean-up to keep the new version (or rollback to go back), then deploy again. Nothing was changed.', $.service, $.lease.record.previous.taskSetArn)",
      ['clean-up', 'rollback'],
    ),
    RejectInterruptedDeployment: fmtReject(
      'BlueGreen.DeploymentInProgress',
      "States.Format('An earlier deploy-green of service {} ({}) did not finish and left a green task set behind. Run abort to remove it, then deploy again. Nothing was changed.', $.service, $.lease.record.updatedBy)",
      ['abort'],
    ),
    CheckOneDeploymentAtATime: {
      Type: 'Choice',
      Comment: 'An interrupted deploy-green left no task set behind: the one-deployment check of CheckService.',
      Choices: [ONE_DEPLOYMENT_AT_A_TIME],
      Default: 'DescribeTestRule',
    },
    RejectWrongController: fmtReject(
      'BlueGreen.InvalidService',
      "States.Format('ECS service {} does not use the EXTERNAL deployment controller; blue/green task sets need it.', $.service)",
      ['status'],
    ),
    ListBlockingTaskSets: {
      Type: 'Pass',
      Comment:
        'Only the task sets beside the live one block a deployment: an ACTIVE one is a green (its ExternalId is the deploy-green that made it), a DRAINING one is still being removed by an operation that was stopped or is finishing. The PRIMARY one is production and is not listed.',
      Parameters: {
        'greens.$': "$.current.services[0].TaskSets[?(@.Status == 'ACTIVE')].Id",
        'startedBy.$': "$.current.services[0].TaskSets[?(@.Status == 'ACTIVE')].ExternalId",
        'draining.$': "$.current.services[0].TaskSets[?(@.Status == 'DRAINING')].Id",
      },
      ResultPath: '$.blocking',
      Next: 'IsGreenBlocking',
    },
    IsGreenBlocking: {
      Type: 'Choice',
      Choices: [{ Variable: '$.blocking.greens[0]', IsPresent: true, Next: 'RejectDeploymentInProgress' }],
      Default: 'RejectStillDraining',
    },
    RejectDeploymentInProgress: fmtReject(
      'BlueGreen.DeploymentInProgress',
      "States.Format('Service {} already has a green deployment (task set {} started by {}). One deployment at a time: finish it with swap and clean-up, or discard it with abort, then deploy again. Nothing was changed.', $.service, States.JsonToString($.blocking.greens), States.JsonToString($.blocking.startedBy))",
      ['swap', 'abort'],
    ),
    RejectStillDraining: fmtReject(
      'BlueGreen.DeploymentInProgress',
      "States.Format('Service {} still has a task set being removed (DRAINING: {}). Deploy again once ECS has removed it; bluegreen status shows it. Nothing was changed.', $.service, States.JsonToString($.blocking.draining))",
      ['status'],
    ),

    DescribeTestRule: describeRuleTask('${TestRuleArn}', '$.testRule', 'CheckTestRuleIsClosed'),
    CheckTestRuleIsClosed: {
      Type: 'Choice',
      Comment:
        'The test listener forwards only while a green is under test (until clean-up closes it), so a forward here means another deployment is in flight.',
      Choices: [{ ...forwards('$.testRule'), Next: 'RejectTestListenerBusy' }],
      Default: 'RecordDeploying',
    },
    ...recordStates(
      'Deploying',
      { phase: 'deploying', 'green.$': '$.deployment', 'commit.$': '$.commit' },
      'IsServiceScaledToZero',
      'FailBeforeChanges',
    ),
    IsServiceScaledToZero: {
      Type: 'Choice',
      Comment:
        "The template gives the service no DesiredCount, so no stack update ever resends one (CloudFormation creates it with 1, and an update without DesiredCount keeps the current count). The first release, when the service has no task set yet, sets the configured count once; from then on the count belongs to the operator's scaling and the controller never changes it.",
      Choices: [{ Variable: '$.current.services[0].TaskSets[0]', IsPresent: true, Next: 'CreateDeploymentRule' }],
      Default: 'SetServiceDesiredCount',
    },
    SetServiceDesiredCount: setDesiredCountTask(
      "States.StringToJson('${DesiredCount}')",
      'NoteScaledFrom',
      'FailBeforeChanges',
    ),
    NoteScaledFrom: {
      Type: 'Pass',
      Comment: 'The count before the first release, which an undo puts back.',
      InputPath: '$.current.services[0].DesiredCount',
      ResultPath: '$.scaledFrom',
      Next: 'CreateDeploymentRule',
    },
    CreateDeploymentRule: {
      Type: 'Task',
      Resource: elb('createRule'),
      Comment:
        "It matches only requests carrying this deployment id and later forwards them to green, which makes ELBv2 health-check green (it checks only target groups a listener uses). One deployment at a time is the lease; a rule already at this priority is this run's own (an answer lost after the rule was made) or one an interrupted run left.",
      Parameters: {
        ListenerArn: '${TestListenerArn}',
        Priority: 100,
        Conditions: [
          {
            Field: 'http-header',
            HttpHeaderConfig: { HttpHeaderName: 'X-Bluegreen-Deployment', 'Values.$': 'States.Array($.deployment.id)' },
          },
        ],
        Actions: [
          {
            Type: 'fixed-response',
            FixedResponseConfig: {
              StatusCode: '503',
              ContentType: 'text/plain',
              'MessageBody.$': "States.Format('Deployment {} ({}) is starting.', $.deployment.id, $.commit)",
            },
          },
        ],
        Tags: OWNER_TAGS,
      },
      ResultSelector: { 'arn.$': '$.Rules[0].RuleArn' },
      ResultPath: '$.deploymentRule',
      Retry: retry,
      Catch: [
        {
          ErrorEquals: ['ElasticLoadBalancingV2.PriorityInUseException'],
          ResultPath: '$.error',
          Next: 'IsRuleRetried',
        },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'UndoDetachHealthRule' },
      ],
      Next: 'RecheckTestRule',
    },
    IsRuleRetried: {
      Type: 'Choice',
      Choices: [{ Variable: '$.ruleRetry', IsPresent: true, Next: 'NoteForeignRule' }],
      Default: 'CountDeploymentRuleAttempt',
    },
    CountDeploymentRuleAttempt: {
      Type: 'Pass',
      Comment:
        "Under the lease, a rule at this priority is this run's own (CreateRule applied, its answer lost) or one a stopped run left: both are removed (owner tags checked) and the rule made again, once.",
      Parameters: { 'retried.$': '$.error.Error' },
      ResultPath: '$.ruleRetry',
      Next: 'ListDeploymentRules',
    },
    ...releaseDeploymentRulesStates('CreateDeploymentRule', 'UndoDetachHealthRule'),
    NoteForeignRule: noteError(
      'BlueGreen.ForeignRule',
      'The test listener (${TestListenerArn}) has a rule at priority 100 that this controller did not make (it lacks the tags bluegreen:stack=${StackName} and bluegreen:service=${ServiceName}). The controller never touches it: move it to another priority, then deploy again.',
      'UndoDetachHealthRule',
    ),
    RecheckTestRule: describeRuleTask('${TestRuleArn}', '$.testRule', 'IsTestRuleStillClosed', {
      comment:
        'Double-checked: a deployment that finished between our first check and taking the lock has opened the test listener by now.',
      onError: 'UndoDetachHealthRule',
    }),
    IsTestRuleStillClosed: {
      Type: 'Choice',
      Comment:
        "Then where green's task definition comes from: the one the input names, or the template with the image.",
      Choices: [
        { ...forwards('$.testRule'), Next: 'NoteTestListenerTaken' },
        { Variable: '$.taskDefinition', IsPresent: true, Next: 'DescribeGivenTaskDefinition' },
      ],
      Default: 'DescribeTemplateTaskDefinition',
    },
    NoteTestListenerTaken: noteError(
      'BlueGreen.DeploymentInProgress',
      {
        format:
          "States.Format('Another deployment of service {} opened the test listener while this one started ({}). One deployment at a time.', $.service, States.JsonToString($.testRule.actions))",
      },
      'UndoDetachHealthRule',
    ),
    RejectTestListenerBusy: fmtReject(
      'BlueGreen.DeploymentInProgress',
      "States.Format('The test listener of service {} still forwards to a deployment ({}). One deployment at a time: run swap and clean-up, or abort, then deploy again. Nothing was changed.', $.service, States.JsonToString($.testRule.actions))",
      ['swap', 'abort'],
    ),

    DescribeGivenTaskDefinition: {
      Type: 'Task',
      Resource: ecs('describeTaskDefinition'),
      Parameters: { 'TaskDefinition.$': '$.taskDefinition' },
      ResultSelector: { 'arn.$': '$.TaskDefinition.TaskDefinitionArn', 'family.$': '$.TaskDefinition.Family' },
      ResultPath: '$.greenTaskDefinition',
      Retry: retry,
      Catch: catchTo('NoteUnknownTaskDefinition'),
      Next: 'CheckTaskDefinitionFamily',
    },
    NoteUnknownTaskDefinition: noteError(
      'BlueGreen.InvalidInput',
      {
        format:
          "States.Format('Input field taskDefinition is {} but ECS cannot describe it ({}). Give a registered task definition of family ${TaskDefinitionFamily}, or give image instead.', $.taskDefinition, $.error.Cause)",
      },
      'UndoDetachHealthRule',
    ),
    CheckTaskDefinitionFamily: {
      Type: 'Choice',
      Choices: [
        {
          Not: { Variable: '$.greenTaskDefinition.family', StringEquals: '${TaskDefinitionFamily}' },
          Next: 'RejectWrongFamily',
        },
      ],
      Default: 'CreateGreenTargetGroup',
    },
    RejectWrongFamily: noteError(
      'BlueGreen.InvalidInput',
      {
        format:
          "States.Format('Input field taskDefinition is {} of family {}, but this service runs family ${TaskDefinitionFamily}. Register a revision of ${TaskDefinitionFamily}, or give image instead.', $.taskDefinition, $.greenTaskDefinition.family)",
      },
      'UndoDetachHealthRule',
    ),
    DescribeTemplateTaskDefinition: {
      Type: 'Task',
      Resource: ecs('describeTaskDefinition'),
      Comment: 'The latest revision of the family is the template; only the app container image changes.',
      Parameters: { TaskDefinition: '${TaskDefinitionFamily}' },
      ResultSelector: {
        'containers.$': '$.TaskDefinition.ContainerDefinitions',
        'cpu.$': '$.TaskDefinition.Cpu',
        'memory.$': '$.TaskDefinition.Memory',
      },
      ResultPath: '$.template',
      Retry: retry,
      Catch: catchTo('UndoDetachHealthRule'),
      Next: 'SetAppImage',
    },
    SetAppImage: inlineMap({
      itemsPath: '$.template.containers',
      itemSelector: { 'container.$': '$$.Map.Item.Value', override: { 'Image.$': '$.image' } },
      startAt: 'IsAppContainer',
      states: {
        IsAppContainer: {
          Type: 'Choice',
          Choices: [{ Variable: '$.container.Name', StringEquals: '${ContainerName}', Next: 'ReplaceImage' }],
          Default: 'KeepContainer',
        },
        ReplaceImage: {
          Type: 'Pass',
          Parameters: { 'container.$': 'States.JsonMerge($.container, $.override, false)' },
          OutputPath: '$.container',
          End: true,
        },
        KeepContainer: { Type: 'Pass', OutputPath: '$.container', End: true },
      },
      resultPath: '$.template.containers',
      next: 'RegisterGreenTaskDefinition',
    }),
    RegisterGreenTaskDefinition: {
      Type: 'Task',
      Resource: ecs('registerTaskDefinition'),
      Parameters: {
        Family: '${TaskDefinitionFamily}',
        'ContainerDefinitions.$': '$.template.containers',
        TaskRoleArn: '${TaskRoleArn}',
        Tags: OWNER_TAGS,
        ExecutionRoleArn: '${ExecutionRoleArn}',
        NetworkMode: 'awsvpc',
        RequiresCompatibilities: ['FARGATE'],
        'Cpu.$': '$.template.cpu',
        'Memory.$': '$.template.memory',
      },
      ResultSelector: { 'arn.$': '$.TaskDefinition.TaskDefinitionArn', 'family.$': '$.TaskDefinition.Family' },
      ResultPath: '$.greenTaskDefinition',
      Retry: retry,
      Catch: catchTo('UndoDetachHealthRule'),
      Next: 'CreateGreenTargetGroup',
    },

    CreateGreenTargetGroup: {
      Type: 'Task',
      Resource: elb('createTargetGroup'),
      Parameters: {
        'Name.$': "States.Format('${TargetGroupNamePrefix}-{}', $.deployment.id)",
        Protocol: 'HTTP',
        'Port.$': "States.StringToJson('${ContainerPort}')",
        VpcId: '${VpcId}',
        TargetType: 'ip',
        HealthCheckPath: '${HealthCheckPath}',
        'HealthCheckIntervalSeconds.$': "States.StringToJson('${HealthCheckIntervalSeconds}')",
        'HealthCheckTimeoutSeconds.$': "States.StringToJson('${HealthCheckTimeoutSeconds}')",
        'HealthyThresholdCount.$': "States.StringToJson('${HealthyThresholdCount}')",
        'UnhealthyThresholdCount.$': "States.StringToJson('${UnhealthyThresholdCount}')",
        Matcher: { HttpCode: '200' },
        Tags: [
          ...OWNER_TAGS,
          { Key: 'bluegreen:commit', 'Value.$': '$.commit' },
          { Key: 'bluegreen:deployment', 'Value.$': '$.deployment.execution' },
        ],
      },
      ResultSelector: { 'arn.$': '$.TargetGroups[0].TargetGroupArn', 'name.$': '$.TargetGroups[0].TargetGroupName' },
      ResultPath: '$.greenTargetGroup',
      Retry: retry,
      Catch: catchTo('UndoDetachHealthRule'),
      Next: 'SetGreenDeregistrationDelay',
    },
    SetGreenDeregistrationDelay: changeTask(
      elb('modifyTargetGroupAttributes'),
      {
        'TargetGroupArn.$': '$.greenTargetGroup.arn',
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '${DeregistrationDelaySeconds}' }],
      },
      'AttachGreenForHealthChecks',
      'UndoDetachHealthRule',
      { comment: 'Clean-up waits for this delay before it deletes the old target group, so keep it short.' },
    ),
    AttachGreenForHealthChecks: forwardRuleTask(
      { path: '$.deploymentRule.arn' },
      '$.greenTargetGroup.arn',
      'CreateGreenTaskSet',
      'UndoDetachHealthRule',
      {
        comment:
          'The deployment rule now forwards its header to green: ELBv2 starts health-checking green, and testers can reach it with the header before the test listener opens.',
      },
    ),
    CreateGreenTaskSet: {
      Type: 'Task',
      Resource: ecs('createTaskSet'),
      Parameters: {
        'Cluster.$': '$.cluster',
        'Service.$': '$.service',
        'TaskDefinition.$': '$.greenTaskDefinition.arn',
        'ExternalId.$': '$.deployment.execution',
        'ClientToken.$': '$.deployment.clientToken',
        LaunchType: 'FARGATE',
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            'Subnets.$': "States.StringSplit('${SubnetIds}', ',')",
            'SecurityGroups.$': "States.Array('${ServiceSecurityGroupId}')",
            AssignPublicIp: 'DISABLED',
          },
        },
        LoadBalancers: [
          {
            'TargetGroupArn.$': '$.greenTargetGroup.arn',
            ContainerName: '${ContainerName}',
            'ContainerPort.$': "States.StringToJson('${ContainerPort}')",
          },
        ],
        Scale: { Unit: 'PERCENT', 'Value.$': '$.testScalePercent' },
        Tags: OWNER_TAGS,
      },
      ResultSelector: { 'arn.$': '$.TaskSet.TaskSetArn', 'id.$': '$.TaskSet.Id' },
      ResultPath: '$.greenTaskSet',
      Retry: retry,
      Catch: catchTo('UndoDetachHealthRule'),
      Next: 'StartHealthWait',
    },
    StartHealthWait: {
      Type: 'Pass',
      Comment:
        'The health poll counters: seconds waited, and how many polls in a row found a green target answering its health check with the wrong status code.',
      Result: { elapsedSeconds: 0, unhealthyPolls: 0 },
      ResultPath: '$.poll',
      Next: 'WaitForGreen',
    },
    WaitForGreen: { Type: 'Wait', Seconds: HEALTH_POLL_SECONDS, Next: 'DescribeGreenTaskSet' },
    CountHealthWait: {
      Type: 'Pass',
      Parameters: {
        'elapsedSeconds.$': `States.MathAdd($.poll.elapsedSeconds, ${HEALTH_POLL_SECONDS})`,
        'unhealthyPolls.$': '$.poll.unhealthyPolls',
      },
      ResultPath: '$.poll',
      Next: 'WaitForGreen',
    },
    DescribeGreenTaskSet: describeTaskSetTask('$.greenTaskSet.arn', '$.greenEcs', 'DescribeGreenTargetHealth', {
      onError: catchTo('UndoDetachHealthRule'),
    }),
    ...targetHealthStates({
      describe: 'DescribeGreenTargetHealth',
      check: 'CheckGreenTaskSetExists',
      summarize: 'SummarizeGreenHealth',
      tgPath: '$.greenTargetGroup.arn',
      resultPath: '$.health',
      summary: (statesPath, targetsPath) => ({
        ...healthSummary(statesPath),
        // Text, for a pattern match: a wildcard path over the targets' reasons would select nothing when none has one.
        'targetsText.$': `States.JsonToString(${targetsPath})`,
      }),
      keepTargets: true,
      guard: [{ Not: { Variable: `${GREEN_TASK_SET}`, IsPresent: true }, Next: 'NoteGreenTaskSetVanished' }],
      next: 'IsGreenHealthy',
      onError: 'UndoDetachHealthRule',
    }),
    NoteGreenTaskSetVanished: noteError(
      'BlueGreen.GreenTaskSetMissing',
      'The green task set disappeared while deploy-green waited for it to become healthy.',
      'UndoDetachHealthRule',
    ),
    IsGreenHealthy: {
      Type: 'Choice',
      Comment:
        'Healthy means all of: the task set is STEADY_STATE, every desired task runs, one target per task is registered, and every target state is healthy (a single distinct state, and it is healthy). Otherwise, before the stopped tasks are read, the poll is counted as one in which a target answered its health check with the wrong status code, or the count starts again: only that counts, as the app is up and says it is not healthy. A timeout or a refused connection is also what a slow start looks like, so those wait for the health timeout (or for ECS to stop the task, which counts as a failed task).',
      Choices: [
        {
          And: [
            { Variable: `${GREEN_TASK_SET}.StabilityStatus`, StringEquals: 'STEADY_STATE' },
            { Variable: `${GREEN_TASK_SET}.ComputedDesiredCount`, NumericGreaterThan: 0 },
            { Variable: `${GREEN_TASK_SET}.RunningCount`, NumericEqualsPath: `${GREEN_TASK_SET}.ComputedDesiredCount` },
            { Variable: '$.health.registered', NumericEqualsPath: `${GREEN_TASK_SET}.ComputedDesiredCount` },
            ...allTargetsHealthy('$.health'),
          ],
          Next: 'RunPostScaleUpHooks',
        },
        {
          Variable: '$.poll.elapsedSeconds',
          NumericGreaterThanEqualsPath: '$.healthTimeoutSeconds',
          Next: 'NoteGreenNotHealthy',
        },
        {
          Variable: '$.health.targetsText',
          StringMatches: '*Target.ResponseCodeMismatch*',
          Next: 'CountUnhealthyPoll',
        },
      ],
      Default: 'ResetUnhealthyPolls',
    },
    CountUnhealthyPoll: {
      Type: 'Pass',
      Parameters: {
        'elapsedSeconds.$': '$.poll.elapsedSeconds',
        'unhealthyPolls.$': 'States.MathAdd($.poll.unhealthyPolls, 1)',
      },
      ResultPath: '$.poll',
      Next: 'ListGreenStoppedTasks',
    },
    ResetUnhealthyPolls: {
      Type: 'Pass',
      Parameters: { 'elapsedSeconds.$': '$.poll.elapsedSeconds', unhealthyPolls: 0 },
      ResultPath: '$.poll',
      Next: 'ListGreenStoppedTasks',
    },
    ...stoppedTaskFailuresStates({
      base: 'Green',
      clusterPath: '$.cluster',
      taskSetIdPath: '$.greenTaskSet.id',
      resultPath: '$.stopped',
      next: 'IsGreenFailing',
      onError: 'UndoDetachHealthRule',
    }),
    IsGreenFailing: {
      Type: 'Choice',
      Comment:
        "Fail fast, as ECS's deployment circuit breaker does: enough of green's tasks failed (stopped on their own, or stopped by ECS for failing their load balancer health checks), or a green target answered its health check with the wrong status code in enough polls in a row. Fewer (a task replaced early, a target still warming up) keeps waiting.",
      Choices: [
        { ...tooManyTaskFailures('$.stopped', '$.failFastThreshold'), Next: 'NoteFailingByTasks' },
        {
          Variable: '$.poll.unhealthyPolls',
          NumericGreaterThanEqualsPath: '$.failFastThreshold',
          Next: 'NoteFailingByTargets',
        },
      ],
      Default: 'CountHealthWait',
    },
    NoteFailingByTasks: {
      Type: 'Pass',
      Parameters: { by: 'tasks', 'tasks.$': failedTaskQuotes('$.stopped') },
      ResultPath: '$.failingBy',
      Next: 'QuoteGreenTargets',
    },
    NoteFailingByTargets: {
      Type: 'Pass',
      Parameters: { by: 'targets' },
      ResultPath: '$.failingBy',
      Next: 'QuoteGreenTargets',
    },
    ...targetQuotesStates({
      name: 'QuoteGreenTargets',
      targetsPath: '$.health.targets',
      resultPath: '$.failingBy.targets',
      next: 'AnyGreenTargetQuoted',
    }),
    AnyGreenTargetQuoted: {
      Type: 'Choice',
      Comment: 'At most 5 tasks and 5 targets are quoted, so the cause stays readable.',
      Choices: [{ Variable: '$.failingBy.targets[0]', IsPresent: true, Next: 'KeepFirstGreenTargetQuotes' }],
      Default: 'WhichGreenFailure',
    },
    KeepFirstGreenTargetQuotes: {
      Type: 'Pass',
      Parameters: { 'quotes.$': 'States.ArrayGetItem(States.ArrayPartition($.failingBy.targets, 5), 0)' },
      ResultPath: '$.failingBy.first',
      Next: 'UseFirstGreenTargetQuotes',
    },
    UseFirstGreenTargetQuotes: {
      Type: 'Pass',
      InputPath: '$.failingBy.first.quotes',
      ResultPath: '$.failingBy.targets',
      Next: 'WhichGreenFailure',
    },
    WhichGreenFailure: {
      Type: 'Choice',
      Choices: [{ Variable: '$.failingBy.by', StringEquals: 'tasks', Next: 'NoteGreenTasksFailing' }],
      Default: 'NoteGreenTargetsFailing',
    },
    NoteGreenTasksFailing: noteError(
      'BlueGreen.GreenTasksFailing',
      {
        format:
          "States.Format('Green keeps failing: {} of its tasks failed (the limit is {}), so deploy-green stopped waiting after {} of its {} seconds. ECS says: {}. Target health: {}. Fix the image or the task definition (their logs say more), then deploy again.', States.ArrayLength($.failingBy.tasks), $.failFastThreshold, States.MathAdd($.poll.elapsedSeconds, 10), $.healthTimeoutSeconds, States.JsonToString(States.ArrayGetItem(States.ArrayPartition($.failingBy.tasks, 5), 0)), States.JsonToString($.failingBy.targets))",
      },
      'UndoDetachHealthRule',
    ),
    NoteGreenTargetsFailing: noteError(
      'BlueGreen.GreenTasksFailing',
      {
        format:
          "States.Format('Green keeps failing health checks: a green target answered its health check with the wrong status code in {} polls in a row (the limit is {}), so deploy-green stopped waiting after {} of its {} seconds; {} of {} tasks running. ELBv2 says: {}. Fix the app or its health check (${HealthCheckPath}), then deploy again.', $.poll.unhealthyPolls, $.failFastThreshold, States.MathAdd($.poll.elapsedSeconds, 10), $.healthTimeoutSeconds, $.greenEcs.taskSets[0].RunningCount, $.greenEcs.taskSets[0].ComputedDesiredCount, States.JsonToString($.failingBy.targets))",
      },
      'UndoDetachHealthRule',
    ),
    NoteGreenNotHealthy: noteError(
      'BlueGreen.GreenNotHealthy',
      {
        format:
          "States.Format('Green did not become healthy within {} seconds: task set {}, {} of {} tasks running, target states {}.', $.healthTimeoutSeconds, $.greenEcs.taskSets[0].StabilityStatus, $.greenEcs.taskSets[0].RunningCount, $.greenEcs.taskSets[0].ComputedDesiredCount, States.JsonToString($.health.states))",
      },
      'UndoDetachHealthRule',
    ),

    ...lifecycleHookStates({
      name: 'PostScaleUp',
      stage: 'POST_SCALE_UP',
      event: greenHookEvent,
      next: 'PointTestListenerAtGreen',
      onFailure: 'UndoDetachHealthRule',
    }),
    PointTestListenerAtGreen: forwardRuleTask(
      '${TestRuleArn}',
      '$.greenTargetGroup.arn',
      'RunPostTestTrafficShiftHooks',
      'UndoRestoreTestListener',
    ),
    ...lifecycleHookStates({
      name: 'PostTestTrafficShift',
      stage: 'POST_TEST_TRAFFIC_SHIFT',
      event: greenHookEvent,
      next: 'DetachGreenHealthRule',
      onFailure: 'UndoRestoreTestListener',
    }),
    DetachGreenHealthRule: changeTask(
      elb('deleteRule'),
      { 'RuleArn.$': '$.deploymentRule.arn' },
      'CarryRecordedLive',
      'UndoRestoreTestListener',
      { comment: 'The test rule now keeps green in use, so the header rule is no longer needed.' },
    ),
    CarryRecordedLive: {
      Type: 'Pass',
      Comment:
        'The version the record says production serves, kept in the testing record (swap checks production still forwards to it before anything moves); {found: false} when the record names none (a first release).',
      Parameters: {
        'merged.$': 'States.JsonMerge(States.StringToJson(\'{"live":{"found":false}}\'), $.lease.record, false)',
      },
      ResultPath: '$.recorded',
      Next: 'RecordTesting',
    },
    ...recordStates(
      'Testing',
      {
        phase: 'testing',
        'live.$': '$.recorded.merged.live',
        green: {
          found: true,
          'taskSetArn.$': '$.greenTaskSet.arn',
          'taskSetId.$': '$.greenTaskSet.id',
          'targetGroupArn.$': '$.greenTargetGroup.arn',
          'taskDefinitionArn.$': '$.greenTaskDefinition.arn',
          'commit.$': '$.commit',
          'testScalePercent.$': '$.testScalePercent',
        },
      },
      START_APPROVAL,
      'UndoRestoreTestListener',
      { result: SWAP_APPROVAL_MODE },
    ),
    ...startApprovalStates({ next: 'Ready' }),
    Ready: outcome(
      ['swap', 'abort'],
      {
        'commit.$': '$.commit',
        green: {
          'taskSetArn.$': '$.greenTaskSet.arn',
          'targetGroupArn.$': '$.greenTargetGroup.arn',
          'taskDefinitionArn.$': '$.greenTaskDefinition.arn',
          'testScalePercent.$': '$.testScalePercent',
        },
        testUrl: '${TestUrl}',
        'swapApproval.$': '$.swapApproval',
        'message.$':
          "States.Format('Green ({}) is healthy and serves the test listener at ${TestUrl}. Next: swap, or abort.', $.commit)",
      },
      'The output names what swap and abort will act on; they read the same facts from AWS again and do not depend on it.',
    ),

    UndoRestoreTestListener: restoreRuleTask(
      '${TestRuleArn}',
      '$.testRule.actions',
      'UndoDetachHealthRule',
      'Put the test rule back exactly as it was before this deployment.',
    ),
    UndoDetachHealthRule: {
      Type: 'Choice',
      Comment: 'Undo steps run only for what exists: each is guarded by what the forward path recorded.',
      Choices: [{ Variable: '$.deploymentRule.arn', IsPresent: true, Next: 'UndoDeleteHealthRule' }],
      Default: 'UndoHasGreenTaskSet',
    },
    UndoDeleteHealthRule: {
      Type: 'Task',
      Resource: elb('deleteRule'),
      Parameters: { 'RuleArn.$': '$.deploymentRule.arn' },
      ResultPath: null,
      Retry: undoRetryExcept('ElasticLoadBalancingV2.RuleNotFoundException'),
      Catch: undoCatch({ error: 'ElasticLoadBalancingV2.RuleNotFoundException', next: 'UndoHasGreenTaskSet' }),
      Next: 'UndoHasGreenTaskSet',
    },
    UndoHasGreenTaskSet: {
      Type: 'Choice',
      Choices: [{ Variable: '$.greenTaskSet.arn', IsPresent: true, Next: 'UndoDeleteGreenTaskSet' }],
      Default: 'UndoHasGreenTargetGroup',
    },
    UndoHasGreenTargetGroup: {
      Type: 'Choice',
      Choices: [{ Variable: '$.greenTargetGroup.arn', IsPresent: true, Next: 'UndoDeleteGreenTargetGroup' }],
      Default: 'UndoScaleBackToZero',
    },
    ...removeTaskSetStates({
      names: {
        delete: 'UndoDeleteGreenTaskSet',
        start: 'UndoStartGreenDrainWait',
        wait: 'UndoWaitForGreenGone',
        describe: 'UndoDescribeGreenTaskSet',
        isGone: 'UndoIsGreenGone',
        count: 'UndoCountGreenDrainWait',
      },
      taskSetArnPath: '$.greenTaskSet.arn',
      drainPath: '$.undoDrain',
      seconds: 5,
      timeoutSeconds: 900,
      gone: 'UndoHasGreenTargetGroup',
      timedOut: 'NoteGreenDrainTimeout',
      notFound: 'UndoHasGreenTargetGroup',
      deleteRetry: undoRetryExcept('Ecs.TaskSetNotFoundException'),
      onError: undoCatch(),
      describeComment:
        'The undo ends only once ECS has removed the green task set, so nothing it made is left behind (not even a DRAINING task set that the next deploy-green would count as in flight).',
    }),
    NoteGreenDrainTimeout: noteError(
      'BlueGreen.DrainTimeout',
      'The green task set was still draining 15 minutes after it was deleted.',
      'FailUndo',
      '$.undoError',
    ),
    UndoDeleteGreenTargetGroup: deleteTargetGroupTask({
      tgPath: '$.greenTargetGroup.arn',
      next: 'UndoScaleBackToZero',
      onError: 'FailUndo',
      comment:
        'Retried while ELBv2 still reports the group in use (the test rule change or task deregistration settling).',
    }),
    UndoScaleBackToZero: {
      Type: 'Choice',
      Comment:
        'A first deployment set the configured count; a failed one puts the count it found back, so the service is as it was found.',
      Choices: [{ Variable: '$.scaledFrom', IsPresent: true, Next: 'UndoRestoreDesiredCount' }],
      Default: 'RestoreRecord',
    },
    UndoRestoreDesiredCount: setDesiredCountTask('$.scaledFrom', 'RestoreRecord', undoCatch(), undoRetry),
    RestoreRecord: restoreRecordTask('FailUndone', 'FailUndone', '$.recordError'),
    FailUndone: failSaying(
      'Undone: everything this deployment made (its deployment rule, and the green task set and target group if they existed) was removed, and the test listener is as it was before; production was never touched.',
      UNDONE.everything,
      ['deploy-green'],
    ),
    FailUndo: undoFailed(
      'Deployment failed ({}: {}) and undoing it failed too ({}: {}). Production was never touched. Run the abort state machine to remove the green task set and target group.',
      ['abort'],
    ),
  },
  INPUT_CHECK,
);
export default definition;
