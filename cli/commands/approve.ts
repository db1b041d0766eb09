/**
 * approve / reject: answers the pipeline's pending manual approval (ApproveSwap or ApproveCleanUp). GetPipelineState
 * gives each approval action's latest execution; one that is InProgress carries the token PutApprovalResult needs.
 * No pending approval, an approval answered meanwhile (ApprovalAlreadyCompletedException) or a token that is no
 * longer valid (InvalidApprovalTokenException: the approval was superseded or expired) is a usage error, exit 2.
 */
import { CodePipelineClient, GetPipelineStateCommand, PutApprovalResultCommand } from '@aws-sdk/client-codepipeline';
import type { Context } from '../context';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';

/** The pipeline's manual approvals (pipeline/delivery-pipeline.ts) and what answering each one starts. */
export const APPROVALS: Readonly<
  Record<string, { readonly approved: string; readonly rejected: string; readonly rejectStarts: string }>
> = {
  ApproveSwap: {
    approved: 'the Swap stage (swap) runs next',
    rejected: 'abort runs (green is discarded)',
    rejectStarts: 'abort',
  },
  ApproveCleanUp: {
    approved: 'the CleanUp stage (clean-up) runs next',
    rejected: 'rollback runs (production goes back)',
    rejectStarts: 'rollback',
  },
};

export interface PendingApproval {
  readonly stageName: string;
  readonly actionName: string;
  readonly token: string;
  readonly pipelineExecutionId?: string;
  readonly since?: Date;
}

export async function pendingApprovals(client: CodePipelineClient, pipelineName: string): Promise<PendingApproval[]> {
  let state;
  try {
    state = await client.send(new GetPipelineStateCommand({ name: pipelineName }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'PipelineNotFoundException') throw new UsageError(`Pipeline ${pipelineName} does not exist.`);
    if (name === 'UnknownOperationException') {
      // An endpoint without CodePipeline (local AWS has one since local/codepipeline; other emulators may not).
      throw new UsageError(
        `This endpoint has no CodePipeline, so pipeline ${pipelineName} has no approvals to answer.`,
      );
    }
    throw error;
  }
  return (state.stageStates ?? []).flatMap((stage) =>
    (stage.actionStates ?? []).flatMap((action) => {
      const latest = action.latestExecution;
      if (!stage.stageName || !action.actionName || latest?.status !== 'InProgress' || !latest.token) return [];
      return [
        {
          stageName: stage.stageName,
          actionName: action.actionName,
          token: latest.token,
          pipelineExecutionId: stage.latestExecution?.pipelineExecutionId,
          since: latest.lastStatusChange,
        },
      ];
    }),
  );
}

/**
 * Why an answer must not be sent (one line, for a usage error), or undefined when exactly one approval is meant:
 * nothing pending; `--stage` naming an approval that is not the pending one; `reject` without `--stage` (rejecting
 * starts abort or rollback, so it never answers whatever happens to be pending); more than one pending without
 * `--stage`. `command` builds a runnable command line (hints.ts). Pure.
 */
export function approvalRefusal(
  pending: ReadonlyArray<Pick<PendingApproval, 'stageName'>>,
  decision: 'Approved' | 'Rejected',
  stage: string | undefined,
  pipelineName: string,
  command: (...args: string[]) => string,
): string | undefined {
  const verb = decision === 'Approved' ? 'approve' : 'reject';
  const names = pending.map((p) => p.stageName);
  const pick = (): string => names.map((name) => command(verb, '--stage', name)).join(', or ');
  if (stage !== undefined) {
    if (names.includes(stage)) return undefined;
    if (names.length === 0) {
      return `No manual approval is pending in pipeline ${pipelineName} (${stage} is not); nothing to ${verb}.`;
    }
    return `${stage} is not pending in pipeline ${pipelineName}: ${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'}; nothing was answered. To answer it: ${pick()}`;
  }
  if (names.length === 0) {
    const need = verb === 'reject' ? ' (and reject needs --stage NAME: ApproveSwap or ApproveCleanUp)' : '';
    return `No manual approval is pending in pipeline ${pipelineName}; nothing to ${verb}${need}.`;
  }
  if (verb === 'reject') {
    const [only] = names;
    if (names.length === 1 && only !== undefined) {
      const starts = APPROVALS[only]?.rejectStarts;
      return `reject ${starts ? `starts ${starts} at ${only}` : `answers ${only}`}; say which approval: ${pick()}`;
    }
  }
  if (names.length > 1)
    return `${names.length} approvals are pending in pipeline ${pipelineName}; pick one: ${pick()}.`;
  return undefined;
}

export async function approveCommand(
  ctx: Context,
  decision: 'Approved' | 'Rejected',
  flags: { readonly comment?: string; readonly stage?: string },
): Promise<ExitCode> {
  const stack = await ctx.stack();
  const pipelineName = stack.pipelineName;
  if (!pipelineName) throw new UsageError(`Stack ${stack.name} has no PipelineName output, so it has no approvals.`);
  const client = new CodePipelineClient(ctx.config());
  try {
    const all = await pendingApprovals(client, pipelineName);
    const refusal = approvalRefusal(all, decision, flags.stage, pipelineName, ctx.command.bind(ctx));
    if (refusal !== undefined) throw new UsageError(refusal);
    const pending = flags.stage === undefined ? all : all.filter((a) => a.stageName === flags.stage);
    const approval = pending[0] as PendingApproval;
    const verb = decision === 'Approved' ? 'approve' : 'reject';
    const summary = flags.comment ?? `${decision} with the bluegreen CLI`;
    try {
      await client.send(
        new PutApprovalResultCommand({
          pipelineName,
          stageName: approval.stageName,
          actionName: approval.actionName,
          token: approval.token,
          result: { status: decision, summary },
        }),
      );
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'ApprovalAlreadyCompletedException') {
        throw new UsageError(
          `${approval.stageName} in pipeline ${pipelineName} was already answered; nothing to ${verb}.`,
        );
      }
      if (name === 'InvalidApprovalTokenException') {
        throw new UsageError(
          `${approval.stageName} in pipeline ${pipelineName} is no longer pending (superseded or expired); nothing to ${verb}.`,
        );
      }
      throw error;
    }
    const effect = APPROVALS[approval.stageName]?.[decision === 'Approved' ? 'approved' : 'rejected'];
    if (ctx.options.json) {
      ctx.out(
        JSON.stringify({
          pipelineName,
          stageName: approval.stageName,
          actionName: approval.actionName,
          pipelineExecutionId: approval.pipelineExecutionId,
          result: decision,
          summary,
        }),
      );
    } else {
      ctx.out(
        `${decision} ${approval.stageName} in pipeline ${pipelineName}` +
          `${approval.pipelineExecutionId ? ` (execution ${approval.pipelineExecutionId})` : ''}${effect ? `: ${effect}.` : '.'}`,
      );
    }
    return EXIT.ok;
  } finally {
    client.destroy();
  }
}
