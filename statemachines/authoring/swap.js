const c = require('./common');
const forwardTo = (tgPath) => [
  { Type: 'forward', ForwardConfig: { TargetGroups: [{ 'TargetGroupArn.$': tgPath, Weight: 1 }] } },
];
const def = {
  Comment:
    'swap: point the production listener at green, then make green the primary task set. Blue keeps running until clean-up, so rollback stays instant. Undoes the listener change if making green primary fails.',
  StartAt: 'ValidateInput',
  States: {
    ...c.serviceIdentityStates('swap', 'GreenLocate'),
    ...c.locateTaskSetStates('Green', '$.testRule', '$.green', 'BlueLocate'),
    ...c.locateTaskSetStates('Blue', '$.prodRule', '$.blue', 'CheckSwapPreconditions'),
    CheckSwapPreconditions: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.green.found', BooleanEquals: false, Next: 'RejectNoGreen' },
        { Variable: '$.blue.found', BooleanEquals: false, Next: 'DescribeGreenTargetHealth' },
        { Variable: '$.blue.taskSetArn', StringEqualsPath: '$.green.taskSetArn', Next: 'EnsureGreenPrimary' },
      ],
      Default: 'DescribeGreenTargetHealth',
    },
    RejectNoGreen: c.fmtReject(
      'BlueGreen.NothingToSwap',
      "States.Format('Service {} has no green deployment under test (the test listener forwards to {}). Run deploy-green first. Nothing was changed.', $.service, States.JsonToString($.testRule.actions))",
      'FailBeforeChangesWithCause',
    ),
    ...c.targetStatesStates({
      describe: 'DescribeGreenTargetHealth',
      tgPath: '$.green.targetGroupArn',
      resultPath: '$.greenHealth',
      next: 'SummarizeGreenHealth',
      onError: 'FailBeforeChanges',
    }),
    SummarizeGreenHealth: {
      Type: 'Pass',
      Parameters: {
        'registered.$': 'States.ArrayLength($.greenHealth.states)',
        'distinctStates.$': 'States.ArrayLength(States.ArrayUnique($.greenHealth.states))',
        'anyHealthy.$': "States.ArrayContains($.greenHealth.states, 'healthy')",
        'states.$': '$.greenHealth.states',
      },
      ResultPath: '$.greenHealth',
      Next: 'IsGreenHealthy',
    },
    IsGreenHealthy: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.greenHealth.registered', NumericGreaterThan: 0 },
            { Variable: '$.greenHealth.distinctStates', NumericEquals: 1 },
            { Variable: '$.greenHealth.anyHealthy', BooleanEquals: true },
          ],
          Next: 'PointProductionAtGreen',
        },
      ],
      Default: 'RejectGreenUnhealthy',
    },
    RejectGreenUnhealthy: c.fmtReject(
      'BlueGreen.GreenNotHealthy',
      "States.Format('Swap refused: green target group {} is not fully healthy (target states {}). Production still serves blue; nothing was changed. Fix green or run abort.', $.green.targetGroupArn, States.JsonToString($.greenHealth.states))",
      'FailBeforeChangesWithCause',
    ),
    PointProductionAtGreen: {
      Type: 'Task',
      Resource: c.elb('modifyRule'),
      Parameters: { RuleArn: '${ProdRuleArn}', Actions: forwardTo('$.green.targetGroupArn') },
      ResultPath: null,
      Retry: c.retry,
      Catch: c.catchTo('UndoRestoreProduction'),
      Next: 'MakeGreenPrimary',
    },
    MakeGreenPrimary: {
      Type: 'Task',
      Resource: c.ecs('updateServicePrimaryTaskSet'),
      Parameters: { 'Cluster.$': '$.cluster', 'Service.$': '$.service', 'PrimaryTaskSet.$': '$.green.taskSetArn' },
      ResultPath: null,
      Retry: c.retry,
      Catch: c.catchTo('UndoRestoreProduction'),
      Next: 'Swapped',
    },
    EnsureGreenPrimary: {
      Type: 'Task',
      Resource: c.ecs('updateServicePrimaryTaskSet'),
      Comment: 'Production already forwards to green (a re-run after a swap): only make sure green is primary.',
      Parameters: { 'Cluster.$': '$.cluster', 'Service.$': '$.service', 'PrimaryTaskSet.$': '$.green.taskSetArn' },
      ResultPath: null,
      Retry: c.retry,
      Catch: c.catchTo('FailBeforeChanges'),
      Next: 'AlreadySwapped',
    },
    AlreadySwapped: {
      Type: 'Pass',
      Parameters: {
        'cluster.$': '$.cluster',
        'service.$': '$.service',
        changed: false,
        'primaryTaskSetArn.$': '$.green.taskSetArn',
        'message.$':
          "States.Format('Production already serves task set {}; nothing to swap. Next: clean-up, or rollback.', $.green.taskSetId)",
      },
      End: true,
    },
    Swapped: {
      Type: 'Pass',
      Parameters: {
        'cluster.$': '$.cluster',
        'service.$': '$.service',
        changed: true,
        'primaryTaskSetArn.$': '$.green.taskSetArn',
        'previousProductionActions.$': '$.prodRule.actions',
        'message.$':
          "States.Format('Production now serves task set {} at ${ProdUrl}. Blue keeps running until clean-up. Next: clean-up, or rollback.', $.green.taskSetId)",
      },
      End: true,
    },
    UndoRestoreProduction: {
      Type: 'Task',
      Resource: c.elb('modifyRule'),
      Comment: 'Put production back exactly as it was (blue, or the fixed response before the first release).',
      Parameters: { RuleArn: '${ProdRuleArn}', 'Actions.$': '$.prodRule.actions' },
      ResultPath: null,
      Retry: c.undoRetry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.undoError', Next: 'FailUndo' }],
      Next: 'FailUndone',
    },
    FailUndone: {
      Type: 'Pass',
      Parameters: {
        'Error.$': '$.error.Error',
        'Cause.$':
          "States.Format('{} Undone: production was put back on its previous target and the primary task set was left unchanged.', $.error.Cause)",
      },
      ResultPath: '$.failure',
      Next: 'FailSwap',
    },
    FailUndo: {
      Type: 'Pass',
      Parameters: {
        Error: 'BlueGreen.UndoFailed',
        'Cause.$':
          "States.Format('Swap failed ({}: {}) and restoring production failed too ({}: {}). Run rollback now.', $.error.Error, $.error.Cause, $.undoError.Error, $.undoError.Cause)",
      },
      ResultPath: '$.failure',
      Next: 'FailSwap',
    },
    FailSwap: c.fail('See the cause for what was undone.'),
  },
};
module.exports = def;
