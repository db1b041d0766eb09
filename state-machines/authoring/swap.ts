import type { StateMachine } from './asl';
import { catchTo, elb, fail, fmtReject, retry, undoRetry } from './basics';
import {
  fixedResponseRuleTask,
  forwardTo,
  fullyHealthyGateStates,
  keepPreviousInUse,
  locateTaskSetStates,
  makePrimaryTask,
  resetPreviousRule,
  serviceIdentityStates,
} from './common';
import { recordDriftReject, recordStates, unfinishedRejects, withLeaseRelease } from './lease';
const def: StateMachine = {
  Comment:
    'swap: keep blue health-checked, point the production listener at green, make green the primary task set, then watch green under production traffic for the bake time. Blue keeps running until clean-up, so rollback stays instant. Undoes everything if a step fails or green turns unhealthy during the bake.',
  StartAt: 'ValidateInput',
  States: {
    ...serviceIdentityStates('swap', 'ChooseBakeTime', 'moving production to green and baking it'),
    ChooseBakeTime: {
      Type: 'Choice',
      Comment: 'bakeSeconds (optional): how long to watch green under production traffic before the swap counts.',
      Choices: [
        { Not: { Variable: '$.bakeSeconds', IsPresent: true }, Next: 'UseDefaultBakeTime' },
        { Not: { Variable: '$.bakeSeconds', IsNumeric: true }, Next: 'RejectBakeSeconds' },
        { Variable: '$.bakeSeconds', NumericLessThan: 0, Next: 'RejectBakeSeconds' },
        { Variable: '$.bakeSeconds', NumericGreaterThan: 3600, Next: 'RejectBakeSeconds' },
      ],
      Default: 'UseGivenBakeTime',
    },
    RejectBakeSeconds: fmtReject(
      'BlueGreen.InvalidInput',
      'States.Format(\'Input field bakeSeconds is {} but must be a number of seconds from 0 to 3600 (how long swap watches green under production traffic), e.g. "bakeSeconds": ${BakeSeconds}. Leave it out for the default of ${BakeSeconds}.\', States.JsonToString($.bakeSeconds))',
      'FailInvalidInput',
    ),
    UseGivenBakeTime: {
      Type: 'Pass',
      Parameters: { 'bakeSeconds.$': '$.bakeSeconds' },
      ResultPath: '$.limits',
      Next: 'GreenLocate',
    },
    UseDefaultBakeTime: {
      Type: 'Pass',
      Parameters: { 'bakeSeconds.$': "States.StringToJson('${BakeSeconds}')" },
      ResultPath: '$.limits',
      Next: 'GreenLocate',
    },
    ...locateTaskSetStates('Green', '$.testRule', '$.green', 'BlueLocate'),
    ...locateTaskSetStates('Blue', '$.prodRule', '$.blue', 'CheckSwapRecord'),
    CheckSwapRecord: {
      Type: 'Choice',
      Comment:
        'The deployment record says whether a swap was interrupted (Stop, or a failed undo): then this run finishes it, baking again, instead of reading production (already on green) as a completed swap.',
      Choices: [
        { Variable: '$.lease.record.phase', StringEquals: 'rolling-back', Next: 'RejectUnfinishedRollback' },
        {
          Or: [
            { Variable: '$.lease.record.phase', StringEquals: 'swapping' },
            { Variable: '$.lease.record.phase', StringEquals: 'baking' },
          ],
          Next: 'ResumeSwap',
        },
      ],
      Default: 'CheckSwapPreconditions',
    },
    ...unfinishedRejects(['rollback']),
    ResumeSwap: {
      Type: 'Choice',
      Choices: [
        { Not: { Variable: '$.green.found', BooleanEquals: true }, Next: 'RejectRecordDrift' },
        {
          Not: { Variable: '$.green.taskSetArn', StringEqualsPath: '$.lease.record.green.taskSetArn' },
          Next: 'RejectRecordDrift',
        },
        { Variable: '$.lease.record.previous.found', BooleanEquals: true, Next: 'ResumeListTaskSets' },
      ],
      Default: 'ResumeWithoutBlue',
    },
    ResumeListTaskSets: {
      Type: 'Pass',
      Parameters: { 'arns.$': '$.current.services[0].TaskSets[*].TaskSetArn' },
      ResultPath: '$.resume',
      Next: 'ResumeCheckBlue',
    },
    ResumeCheckBlue: {
      Type: 'Pass',
      Parameters: { 'blueExists.$': 'States.ArrayContains($.resume.arns, $.lease.record.previous.taskSetArn)' },
      ResultPath: '$.resume',
      Next: 'IsRecordedBlueThere',
    },
    IsRecordedBlueThere: {
      Type: 'Choice',
      Choices: [{ Variable: '$.resume.blueExists', BooleanEquals: true, Next: 'UseRecordedBlue' }],
      Default: 'RejectRecordDrift',
    },
    UseRecordedBlue: {
      Type: 'Pass',
      Comment: 'Production may already forward to green: the version to keep (and to go back to) is the recorded one.',
      InputPath: '$.lease.record.previous',
      ResultPath: '$.blue',
      Next: 'DescribeGreenTargetHealth',
    },
    ResumeWithoutBlue: {
      Type: 'Pass',
      Result: { found: false },
      ResultPath: '$.blue',
      Next: 'DescribeGreenTargetHealth',
    },
    RejectRecordDrift: recordDriftReject(),
    CheckSwapPreconditions: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.green.found', BooleanEquals: false, Next: 'RejectNoGreen' },
        { Variable: '$.blue.found', BooleanEquals: false, Next: 'DescribeGreenTargetHealth' },
        { Variable: '$.blue.taskSetArn', StringEqualsPath: '$.green.taskSetArn', Next: 'EnsureGreenPrimary' },
      ],
      Default: 'DescribeGreenTargetHealth',
    },
    RejectNoGreen: fmtReject(
      'BlueGreen.NothingToSwap',
      "States.Format('Service {} has no green deployment under test (the test listener forwards to {}). Run deploy-green first. Nothing was changed.', $.service, States.JsonToString($.testRule.actions))",
      'FailBeforeChangesWithCause',
    ),
    ...fullyHealthyGateStates({
      name: 'Green',
      tgPath: '$.green.targetGroupArn',
      resultPath: '$.greenHealth',
      healthy: 'NoteSwapping',
      unhealthy: 'RejectGreenUnhealthy',
      onError: 'FailBeforeChanges',
    }),
    RejectGreenUnhealthy: fmtReject(
      'BlueGreen.GreenNotHealthy',
      "States.Format('Swap refused: green target group {} is not fully healthy (target states {}). Production still serves blue; nothing was changed. Fix green or run abort.', $.green.targetGroupArn, States.JsonToString($.greenHealth.states))",
      'FailBeforeChangesWithCause',
    ),
    ...recordStates(
      'Swapping',
      { phase: 'swapping', 'green.$': '$.green', 'previous.$': '$.blue' },
      'IsThereBlue',
      'FailBeforeChanges',
    ),
    IsThereBlue: {
      Type: 'Choice',
      Comment: 'The first release has no blue to keep.',
      Choices: [{ Variable: '$.blue.found', BooleanEquals: true, Next: 'KeepBlueInUse' }],
      Default: 'PointProductionAtGreen',
    },
    KeepBlueInUse: keepPreviousInUse('$.blue.targetGroupArn', 'PointProductionAtGreen', 'UndoReleasePreviousRule'),
    PointProductionAtGreen: {
      Type: 'Task',
      Resource: elb('modifyRule'),
      Parameters: { RuleArn: '${ProdRuleArn}', Actions: forwardTo('$.green.targetGroupArn') },
      ResultPath: null,
      Retry: retry,
      Catch: catchTo('UndoRestoreProduction'),
      Next: 'MakeGreenPrimary',
    },
    MakeGreenPrimary: makePrimaryTask('$.green.taskSetArn', 'IsThereBlueToReturnTo', {
      catches: catchTo('UndoRestoreProduction'),
    }),
    IsThereBlueToReturnTo: {
      Type: 'Choice',
      Comment: 'The bake can only undo a swap that has a previous version to return to (not the first release).',
      Choices: [{ Variable: '$.blue.found', BooleanEquals: true, Next: 'NoteBaking' }],
      Default: 'NoteSwappedNoBake',
    },
    ...recordStates(
      'Baking',
      { phase: 'baking', 'green.$': '$.green', 'previous.$': '$.blue', 'bakeSeconds.$': '$.limits.bakeSeconds' },
      'StartBake',
      'UndoRestoreProduction',
    ),
    StartBake: {
      Type: 'Pass',
      Parameters: { elapsedSeconds: 0, 'seconds.$': '$.limits.bakeSeconds' },
      ResultPath: '$.bake',
      Next: 'IsBakeOver',
    },
    IsBakeOver: {
      Type: 'Choice',
      Comment:
        'Health checked once is not health: a green that degrades under production traffic is caught here, while blue is still checked and ready.',
      Choices: [
        { Variable: '$.bake.seconds', NumericLessThanEquals: 0, Next: 'NoteSwappedNoBake' },
        {
          Variable: '$.bake.elapsedSeconds',
          NumericGreaterThanEqualsPath: '$.bake.seconds',
          Next: 'NoteSwappedAfterBake',
        },
      ],
      Default: 'WaitBake',
    },
    WaitBake: { Type: 'Wait', Seconds: 10, Next: 'DescribeBakingGreenTargetHealth' },
    ...fullyHealthyGateStates({
      name: 'BakingGreen',
      tgPath: '$.green.targetGroupArn',
      resultPath: '$.bake.health',
      healthy: 'CountBake',
      unhealthy: 'NoteGreenUnhealthyAfterSwap',
      onError: 'UndoRestoreProduction',
      duringBake: true,
    }),
    CountBake: {
      Type: 'Pass',
      Parameters: { 'elapsedSeconds.$': 'States.MathAdd($.bake.elapsedSeconds, 10)', 'seconds.$': '$.bake.seconds' },
      ResultPath: '$.bake',
      Next: 'IsBakeOver',
    },
    NoteGreenUnhealthyAfterSwap: {
      Type: 'Pass',
      Parameters: {
        Error: 'BlueGreen.GreenUnhealthyAfterSwap',
        'Cause.$':
          "States.Format('Green (task set {}) became unhealthy {} seconds into the {}-second bake after the swap (target states {}). Green still runs on the test listener: fix it and deploy again, or run abort.', $.green.taskSetId, States.MathAdd($.bake.elapsedSeconds, 10), $.bake.seconds, States.JsonToString($.bake.health.states))",
      },
      ResultPath: '$.error',
      Next: 'UndoRestoreProduction',
    },
    EnsureGreenPrimary: makePrimaryTask('$.green.taskSetArn', 'AlreadySwapped', {
      comment: 'Production already forwards to green (a re-run after a swap): only make sure green is primary.',
      catches: catchTo('FailBeforeChanges'),
    }),
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
    ...recordStates(
      'SwappedNoBake',
      { phase: 'swapped', 'live.$': '$.green', 'previous.$': '$.blue' },
      'Swapped',
      'FailRecordAfterSwap',
    ),
    ...recordStates(
      'SwappedAfterBake',
      { phase: 'swapped', 'live.$': '$.green', 'previous.$': '$.blue' },
      'SwappedAfterBake',
      'FailRecordAfterSwap',
    ),
    FailRecordAfterSwap: {
      Type: 'Pass',
      Parameters: {
        'Error.$': '$.error.Error',
        'Cause.$':
          "States.Format('{} The swap itself completed (production serves green, and green is primary), but the deployment record could not be updated. Re-run swap: it checks green again, bakes again and records the result.', $.error.Cause)",
      },
      ResultPath: '$.failure',
      Next: 'FailSwap',
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
    SwappedAfterBake: {
      Type: 'Pass',
      Parameters: {
        'cluster.$': '$.cluster',
        'service.$': '$.service',
        changed: true,
        'primaryTaskSetArn.$': '$.green.taskSetArn',
        'previousProductionActions.$': '$.prodRule.actions',
        'bakeSeconds.$': '$.bake.seconds',
        'message.$':
          "States.Format('Production now serves task set {} at ${ProdUrl}; it stayed fully healthy through a {}-second bake under production traffic. Blue keeps running until clean-up. Next: clean-up, or rollback.', $.green.taskSetId, $.bake.seconds)",
      },
      End: true,
    },
    UndoRestoreProduction: {
      Type: 'Choice',
      Comment:
        'Production goes back to blue (kept health-checked), or to the fixed response before the first release. Not to what this run found: a resumed swap found production already on green.',
      Choices: [{ Variable: '$.blue.found', BooleanEquals: true, Next: 'UndoProductionToBlue' }],
      Default: 'UndoProductionToIdle',
    },
    UndoProductionToBlue: {
      Type: 'Task',
      Resource: elb('modifyRule'),
      Parameters: { RuleArn: '${ProdRuleArn}', Actions: forwardTo('$.blue.targetGroupArn') },
      ResultPath: null,
      Retry: undoRetry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.undoError', Next: 'FailUndo' }],
      Next: 'WasGreenMadePrimary',
    },
    UndoProductionToIdle: fixedResponseRuleTask(
      '${ProdRuleArn}',
      '${ProductionIdleMessage}',
      'WasGreenMadePrimary',
      'FailUndo',
      { errorPath: '$.undoError', retrier: undoRetry },
    ),
    WasGreenMadePrimary: {
      Type: 'Choice',
      Comment: 'Only a swap that got as far as the bake made green primary (and only with a blue to return to).',
      Choices: [{ Variable: '$.bake', IsPresent: true, Next: 'UndoMakeBluePrimary' }],
      Default: 'UndoReleasePreviousRule',
    },
    UndoMakeBluePrimary: makePrimaryTask('$.blue.taskSetArn', 'UndoReleasePreviousRule', {
      retrier: undoRetry,
      catches: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.undoError', Next: 'FailUndo' }],
    }),
    UndoReleasePreviousRule: resetPreviousRule('NoteUndoneToTesting', 'FailUndo', {
      errorPath: '$.undoError',
      retrier: undoRetry,
    }),
    ...recordStates('UndoneToTesting', { phase: 'testing', 'green.$': '$.green' }, 'FailUndone', 'FailUndone', {
      errorPath: '$.recordError',
    }),
    FailUndone: {
      Type: 'Pass',
      Parameters: {
        'Error.$': '$.error.Error',
        'Cause.$':
          "States.Format('{} Undone: production is back on what it served before the swap (kept health-checked throughout), the primary task set is as it was, and the previous-version rule is reset.', $.error.Cause)",
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
    FailSwap: fail('See the cause for what was undone.'),
  },
};
const definition: StateMachine = withLeaseRelease(def);
export default definition;
