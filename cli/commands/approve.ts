/**
 * approve / reject: answers the pending swap or clean-up approval, of either kind (contract/approvals.ts):
 *
 * - a swap waiting on a task token (swapApprovalMode step-functions): its token is in the service's deployment item;
 *   approve sends SendTaskSuccess with the green it is for, reject SendTaskFailure (swap then starts abort). A waiting
 *   swap for a green no longer under test is failed as superseded and not counted as pending.
 * - the pipeline's manual approval (ApproveSwap or ApproveCleanUp): GetPipelineState gives each approval action's
 *   latest execution; one that is InProgress carries the token PutApprovalResult needs.
 *
 * No pending approval, an approval answered meanwhile (ApprovalAlreadyCompletedException, TaskTimedOut) or a token that
 * is no longer valid (InvalidApprovalTokenException: the approval was superseded or expired) is a usage error, exit 2.
 */
import { CodePipelineClient, GetPipelineStateCommand, PutApprovalResultCommand } from '@aws-sdk/client-codepipeline';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import {
  APPROVAL_REJECTED,
  APPROVAL_SUPERSEDED,
  type WaitingApproval,
  type ApprovalAnswer,
} from '../../contract';
import { readDeploymentItem } from './status';
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

/** A swap's task token is closed: answered, expired, or its execution ended. */
const TOKEN_CLOSED = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** What the service's deployment item says about approving a swap: the swap that waits, and the green under test. */
interface SwapApprovalState {
  /** The swap waiting on a task token for the green under test, if one waits. */
  readonly waiting?: WaitingApproval;
  /** The green under test (the record's phase is `testing`), whether or not a swap waits for its approval. */
  readonly underTest?: { readonly taskSetArn?: string; readonly commit?: string };
  /** The machine holding the lease, if any (it may be running: then neither swap nor abort can start). */
  readonly leaseHolder?: string;
}

/**
 * The swap waiting on a task token for this service's green under test, if one waits, and that green. One that waits
 * for a green no longer under test (aborted, swapped or replaced since) is failed as superseded, so it ends without
 * acting.
 */
async function swapApprovalState(ctx: Context): Promise<SwapApprovalState> {
  const stack = await ctx.stack();
  if (stack.deploymentTable === undefined) return {};
  const ecs = new ECSClient(ctx.config());
  let serviceArn: string;
  try {
    const described = await ecs.send(
      new DescribeServicesCommand({ cluster: stack.cluster, services: [stack.service] }),
    );
    serviceArn = described.services?.[0]?.serviceArn ?? stack.service;
  } finally {
    ecs.destroy();
  }
  const { record, lease, approval } = await readDeploymentItem(ctx, stack, serviceArn);
  const underTest = {
    ...(record.phase === 'testing' && record.green !== undefined && { underTest: record.green }),
    ...(lease !== undefined && { leaseHolder: lease.machine }),
  };
  if (approval === undefined) return underTest;
  if (approval.current) return { waiting: approval.pending, ...underTest };
  const sfn = new SFNClient(ctx.config());
  try {
    await sfn.send(
      new SendTaskFailureCommand({
        taskToken: approval.pending.token,
        error: APPROVAL_SUPERSEDED,
        cause: `green task set ${approval.pending.green.taskSetArn} is no longer under test`,
      }),
    );
  } catch (error) {
    if (!TOKEN_CLOSED.has((error as { name?: string }).name ?? '')) throw error;
  } finally {
    sfn.destroy();
  }
  return underTest;
}

/**
 * The way on when nothing waits for approval but a green is under test: a swap that would have waited was stopped
 * before it kept its token, or deploy-green could not start it, or the pipeline's approval is over. swap moves
 * production to that green, abort discards it, whichever approval mode the stack has.
 */
function greenUnderTestWayOn(
  ctx: Context,
  green: { readonly taskSetArn?: string; readonly commit?: string },
  leaseHolder: string | undefined,
): string {
  const commit = green.commit ? ` ${green.commit}` : '';
  const taskSet = green.taskSetArn ? ` (task set ${green.taskSetArn})` : '';
  const what = `Green${commit}${taskSet} is under test and no swap waits for its approval`;
  // A lease held: an operation may be running, and then neither swap nor abort can start; status says which.
  if (leaseHolder !== undefined) {
    return `${what}, and ${leaseHolder} holds the lease: see what runs now with '${ctx.command('status')}'.`;
  }
  return `${what} (one that was to wait was stopped before it asked, or was never started): move production to it with '${ctx.command('swap')}', or discard it with '${ctx.command('abort')}'.`;
}

/** Answers a swap waiting on a task token: SendTaskSuccess with the green approved, or SendTaskFailure. */
async function answerWaitingSwap(
  ctx: Context,
  pending: WaitingApproval,
  decision: 'Approved' | 'Rejected',
  flags: { readonly comment?: string; readonly stage?: string },
): Promise<ExitCode> {
  const verb = decision === 'Approved' ? 'approve' : 'reject';
  if (flags.stage !== undefined && flags.stage !== 'ApproveSwap') {
    throw new UsageError(
      `${flags.stage} is not pending: the swap of green task set ${pending.green.taskSetArn} waits for approval (ApproveSwap); nothing was answered. To answer it: ${ctx.command(verb, '--stage', 'ApproveSwap')}`,
    );
  }
  if (decision === 'Rejected' && flags.stage === undefined) {
    throw new UsageError(
      `reject starts abort at ApproveSwap; say which approval: ${ctx.command('reject', '--stage', 'ApproveSwap')}`,
    );
  }
  const summary = flags.comment ?? `${decision} with the bluegreen CLI`;
  const sfn = new SFNClient(ctx.config());
  const greenCommit = pending.green.commit ? ` ${pending.green.commit}` : '';
  // The waiting swap may have been stopped (or have failed), answered or not: the deployment item still names its
  // token. (A Stop right after an approval ends it before it acts on the answer, so "unanswered" would not be true.) Nothing waits then, and the green is still under test: say so and what moves it on, instead of sending
  // an answer nobody receives.
  const ended = await sfn
    .send(new DescribeExecutionCommand({ executionArn: pending.executionArn }))
    .then((described) => (described.status === 'RUNNING' ? undefined : (described.status ?? 'ENDED')))
    .catch((error: unknown) => {
      if ((error as { name?: string }).name === 'ExecutionDoesNotExist') return 'GONE';
      sfn.destroy();
      throw error;
    });
  if (ended !== undefined) {
    sfn.destroy();
    throw new UsageError(
      `No swap waits for approval: swap ${pending.executionArn}, which waited for green${greenCommit} (task set ${pending.green.taskSetArn}), ended ${ended}, so nothing waits for an answer (an answer given before it ended, if any, was not acted on); nothing was ${decision === 'Approved' ? 'approved' : 'rejected'} now. Green is still under test: move production to it with '${ctx.command('swap')}', or discard it with '${ctx.command('abort')}'.`,
    );
  }
  try {
    if (decision === 'Approved') {
      const answer: ApprovalAnswer = { green: { taskSetArn: pending.green.taskSetArn }, comment: summary };
      await sfn.send(new SendTaskSuccessCommand({ taskToken: pending.token, output: JSON.stringify(answer) }));
    } else {
      await sfn.send(
        new SendTaskFailureCommand({ taskToken: pending.token, error: APPROVAL_REJECTED, cause: summary }),
      );
    }
  } catch (error) {
    if (TOKEN_CLOSED.has((error as { name?: string }).name ?? '')) {
      throw new UsageError(
        `The swap approval of green task set ${pending.green.taskSetArn} is no longer pending (answered, expired, or its execution ${pending.executionArn} ended); nothing to ${verb}. See what runs now: '${ctx.command('status')}'.`,
      );
    }
    throw error;
  } finally {
    sfn.destroy();
  }
  const effect = APPROVALS['ApproveSwap']?.[decision === 'Approved' ? 'approved' : 'rejected'];
  if (ctx.options.json) {
    ctx.out(
      JSON.stringify({
        kind: 'step-functions',
        stageName: 'ApproveSwap',
        executionArn: pending.executionArn,
        green: pending.green,
        result: decision,
        summary,
      }),
    );
  } else {
    const commit = pending.green.commit === undefined ? '' : ` (${pending.green.commit})`;
    ctx.out(
      `${decision} the swap of green${commit}, task set ${pending.green.taskSetArn}: swap execution ${pending.executionArn} ${decision === 'Approved' ? 'moves production next' : `ends, and ${effect ?? 'abort runs'}`}.`,
    );
  }
  return EXIT.ok;
}

export async function approveCommand(
  ctx: Context,
  decision: 'Approved' | 'Rejected',
  flags: { readonly comment?: string; readonly stage?: string },
): Promise<ExitCode> {
  const { waiting, underTest, leaseHolder } = await swapApprovalState(ctx);
  if (waiting !== undefined) return answerWaitingSwap(ctx, waiting, decision, flags);
  const wayOn = underTest === undefined ? '' : ` ${greenUnderTestWayOn(ctx, underTest, leaseHolder)}`;
  const stack = await ctx.stack();
  const pipelineName = stack.pipelineName;
  if (!pipelineName) {
    throw new UsageError(`Stack ${stack.name} has no PipelineName output, so it has no approvals.${wayOn}`);
  }
  const client = new CodePipelineClient(ctx.config());
  try {
    const all = await pendingApprovals(client, pipelineName);
    const refusal = approvalRefusal(all, decision, flags.stage, pipelineName, ctx.command.bind(ctx));
    // Nothing pending at all: what moves the green under test on, if there is one.
    if (refusal !== undefined) throw new UsageError(all.length === 0 ? `${refusal}${wayOn}` : refusal);
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
