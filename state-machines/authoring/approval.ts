import { APPROVED_GREEN_GONE, NOTHING_TO_APPROVE, UNDONE, type SwapApprovalMode } from '../../contract';
import type { States } from './asl';
import { FAILED, failureCause, fmtReject, functionErrorMessageStates, lambdaRetry } from './basics';

/**
 * The swap approval as a task-token wait (contract/approvals.ts), for stacks whose `swapApprovalMode` is
 * `step-functions`. Three parts:
 *
 * - deploy-green, once green is recorded under test: {@link startApprovalStates} asks the approvals function to start
 *   the swap that waits (in `pipeline` mode: nothing, two transitions).
 * - swap with `awaitApproval: true`, after its input checks and before the lease: {@link awaitApprovalStates} waits on
 *   a task token the approvals function keeps beside the record. Nothing is held or changed while it waits, so other
 *   operations (abort, another deploy-green) stay possible; the window is the Task's timeout.
 * - swap, once it holds the lease and has found green: {@link approvedGreenStates} refuses to move production to any
 *   green but the approved one.
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
          'cluster.$': '$.cluster',
          'service.$': '$.service',
          'deployGreenExecutionArn.$': '$$.Execution.Id',
          swapStateMachineArn: '${SwapStateMachineArn}',
        },
      },
      ResultSelector: { mode: MODE, 'swapExecutionArn.$': '$.Payload.swapExecutionArn' },
      ResultPath: '$.swapApproval',
      Retry: lambdaRetry,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.swapApproval.error', Next: next }],
      Next: next,
    },
  };
}

export function awaitApprovalStates({ next }: { next: string }): States {
  return {
    IsApprovalAwaited: {
      Type: 'Choice',
      Comment:
        'awaitApproval: true (the swap deploy-green starts in step-functions mode) waits for testers first; a swap started by hand goes straight on.',
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
      Parameters: { 'seconds.$': "States.StringToJson('${SwapApprovalTimeoutSeconds}')" },
      ResultPath: '$.approvalWindow',
      Next: 'AwaitApproval',
    },
    AwaitApproval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Comment:
        "Waits for bluegreen approve (SendTaskSuccess with the green approved) or reject (SendTaskFailure), at most the stack's window (the Task's timeout), without polling: its transitions do not grow with the window. The approvals function keeps the token beside the record, for the green under test.",
      Parameters: {
        FunctionName: '${ApprovalsFunctionArn}',
        Payload: {
          action: 'request',
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
        Cause: failureCause({ from: '$.error.Cause' }, UNDONE.nothingChanged, ['deploy-green', 'status']),
      },
      ResultPath: '$.failure',
      Next: FAILED,
    },
    WithdrawApproval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Comment:
        'The wait ended without approval: forget the token; rejected or expired while its green is still under test, start abort (as a rejected pipeline approval does).',
      Parameters: {
        FunctionName: '${ApprovalsFunctionArn}',
        Payload: {
          action: 'withdraw',
          'cluster.$': '$.cluster',
          'service.$': '$.service',
          'executionArn.$': '$$.Execution.Id',
          'error.$': '$.error.Error',
          'cause.$': '$.error.Cause',
          abortStateMachineArn: '${AbortStateMachineArn}',
        },
      },
      ResultSelector: {
        'error.$': '$.Payload.error',
        'message.$': '$.Payload.message',
        'abortExecutionArn.$': '$.Payload.abortExecutionArn',
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
            from: "States.Format('The swap approval wait ended ({}: {}), and the approvals function failed to forget it ({}). Production never moved and nothing was aborted: check with bluegreen status, then run abort to discard green, or swap to move production.', $.error.Error, $.error.Cause, $.withdrawError.Error)",
          },
          UNDONE.nothingChanged,
          ['status', 'abort', 'swap'],
        ),
      },
      ResultPath: '$.failure',
      Next: FAILED,
    },
  };
}

/** After the lease and GreenLocate: an approved swap moves production only to the green that was approved. */
export function approvedGreenStates({ next }: { next: string }): States {
  return {
    WasGreenApproved: {
      Type: 'Choice',
      Choices: [{ Variable: '$.approval.green.taskSetArn', IsPresent: true, Next: 'IsApprovedGreenUnderTest' }],
      Default: next,
    },
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
