import { UNDONE } from '../../contract';
import type { Condition, StateMachine } from './asl';
import { failSaying, fmtReject, noteError, outcome, undoFailed, waitLoopStates } from './basics';
import { fullyHealthyGateStates } from './health';
import { liveVersionMachine } from './identity';
import { recordDriftReject, recordDriftRules, recordStates } from './lease';
import {
  forwardRuleTask,
  forwards,
  forwardsSplit,
  productionSplitReject,
  restoreRuleTask,
  sameTargetGroup,
} from './rules';
import { makePrimaryTask, pickTaskSet, taskSetPath as ts } from './task-sets';
import { keepOnlyLiveStates } from './teardown';

const SWAP_PHASES: Condition[] = ['swapping', 'shifting', 'baking', 'swapped', 'rolling-back'].map((phase) => ({
  Variable: '$.lease.record.phase',
  StringEquals: phase,
}));

/**
 * rollback: after a swap and before clean-up, while blue still runs: production back to blue, blue primary, green
 * removed.
 */
const definition: StateMachine = liveVersionMachine(
  {
    name: 'rollback',
    operation: 'moving production back to the previous version',
    then: 'CheckRollbackRecord',
    comment:
      'rollback: after a swap and before clean-up (blue still runs): check blue is healthy, send production back to it, make it primary again, then remove green. Idempotent: with nothing to roll back it succeeds and says so.',
  },
  {
    CheckRollbackRecord: {
      Type: 'Choice',
      Comment:
        'The direction comes from the deployment record (the version live before the swap), never from which task set production does not serve: after a partial rollback that would be the newer version.',
      Choices: [
        { Or: SWAP_PHASES, Next: 'HasRecordedPrevious' },
        { ...forwardsSplit('$.prodRule'), Next: 'RejectProductionSplit' },
        { Variable: '$.live.found', BooleanEquals: false, Next: 'NothingToRollBack' },
        { Not: { Variable: '$.current.services[0].TaskSets[1]', IsPresent: true }, Next: 'NothingToRollBack' },
        { Not: forwards('$.testRule'), Next: 'RejectRecordDrift' },
        sameTargetGroup('$.testRule', '$.prodRule', 'RejectRecordDrift'),
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
      ['clean-up', 'deploy-green'],
    ),
    RejectRecordDrift: recordDriftReject(),
    RejectProductionSplit: productionSplitReject('rollback', ['swap']),
    RejectNotSwapped: fmtReject(
      'BlueGreen.NotSwapped',
      "States.Format('Service {} has a green under test that production does not serve yet, so there is nothing to roll back. Run abort to discard green. Nothing was changed.', $.service)",
      ['abort'],
    ),
    NothingToRollBack: outcome(['deploy-green'], {
      changed: false,
      message:
        'Nothing to roll back: there is no previous version still running (clean-up already removed it, or nothing was ever swapped). Nothing was changed.',
    }),
    PreviousIsFirst: pickTaskSet(0, '$.previous', 'CheckPreviousMatchesRecord'),
    PreviousIsSecond: pickTaskSet(1, '$.previous', 'CheckPreviousMatchesRecord'),
    CheckPreviousMatchesRecord: {
      Type: 'Choice',
      Choices: [
        ...recordDriftRules(
          { Variable: '$.previous.targetGroupArn', IsPresent: true },
          '$.previous.targetGroupArn',
          '$.lease.record.previous.targetGroupArn',
        ),
      ],
      Default: 'IsPreviousUsable',
    },
    IsPreviousUsable: {
      Type: 'Choice',
      Choices: [{ Variable: '$.previous.status', StringEquals: 'DRAINING', Next: 'RejectPreviousDraining' }],
      Default: 'RecordRollingBack',
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
      ['deploy-green'],
    ),
    PointTestListenerAtPrevious: forwardRuleTask(
      '${TestRuleArn}',
      '$.previous.targetGroupArn',
      'StartPreviousHealthWait',
      'FailBeforeChanges',
      {
        comment:
          'The previous-version rule has kept blue health-checked since the swap (a swap from an older controller did not set it: then this puts blue back in use). Testers see on the test listener what production is about to serve, and production goes back only once blue is healthy.',
      },
    ),
    ...waitLoopStates({
      start: 'StartPreviousHealthWait',
      wait: 'WaitForPrevious',
      count: 'CountPreviousHealthWait',
      path: '$.wait',
      seconds: 5,
      then: 'DescribePreviousTargetHealth',
    }),
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
    NotePreviousNotHealthy: noteError(
      'BlueGreen.PreviousNotHealthy',
      {
        format:
          "States.Format('The previous version (task set {}) did not become healthy within 300 seconds (target states {}), so production stays on the current version.', $.previous.taskSetId, States.JsonToString($.health.states))",
      },
      'UndoRestoreTestListener',
    ),
    PointProductionAtPrevious: forwardRuleTask(
      '${ProdRuleArn}',
      '$.previous.targetGroupArn',
      'MakePreviousPrimary',
      'UndoRestoreProduction',
    ),
    MakePreviousPrimary: makePrimaryTask('$.previous.taskSetArn', 'CloseTestListener', 'UndoRestoreProduction'),
    ...keepOnlyLiveStates({
      between: {
        start: 'PreviousIsLive',
        states: {
          PreviousIsLive: {
            Type: 'Pass',
            Comment:
              'From here on the previous version is live: remove everything else (green) exactly as clean-up does.',
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
        },
      },
      onError: 'FailAfterSwitch',
      next: 'RecordRolledBack',
    }),
    ...recordStates('RolledBack', { phase: 'stable', 'live.$': '$.previous' }, 'RolledBack', 'FailAfterSwitch'),
    RolledBack: outcome(['deploy-green'], {
      changed: true,
      'primaryTaskSetArn.$': '$.previous.taskSetArn',
      'message.$':
        "States.Format('Rolled back: production serves task set {} again at ${ProdUrl}, and it is primary; the newer version was removed.', $.previous.taskSetId)",
    }),
    UndoRestoreProduction: restoreRuleTask(
      '${ProdRuleArn}',
      '$.prodRule.actions',
      'UndoRestoreTestListener',
      'Production goes back to what it served before this rollback started.',
    ),
    UndoRestoreTestListener: restoreRuleTask('${TestRuleArn}', '$.testRule.actions', 'FailUndone'),
    FailUndone: failSaying(
      'Undone: production and the test listener are as they were before the rollback started; both versions still run.',
      UNDONE.everything,
      ['rollback'],
    ),
    FailUndo: undoFailed(
      'Rollback failed ({}: {}) and restoring the listeners failed too ({}: {}). Both versions still run; re-run rollback.',
      ['rollback'],
    ),
    FailAfterSwitch: failSaying(
      'Production already serves the previous version again; removing the newer one stopped part-way. Re-run rollback (or clean-up) to finish.',
      UNDONE.partly,
      ['rollback', 'clean-up'],
    ),
  },
);
export default definition;
