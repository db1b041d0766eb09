import type { StateMachine } from './asl';
import { fail, fmtReject } from './basics';
import {
  closeTestListener,
  locateTaskSetStates,
  releaseDeploymentRulesStates,
  removeTaskSetsMap,
  resetPreviousRule,
  serviceIdentityStates,
  sweepOrphanTargetGroupsStates,
} from './common';
import { recordStates, unfinishedChoiceRules, unfinishedRejects, withLeaseRelease } from './lease';

/** abort: before a swap, discard green (and anything an interrupted deploy-green left) and leave blue untouched. */
const definition: StateMachine = withLeaseRelease({
  Comment:
    'abort: before a swap, discard green: close the test listener, remove deployment rules, delete every task set production does not use and its target group. Blue and production are untouched. Idempotent.',
  StartAt: 'ValidateInput',
  States: {
    ...serviceIdentityStates('abort', 'LiveLocate', 'discarding green'),
    ...locateTaskSetStates('Live', '$.prodRule', '$.live', 'CheckAbortRecord'),
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
    CheckNotSwapped: {
      Type: 'Choice',
      Comment: 'Once production serves green, discarding "green" would remove what is live: that is rollback.',
      Choices: [
        { Not: { Variable: '$.testRule.actions[0].Type', StringEquals: 'forward' }, Next: 'IsTestListenerOpen' },
        { Not: { Variable: '$.prodRule.actions[0].Type', StringEquals: 'forward' }, Next: 'IsTestListenerOpen' },
        {
          Variable: '$.testRule.actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn',
          StringEqualsPath: '$.prodRule.actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn',
          Next: 'RejectAlreadySwapped',
        },
      ],
      Default: 'IsTestListenerOpen',
    },
    RejectAlreadySwapped: fmtReject(
      'BlueGreen.AlreadySwapped',
      "States.Format('Production of service {} already serves the deployment under test; abort would remove the live version. Run rollback to go back to the previous version, or clean-up to keep this one. Nothing was changed.', $.service)",
      'FailBeforeChangesWithCause',
    ),
    IsTestListenerOpen: {
      Type: 'Choice',
      Choices: [{ Variable: '$.testRule.actions[0].Type', StringEquals: 'forward', Next: 'CloseTestListener' }],
      Default: 'ReleasePreviousRule',
    },
    CloseTestListener: closeTestListener('ReleasePreviousRule', 'FailAbort'),
    ReleasePreviousRule: resetPreviousRule('ListDeploymentRules', 'FailAbort'),
    ...releaseDeploymentRulesStates('RemoveOldTaskSets', 'FailAbort'),
    RemoveOldTaskSets: removeTaskSetsMap('SweepDescribeService', 'FailAbort'),
    ...sweepOrphanTargetGroupsStates('IsAnythingLive', 'FailAbort'),
    IsAnythingLive: {
      Type: 'Choice',
      Choices: [{ Variable: '$.live.found', BooleanEquals: true, Next: 'NoteAbortedToStable' }],
      Default: 'NoteAbortedToNone',
    },
    ...recordStates('AbortedToStable', { phase: 'stable', 'live.$': '$.live' }, 'SummarizeAbort', 'FailAbort'),
    ...recordStates('AbortedToNone', { phase: 'none' }, 'SummarizeAbort', 'FailAbort'),
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
    SweptLeftovers: {
      Type: 'Pass',
      Parameters: {
        'cluster.$': '$.cluster',
        'service.$': '$.service',
        changed: true,
        message:
          'Nothing to abort: no green deployment exists. Target groups an interrupted run left behind (used by no listener and no task set) were deleted. Production is unchanged.',
      },
      End: true,
    },
    Aborted: {
      Type: 'Pass',
      Parameters: {
        'cluster.$': '$.cluster',
        'service.$': '$.service',
        changed: true,
        'removed.$': '$.removed',
        message:
          'Aborted: green was discarded (test listener closed; its deployment rule, task set and target group removed). Production is unchanged.',
      },
      End: true,
    },
    NothingToAbort: {
      Type: 'Pass',
      Parameters: {
        'cluster.$': '$.cluster',
        'service.$': '$.service',
        changed: false,
        message: 'Nothing to abort: no green deployment exists. Nothing was changed.',
      },
      End: true,
    },
    FailAbort: {
      Type: 'Pass',
      Parameters: {
        'Error.$': '$.error.Error',
        'Cause.$':
          "States.Format('{} Abort stopped part-way; production is unaffected and abort is safe to re-run.', $.error.Cause)",
      },
      ResultPath: '$.failure',
      Next: 'FailAbortWithCause',
    },
    FailAbortWithCause: fail('Production is unaffected.'),
  },
});
export default definition;
