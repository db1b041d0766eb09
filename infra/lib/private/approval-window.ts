import { Duration } from 'aws-cdk-lib';
import { approvalWindowProblem, type SwapApprovalMode } from '../../../contract';
import { PropValidationError } from './validate';

/**
 * CodePipeline's default manual-approval timeout, which the stack keeps as its default window for either approval in
 * either mode.
 */
export const DEFAULT_APPROVAL_TIMEOUT = Duration.days(7);

/**
 * An approval's window in seconds, checked for its mode (contract/approvals.ts approvalWindowProblem); `prop` names
 * the prop that set it in the error.
 */
export function approvalWindowSeconds(
  mode: SwapApprovalMode,
  timeout: Duration | undefined,
  prop: 'swapApprovalTimeout' | 'cleanUpApprovalTimeout' = 'swapApprovalTimeout',
): number {
  const window = timeout ?? DEFAULT_APPROVAL_TIMEOUT;
  const seconds = window.toSeconds({ integral: false });
  const problem = approvalWindowProblem(String(mode), seconds, window.toHumanString(), prop);
  if (problem !== undefined) throw new PropValidationError(problem);
  return seconds;
}
