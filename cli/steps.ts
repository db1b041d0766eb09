/**
 * What a followed execution is doing, in a few words: each state machine's states grouped into a small set of
 * steps (checking input → taking the lease → creating green → …), so the follow log prints one line per step instead
 * of one per state (`--verbose` prints every state). The state names are the machines' stable API
 * (state-machines/*.asl.json); test/cli/steps.test.ts fails when a state of a shipped ASL file belongs to no step, or
 * when a Wait's period here is not the ASL's. Pure: no I/O, no SDK. (cli/phases.ts is the other "phase": the
 * deployment record's, which `status` and `wait --phase` show.)
 */
import { HEALTH_TIMEOUT_SECONDS } from '../contract';
import { formatDuration } from './format';
import type { MachineKind } from './machines';

/** A Wait state that loops inside a step, and how to say how far along the loop is. */
export interface StepWait {
  /** The Wait state's name. */
  readonly state: string;
  /** Its `Seconds` in the ASL. */
  readonly periodSeconds: number;
  /** `timeout`: polls until healthy, up to `totalSeconds` ("poll 3 of 60, 9m 40s left"); `bake`: "42 s of 300 s". */
  readonly kind: 'timeout' | 'bake';
  /** The loop's bound in seconds, from the execution input (contract/inputs.ts defaults), or fixed in the ASL. */
  readonly totalSeconds: (input: Readonly<Record<string, unknown>> | undefined) => number;
}

export interface Step {
  readonly id: string;
  /** What the log line says when the step starts. */
  readonly text: string;
  readonly states: readonly string[];
  readonly wait?: StepWait;
}

const number = (input: Readonly<Record<string, unknown>> | undefined, key: string, fallback: number): number => {
  const value = input?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
};

// Fragments every machine shares (state-machines/authoring: the input check, the lease, the ending).
const INPUT_STATES = [
  'CheckInputFields',
  'KeepInputRefusal',
  'KeepInputCheckError',
  'ReadInvalidInputPayload',
  'NoteInvalidInput',
  'ValidateInput',
  'RejectWrongCluster',
  'RejectWrongService',
];
const LEASE_STATES = [
  'HasLeaseAttempts',
  'FirstLeaseAttempt',
  'AcquireLease',
  'ReadLeaseHolder',
  'IsLeaseStillHeld',
  'CountLeaseAttempt',
  'MayRetryLease',
  'RejectLeaseContended',
  'DescribeLeaseHolder',
  'NoteHolderGone',
  'IsLeaseHolderRunning',
  'RejectOperationInProgress',
  'TakeOverLease',
  'NoteLeaseTakenOver',
];
const SERVICE_STATES = [
  'DescribeService',
  'CheckService',
  'RejectServiceNotFound',
  'RejectTooManyTaskSets',
  'DescribeProductionRule',
  'DescribeTestRule',
];
const LIVE_LOCATE_STATES = ['LiveLocate', 'LiveNone', 'LiveOrphan', 'LiveFirst', 'LiveSecond'];
const REMOVE_RULES_STATES = [
  'ListDeploymentRules',
  'AnyTaskSetTargetGroups',
  'ListTaskSetTargetGroups',
  'NoTaskSetTargetGroups',
  'RemoveDeploymentRules',
  'IsDeploymentRule',
  'DeploymentRuleDescribeTags',
  'DeploymentRuleIsOurs',
  'NotADeploymentRule',
  'DeleteDeploymentRule',
  'ForwardsToOrphan',
  'IsOrphanInUse',
  'IsOrphan',
  'DeleteOrphanTargetGroup',
  'DeploymentRuleRemoved',
];
const DRAIN_WAIT: StepWait = { state: 'WaitForDrain', periodSeconds: 15, kind: 'timeout', totalSeconds: () => 3600 };
const REMOVE_TASK_SETS_STATES = [
  'RemoveOldTaskSets',
  'IsOldTaskSet',
  'KeepLiveTaskSet',
  'DeleteOldTaskSet',
  'WaitForDrain',
  'CountDrainWait',
  'DescribeOldTaskSet',
  'IsDrained',
  'DrainTimedOut',
  'DeleteOldTargetGroup',
  'Removed',
];
const SWEEP_STATES = [
  'SweepDescribeService',
  'SweepHasTaskSets',
  'SweepCollectInUse',
  'SweepNothingInUse',
  'SweepDescribeTargetGroups',
  'SweepNextPage',
  'SweepMorePages',
  'SweepOrphans',
  'SweepIsOurs',
  'SweepIsUsedByTaskSet',
  'SweepIsOrphan',
  'SweepGroupDescribeTags',
  'SweepGroupIsOurs',
  'SweepDeleteOrphanGroup',
  'SweepOrphanDeleted',
  'SweepKeepGroup',
  'SweepDidDelete',
  'SweepNoteDeleted',
];
const SUCCESS_END = ['ReleaseLeaseOnSuccess', 'Succeeded'];
const FAILURE_END = ['FailBeforeChanges', 'ReleaseLeaseOnFailure', 'WriteFailureCause', 'Failed'];

/** The states of one stage's lifecycle hooks (state-machines/authoring/hooks.ts); their Wait is the hook's callBackDelay. */
const hookStates = (name: string): string[] => [
  `Run${name}Hooks`,
  `Did${name}HooksPass`,
  `Wait${name}Hook`,
  `Poll${name}Hooks`,
  `Note${name}HookFailed`,
];

const input: Step = { id: 'input', text: 'checking input', states: INPUT_STATES };
/**
 * The wait for testers' approval on a task token (swapApprovalMode step-functions, state-machines/authoring/
 * approval.ts), between the input check and the lease: swap's at ApproveSwap (a rejection starts abort), clean-up's at
 * ApproveCleanUp (a rejection starts rollback).
 */
const approvalStep = (stage: 'ApproveSwap' | 'ApproveCleanUp'): Step => ({
  id: 'approval',
  text: `waiting for testers: bluegreen approve --stage ${stage}, or reject --stage ${stage} (which starts ${stage === 'ApproveSwap' ? 'abort' : 'rollback'}; swapApprovalMode step-functions)`,
  states: [
    'ReadApprovalWindow',
    'AwaitApproval',
    'ReadNothingToApprove',
    'NoteNothingToApprove',
    'RejectNothingToApprove',
    'WithdrawApproval',
    'ApprovalNotGiven',
    'WithdrawApprovalFailed',
  ],
});
/**
 * With autoscaling, the policy tracks the version kept, scale-in enabled (state-machines/authoring/autoscaling.ts): the
 * first state of clean-up's, rollback's and abort's ending (its Choice is folded into the sweep's last one).
 */
const SCALING_STATES = ['TrackLiveRequests'];
const lease: Step = { id: 'lease', text: 'taking the lease', states: LEASE_STATES };
/**
 * The lease of a machine that may wait for an approval first (swap, clean-up): once approved, it waits up to a minute
 * (12 × 5 s) for a running holder to give the lease back (state-machines/authoring/lease.ts), e.g. the swap that
 * started a clean-up and ends a moment later, instead of using the approval up on a refusal.
 */
const approvedLease: Step = {
  id: 'lease',
  text: 'taking the lease',
  wait: { state: 'WaitForLeaseAfterApproval', periodSeconds: 5, kind: 'timeout', totalSeconds: () => 60 },
  states: [...LEASE_STATES, 'FirstApprovedLeaseWait', 'CountApprovedLeaseWait', 'WaitForLeaseAfterApproval'],
};
const sweep: Step = { id: 'sweep', text: 'sweeping leftover target groups', states: SWEEP_STATES };
const failing = (extra: readonly string[] = []): Step => ({
  id: 'failing',
  text: 'stopping: releasing the lease',
  states: [...extra, ...FAILURE_END],
});

/** Each machine's steps, in the order a run goes through them (the ending ones last). */
export const MACHINE_STEPS: Readonly<Record<MachineKind, readonly Step[]>> = {
  'deploy-green': [
    {
      ...input,
      states: [...INPUT_STATES, 'NameDeployment'],
    },
    lease,
    {
      id: 'checks',
      text: 'checking the service',
      states: [
        'DescribeService',
        'CheckService',
        'RejectServiceNotFound',
        'ListTaskSetDeployments',
        'FindInterruptedGreen',
        'IsInterruptedGreenLeft',
        'RejectUnfinishedSwap',
        'RejectUnfinishedRollback',
        'RejectPreviousKept',
        'RejectInterruptedDeployment',
        'RejectWrongController',
        'ListBlockingTaskSets',
        'IsGreenBlocking',
        'RejectDeploymentInProgress',
        'RejectStillDraining',
        'DescribeTestRule',
        'CheckTestRuleIsClosed',
      ],
    },
    {
      id: 'create',
      text: 'creating green (deployment rule, task definition, target group, task set)',
      states: [
        'RecordDeploying',
        'IsServiceScaledToZero',
        'SetServiceDesiredCount',
        'NoteScaledFrom',
        'CreateDeploymentRule',
        'IsRuleRetried',
        'CountDeploymentRuleAttempt',
        ...REMOVE_RULES_STATES,
        'NoteForeignRule',
        'RecheckTestRule',
        'IsTestRuleStillClosed',
        'NoteTestListenerTaken',
        'RejectTestListenerBusy',
        'DescribeGivenTaskDefinition',
        'NoteUnknownTaskDefinition',
        'CheckTaskDefinitionFamily',
        'RejectWrongFamily',
        'DescribeTemplateTaskDefinition',
        'SetAppImage',
        'IsAppContainer',
        'ReplaceImage',
        'KeepContainer',
        'RegisterGreenTaskDefinition',
        'CreateGreenTargetGroup',
        'SetGreenDeregistrationDelay',
        'AttachGreenForHealthChecks',
        'CreateGreenTaskSet',
      ],
    },
    {
      id: 'health',
      text: 'waiting for green to be healthy',
      wait: {
        state: 'WaitForGreen',
        periodSeconds: 10,
        kind: 'timeout',
        totalSeconds: (i) => number(i, 'healthTimeoutSeconds', HEALTH_TIMEOUT_SECONDS.default),
      },
      states: [
        'StartHealthWait',
        'WaitForGreen',
        'CountHealthWait',
        'DescribeGreenTaskSet',
        'DescribeGreenTargetHealth',
        'CheckGreenTaskSetExists',
        'NoteGreenTaskSetVanished',
        'SummarizeGreenHealth',
        'IsGreenHealthy',
        'ListGreenStoppedTasks',
        'AnyGreenStoppedTasks',
        'NoGreenStoppedTasks',
        'DescribeGreenStoppedTasks',
        'AnyGreenStoppedTasksDescribed',
        'ClassifyGreenStoppedTasks',
        'QuoteContainerExits',
        'HasExitCode',
        'QuoteZeroExit',
        'QuoteNonZeroExit',
        'QuoteNoExit',
        'IsTaskFailure',
        'QuoteFailedTask',
        'QuoteFailedTaskWithoutReason',
        'NotAFailure',
        'CountGreenTaskFailures',
        'CountUnhealthyPoll',
        'ResetUnhealthyPolls',
        'IsGreenFailing',
        'NoteFailingByTasks',
        'NoteFailingByTargets',
        'QuoteGreenTargets',
        'HasReason',
        'QuoteReasonAndDescription',
        'QuoteReason',
        'QuoteState',
        'AnyGreenTargetQuoted',
        'KeepFirstGreenTargetQuotes',
        'UseFirstGreenTargetQuotes',
        'WhichGreenFailure',
        'NoteGreenTasksFailing',
        'NoteGreenTargetsFailing',
        'NoteGreenNotHealthy',
      ],
    },
    {
      id: 'test',
      text: 'opening the test listener, between the lifecycle hooks (the smoke test is the first after it)',
      states: [...hookStates('PostScaleUp'), 'PointTestListenerAtGreen', ...hookStates('PostTestTrafficShift')],
    },
    {
      id: 'done',
      text: 'done: green serves the test listener',
      states: [
        'DetachGreenHealthRule',
        'CarryRecordedLive',
        'RecordTesting',
        'IsSwapApprovalInFlow',
        'StartSwapAwaitingApproval',
        'Ready',
        ...SUCCESS_END,
      ],
    },
    {
      id: 'undo',
      text: 'undoing: removing what this deployment made',
      wait: { state: 'UndoWaitForGreenGone', periodSeconds: 5, kind: 'timeout', totalSeconds: () => 300 },
      states: [
        'UndoRestoreTestListener',
        'UndoDetachHealthRule',
        'UndoDeleteHealthRule',
        'UndoHasGreenTaskSet',
        'UndoHasGreenTargetGroup',
        'UndoDeleteGreenTaskSet',
        'UndoStartGreenDrainWait',
        'UndoWaitForGreenGone',
        'UndoCountGreenDrainWait',
        'UndoDescribeGreenTaskSet',
        'UndoIsGreenGone',
        'NoteGreenDrainTimeout',
        'UndoDeleteGreenTargetGroup',
        'UndoScaleBackToZero',
        'UndoRestoreDesiredCount',
        'RestoreRecord',
        'FailUndone',
        'FailUndo',
      ],
    },
    failing(),
  ],
  swap: [
    input,
    approvalStep('ApproveSwap'),
    approvedLease,
    {
      id: 'checks',
      text: 'checking green and blue',
      states: [
        ...SERVICE_STATES,
        'WasGreenApproved',
        'RejectApprovedGreenGone',
        'RejectApprovalNamesNoGreen',
        'GreenLocate',
        'GreenNone',
        'GreenOrphan',
        'GreenFirst',
        'GreenSecond',
        'BlueLocate',
        'BlueNone',
        'BlueOrphan',
        'BlueFirst',
        'BlueSecond',
        'RejectUnfinishedRollback',
        'ResumeSwap',
        'ResumeListTaskSets',
        'ResumeCheckBlue',
        'IsRecordedBlueThere',
        'UseRecordedBlue',
        'ResumeWithoutBlue',
        'RejectRecordDrift',
        'RejectNoGreen',
        'DescribeGreenTargetHealth',
        'AnyGreenTargets',
        'SummarizeGreenHealth',
        'IsGreenHealthy',
        'RejectGreenUnhealthy',
        'DescribeBlueTargetHealth',
        'AnyBlueTargets',
        'SummarizeBlueHealth',
        'IsBlueServing',
        'RejectBlueUnhealthy',
      ],
    },
    {
      id: 'scale',
      text: 'scaling green to full size before production moves (it ran reduced while under test)',
      wait: {
        state: 'WaitForFullGreen',
        periodSeconds: 10,
        kind: 'timeout',
        totalSeconds: () => HEALTH_TIMEOUT_SECONDS.default,
      },
      states: [
        'ReadFirstTaskSetScale',
        'ReadSecondTaskSetScale',
        'IsGreenReduced',
        'ScaleGreenToFull',
        'StartGreenScaleWait',
        'WaitForFullGreen',
        'CountGreenScaleWait',
        'DescribeFullGreenTaskSet',
        'DescribeFullGreenTargetHealth',
        'AnyFullGreenTargets',
        'FullGreenTargetStates',
        'IsFullGreenThere',
        'NoteGreenGoneWhileScaling',
        'SummarizeFullGreenHealth',
        'IsGreenFullSize',
        'NoteGreenNotFullSize',
        'ScaleGreenBack',
        'FailGreenNotFullSize',
        'FailGreenScaleBack',
      ],
    },
    {
      id: 'move',
      text: 'moving production to green',
      states: [
        'RecordSwapping',
        'IsThereBlue',
        'DisableScaleIn',
        'KeepBlueInUse',
        'HasShiftSteps',
        'PointProductionAtGreen',
        'MakeGreenPrimary',
        'IsGreenToTrack',
        'TrackGreenRequests',
        'IsThereBlueToReturnTo',
      ],
    },
    {
      id: 'shift',
      text: 'shifting production to green step by step (blue and green by weight)',
      states: [
        'StartShift',
        'IsShiftOver',
        'TakeShiftStep',
        'RecordShifting',
        'ShiftProduction',
        'IsShiftStepTimed',
        'WatchShiftStep',
        'ReadShiftStepDegraded',
        'CheckShiftStep',
        'NextShiftStep',
        'NoteGreenDegradedDuringShift',
      ],
    },
    {
      id: 'bake',
      text: 'baking: watching green under production traffic',
      states: [
        'RecordBaking',
        'StartBake',
        ...hookStates('PostProductionTrafficShift'),
        'WatchBake',
        'ReadBakeDegraded',
        'CheckBake',
        'NoteGreenDegradedAfterSwap',
      ],
    },
    {
      id: 'done',
      text: 'done: production serves green',
      states: [
        'EnsureGreenPrimary',
        'IsCleanUpApprovalToRestart',
        'RestartCleanUpAwaitingApproval',
        'AlreadySwapped',
        'RecordSwapped',
        'WasBaked',
        'StartCleanUpAwaitingApproval',
        'FirstReleaseLive',
        'Swapped',
        'SwappedAfterBake',
        ...SUCCESS_END,
      ],
    },
    {
      id: 'undo',
      text: 'moving production back',
      states: [
        'UndoRestoreProduction',
        'UndoProductionToBlue',
        'UndoProductionToIdle',
        'WasGreenMadePrimary',
        'UndoMakeBluePrimary',
        'UndoReleasePreviousRule',
        'WasGreenScaledUp',
        'UndoScaleGreenBack',
        'RecordUndoneToTesting',
        'IsScaleInDisabled',
        'UndoTrackBlueRequests',
        'FailUndone',
        'FailUndoneScalingNotRestored',
        'FailUndo',
      ],
    },
    failing(['FailRecordAfterSwap']),
  ],
  'clean-up': [
    input,
    approvalStep('ApproveCleanUp'),
    approvedLease,
    {
      id: 'checks',
      text: 'checking what is live',
      states: [
        ...SERVICE_STATES,
        ...LIVE_LOCATE_STATES,
        'CheckCleanUpRecord',
        'RejectApprovedLiveGone',
        'RejectApprovalNamesNoGreen',
        'RejectUnfinishedSwap',
        'RejectUnfinishedRollback',
        'RejectGreenNotSwapped',
        'RejectProductionSplit',
        'CheckLive',
        'ReadLiveDegraded',
        'RejectLiveNotHealthy',
        'RejectNothingLive',
        'RejectSwapUnfinished',
      ],
    },
    {
      id: 'hooks',
      text: 'running the lifecycle hooks before the old version is removed',
      states: [...hookStates('PreBlueRemoval'), 'FailBeforeRemoval'],
    },
    { id: 'close-test', text: 'closing the test listener', states: ['CloseTestListener', 'ReleasePreviousRule'] },
    { id: 'remove', text: 'removing the old version', wait: DRAIN_WAIT, states: REMOVE_TASK_SETS_STATES },
    sweep,
    {
      id: 'done',
      text: 'done: only the live version remains',
      states: [
        ...SCALING_STATES,
        'IsAnythingLive',
        'RecordCleanedUp',
        'RecordNothingLiveToKeep',
        'NothingLiveToKeep',
        'CleanedUp',
        ...SUCCESS_END,
      ],
    },
    failing(['FailCleanUp']),
  ],
  rollback: [
    input,
    lease,
    {
      id: 'checks',
      text: 'checking the previous version',
      states: [
        ...SERVICE_STATES,
        ...LIVE_LOCATE_STATES,
        'CheckRollbackRecord',
        'RejectPreviousGone',
        'RejectRecordDrift',
        'RejectNotSwapped',
        'RejectProductionSplit',
        'PreviousIsFirst',
        'PreviousIsSecond',
        'CheckPreviousMatchesRecord',
        'RejectPreviousDraining',
      ],
    },
    {
      id: 'health',
      text: 'waiting for the previous version to be healthy',
      wait: { state: 'WaitForPrevious', periodSeconds: 5, kind: 'timeout', totalSeconds: () => 300 },
      states: [
        'RecordRollingBack',
        'PointTestListenerAtPrevious',
        'StartPreviousHealthWait',
        'WaitForPrevious',
        'CountPreviousHealthWait',
        'DescribePreviousTargetHealth',
        'AnyPreviousTargets',
        'SummarizePreviousHealth',
        'IsPreviousHealthy',
        'NotePreviousNotHealthy',
      ],
    },
    {
      id: 'move',
      text: 'moving production back to the previous version',
      states: [
        'PointProductionAtPrevious',
        'MakePreviousPrimary',
        'CloseTestListener',
        'ReleasePreviousRule',
        'PreviousIsLive',
      ],
    },
    { id: 'remove', text: 'removing the rolled-back version', wait: DRAIN_WAIT, states: REMOVE_TASK_SETS_STATES },
    sweep,
    {
      id: 'done',
      text: 'done: production serves the previous version',
      states: [...SCALING_STATES, 'NothingToRollBack', 'RecordRolledBack', 'RolledBack', ...SUCCESS_END],
    },
    {
      id: 'undo',
      text: 'undoing: restoring production and the test listener',
      states: ['UndoRestoreProduction', 'UndoRestoreTestListener', 'FailUndone', 'FailUndo'],
    },
    failing(['FailAfterSwitch']),
  ],
  abort: [
    input,
    lease,
    {
      id: 'checks',
      text: 'checking green',
      states: [
        ...SERVICE_STATES,
        ...LIVE_LOCATE_STATES,
        'CheckAbortRecord',
        'RejectUnfinishedSwap',
        'RejectUnfinishedRollback',
        'RejectAlreadySwapped',
        'RejectProductionSplit',
      ],
    },
    { id: 'close-test', text: 'closing the test listener', states: ['CloseTestListener', 'ReleasePreviousRule'] },
    {
      id: 'remove',
      text: 'removing green',
      wait: DRAIN_WAIT,
      states: [...REMOVE_RULES_STATES, ...REMOVE_TASK_SETS_STATES],
    },
    sweep,
    {
      id: 'done',
      text: 'done: green is gone',
      states: [
        ...SCALING_STATES,
        'IsAnythingLive',
        'RecordAbortedToStable',
        'RecordAbortedToNone',
        'SummarizeAbort',
        'WasAnythingAborted',
        'SweptLeftovers',
        'Aborted',
        'NothingToAbort',
        ...SUCCESS_END,
      ],
    },
    failing(['FailAbort']),
  ],
};

const INDEX: ReadonlyMap<MachineKind, ReadonlyMap<string, Step>> = new Map(
  Object.entries(MACHINE_STEPS).map(([machine, steps]) => [
    machine as MachineKind,
    new Map(steps.flatMap((step) => step.states.map((state) => [state, step] as const))),
  ]),
);

/** The step a state belongs to, or undefined (an unknown machine, or a state this CLI does not know yet). */
export function stepOf(machine: MachineKind | undefined, state: string): Step | undefined {
  return machine === undefined ? undefined : INDEX.get(machine)?.get(state);
}

/**
 * How far a step's wait loop is, at its `poll`-th Wait (1-based), in words: "poll 3 of 60, 9m 40s left" for a
 * health wait, "20 s of 300 s" for a bake. The machines count the loop the same way (elapsed += period per tick).
 */
export function waitProgressText(
  wait: StepWait,
  poll: number,
  input: Readonly<Record<string, unknown>> | undefined,
): string {
  const total = Math.max(0, wait.totalSeconds(input));
  const done = Math.max(0, (poll - 1) * wait.periodSeconds);
  // A total of 0 is not known from the input (a shift by the stack's default strategy): only the time so far.
  if (wait.kind === 'bake') return total > 0 ? `${Math.min(done, total)} s of ${total} s` : `${done} s`;
  const polls = Math.max(1, Math.ceil(total / wait.periodSeconds));
  return `poll ${poll} of ${polls}, ${formatDuration(Math.max(0, total - done) * 1000)} left`;
}
