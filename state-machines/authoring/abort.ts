import { UNDONE } from '../../contract';
import type { StateMachine } from './asl';
import { failSaying, fmtReject, outcome } from './basics';
import { liveVersionMachine } from './identity';
import { unfinishedChoiceRules, unfinishedRejects } from './lease';
import { forwards, releaseDeploymentRulesStates, productionSplitReject, testServesProductionChoice } from './rules';
import { keepOnlyLiveStates, recordLiveOrNoneStates } from './teardown';

/** abort: before a swap, discard green (and anything an interrupted deploy-green left) and leave blue untouched. */
const definition: StateMachine = liveVersionMachine(
  {
    name: 'abort',
    operation: 'discarding green',
    then: 'CheckAbortRecord',
    comment:
      'abort: before a swap, discard green: close the test listener, remove deployment rules, delete every task set production does not use and its target group. Blue and production are untouched. Idempotent.',
  },
  {
    CheckAbortRecord: {
      Type: 'Choice',
      Comment: 'After a swap started, green may be what production serves: going back is rollback, not abort.',
      Choices: [
        ...unfinishedChoiceRules(),
        { Variable: '$.lease.record.phase', StringEquals: 'swapped', Next: 'RejectAlreadySwapped' },
      ],
      Default: 'CheckNotSwapped',
    },
    ...unfinishedRejects(['swap', 'rollback']),
    RejectProductionSplit: productionSplitReject('abort'),
    CheckNotSwapped: testServesProductionChoice({
      split: 'RejectProductionSplit',
      comment: 'Once production serves green, discarding "green" would remove what is live: that is rollback.',
      testClosed: 'IsTestListenerOpen',
      prodNotForwarding: 'IsTestListenerOpen',
      same: 'RejectAlreadySwapped',
      different: 'IsTestListenerOpen',
    }),
    RejectAlreadySwapped: fmtReject(
      'BlueGreen.AlreadySwapped',
      "States.Format('Production of service {} already serves the deployment under test; abort would remove the live version. Run rollback to go back to the previous version, or clean-up to keep this one. Nothing was changed.', $.service)",
      ['rollback', 'clean-up'],
    ),
    IsTestListenerOpen: {
      Type: 'Choice',
      Choices: [{ ...forwards('$.testRule'), Next: 'CloseTestListener' }],
      Default: 'ReleasePreviousRule',
    },
    ...keepOnlyLiveStates({
      between: { start: 'ListDeploymentRules', states: releaseDeploymentRulesStates('RemoveOldTaskSets', 'FailAbort') },
      onError: 'FailAbort',
      next: 'IsAnythingLive',
    }),
    ...recordLiveOrNoneStates({
      live: { name: 'AbortedToStable', next: 'SummarizeAbort' },
      none: { name: 'AbortedToNone', next: 'SummarizeAbort' },
      onError: 'FailAbort',
    }),
    SummarizeAbort: {
      Type: 'Pass',
      Comment: 'Map results as text: a pattern match works on empty lists too, where a wildcard path would not.',
      Parameters: {
        'taskSets.$': 'States.JsonToString($.removed)',
        'rules.$': 'States.JsonToString($.removedRules)',
        'testWasOpen.$': '$.testRule.actions[0].Type',
      },
      ResultPath: '$.summary',
      Next: 'WasAnythingAborted',
    },
    WasAnythingAborted: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.summary.taskSets', StringMatches: '*"removed":true*', Next: 'Aborted' },
        { Variable: '$.summary.rules', StringMatches: '*"removed":true*', Next: 'Aborted' },
        { Variable: '$.summary.testWasOpen', StringEquals: 'forward', Next: 'Aborted' },
        { Variable: '$.sweep.sweptAny', BooleanEquals: true, Next: 'SweptLeftovers' },
      ],
      Default: 'NothingToAbort',
    },
    SweptLeftovers: outcome(['deploy-green'], {
      changed: true,
      message:
        'Nothing to abort: no green deployment exists. Target groups an interrupted run left behind (used by no listener and no task set) were deleted. Production is unchanged.',
    }),
    Aborted: outcome(['deploy-green'], {
      changed: true,
      'removed.$': '$.removed',
      message:
        'Aborted: green was discarded (test listener closed; its deployment rule, task set and target group removed). Production is unchanged.',
    }),
    NothingToAbort: outcome(['deploy-green'], {
      changed: false,
      message: 'Nothing to abort: no green deployment exists. Nothing was changed.',
    }),
    FailAbort: failSaying(
      'Abort stopped part-way; production is unaffected and abort is safe to re-run.',
      UNDONE.partly,
      ['abort'],
    ),
  },
);
export default definition;
