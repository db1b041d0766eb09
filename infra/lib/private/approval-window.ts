import { Duration } from 'aws-cdk-lib';
import {
  MAX_STEP_FUNCTIONS_APPROVAL_SECONDS,
  MIN_APPROVAL_SECONDS,
  PIPELINE_APPROVAL_MINUTES,
  SWAP_APPROVAL_MODES,
  type SwapApprovalMode,
} from '../../../contract';
import { PropValidationError } from './validate';

/** CodePipeline's default manual-approval timeout, which the stack keeps as its default window in either mode. */
export const DEFAULT_SWAP_APPROVAL_TIMEOUT = Duration.days(7);

/**
 * The swap approval's window in seconds, checked for its mode (contract/approvals.ts): CodePipeline's 5 minutes to
 * 60 days in whole minutes, or 5 minutes to 330 days in whole seconds for the task-token wait.
 */
export function swapApprovalWindowSeconds(mode: SwapApprovalMode, timeout: Duration | undefined): number {
  if (!(SWAP_APPROVAL_MODES as readonly string[]).includes(mode)) {
    throw new PropValidationError(
      `swapApprovalMode is '${String(mode)}', but it must be one of ${SWAP_APPROVAL_MODES.map((m) => `'${m}'`).join(', ')}: 'pipeline' for CodePipeline's manual approval (up to 60 days), 'step-functions' for a task-token wait inside swap (up to 330 days).`,
    );
  }
  const window = timeout ?? DEFAULT_SWAP_APPROVAL_TIMEOUT;
  const seconds = window.toSeconds({ integral: false });
  if (mode === 'pipeline') {
    const minutes = seconds / 60;
    if (
      !Number.isInteger(minutes) ||
      minutes < PIPELINE_APPROVAL_MINUTES.min ||
      minutes > PIPELINE_APPROVAL_MINUTES.max
    ) {
      throw new PropValidationError(
        `swapApprovalTimeout is ${window.toHumanString()}, but CodePipeline approvals last from 5 minutes to 60 days (86,400 minutes), in whole minutes. Choose a Duration in that range, or set swapApprovalMode: 'step-functions' for test windows up to 330 days.`,
      );
    }
    return seconds;
  }
  if (!Number.isInteger(seconds) || seconds < MIN_APPROVAL_SECONDS || seconds > MAX_STEP_FUNCTIONS_APPROVAL_SECONDS) {
    throw new PropValidationError(
      `swapApprovalTimeout is ${window.toHumanString()}, but with swapApprovalMode 'step-functions' it must be a whole number of seconds from 5 minutes to 330 days: the swap that waits must still shift and bake within Step Functions' one-year execution limit. Choose a Duration in that range.`,
    );
  }
  return seconds;
}
