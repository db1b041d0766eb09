import type { StateMachine } from './asl';
import { fail, fmtReject } from './basics';
import {
  closeTestListener,
  fullyHealthyGateStates,
  locateTaskSetStates,
  removeTaskSetsMap,
  resetPreviousRule,
  serviceIdentityStates,
  sweepOrphanTargetGroupsStates,
} from './common';
import { recordStates, unfinishedChoiceRules, unfinishedRejects, withLeaseRelease } from './lease';
const def: StateMachine = {
  Comment:
    'clean-up: close the test listener, delete every task set that production no longer uses, and delete its target group once its tasks have drained. Safe to re-run after any partial failure.',
  StartAt: 'ValidateInput',
  States: {
    ...serviceIdentityStates('clean-up', 'LiveLocate', 'removing the previous version'),
    ...locateTaskSetStates('Live', '$.prodRule', '$.live', 'CheckCleanUpRecord'),
    CheckCleanUpRecord: {
      Type: 'Choice',
      Comment:
        'An unfinished swap (its bake never completed) or rollback must be finished first: removing "the old version" now would remove the one production may have to go back to.',
      Choices: [...unfinishedChoiceRules()],
      Default: 'CheckNothingUnderTest',
    },
    ...unfinishedRejects(['swap', 'rollback']),
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
    RejectGreenNotSwapped: fmtReject(
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
      Default: 'IsThereAnOldVersion',
    },
    IsThereAnOldVersion: {
      Type: 'Choice',
      Comment: 'The live version must be healthy before the one production could go back to is removed.',
      Choices: [{ Variable: '$.current.services[0].TaskSets[1]', IsPresent: true, Next: 'DescribeLiveTargetHealth' }],
      Default: 'CloseTestListener',
    },
    ...fullyHealthyGateStates({
      name: 'Live',
      tgPath: '$.live.targetGroupArn',
      resultPath: '$.liveHealth',
      healthy: 'CloseTestListener',
      unhealthy: 'RejectLiveNotHealthy',
      onError: 'FailBeforeChanges',
    }),
    RejectLiveNotHealthy: fmtReject(
      'BlueGreen.LiveNotHealthy',
      "States.Format('Clean-up refused: the live version (task set {}) is not fully healthy (target states {}), and clean-up would remove the version production could go back to. Run rollback, or re-run clean-up once it is healthy. Nothing was changed.', $.live.taskSetId, States.JsonToString($.liveHealth.states))",
      'FailBeforeChangesWithCause',
    ),
    RejectNothingLive: fmtReject(
      'BlueGreen.NothingLive',
      "States.Format('Production of service {} does not forward to any task set ({}), so there is no old version to remove. Run swap (or rollback) first. Nothing was changed.', $.service, States.JsonToString($.prodRule.actions))",
      'FailBeforeChangesWithCause',
    ),
    RejectSwapUnfinished: fmtReject(
      'BlueGreen.SwapUnfinished',
      "States.Format('Production forwards to task set {} but it is {} rather than PRIMARY: a swap did not finish. Run swap again to finish it, or rollback. Nothing was changed.', $.live.taskSetId, $.live.status)",
      'FailBeforeChangesWithCause',
    ),
    CloseTestListener: closeTestListener('ReleasePreviousRule', 'FailCleanUp'),
    ReleasePreviousRule: resetPreviousRule('RemoveOldTaskSets', 'FailCleanUp'),
    RemoveOldTaskSets: removeTaskSetsMap('SweepDescribeService', 'FailCleanUp'),
    ...sweepOrphanTargetGroupsStates('IsAnythingLive', 'FailCleanUp'),
    IsAnythingLive: {
      Type: 'Choice',
      Choices: [{ Variable: '$.live.taskSetId', IsPresent: true, Next: 'NoteCleanedUp' }],
      Default: 'NoteNothingLiveToKeep',
    },
    ...recordStates('CleanedUp', { phase: 'stable', 'live.$': '$.live' }, 'CleanedUp', 'FailCleanUp'),
    ...recordStates('NothingLiveToKeep', { phase: 'none' }, 'NothingLiveToKeep', 'FailCleanUp'),
    NothingLiveToKeep: {
      Type: 'Pass',
      Parameters: {
        'cluster.$': '$.cluster',
        'service.$': '$.service',
        message: 'Clean-up complete: the test listener is closed; no version is live, and none was removed.',
      },
      End: true,
    },
    CleanedUp: {
      Type: 'Pass',
      Parameters: {
        'cluster.$': '$.cluster',
        'service.$': '$.service',
        'removed.$': '$.removed',
        'message.$':
          "States.Format('Clean-up complete: the test listener is closed and only the production task set remains ({}).', $.live.taskSetId)",
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
    FailCleanUpWithCause: fail('Production is unaffected.'),
  },
};
const definition: StateMachine = withLeaseRelease(def);
export default definition;
