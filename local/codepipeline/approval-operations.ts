/**
 * PutApprovalResult. Each approval request gets a fresh UUID token (runner.ts), shown in GetPipelineState only while
 * it waits. The token of a request already answered is ApprovalAlreadyCompletedException; a token this action never
 * issued, or one whose request expired, InvalidApprovalTokenException (our reading of the two documented errors:
 * "already approved or rejected" vs "already received a response or has expired").
 */
import { AwsError } from '../aws/service';
import { checkName } from './declaration';
import { validation } from './errors';
import { str } from './input';
import type { OperationHandler } from './operation-context';

const TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_SUMMARY = 512;

export const putApprovalResult: OperationHandler = ({ store, call }, input) => {
  // Constraint checks first, as AWS validates the request before it looks anything up.
  const pipelineName = checkName(str(input, 'pipelineName'), 'pipelineName');
  const stageName = checkName(str(input, 'stageName'), 'stageName');
  const actionName = checkName(str(input, 'actionName'), 'actionName');
  const token = str(input, 'token');
  if (!TOKEN.test(token)) {
    throw validation(
      `1 validation error detected: Value '${token}' at 'token' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`,
    );
  }
  const result = input.result as { status: 'Approved' | 'Rejected'; summary: string };
  if (result.summary.length > MAX_SUMMARY) {
    throw validation(
      `1 validation error detected: Value at 'result.summary' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SUMMARY}`,
    );
  }
  const record = store.pipeline(pipelineName);
  const stage = record.declaration.stages.find((s) => s.name === stageName);
  if (!stage) {
    throw new AwsError(
      'StageNotFoundException',
      `Stage '${stageName}' does not exist in pipeline '${record.declaration.name}'`,
    );
  }
  if (!stage.actions.some((a) => a.name === actionName)) {
    throw new AwsError(
      'ActionNotFoundException',
      `Action '${actionName}' does not exist in stage '${stageName}' of pipeline '${record.declaration.name}'`,
    );
  }
  const approval = record.approvals.get(token);
  if (approval?.stageName === stageName && approval.actionName === actionName) {
    if (approval.state === 'answered') {
      throw new AwsError(
        'ApprovalAlreadyCompletedException',
        `The approval action '${actionName}' in stage '${stageName}' has already been approved or rejected`,
      );
    }
    if (approval.state === 'pending' && approval.answer) {
      return { approvedAt: approval.answer(result, call.principal) };
    }
  }
  throw new AwsError(
    'InvalidApprovalTokenException',
    `The token is not valid for a pending approval of action '${actionName}' in stage '${stageName}': the request already received a response, expired, or never existed`,
  );
};
