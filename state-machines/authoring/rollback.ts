import type { Condition, PassState, StateMachine } from './asl';
import { catchTo, elb, fail, fmtReject, retry, undoRetry } from './basics';
import {
  closeTestListener,
  forwardTo,
  fullyHealthyGateStates,
  locateTaskSetStates,
  makePrimaryTask,
  removeTaskSetsMap,
  resetPreviousRule,
  serviceIdentityStates,
  sweepOrphanTargetGroupsStates,
} from './common';
import { recordDriftReject, recordStates, withLeaseRelease } from './lease';

const ts = (i: number): string => `$.current.services[0].TaskSets[${i}]`;
const pickPrevious = (i: number): PassState => ({
  Type: 'Pass',
  Parameters: {
    found: true,
    'taskSetArn.$': `${ts(i)}.TaskSetArn`,
    'taskSetId.$': `${ts(i)}.Id`,
    'status.$': `${ts(i)}.Status`,
    'targetGroupArn.$': `${ts(i)}.LoadBalancers[0].TargetGroupArn`,
  },
  ResultPath: '$.previous',
  Next: 'CheckPreviousMatchesRecord',
});
const SWAP_PHASES: Condition[] = ['swapping', 'baking', 'swapped', 'rolling-back'].map((phase) => ({
  Variable: '$.lease.record.phase',
  StringEquals: phase,
}));

/** rollback: after a swap and before clean-up, while blue still runs: production back to blue, blue primary, green removed. */
const definition: StateMachine = withLeaseRelease({
  Comment:
    'rollback: after a swap and before clean-up (blue still runs): check blue is healthy, send production back to it, make it primary again, then remove green. Idempotent: with nothing to roll back it succeeds and says so.',
  StartAt: 'ValidateInput',
  States: {
    ...serviceIdentityStates('rollback', 'LiveLocate', 'moving production back to the previous version'),
    ...locateTaskSetStates('Live', '$.prodRule', '$.live', 'CheckRollbackRecord'),
    CheckRollbackRecord: {
      Type: 'Choice',
      Comment:
        'The direction comes from the deployment record (the version live before the swap), never from which task set production does not serve: after a partial rollback that would be the newer version.',
      Choices: [
        { Or: SWAP_PHASES, Next: 'HasRecordedPrevious' },
        { Variable: '$.live.found', BooleanEquals: false, Next: 'NothingToRollBack' },
        { Not: { Variable: '$.current.services[0].TaskSets[1]', IsPresent: true }, Next: 'NothingToRollBack' },
        { Not: { Variable: '$.testRule.actions[0].Type', StringEquals: 'forward' }, Next: 'RejectRecordDrift' },
        {
          Variable: '$.testRule.actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn',
          StringEqualsPath: '$.prodRule.actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn',
          Next: 'RejectRecordDrift',
        },
      ],
      Default: 'RejectNotSwapped',
    },
    HasRecordedPrevious: {
      Type: 'Choice',
      Comment: 'A first release has no previous version to go back to.',
      Choices: [
        { Not: { Variable: '$.lease.record.previous.found', IsPresent: true }, Next: 'NothingToRollBack' },
        { Variable: '$.lease.record.previous.found', BooleanEquals: true, Next: 'FindRecordedPrevious' },
      ],
      Default: 'NothingToRollBack',
    },
    FindRecordedPrevious: {
      Type: 'Choice',
      Choices: [
        { Not: { Variable: `${ts(0)}.TaskSetArn`, IsPresent: true }, Next: 'IsPreviousGone' },
        {
          Variable: `${ts(0)}.TaskSetArn`,
          StringEqualsPath: '$.lease.record.previous.taskSetArn',
          Next: 'PreviousIsFirst',
        },
        { Not: { Variable: `${ts(1)}.TaskSetArn`, IsPresent: true }, Next: 'IsPreviousGone' },
        {
          Variable: `${ts(1)}.TaskSetArn`,
          StringEqualsPath: '$.lease.record.previous.taskSetArn',
          Next: 'PreviousIsSecond',
        },
      ],
      Default: 'IsPreviousGone',
    },
    IsPreviousGone: {
      Type: 'Choice',
      Comment:
        'After a completed swap only clean-up removes the previous version: a clean-up stopped before it recorded the result.',
      Choices: [{ Variable: '$.lease.record.phase', StringEquals: 'swapped', Next: 'RejectPreviousGone' }],
      Default: 'RejectRecordDrift',
    },
    RejectPreviousGone: fmtReject(
      'BlueGreen.PreviousGone',
      "States.Format('The previous version of service {} (task set {}) was already removed by a clean-up, so there is nothing to roll back to. Run clean-up to finish it; to go back, deploy that version again. Nothing was changed.', $.service, $.lease.record.previous.taskSetArn)",
      'FailBeforeChangesWithCause',
    ),
    RejectRecordDrift: recordDriftReject(),
    RejectNotSwapped: fmtReject(
      'BlueGreen.NotSwapped',
      "States.Format('Service {} has a green under test that production does not serve yet, so there is nothing to roll back. Run abort to discard green. Nothing was changed.', $.service)",
      'FailBeforeChangesWithCause',
    ),
    NothingToRollBack: {
      Type: 'Pass',
      Parameters: {
        'cluster.$': '$.cluster',
        'service.$': '$.service',
        changed: false,
        message:
          'Nothing to roll back: there is no previous version still running (clean-up already removed it, or nothing was ever swapped). Nothing was changed.',
      },
      End: true,
    },
    PreviousIsFirst: pickPrevious(0),
    PreviousIsSecond: pickPrevious(1),
    CheckPreviousMatchesRecord: {
      Type: 'Choice',
      Choices: [
        { Not: { Variable: '$.previous.targetGroupArn', IsPresent: true }, Next: 'RejectRecordDrift' },
        {
          Not: { Variable: '$.previous.targetGroupArn', StringEqualsPath: '$.lease.record.previous.targetGroupArn' },
          Next: 'RejectRecordDrift',
        },
      ],
      Default: 'IsPreviousUsable',
    },
    IsPreviousUsable: {
      Type: 'Choice',
      Choices: [{ Variable: '$.previous.status', StringEquals: 'DRAINING', Next: 'RejectPreviousDraining' }],
      Default: 'NoteRollingBack',
    },
    ...recordStates(
      'RollingBack',
      { phase: 'rolling-back', 'previous.$': '$.lease.record.previous', 'from.$': '$.live' },
      'PointTestListenerAtPrevious',
      'FailBeforeChanges',
    ),
    RejectPreviousDraining: fmtReject(
      'BlueGreen.PreviousDraining',
      "States.Format('The previous version (task set {}) is already being removed by a clean-up; it cannot take production back. Deploy it again instead. Nothing was changed.', $.previous.taskSetId)",
      'FailBeforeChangesWithCause',
    ),
    PointTestListenerAtPrevious: {
      Type: 'Task',
      Resource: elb('modifyRule'),
      Comment:
        'The previous-version rule has kept blue health-checked since the swap (a swap from an older controller did not set it: then this puts blue back in use). Testers see on the test listener what production is about to serve, and production goes back only once blue is healthy.',
      Parameters: { RuleArn: '${TestRuleArn}', Actions: forwardTo('$.previous.targetGroupArn') },
      ResultPath: null,
      Retry: retry,
      Catch: catchTo('FailBeforeChanges'),
      Next: 'StartPreviousHealthWait',
    },
    StartPreviousHealthWait: {
      Type: 'Pass',
      Result: { elapsedSeconds: 0 },
      ResultPath: '$.wait',
      Next: 'WaitForPrevious',
    },
    WaitForPrevious: { Type: 'Wait', Seconds: 5, Next: 'DescribePreviousTargetHealth' },
    ...fullyHealthyGateStates({
      name: 'Previous',
      tgPath: '$.previous.targetGroupArn',
      resultPath: '$.health',
      healthy: 'PointProductionAtPrevious',
      unhealthy: 'HasPreviousHealthTimedOut',
      onError: 'UndoRestoreTestListener',
    }),
    HasPreviousHealthTimedOut: {
      Type: 'Choice',
      Choices: [{ Variable: '$.wait.elapsedSeconds', NumericGreaterThanEquals: 300, Next: 'NotePreviousNotHealthy' }],
      Default: 'CountPreviousHealthWait',
    },
    CountPreviousHealthWait: {
      Type: 'Pass',
      Parameters: { 'elapsedSeconds.$': 'States.MathAdd($.wait.elapsedSeconds, 5)' },
      ResultPath: '$.wait',
      Next: 'WaitForPrevious',
    },
    NotePreviousNotHealthy: {
      Type: 'Pass',
      Parameters: {
        Error: 'BlueGreen.PreviousNotHealthy',
        'Cause.$':
          "States.Format('The previous version (task set {}) did not become healthy within 300 seconds (target states {}), so production stays on the current version.', $.previous.taskSetId, States.JsonToString($.health.states))",
      },
      ResultPath: '$.error',
      Next: 'UndoRestoreTestListener',
    },
    PointProductionAtPrevious: {
      Type: 'Task',
      Resource: elb('modifyRule'),
      Parameters: { RuleArn: '${ProdRuleArn}', Actions: forwardTo('$.previous.targetGroupArn') },
      ResultPath: null,
      Retry: retry,
      Catch: catchTo('UndoRestoreProduction'),
      Next: 'MakePreviousPrimary',
    },
    MakePreviousPrimary: makePrimaryTask('$.previous.taskSetArn', 'CloseTestListener', {
      catches: catchTo('UndoRestoreProduction'),
    }),
    CloseTestListener: closeTestListener('ReleasePreviousRule', 'FailAfterSwitch'),
    ReleasePreviousRule: resetPreviousRule('PreviousIsLive', 'FailAfterSwitch'),
    PreviousIsLive: {
      Type: 'Pass',
      Comment: 'From here on the previous version is live: remove everything else (green) exactly as clean-up does.',
      Parameters: {
        found: true,
        'taskSetArn.$': '$.previous.taskSetArn',
        'taskSetId.$': '$.previous.taskSetId',
        status: 'PRIMARY',
        'targetGroupArn.$': '$.previous.targetGroupArn',
      },
      ResultPath: '$.live',
      Next: 'RemoveOldTaskSets',
    },
    RemoveOldTaskSets: removeTaskSetsMap('SweepDescribeService', 'FailAfterSwitch'),
    ...sweepOrphanTargetGroupsStates('NoteRolledBack', 'FailAfterSwitch'),
    ...recordStates('RolledBack', { phase: 'stable', 'live.$': '$.previous' }, 'RolledBack', 'FailAfterSwitch'),
    RolledBack: {
      Type: 'Pass',
      Parameters: {
        'cluster.$': '$.cluster',
        'service.$': '$.service',
        changed: true,
        'primaryTaskSetArn.$': '$.previous.taskSetArn',
        'message.$':
          "States.Format('Rolled back: production serves task set {} again at ${ProdUrl}, and it is primary; the newer version was removed.', $.previous.taskSetId)",
      },
      End: true,
    },
    UndoRestoreProduction: {
      Type: 'Task',
      Resource: elb('modifyRule'),
      Comment: 'Production goes back to what it served before this rollback started.',
      Parameters: { RuleArn: '${ProdRuleArn}', 'Actions.$': '$.prodRule.actions' },
      ResultPath: null,
      Retry: undoRetry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.undoError', Next: 'FailUndo' }],
      Next: 'UndoRestoreTestListener',
    },
    UndoRestoreTestListener: {
      Type: 'Task',
      Resource: elb('modifyRule'),
      Parameters: { RuleArn: '${TestRuleArn}', 'Actions.$': '$.testRule.actions' },
      ResultPath: null,
      Retry: undoRetry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.undoError', Next: 'FailUndo' }],
      Next: 'FailUndone',
    },
    FailUndone: {
      Type: 'Pass',
      Parameters: {
        'Error.$': '$.error.Error',
        'Cause.$':
          "States.Format('{} Undone: production and the test listener are as they were before the rollback started; both versions still run.', $.error.Cause)",
      },
      ResultPath: '$.failure',
      Next: 'FailRollback',
    },
    FailUndo: {
      Type: 'Pass',
      Parameters: {
        Error: 'BlueGreen.UndoFailed',
        'Cause.$':
          "States.Format('Rollback failed ({}: {}) and restoring the listeners failed too ({}: {}). Both versions still run; re-run rollback.', $.error.Error, $.error.Cause, $.undoError.Error, $.undoError.Cause)",
      },
      ResultPath: '$.failure',
      Next: 'FailRollback',
    },
    FailAfterSwitch: {
      Type: 'Pass',
      Parameters: {
        'Error.$': '$.error.Error',
        'Cause.$':
          "States.Format('{} Production already serves the previous version again; removing the newer one stopped part-way. Re-run rollback (or clean-up) to finish.', $.error.Cause)",
      },
      ResultPath: '$.failure',
      Next: 'FailRollback',
    },
    FailRollback: fail('See the cause for what was undone.'),
  },
});
export default definition;
