import { UNDONE } from '../../contract';
import { approvedLiveRejects, approvedLiveRules, awaitApprovalStates } from './approval';
import type { StateMachine } from './asl';
import { failSaying, fmtReject, outcome } from './basics';
import { lifecycleHookStates } from './hooks';
import { greenCheckTask } from './watch';
import { liveVersionMachine } from './identity';
import { TAKE_LEASE, unfinishedChoiceRules, unfinishedRejects } from './lease';
import { productionSplitReject, testServesProductionChoice } from './rules';
import { keepOnlyLiveStates, recordLiveOrNoneStates } from './teardown';

/** clean-up: after a swap, keep only what production serves. */
const definition: StateMachine = liveVersionMachine(
  {
    name: 'clean-up',
    operation: 'removing the previous version',
    then: 'CheckCleanUpRecord',
    beforeLease: 'IsApprovalAwaited',
    comment:
      'clean-up: close the test listener, delete every task set that production no longer uses, and delete its target group once its tasks have drained. Safe to re-run after any partial failure. Started with awaitApproval: true (by swap, in step-functions mode), it first waits for ApproveCleanUp.',
  },
  {
    ...awaitApprovalStates({ next: TAKE_LEASE, stage: 'ApproveCleanUp' }),
    ...approvedLiveRejects(),
    CheckCleanUpRecord: {
      Type: 'Choice',
      Comment:
        'An approved clean-up acts only while production serves the approved green. An unfinished swap (its bake never completed) or rollback must be finished first: removing "the old version" now would remove the one production may have to go back to.',
      Choices: [...approvedLiveRules(), ...unfinishedChoiceRules()],
      Default: 'CheckNothingUnderTest',
    },
    ...unfinishedRejects(['swap', 'rollback']),
    RejectProductionSplit: productionSplitReject('clean-up'),
    CheckNothingUnderTest: testServesProductionChoice({
      split: 'RejectProductionSplit',
      comment:
        'A test listener that forwards anywhere but production means a green that was never swapped: deleting "the old version" would delete blue or the untested green.',
      testClosed: 'CheckLiveIsPrimary',
      prodNotForwarding: 'RejectGreenNotSwapped',
      same: 'CheckLiveIsPrimary',
      different: 'RejectGreenNotSwapped',
    }),
    RejectGreenNotSwapped: fmtReject(
      'BlueGreen.GreenNotSwapped',
      "States.Format('Service {} has a green under test that production does not serve yet (test listener: {}). Run swap first, or abort to discard green. Nothing was changed.', $.service, States.JsonToString($.testRule.actions))",
      ['swap', 'abort'],
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
      Comment:
        'The live version must be healthy, and none of its watched alarms in ALARM, before the one production could go back to is removed.',
      Choices: [{ Variable: '$.current.services[0].TaskSets[1]', IsPresent: true, Next: 'CheckLive' }],
      Default: 'CloseTestListener',
    },
    CheckLive: greenCheckTask({
      kind: 'clean-up',
      versionPath: '$.live',
      resultPath: '$.liveCheck',
      passed: 'RunPreBlueRemovalHooks',
      degraded: 'ReadLiveDegraded',
      onError: 'FailBeforeChanges',
      comment:
        "The green-watch function's check of the live version (the green swap watched): its target health, by swap's rule (tasks the service scaled out, still registering, do not refuse a clean-up), and the watched alarms: green's built-in ones, on its target group since swap's watch, and the stack's own.",
    }),
    ReadLiveDegraded: {
      Type: 'Pass',
      Comment: "The cause is the function's JSON error payload.",
      Parameters: { 'payload.$': 'States.StringToJson($.liveCheck.Cause)' },
      ResultPath: '$.liveCheck',
      Next: 'RejectLiveNotHealthy',
    },
    ...lifecycleHookStates({
      name: 'PreBlueRemoval',
      stage: 'PRE_BLUE_REMOVAL',
      event: {
        machine: 'clean-up',
        'cluster.$': '$.cluster',
        'service.$': '$.service',
        green: { 'taskSetArn.$': '$.live.taskSetArn', 'targetGroupArn.$': '$.live.targetGroupArn' },
        productionUrl: '${ProdUrl}',
      },
      next: 'CloseTestListener',
      onFailure: 'FailBeforeRemoval',
    }),
    FailBeforeRemoval: failSaying(
      'Clean-up stopped before removing anything: the previous version still runs. Run clean-up again once the hook passes, or rollback.',
      UNDONE.nothingChanged,
      ['clean-up', 'rollback'],
    ),
    RejectLiveNotHealthy: fmtReject(
      'BlueGreen.LiveNotHealthy',
      "States.Format('Clean-up refused: the live version (task set {}) is not fit to be the only one ({}), and clean-up would remove the version production could go back to. Run rollback, or re-run clean-up once it is healthy and its alarms are OK. Nothing was changed.', $.live.taskSetId, $.liveCheck.payload.errorMessage)",
      ['rollback', 'clean-up'],
    ),
    RejectNothingLive: fmtReject(
      'BlueGreen.NothingLive',
      "States.Format('Production of service {} does not forward to any task set ({}), so there is no old version to remove. Run swap (or rollback) first. Nothing was changed.', $.service, States.JsonToString($.prodRule.actions))",
      ['swap', 'rollback'],
    ),
    RejectSwapUnfinished: fmtReject(
      'BlueGreen.SwapUnfinished',
      "States.Format('Production forwards to task set {} but it is {} rather than PRIMARY: a swap did not finish. Run swap again to finish it, or rollback. Nothing was changed.', $.live.taskSetId, $.live.status)",
      ['swap', 'rollback'],
    ),
    ...keepOnlyLiveStates({ onError: 'FailCleanUp', next: 'IsAnythingLive' }),
    ...recordLiveOrNoneStates({
      live: { name: 'CleanedUp', next: 'CleanedUp' },
      none: { name: 'NothingLiveToKeep', next: 'NothingLiveToKeep' },
      onError: 'FailCleanUp',
    }),
    NothingLiveToKeep: outcome(['deploy-green'], {
      message: 'Clean-up complete: the test listener is closed; no version is live, and none was removed.',
    }),
    CleanedUp: outcome(['deploy-green'], {
      'removed.$': '$.removed',
      'message.$':
        "States.Format('Clean-up complete: the test listener is closed and only the production task set remains ({}).', $.live.taskSetId)",
    }),
    FailCleanUp: failSaying(
      'Clean-up stopped part-way; production is unaffected and clean-up is safe to re-run.',
      UNDONE.partly,
      ['clean-up'],
    ),
  },
);
export default definition;
