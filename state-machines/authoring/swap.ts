import { UNDONE } from '../../contract';
import { AUTO_SCALING_RESULT, NO_SCALABLE_TARGET, trackRequestsTask, whenAutoScaled } from './autoscaling';
import type { StateMachine, States } from './asl';
import {
  catchTo,
  containsStates,
  FAILED,
  failSaying,
  failureCause,
  fmtReject,
  noteError,
  outcome,
  undoCatch,
  undoFailed,
  undoRetry,
  undoRetryExcept,
} from './basics';

/** Restoring autoscaling in the undo failed: production is restored, and the failure says what still is not. */
const undoScalingCatch = [
  { ErrorEquals: ['States.ALL'], ResultPath: '$.undoError', Next: 'FailUndoneScalingNotRestored' },
] as const;
import { fullyHealthyGateStates, targetHealthStates } from './health';
import { INPUT_CHECK, serviceIdentityStates } from './identity';
import {
  leasedMachine,
  recordDriftReject,
  recordDriftRules,
  recordStates,
  unfinishedChoiceRules,
  unfinishedRejects,
  TAKE_LEASE,
} from './lease';
import {
  fixedResponseRuleTask,
  forwardRuleTask,
  forwardSplitTask,
  forwardsSplit,
  keepPreviousInUse,
  resetPreviousRule,
} from './rules';
import { fullSizeGreenStates, undoGreenScaleStates } from './scale';
import { locateTaskSetStates, makePrimaryTask } from './task-sets';
import { lifecycleHookStates } from './hooks';
import {
  approvedGreenStates,
  awaitApprovalStates,
  restartCleanUpApprovalRule,
  startCleanUpApprovalRule,
  startCleanUpApprovalStates,
  SWAP_APPROVAL_MODE,
} from './approval';
import { greenWatchStates } from './watch';

/**
 * The traffic shift (trafficShift, expanded by validate-input into `$.trafficShift.steps`, contract/traffic-shift.ts):
 * for each step, record it (phase `shifting`), forward production by weight to blue and green, then watch green as
 * the bake does for the step's seconds; green unhealthy goes to the undo (production 100 % back on blue). Blue stays
 * primary and fully scaled throughout; after the last step PointProductionAtGreen forwards to green alone.
 * Each step is watched by the green watch (watch.ts): no polling, woken at once when one of green's tasks stops, and
 * green's target health is checked once more as the step ends.
 */
function shiftStates(): States {
  return {
    HasShiftSteps: {
      Type: 'Choice',
      Comment:
        "Stop/re-run rule: a swap interrupted during its shift (record swapping or shifting) shifts again from this run's first step, since the rule this run found may be split at any step, and the first step only moves production towards blue (or nowhere) before green is watched again; simplest and safe, where resuming at a recorded step would trust a step whose health watch the Stop cut short. A swap interrupted after the shift (record baking, or green already primary: production on green alone) does not shift back: it re-asserts green and bakes again, as without a strategy. All at once (no steps), and the first release (no blue: nothing to split), go straight to green.",
      Choices: [
        {
          Or: [
            { Variable: '$.lease.record.phase', StringEquals: 'baking' },
            { Variable: '$.green.status', StringEquals: 'PRIMARY' },
          ],
          Next: 'PointProductionAtGreen',
        },
        { Variable: '$.trafficShift.steps[0]', IsPresent: true, Next: 'StartShift' },
      ],
      Default: 'PointProductionAtGreen',
    },
    StartShift: {
      Type: 'Pass',
      Parameters: { index: 0, 'count.$': 'States.ArrayLength($.trafficShift.steps)' },
      ResultPath: '$.shift',
      Next: 'IsShiftOver',
    },
    IsShiftOver: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.shift.index', NumericGreaterThanEqualsPath: '$.shift.count', Next: 'PointProductionAtGreen' },
      ],
      Default: 'TakeShiftStep',
    },
    TakeShiftStep: {
      Type: 'Pass',
      Parameters: {
        'index.$': '$.shift.index',
        'count.$': '$.shift.count',
        'number.$': 'States.MathAdd($.shift.index, 1)',
        'step.$': 'States.ArrayGetItem($.trafficShift.steps, $.shift.index)',
      },
      ResultPath: '$.shift',
      Next: 'RecordShifting',
    },
    ...recordStates(
      'Shifting',
      {
        phase: 'shifting',
        'green.$': '$.green',
        'previous.$': '$.blue',
        shift: {
          'type.$': '$.trafficShift.type',
          'step.$': '$.shift.number',
          'steps.$': '$.shift.count',
          'percent.$': '$.shift.step.percent',
        },
      },
      'ShiftProduction',
      'UndoRestoreProduction',
    ),
    ShiftProduction: forwardSplitTask(
      '$.blue.targetGroupArn',
      '$.green.targetGroupArn',
      '$.shift.step',
      'IsShiftStepTimed',
      'UndoRestoreProduction',
      "Production forwards by weight: blue (still primary, fully scaled) first, green second; the step's weights are round(percent × 10) of 1000.",
    ),
    IsShiftStepTimed: {
      Type: 'Choice',
      Comment: 'A step of 0 s moves on at once.',
      Choices: [{ Variable: '$.shift.step.seconds', NumericGreaterThan: 0, Next: 'WatchShiftStep' }],
      Default: 'NextShiftStep',
    },
    ...greenWatchStates({
      name: 'ShiftStep',
      kind: 'shift',
      secondsPath: '$.shift.step.seconds',
      resultPath: '$.shift.degraded',
      passed: 'NextShiftStep',
      degraded: 'NoteGreenDegradedDuringShift',
      onError: 'UndoRestoreProduction',
    }),
    NextShiftStep: {
      Type: 'Pass',
      Parameters: { 'index.$': 'States.MathAdd($.shift.index, 1)', 'count.$': '$.shift.count' },
      ResultPath: '$.shift',
      Next: 'IsShiftOver',
    },
    NoteGreenDegradedDuringShift: noteError(
      'BlueGreen.GreenUnhealthyDuringShift',
      {
        format:
          "States.Format('Green (task set {}) failed at step {} of {} of the {} traffic shift, with {} % of production on green: {}. Production went back to blue alone, which stayed primary and fully scaled. Green still runs on the test listener: run abort to discard it (then deploy a fixed version), or swap again once it is healthy.', $.green.taskSetId, $.shift.number, $.shift.count, $.trafficShift.type, $.shift.step.percent, $.shift.degraded.payload.errorMessage)",
      },
      'UndoRestoreProduction',
    ),
  };
}

/** swap: production to green, green primary, then the bake; undone if green degrades before the bake ends. */
const definition: StateMachine = leasedMachine(
  'swap: keep blue health-checked, point the production listener at green, make green the primary task set, then watch green under production traffic for the bake time. Blue keeps running until clean-up, so rollback stays instant. Undoes everything if a step fails or green turns unhealthy during the bake.',
  {
    ...serviceIdentityStates('swap', 'GreenLocate', 'moving production to green and baking it', 'IsApprovalAwaited'),
    ...awaitApprovalStates({ next: TAKE_LEASE, stage: 'ApproveSwap' }),
    ...locateTaskSetStates('Green', '$.testRule', '$.green', 'BlueLocate'),
    ...locateTaskSetStates('Blue', '$.prodRule', '$.blue', 'WasGreenApproved'),
    ...approvedGreenStates({ next: 'CheckSwapRecord' }),
    CheckSwapRecord: {
      Type: 'Choice',
      Comment:
        'The deployment record says whether a swap was interrupted (Stop, or a failed undo): then this run finishes it, baking again, instead of reading production (already on green) as a completed swap.',
      Choices: unfinishedChoiceRules({ swap: 'ResumeSwap' }),
      Default: 'CheckSwapPreconditions',
    },
    ...unfinishedRejects(['rollback']),
    ResumeSwap: {
      Type: 'Choice',
      Choices: [
        ...recordDriftRules(
          { Variable: '$.green.found', BooleanEquals: true },
          '$.green.taskSetArn',
          '$.lease.record.green.taskSetArn',
        ),
        { Variable: '$.lease.record.previous.found', BooleanEquals: true, Next: 'ResumeListTaskSets' },
      ],
      Default: 'ResumeWithoutBlue',
    },
    ...containsStates({
      collect: { name: 'ResumeListTaskSets', key: 'arns' },
      check: 'ResumeCheckBlue',
      choose: 'IsRecordedBlueThere',
      list: '$.current.services[0].TaskSets[*].TaskSetArn',
      item: '$.lease.record.previous.taskSetArn',
      resultPath: '$.resume',
      flag: 'blueExists',
      contained: 'UseRecordedBlue',
      notContained: 'RejectRecordDrift',
    }),
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
        {
          // A production split with no shift recorded (changed by hand) whose first group is green's: BlueLocate read
          // green as blue. Never report that as a completed swap; nothing is guessed.
          And: [forwardsSplit('$.prodRule'), { Variable: '$.blue.taskSetArn', StringEqualsPath: '$.green.taskSetArn' }],
          Next: 'RejectRecordDrift',
        },
        { Variable: '$.blue.taskSetArn', StringEqualsPath: '$.green.taskSetArn', Next: 'EnsureGreenPrimary' },
      ],
      Default: 'DescribeGreenTargetHealth',
    },
    RejectNoGreen: fmtReject(
      'BlueGreen.NothingToSwap',
      "States.Format('Service {} has no green deployment under test (the test listener forwards to {}). Run deploy-green first. Nothing was changed.', $.service, States.JsonToString($.testRule.actions))",
      ['deploy-green'],
    ),
    ...fullyHealthyGateStates({
      name: 'Green',
      tgPath: '$.green.targetGroupArn',
      resultPath: '$.greenHealth',
      healthy: 'CheckLiveAgainstRecord',
      unhealthy: 'RejectGreenUnhealthy',
      onError: 'FailBeforeChanges',
      tolerateRegistering: true,
    }),
    CheckLiveAgainstRecord: {
      Type: 'Choice',
      Comment:
        "Before production moves: it must still forward where the deployment record says (the live version deploy-green recorded, and the green it recorded under test), or something changed it behind the controller's back; nothing is guessed. A record without these (a resumed swap, or one written before they were recorded) is not compared.",
      Choices: [
        {
          And: [
            { Variable: '$.lease.record.phase', StringEquals: 'testing' },
            { Variable: '$.lease.record.green.taskSetArn', IsPresent: true },
            { Not: { Variable: '$.green.taskSetArn', StringEqualsPath: '$.lease.record.green.taskSetArn' } },
          ],
          Next: 'RejectRecordDrift',
        },
        {
          And: [
            { Variable: '$.lease.record.phase', StringEquals: 'testing' },
            { Variable: '$.lease.record.live.found', IsPresent: true },
            { Variable: '$.lease.record.live.found', BooleanEquals: true },
            {
              Or: [
                { Variable: '$.blue.found', BooleanEquals: false },
                { Not: { Variable: '$.blue.taskSetArn', StringEqualsPath: '$.lease.record.live.taskSetArn' } },
              ],
            },
          ],
          Next: 'RejectRecordDrift',
        },
        { Variable: '$.blue.found', BooleanEquals: true, Next: 'DescribeBlueTargetHealth' },
      ],
      Default: 'IsGreenScaleToCheck',
    },
    ...targetHealthStates({
      describe: 'DescribeBlueTargetHealth',
      check: 'AnyBlueTargets',
      summarize: 'SummarizeBlueHealth',
      tgPath: '$.blue.targetGroupArn',
      resultPath: '$.blueHealth',
      summary: (statesPath) => ({
        'anyHealthy.$': `States.ArrayContains(${statesPath}, 'healthy')`,
        'states.$': statesPath,
      }),
      next: 'IsBlueServing',
      onError: 'FailBeforeChanges',
    }),
    IsBlueServing: {
      Type: 'Choice',
      Comment:
        'Blue is what production goes back to if green fails (the undo, the bake, rollback): it must have a healthy target now, before anything moves, unless the input says to go ahead without one.',
      Choices: [
        { Variable: '$.blueHealth.anyHealthy', BooleanEquals: true, Next: 'IsGreenScaleToCheck' },
        {
          And: [
            { Variable: '$.allowUnhealthyBlue', IsPresent: true },
            { Variable: '$.allowUnhealthyBlue', BooleanEquals: true },
          ],
          Next: 'IsGreenScaleToCheck',
        },
      ],
      Default: 'RejectBlueUnhealthy',
    },
    RejectBlueUnhealthy: fmtReject(
      'BlueGreen.LiveNotHealthy',
      "States.Format('Swap refused: blue (task set {}), the version production serves and would go back to if green failed, has no healthy target (target states {}). Nothing was changed. Find out why with bluegreen status; to replace a broken production with green anyway, run swap again with allowUnhealthyBlue: true (no version to go back to).', $.blue.taskSetId, States.JsonToString($.blueHealth.states))",
      ['status'],
    ),
    RejectGreenUnhealthy: fmtReject(
      'BlueGreen.GreenNotHealthy',
      "States.Format('Swap refused: green target group {} is not healthy (target states {}; only targets still registering may be other than healthy). Production still serves blue; nothing was changed. Fix green or run abort.', $.green.targetGroupArn, States.JsonToString($.greenHealth.states))",
      ['abort'],
    ),
    ...fullSizeGreenStates({ next: 'RecordSwapping' }),
    ...recordStates(
      'Swapping',
      { phase: 'swapping', 'green.$': '$.green', 'previous.$': '$.blue' },
      'IsThereBlue',
      'FailBeforeChanges',
      { result: AUTO_SCALING_RESULT },
    ),
    IsThereBlue: {
      Type: 'Choice',
      Comment:
        'The first release has no blue to keep (and nothing to scale in: production is idle until it moves to green).',
      Choices: [
        whenAutoScaled('DisableScaleIn', { Variable: '$.blue.found', BooleanEquals: true }),
        { Variable: '$.blue.found', BooleanEquals: true, Next: 'KeepBlueInUse' },
      ],
      Default: 'PointProductionAtGreen',
    },
    DisableScaleIn: trackRequestsTask(
      '$.blue.targetGroupArn',
      'disabled',
      'KeepBlueInUse',
      catchTo('UndoReleasePreviousRule'),
      {
        comment:
          "No scale-in until the service is back to one version (clean-up, rollback, abort, or this swap's undo): as production moves, blue's requests per target fall, and scaling in would shrink green too (task sets follow the desired count). The policy still tracks blue, where production is.",
      },
    ),
    KeepBlueInUse: keepPreviousInUse('$.blue.targetGroupArn', 'HasShiftSteps', 'UndoReleasePreviousRule'),
    ...shiftStates(),
    PointProductionAtGreen: forwardRuleTask(
      '${ProdRuleArn}',
      '$.green.targetGroupArn',
      'MakeGreenPrimary',
      'UndoRestoreProduction',
    ),
    MakeGreenPrimary: makePrimaryTask('$.green.taskSetArn', 'IsGreenToTrack', 'UndoRestoreProduction'),
    IsGreenToTrack: {
      Type: 'Choice',
      Comment: 'With autoscaling, the policy now tracks the target group production forwards to.',
      Choices: [whenAutoScaled('TrackGreenRequests')],
      Default: 'IsThereBlueToReturnTo',
    },
    TrackGreenRequests: trackRequestsTask(
      '$.green.targetGroupArn',
      { disabledPath: '$.blue.found' },
      'IsThereBlueToReturnTo',
      [{ ErrorEquals: ['States.ALL'], ResultPath: '$.autoScaling.error', Next: 'IsThereBlueToReturnTo' }],
      {
        comment:
          "Scale-in stays disabled while blue runs (the first release has none: enabled). A failure here does not undo the swap: production is on green and healthy, and moving it back over a scaling policy would be the outage. The error goes out in the swap's output (autoScaling.error); clean-up, rollback and abort point the policy at the live version again.",
      },
    ),
    IsThereBlueToReturnTo: {
      Type: 'Choice',
      Comment: 'The bake can only undo a swap that has a previous version to return to (not the first release).',
      Choices: [{ Variable: '$.blue.found', BooleanEquals: true, Next: 'RecordBaking' }],
      Default: 'RecordSwapped',
    },
    ...recordStates(
      'Baking',
      { phase: 'baking', 'green.$': '$.green', 'previous.$': '$.blue', 'bakeSeconds.$': '$.bakeSeconds' },
      'StartBake',
      'UndoRestoreProduction',
    ),
    StartBake: {
      Type: 'Pass',
      Parameters: { 'seconds.$': '$.bakeSeconds' },
      ResultPath: '$.bake',
      Next: 'RunPostProductionTrafficShiftHooks',
    },
    ...lifecycleHookStates({
      name: 'PostProductionTrafficShift',
      stage: 'POST_PRODUCTION_TRAFFIC_SHIFT',
      event: {
        machine: 'swap',
        'cluster.$': '$.cluster',
        'service.$': '$.service',
        green: { 'taskSetArn.$': '$.green.taskSetArn', 'targetGroupArn.$': '$.green.targetGroupArn' },
        blue: { 'taskSetArn.$': '$.blue.taskSetArn', 'targetGroupArn.$': '$.blue.targetGroupArn' },
        productionUrl: '${ProdUrl}',
      },
      next: 'IsThereABake',
      onFailure: 'UndoRestoreProduction',
    }),
    IsThereABake: {
      Type: 'Choice',
      Comment: 'A bake of 0 seconds is none.',
      Choices: [{ Variable: '$.bake.seconds', NumericGreaterThan: 0, Next: 'WatchBake' }],
      Default: 'RecordSwapped',
    },
    ...greenWatchStates({
      name: 'Bake',
      kind: 'bake',
      secondsPath: '$.bake.seconds',
      resultPath: '$.bake.degraded',
      passed: 'RecordSwapped',
      degraded: 'NoteGreenDegradedAfterSwap',
      onError: 'UndoRestoreProduction',
    }),
    NoteGreenDegradedAfterSwap: noteError(
      'BlueGreen.GreenUnhealthyAfterSwap',
      {
        format:
          "States.Format('Green (task set {}) failed during the {}-second bake after the swap: {}. Green still runs on the test listener: run abort to discard it (then deploy a fixed version), or swap again once it is healthy.', $.green.taskSetId, $.bake.seconds, $.bake.degraded.payload.errorMessage)",
      },
      'UndoRestoreProduction',
    ),
    EnsureGreenPrimary: {
      ...makePrimaryTask('$.green.taskSetArn', 'IsCleanUpApprovalToRestart', 'FailBeforeChanges', {
        comment:
          'Production already forwards to green (a re-run after a swap): only make sure green is primary. In step-functions mode, then start the clean-up that waits for ApproveCleanUp, which a swap stopped before it started one never did.',
      }),
      ResultSelector: SWAP_APPROVAL_MODE.selector,
      ResultPath: SWAP_APPROVAL_MODE.path,
    },
    IsCleanUpApprovalToRestart: {
      Type: 'Choice',
      Choices: [restartCleanUpApprovalRule('RestartCleanUpAwaitingApproval')],
      Default: 'AlreadySwapped',
    },
    ...startCleanUpApprovalStates({ name: 'RestartCleanUpAwaitingApproval', outcome: 'IsCleanUpApprovalToRestart' }),
    AlreadySwapped: outcome(['clean-up', 'rollback'], {
      changed: false,
      'primaryTaskSetArn.$': '$.green.taskSetArn',
      'message.$':
        "States.Format('Production already serves task set {}; nothing to swap. Next: clean-up, or rollback.', $.green.taskSetId)",
    }),
    ...recordStates(
      'Swapped',
      { phase: 'swapped', 'live.$': '$.green', 'previous.$': '$.blue' },
      'WasBaked',
      'FailRecordAfterSwap',
      { result: SWAP_APPROVAL_MODE },
    ),
    WasBaked: {
      Type: 'Choice',
      Comment:
        'In step-functions mode, first start the clean-up that waits for ApproveCleanUp (then back here). The first release has no bake (and no blue to keep), and a bake of 0 seconds is none.',
      Choices: [
        startCleanUpApprovalRule('StartCleanUpAwaitingApproval'),
        { Variable: '$.blue.found', BooleanEquals: false, Next: 'FirstReleaseLive' },
        { Not: { Variable: '$.bake', IsPresent: true }, Next: 'Swapped' },
        { Variable: '$.bake.seconds', NumericGreaterThan: 0, Next: 'SwappedAfterBake' },
      ],
      Default: 'Swapped',
    },
    ...startCleanUpApprovalStates({ name: 'StartCleanUpAwaitingApproval', outcome: 'WasBaked' }),
    FailRecordAfterSwap: failSaying(
      'The swap itself completed (production serves green, and green is primary), but the deployment record could not be updated. Re-run swap: it checks green again, bakes again and records the result.',
      UNDONE.partly,
      ['swap'],
    ),
    FirstReleaseLive: outcome(['clean-up'], {
      'autoScaling.$': '$.autoScaling',
      changed: true,
      'primaryTaskSetArn.$': '$.green.taskSetArn',
      'message.$':
        "States.Format('First release: production now serves task set {} at ${ProdUrl}. There is no earlier version to go back to. Next: clean-up, which closes the test listener.', $.green.taskSetId)",
    }),
    Swapped: outcome(['clean-up', 'rollback'], {
      'autoScaling.$': '$.autoScaling',
      changed: true,
      'primaryTaskSetArn.$': '$.green.taskSetArn',
      'previousProductionActions.$': '$.prodRule.actions',
      'message.$':
        "States.Format('Production now serves task set {} at ${ProdUrl}. Blue keeps running until clean-up. Next: clean-up, or rollback.', $.green.taskSetId)",
    }),
    SwappedAfterBake: outcome(['clean-up', 'rollback'], {
      'autoScaling.$': '$.autoScaling',
      changed: true,
      'primaryTaskSetArn.$': '$.green.taskSetArn',
      'previousProductionActions.$': '$.prodRule.actions',
      'bakeSeconds.$': '$.bake.seconds',
      'message.$':
        "States.Format('Production now serves task set {} at ${ProdUrl}; it stayed fully healthy through a {}-second bake under production traffic. Blue keeps running until clean-up. Next: clean-up, or rollback.', $.green.taskSetId, $.bake.seconds)",
    }),
    UndoRestoreProduction: {
      Type: 'Choice',
      Comment:
        'Production goes back to blue (kept health-checked), or to the fixed response before the first release. Not to what this run found: a resumed swap found production already on green.',
      Choices: [{ Variable: '$.blue.found', BooleanEquals: true, Next: 'UndoProductionToBlue' }],
      Default: 'UndoProductionToIdle',
    },
    UndoProductionToBlue: forwardRuleTask(
      '${ProdRuleArn}',
      '$.blue.targetGroupArn',
      'WasGreenMadePrimary',
      undoCatch(),
      { retrier: undoRetry },
    ),
    UndoProductionToIdle: fixedResponseRuleTask(
      '${ProdRuleArn}',
      '${ProductionIdleMessage}',
      'WasGreenMadePrimary',
      undoCatch(),
      undoRetry,
    ),
    WasGreenMadePrimary: {
      Type: 'Choice',
      Comment: 'Only a swap that got as far as the bake made green primary (and only with a blue to return to).',
      Choices: [{ Variable: '$.bake', IsPresent: true, Next: 'UndoMakeBluePrimary' }],
      Default: 'UndoReleasePreviousRule',
    },
    UndoMakeBluePrimary: makePrimaryTask('$.blue.taskSetArn', 'UndoReleasePreviousRule', undoCatch(), {
      retrier: undoRetry,
    }),
    UndoReleasePreviousRule: resetPreviousRule('WasGreenScaledUp', undoCatch(), undoRetry),
    ...undoGreenScaleStates({ next: 'RecordUndoneToTesting', onError: 'FailUndo' }),
    ...recordStates(
      'UndoneToTesting',
      { phase: 'testing', 'green.$': '$.green' },
      'IsScaleInDisabled',
      'IsScaleInDisabled',
      { errorPath: '$.recordError' },
    ),
    IsScaleInDisabled: {
      Type: 'Choice',
      Comment:
        'This swap disabled scale-in only with a blue to keep: the policy goes back to tracking blue (production is there again), scale-in enabled.',
      Choices: [whenAutoScaled('UndoTrackBlueRequests', { Variable: '$.blue.found', BooleanEquals: true })],
      Default: 'FailUndone',
    },
    UndoTrackBlueRequests: trackRequestsTask('$.blue.targetGroupArn', 'enabled', 'FailUndone', undoScalingCatch, {
      retrier: undoRetryExcept(NO_SCALABLE_TARGET),
    }),
    FailUndoneScalingNotRestored: {
      Type: 'Pass',
      Parameters: {
        'Error.$': '$.error.Error',
        Cause: failureCause(
          {
            from: "States.Format('{} Undone: production is back on blue, the primary task set is as it was, and green is back at the size it was tested at; but restoring autoscaling of the service failed ({}: {}): the policy may still track green with scale-in disabled. Run abort or swap: each sets it again.', $.error.Cause, $.undoError.Error, $.undoError.Cause)",
          },
          UNDONE.partly,
          ['abort', 'swap'],
        ),
      },
      ResultPath: '$.failure',
      Next: FAILED,
    },
    FailUndone: failSaying(
      'Undone: production is back on what it served before the swap (kept health-checked throughout), the primary task set is as it was, green is back at the size it was tested at, and the previous-version rule is reset.',
      UNDONE.everything,
      ['abort', 'swap'],
    ),
    FailUndo: undoFailed('Swap failed ({}: {}) and restoring production failed too ({}: {}). Run rollback now.', [
      'rollback',
    ]),
  },
  INPUT_CHECK,
);
export default definition;
