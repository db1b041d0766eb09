import { Duration } from 'aws-cdk-lib';
import { approvalWindowProblem, type SwapApprovalMode } from '../../../contract';
import { PropValidationError } from './validate';

/** CodePipeline's default manual-approval timeout, which the stack keeps as its default window in either mode. */
export const DEFAULT_SWAP_APPROVAL_TIMEOUT = Duration.days(7);

/** The swap approval's window in seconds, checked for its mode (contract/approvals.ts approvalWindowProblem). */
export function swapApprovalWindowSeconds(mode: SwapApprovalMode, timeout: Duration | undefined): number {
  const window = timeout ?? DEFAULT_SWAP_APPROVAL_TIMEOUT;
  const seconds = window.toSeconds({ integral: false });
  const problem = approvalWindowProblem(String(mode), seconds, window.toHumanString());
  if (problem !== undefined) throw new PropValidationError(problem);
  return seconds;
}
