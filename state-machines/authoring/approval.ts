import {
  APPROVAL_STAGE_SPECS,
  APPROVED_GREEN_GONE,
  APPROVED_LIVE_GONE,
  NOTHING_TO_APPROVE,
  UNDONE,
  type ApprovalStage,
  type NextStep,
  type SwapApprovalMode,
} from '../../contract';
import type { ChoiceRule, Condition, PassState, States } from './asl';
import { FAILED, failureCause, fmtReject, functionErrorMessageStates, lambdaRetry } from './basics';

/**
 * The approvals as task-token waits (contract/approvals.ts), for stacks whose `swapApprovalMode` is `step-functions`.
 * Three parts, for each of the two approvals:
 *
 * - the machine before, once it has recorded what is to be approved, asks the approvals function to start the
 *   machine that waits: deploy-green the swap ({@link startApprovalStates}, in `pipeline` mode: nothing, two
 *   transitions), swap the clean-up ({@link startCleanUpApprovalRule} and {@link startCleanUpApprovalStates}, in
 *   `pipeline` mode: nothing, no transition).
 * - swap or clean-up with `awaitApproval: true`, after its input checks and before the lease:
 *   {@link awaitApprovalStates} waits on a task token the approvals function keeps beside the record. Nothing is held
 *   or changed while it waits, so other operations (abort, rollback, another deploy-green) stay possible; the window is
 *   the Task's timeout.
 * - once it holds the lease: swap refuses to move production to any green but the approved one
 *   ({@link approvedGreenStates}), clean-up to remove the version production could go back to unless production
 *   serves the approved one ({@link approvedLiveRules}).
 */

/** The stack's mode, as deploy-green reads it. */
const MODE: SwapApprovalMode = 'step-functions';

/**
 * The stack's swapApprovalMode (contract/approvals.ts: pipeline, or step-functions) at `path`, as a constant
 * ResultSelector of the Task before {@link startApprovalStates} (deploy-green's RecordTesting), so no Pass sets it.
 */
export const SWAP_APPROVAL_MODE = { selector: { mode: '${SwapApprovalMode}' }, path: '$.swapApproval' } as const;

/** The first state of {@link startApprovalStates}; `$.swapApproval` (SWAP_APPROVAL_MODE) is set before it. */
export const START_APPROVAL = 'IsSwapApprovalInFlow';

export function startApprovalStates({ next }: { next: string }): States {
  return {
    [START_APPROVAL]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.swapApproval.mode', StringEquals: MODE, Next: 'StartSwapAwaitingApproval' }],
      Default: next,
    },
    StartSwapAwaitingApproval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Comment:
        'Starts the swap that waits for testers (awaitApproval: true), named after this execution, so a retry starts nothing twice. Failing past its retries changes nothing: green stays under test, and swap can be started by hand.',
      Parameters: {
        FunctionName: '${ApprovalsFunctionArn}',
        Payload: {
          action: 'start',
          stage: 'ApproveSwap',
          'cluster.$': '$.cluster',
          'service.$': '$.service',
          'fromExecutionArn.$': '$$.Execution.Id',
          stateMachineArn: '${SwapStateMachineArn}',
        },
      },
      ResultSelector: { mode: MODE, 'swapExecutionArn.$': '$.Payload.executionArn' },
      ResultPath: '$.swapApproval',
      Retry: lambdaRetry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.swapApproval.error', Next: next }],
      Next: next,
    },
  };
}

/** Per approval: its window's and its rejection machine's substitutions, and what each failure says to run. */
const AWAIT: Readonly<
  Record<
    ApprovalStage,
    {
      readonly windowSeconds: string;
      readonly rejectStateMachineArn: string;
      readonly nothingToApproveNext: readonly NextStep[];
      readonly withdrawFailed: string;
      readonly withdrawFailedNext: readonly NextStep[];
    }
  >
> = {
  ApproveSwap: {
    windowSeconds: '${SwapApprovalTimeoutSeconds}',
    rejectStateMachineArn: '${AbortStateMachineArn}',
    nothingToApproveNext: ['deploy-green', 'status'],
    withdrawFailed:
      'Production never moved and nothing was aborted: check with bluegreen status, then run abort to discard green, or swap to move production.',
    withdrawFailedNext: ['status', 'abort', 'swap'],
  },
  ApproveCleanUp: {
    windowSeconds: '${CleanUpApprovalTimeoutSeconds}',
    rejectStateMachineArn: '${RollbackStateMachineArn}',
    nothingToApproveNext: ['status'],
    withdrawFailed:
      'Nothing was removed and nothing was rolled back: check with bluegreen status, then run rollback to go back to blue, or clean-up to remove it.',
    withdrawFailedNext: ['status', 'rollback', 'clean-up'],
  },
};

/**
 * The wait for `stage`'s approval (swap waits at ApproveSwap, clean-up at ApproveCleanUp), entered from the input
 * checks: an execution started with `awaitApproval: true` waits; any other goes on to `next` (the lease).
 */
export function awaitApprovalStates({ next, stage }: { next: string; stage: ApprovalStage }): States {
  const spec = APPROVAL_STAGE_SPECS[stage];
  const at = AWAIT[stage];
  return {
    IsApprovalAwaited: {
      Type: 'Choice',
      Comment: `awaitApproval: true (the ${spec.machine} that ${spec.machine === 'swap' ? 'deploy-green' : 'swap'} starts in step-functions mode) waits for ${stage} first; a ${spec.machine} started by hand goes straight on.`,
      Choices: [
        {
          And: [
            { Variable: '$.awaitApproval', IsPresent: true },
            { Variable: '$.awaitApproval', BooleanEquals: true },
          ],
          Next: 'ReadApprovalWindow',
        },
      ],
      Default: next,
    },
    ReadApprovalWindow: {
      Type: 'Pass',
      Parameters: { 'seconds.$': `States.StringToJson('${at.windowSeconds}')` },
      ResultPath: '$.approvalWindow',
      Next: 'AwaitApproval',
    },
    AwaitApproval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Comment: `Waits for bluegreen approve (SendTaskSuccess with the green approved) or reject (SendTaskFailure) at ${stage}, at most the stack's window (the Task's timeout), without polling: its transitions do not grow with the window. The approvals function keeps the token beside the record, for the green ${spec.phase === 'testing' ? 'under test' : 'production serves'}.`,
      Parameters: {
        FunctionName: '${ApprovalsFunctionArn}',
        Payload: {
          action: 'request',
          stage,
          'token.$': '$$.Task.Token',
          'executionArn.$': '$$.Execution.Id',
          'now.$': '$$.State.EnteredTime',
          'timeoutSeconds.$': '$.approvalWindow.seconds',
        },
      },
      TimeoutSecondsPath: '$.approvalWindow.seconds',
      ResultPath: '$.approval',
      Retry: lambdaRetry,
      Catch: [
        { ErrorEquals: [NOTHING_TO_APPROVE], ResultPath: '$.error', Next: 'ReadNothingToApprove' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'WithdrawApproval' },
      ],
      Next: next,
    },
    ...functionErrorMessageStates('ReadNothingToApprove', 'NoteNothingToApprove', '$.error', 'RejectNothingToApprove'),
    RejectNothingToApprove: {
      Type: 'Pass',
      Parameters: {
        'Error.$': '$.error.Error',
        Cause: failureCause({ from: '$.error.Cause' }, UNDONE.nothingChanged, at.nothingToApproveNext),
      },
      ResultPath: '$.failure',
      Next: FAILED,
    },
    WithdrawApproval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Comment: `The wait ended without approval: forget the token; rejected or expired while its green is still current, start ${spec.rejectStarts} (as a rejected pipeline approval does).`,
      Parameters: {
        FunctionName: '${ApprovalsFunctionArn}',
        Payload: {
          action: 'withdraw',
          stage,
          'cluster.$': '$.cluster',
          'service.$': '$.service',
          'executionArn.$': '$$.Execution.Id',
          'error.$': '$.error.Error',
          'cause.$': '$.error.Cause',
          rejectStateMachineArn: at.rejectStateMachineArn,
        },
      },
      ResultSelector: {
        'error.$': '$.Payload.error',
        'message.$': '$.Payload.message',
        'startedExecutionArn.$': '$.Payload.startedExecutionArn',
      },
      ResultPath: '$.withdrawn',
      Retry: lambdaRetry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.withdrawError', Next: 'WithdrawApprovalFailed' }],
      Next: 'ApprovalNotGiven',
    },
    ApprovalNotGiven: {
      Type: 'Pass',
      Parameters: {
        'Error.$': '$.withdrawn.error',
        Cause: failureCause({ from: '$.withdrawn.message' }, UNDONE.nothingChanged, ['status']),
      },
      ResultPath: '$.failure',
      Next: FAILED,
    },
    WithdrawApprovalFailed: {
      Type: 'Pass',
      Parameters: {
        'Error.$': '$.error.Error',
        Cause: failureCause(
          {
            from: `States.Format('The ${stage === 'ApproveSwap' ? 'swap' : 'clean-up'} approval wait ended ({}: {}), and the approvals function failed to forget it ({}). ${at.withdrawFailed}', $.error.Error, $.error.Cause, $.withdrawError.Error)`,
          },
          UNDONE.nothingChanged,
          at.withdrawFailedNext,
        ),
      },
      ResultPath: '$.failure',
      Next: FAILED,
    },
  };
}

/**
 * An approval whose answer names no green (SendTaskSuccess sent by hand with another output than `bluegreen approve`
 * sends): it cannot say which version it approves, so it approves none.
 */
function unnamedApprovalRule(reject: string): ChoiceRule {
  return {
    And: [
      { Variable: '$.approval', IsPresent: true },
      { Not: { Variable: '$.approval.green.taskSetArn', IsPresent: true } },
    ],
    Next: reject,
  };
}

function unnamedApprovalReject(error: string, who: 'Swap' | 'Clean-up', unchanged: string): PassState {
  return {
    Type: 'Pass',
    Parameters: {
      Error: error,
      Cause: failureCause(
        `${who} refused: the approval named no green (its answer must be {"green": {"taskSetArn": "<the task set it approves>"}}, as bluegreen approve sends), so it cannot tell which version was approved. ${unchanged}. See what runs now with bluegreen status.`,
        UNDONE.nothingChanged,
        ['status'],
      ),
    },
    ResultPath: '$.failure',
    Next: FAILED,
  };
}

/** After the lease and GreenLocate: an approved swap moves production only to the green that was approved. */
export function approvedGreenStates({ next }: { next: string }): States {
  return {
    WasGreenApproved: {
      Type: 'Choice',
      Choices: [
        unnamedApprovalRule('RejectApprovalNamesNoGreen'),
        { Variable: '$.approval.green.taskSetArn', IsPresent: true, Next: 'IsApprovedGreenUnderTest' },
      ],
      Default: next,
    },
    RejectApprovalNamesNoGreen: unnamedApprovalReject(APPROVED_GREEN_GONE, 'Swap', 'Production was not moved'),
    IsApprovedGreenUnderTest: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.green.found', BooleanEquals: false, Next: 'RejectApprovedGreenGone' },
        { Variable: '$.green.taskSetArn', StringEqualsPath: '$.approval.green.taskSetArn', Next: next },
      ],
      Default: 'RejectApprovedGreenGone',
    },
    RejectApprovedGreenGone: fmtReject(
      APPROVED_GREEN_GONE,
      "States.Format('Swap refused: the approval was for green task set {}, which is no longer the one under test (the test listener forwards to {}). Nothing was changed. Ask testers to approve the green under test, or run swap by hand.', $.approval.green.taskSetArn, States.JsonToString($.testRule.actions))",
      ['status'],
    ),
  };
}

/**
 * clean-up after its approval, once it holds the lease and has found the live version: it removes the version
 * production could go back to only while production serves the approved green. Two Choice rules, first in clean-up's
 * first Choice (a Choice of their own would cost a transition in every clean-up, and folding it into the next ones
 * would double their rules): And stops at its first false operand, so without an approval neither compares a path.
 */
export function approvedLiveRules(): ChoiceRule[] {
  const approved = { Variable: '$.approval.green.taskSetArn', IsPresent: true } as const;
  return [
    unnamedApprovalRule('RejectApprovalNamesNoGreen'),
    { And: [approved, { Variable: '$.live.found', BooleanEquals: false }], Next: 'RejectApprovedLiveGone' },
    {
      And: [approved, { Not: { Variable: '$.live.taskSetArn', StringEqualsPath: '$.approval.green.taskSetArn' } }],
      Next: 'RejectApprovedLiveGone',
    },
  ];
}

/** The refusal {@link approvedLiveRules} go to. */
export function approvedLiveRejects(): States {
  return {
    RejectApprovalNamesNoGreen: unnamedApprovalReject(APPROVED_LIVE_GONE, 'Clean-up', 'Nothing was removed'),
    RejectApprovedLiveGone: fmtReject(
      APPROVED_LIVE_GONE,
      "States.Format('Clean-up refused: the approval was for green task set {}, which production no longer serves (the production listener forwards to {}). Nothing was removed. See what runs now with bluegreen status; run clean-up by hand once production serves the version to keep.', $.approval.green.taskSetArn, States.JsonToString($.prodRule.actions))",
      ['status'],
    ),
  };
}

const FRESH_IN_FLOW: readonly Condition[] = [
  { Variable: '$.swapApproval.mode', StringEquals: MODE },
  { Not: { Variable: '$.cleanUpApproval', IsPresent: true } },
];

/**
 * swap, in step-functions mode, once production serves green and the record says so (RecordSwapped's result carries
 * `$.swapApproval.mode`, {@link SWAP_APPROVAL_MODE}): the Choice rule, first among the ones that pick swap's outcome,
 * sending it to {@link startCleanUpApprovalStates} (`start`). In `pipeline` mode it adds no transition.
 */
export function startCleanUpApprovalRule(start: string): ChoiceRule {
  return { And: [...FRESH_IN_FLOW], Next: start };
}

/**
 * A swap re-run that found production already on green (EnsureGreenPrimary's result carries the mode): the rule that
 * starts the clean-up waiter when the record it read says `swapped` (the run before was stopped before it started
 * one; the approvals function keeps one that already waits for that green).
 */
export function restartCleanUpApprovalRule(start: string): ChoiceRule {
  return { And: [...FRESH_IN_FLOW, { Variable: '$.lease.record.phase', StringEquals: 'swapped' }], Next: start };
}

/**
 * `name`: starts the clean-up that waits for ApproveCleanUp (awaitApproval: true), named after this swap, then goes
 * back to `outcome` (the Choice whose rule sent it here), which now goes on.
 */
export function startCleanUpApprovalStates({ name, outcome }: { name: string; outcome: string }): States {
  return {
    [name]: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Comment:
        'Starts the clean-up that waits for testers (awaitApproval: true), named after this execution, so a retry starts nothing twice. Failing past its retries changes nothing: production serves green, blue still runs, and clean-up or rollback can be started by hand.',
      Parameters: {
        FunctionName: '${ApprovalsFunctionArn}',
        Payload: {
          action: 'start',
          stage: 'ApproveCleanUp',
          'cluster.$': '$.cluster',
          'service.$': '$.service',
          'fromExecutionArn.$': '$$.Execution.Id',
          stateMachineArn: '${CleanUpStateMachineArn}',
        },
      },
      ResultSelector: { 'executionArn.$': '$.Payload.executionArn' },
      ResultPath: '$.cleanUpApproval',
      Retry: lambdaRetry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.cleanUpApproval', Next: outcome }],
      Next: outcome,
    },
  };
}
