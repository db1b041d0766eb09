/**
 * Driving the delivery pipeline in local AWS: start an execution for an image (what a push to the repository and the
 * image build would do on AWS), then wait for its approvals and its end through the CodePipeline API.
 */
import { CodePipelineClient, GetPipelineExecutionCommand, GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import { localClientConfig } from '../../local/aws/client-config';
import { LOCAL_REGION } from '../../local/local-aws';
import type { LocalStack } from './local-stack';

export interface LocalRelease {
  /** The image the pipeline deploys, e.g. `local/demo-app:green` (see the image table in README.md). */
  readonly image?: string;
  /** The commit it was built from (7-40 hex); a random one when not given. */
  readonly commit?: string;
}

/** Starts a pipeline execution whose builds "produced" `release.image`; returns the pipelineExecutionId. */
export function startLocalPipelineExecution(stack: LocalStack, release: LocalRelease = {}): string {
  return stack.aws.codepipeline.startExecution(stack.pipelineName, release);
}

export interface PendingApproval {
  readonly stageName: string;
  readonly actionName: string;
  readonly token: string;
  readonly pipelineExecutionId?: string;
}

/**
 * Polls GetPipelineState until the approval action of `stageName` waits for an answer in execution
 * `pipelineExecutionId` (any execution when undefined). Throws when the execution ends first or after `timeoutMs`.
 */
export async function waitForApproval(
  endpoint: string,
  pipelineName: string,
  stageName: string,
  pipelineExecutionId: string | undefined,
  options: { readonly timeoutMs?: number; readonly pollMs?: number } = {},
): Promise<PendingApproval> {
  const client = new CodePipelineClient(localClientConfig(endpoint, LOCAL_REGION));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  try {
    for (;;) {
      const state = await client.send(new GetPipelineStateCommand({ name: pipelineName }));
      const stage = state.stageStates?.find((s) => s.stageName === stageName);
      for (const action of stage?.actionStates ?? []) {
        const latest = action.latestExecution;
        if (
          latest?.status === 'InProgress' &&
          latest.token &&
          action.actionName &&
          (pipelineExecutionId === undefined || stage?.latestExecution?.pipelineExecutionId === pipelineExecutionId)
        ) {
          return {
            stageName,
            actionName: action.actionName,
            token: latest.token,
            pipelineExecutionId: stage?.latestExecution?.pipelineExecutionId,
          };
        }
      }
      const execution = pipelineExecutionId
        ? (await client.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }))).pipelineExecution
        : undefined;
      if (execution !== undefined && execution.status !== 'InProgress') {
        throw new Error(
          `Pipeline execution ${pipelineExecutionId} ended ${execution.status} before ${stageName} waited for approval${execution.statusSummary ? `: ${execution.statusSummary}` : ''}.`,
        );
      }
      if (Date.now() > deadline) throw new Error(`No approval was pending at ${stageName} within the timeout.`);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
    }
  } finally {
    client.destroy();
  }
}
