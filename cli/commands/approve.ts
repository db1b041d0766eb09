/**
 * approve / reject: answers the pending swap or clean-up approval, of either kind (contract/approvals.ts):
 *
 * - an execution waiting on a task token (swapApprovalMode step-functions): a swap at ApproveSwap (deploy-green
 *   started it; it is for the green under test) or a clean-up at ApproveCleanUp (swap started it; it is for the green
 *   production serves, while blue still runs). Its token and stage are in the service's deployment item; approve
 *   sends SendTaskSuccess with the version it is for, reject SendTaskFailure (the swap then starts abort, the clean-up
 *   rollback, or nothing after a first release). `--stage` must name the waiting one's stage. A waiter for a version
 *   its stage is no longer about is failed as superseded and not counted as pending.
 * - the pipeline's manual approval (ApproveSwap or ApproveCleanUp): GetPipelineState gives each approval action's
 *   latest execution; one that is InProgress carries the token PutApprovalResult needs.
 *
 * No pending approval, a `--stage` that is not the pending one, an approval answered meanwhile
 * (ApprovalAlreadyCompletedException, TaskTimedOut) or a token that is no longer valid (InvalidApprovalTokenException:
 * the approval was superseded or expired) is a usage error, exit 2.
 */
import { CodePipelineClient, GetPipelineStateCommand, PutApprovalResultCommand } from '@aws-sdk/client-codepipeline';
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import {
  APPROVAL_REJECTED,
  APPROVAL_STAGE_SPECS,
  APPROVAL_STAGES,
  APPROVAL_SUPERSEDED,
  approvableVersion,
  type ApprovalAnswer,
  type ApprovalRecordView,
  type ApprovalStage,
  type WaitingApproval,
} from '../../contract';
import { readDeploymentItem, serviceArnOf } from './status';
import type { Context } from '../context';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import { MACHINE_COMMAND } from '../machines';

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

/** A waiter's task token is closed: answered, expired, or its execution ended. */
const TOKEN_CLOSED = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** What an approval of a task-token waiter depends on in the deployment record. */
export type ApprovalRecord = ApprovalRecordView & { readonly previous?: { readonly taskSetArn?: string } };

/** The waiter, as the messages name it. */
type Waiter = Pick<WaitingApproval, 'stage' | 'green' | 'executionArn'>;

/**
 * A clean-up after a first release: the swap found no blue, so the record names no version to go back to; the
 * clean-up only closes the test listener, and rejecting it rolls nothing back (lambdas/approvals withdraw).
 */
export function firstRelease(stage: ApprovalStage, record: ApprovalRecord | undefined): boolean {
  return stage === 'ApproveCleanUp' && record?.previous?.taskSetArn === undefined;
}

const versionText = (version: { readonly taskSetArn?: string; readonly commit?: string }): string =>
  `green${version.commit ? ` ${version.commit}` : ''}${version.taskSetArn ? ` (task set ${version.taskSetArn})` : ''}`;

/** What a waiter waits for, in words: "the swap of green c0ffee1 (task set …)", "the clean-up of blue, keeping …" */
export function waiterText(waiter: Pick<Waiter, 'stage' | 'green'>, first: boolean): string {
  if (waiter.stage === 'ApproveSwap') return `the swap of ${versionText(waiter.green)}`;
  return first
    ? `the clean-up after the first release of ${versionText(waiter.green)}, which has no blue to remove`
    : `the clean-up of blue, keeping ${versionText(waiter.green)}`;
}

/** What rejecting a waiter (or its expiry) starts, in words. */
function rejectionText(stage: ApprovalStage, first: boolean): string {
  if (stage === 'ApproveSwap') return 'abort runs (green is discarded)';
  return first
    ? 'nothing is rolled back (a first release: there is no blue to go back to); production keeps serving green'
    : 'rollback runs (production goes back to blue)';
}

/**
 * Why an answer must not be sent to the execution waiting on a task token (one line, for a usage error), or
 * undefined when it is meant: `--stage` naming another approval than the waiting one's, or `reject` without `--stage`
 * (rejecting starts abort or rollback, so it never answers whatever happens to wait). `first`: the waiter is a
 * clean-up after a first release. `command` builds a runnable command line (hints.ts). Pure.
 */
export function waitingApprovalRefusal(
  waiter: Pick<Waiter, 'stage' | 'green'>,
  decision: 'Approved' | 'Rejected',
  stage: string | undefined,
  first: boolean,
  command: (...args: string[]) => string,
): string | undefined {
  const verb = decision === 'Approved' ? 'approve' : 'reject';
  if (stage !== undefined && stage !== waiter.stage) {
    return `${stage} is not pending: ${waiterText(waiter, first)} waits for approval (${waiter.stage}); nothing was answered. To answer it: ${command(verb, '--stage', waiter.stage)}`;
  }
  if (decision === 'Rejected' && stage === undefined) {
    const starts =
      waiter.stage === 'ApproveSwap'
        ? 'reject starts abort at ApproveSwap'
        : first
          ? 'reject ends the waiting clean-up at ApproveCleanUp (a first release: nothing is rolled back)'
          : 'reject starts rollback at ApproveCleanUp';
    return `${starts}; say which approval: ${command('reject', '--stage', waiter.stage)}`;
  }
  return undefined;
}

/**
 * What moves the version of `stage` on by hand, as a sentence ending in runnable commands: at ApproveSwap swap or
 * abort (the green under test), at ApproveCleanUp clean-up or rollback (production serves green, blue still runs),
 * after a first release clean-up alone (there is no blue to go back to).
 */
function byHand(stage: ApprovalStage, first: boolean, command: (...args: string[]) => string): string {
  if (stage === 'ApproveSwap') {
    return `move production to it with '${command(MACHINE_COMMAND.swap)}', or discard it with '${command(MACHINE_COMMAND.abort)}'`;
  }
  return first
    ? `close the test listener with '${command(MACHINE_COMMAND['clean-up'])}' (a first release: there is no blue to remove or go back to)`
    : `remove blue with '${command(MACHINE_COMMAND['clean-up'])}', or go back with '${command(MACHINE_COMMAND.rollback)}'`;
}

/**
 * The way on when no execution waits for approval but the record says a version is approvable: a green under test
 * (phase `testing`), or production serving green while blue still runs (phase `swapped`). The waiter that would have
 * waited was stopped before it kept its token, or never started, or the pipeline's approval is over; the machines
 * started by hand move it on, whichever approval mode the stack has. Undefined in any other phase. Pure.
 */
export function approvableWayOn(
  record: ApprovalRecord,
  leaseHolder: string | undefined,
  command: (...args: string[]) => string,
): string | undefined {
  const stage = APPROVAL_STAGES.find((s) => approvableVersion(s, record) !== undefined);
  const version = stage === undefined ? undefined : approvableVersion(stage, record);
  if (stage === undefined || version === undefined) return undefined;
  const first = firstRelease(stage, record);
  const what =
    stage === 'ApproveSwap'
      ? `${versionText(version).replace(/^green/, 'Green')} is under test and no swap waits for its approval`
      : `Production serves ${versionText(version)}${first ? '' : ' and blue still runs'}, and no clean-up waits for its approval`;
  // A lease held: an operation may be running, and then none of these can start; status says which.
  if (leaseHolder !== undefined) {
    return `${what}, and ${leaseHolder} holds the lease: see what runs now with '${command('status')}'.`;
  }
  return `${what} (one that was to wait was stopped before it asked, or was never started): ${byHand(stage, first, command)}.`;
}

/** What the service's deployment item says about the approvals that wait on a task token. */
interface TaskTokenApprovalState {
  /** The execution waiting on a task token for the version its stage is about now, if one waits. */
  readonly waiting?: WaitingApproval;
  /** A waiter for a version its stage is no longer about, still waiting until it was failed just now as superseded. */
  readonly superseded?: WaitingApproval;
  /** The waiter was approved already: it took the lease (it holds none while it waits). */
  readonly answered?: boolean;
  readonly record?: ApprovalRecord;
  /** The machine holding the lease, if any (it may be running: then nothing else can start). */
  readonly leaseHolder?: string;
}

/**
 * The execution waiting on a task token for this service's approval (a swap at ApproveSwap, a clean-up at
 * ApproveCleanUp), if one waits for the version its stage is about now, and the record. One that waits for a version
 * its stage is no longer about (a green aborted, swapped or replaced since; a swapped green rolled back or cleaned up
 * since) is failed as superseded, so it ends without acting.
 */
async function taskTokenApprovalState(ctx: Context): Promise<TaskTokenApprovalState> {
  const stack = await ctx.stack();
  if (stack.deploymentTable === undefined) return {};
  const { record, lease, approval } = await readDeploymentItem(ctx, stack, await serviceArnOf(ctx, stack));
  const known = { record, ...(lease !== undefined && { leaseHolder: lease.machine }) };
  if (approval === undefined) return known;
  if (approval.current) return { waiting: approval.pending, answered: approval.answered, ...known };
  const { pending } = approval;
  const sfn = new SFNClient(ctx.config());
  try {
    await sfn.send(
      new SendTaskFailureCommand({
        taskToken: pending.token,
        error: APPROVAL_SUPERSEDED,
        cause:
          pending.stage === 'ApproveSwap'
            ? `green task set ${pending.green.taskSetArn} is no longer under test`
            : `green task set ${pending.green.taskSetArn} is no longer what production serves after a swap`,
      }),
    );
  } catch (error) {
    // Closed already: it had ended (answered, expired, or stopped), so it did not wait and ending it was not news.
    if (!TOKEN_CLOSED.has((error as { name?: string }).name ?? '')) throw error;
    return known;
  } finally {
    sfn.destroy();
  }
  return { superseded: pending, ...known };
}

/** What the answer did, in one line: which approval, which execution, and what it does next. Pure. */
export function answeredText(waiter: Waiter, decision: 'Approved' | 'Rejected', first: boolean): string {
  const machine = APPROVAL_STAGE_SPECS[waiter.stage].machine;
  const then =
    decision === 'Rejected'
      ? `ends, and ${rejectionText(waiter.stage, first)}`
      : waiter.stage === 'ApproveSwap'
        ? 'moves production next'
        : first
          ? 'closes the test listener next'
          : 'removes blue next';
  return `${decision} ${waiterText(waiter, first)}: ${machine} execution ${waiter.executionArn} ${then}.`;
}

/** Answers an execution waiting on a task token: SendTaskSuccess with the version approved, or SendTaskFailure. */
async function answerWaiting(
  ctx: Context,
  pending: WaitingApproval,
  answered: boolean,
  record: ApprovalRecord | undefined,
  decision: 'Approved' | 'Rejected',
  flags: { readonly comment?: string; readonly stage?: string },
): Promise<ExitCode> {
  const verb = decision === 'Approved' ? 'approve' : 'reject';
  const first = firstRelease(pending.stage, record);
  const command = ctx.command.bind(ctx);
  const spec = APPROVAL_STAGE_SPECS[pending.stage];
  const summary = flags.comment ?? `${decision} with the bluegreen CLI`;
  const sfn = new SFNClient(ctx.config());
  // First whether it still waits: it may have been stopped (or have failed), answered or not, and the deployment item
  // still names its token. (A Stop right after an approval ends it before it acts on the answer, so "unanswered" would
  // not be true.) Nothing waits then, and the version is still the one its stage is about: say so and what moves it
  // on, instead of sending an answer nobody receives.
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
    const still =
      pending.stage === 'ApproveSwap'
        ? 'Green is still under test'
        : first
          ? 'Production serves green'
          : 'Production serves green and blue still runs';
    throw new UsageError(
      `No ${spec.machine} waits for approval: ${spec.machine} ${pending.executionArn}, which waited for ${waiterText(pending, first)}, ended ${ended}, so nothing waits for an answer (an answer given before it ended, if any, was not acted on); nothing was ${decision === 'Approved' ? 'approved' : 'rejected'} now. ${still}: ${byHand(pending.stage, first, command)}.`,
    );
  }
  if (answered) {
    // Approved already, and it runs on (a clean-up's version stays current until it ends): the token is closed.
    sfn.destroy();
    throw new UsageError(
      `${spec.title.replace(/^the/, 'The')} was given already: ${spec.machine} ${pending.executionArn} runs now (it holds the lease); nothing to ${verb}. Follow it with '${ctx.command('watch', pending.executionArn)}'.`,
    );
  }
  // What it waits for is known to be so now: refuse an answer not meant for it.
  const refusal = waitingApprovalRefusal(pending, decision, flags.stage, first, command);
  if (refusal !== undefined) {
    sfn.destroy();
    throw new UsageError(refusal);
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
        `${spec.title.replace(/^the/, 'The')} of green task set ${pending.green.taskSetArn} is no longer pending (answered, expired, or its execution ${pending.executionArn} ended); nothing to ${verb}. See what runs now: '${ctx.command('status')}'.`,
      );
    }
    throw error;
  } finally {
    sfn.destroy();
  }
  if (ctx.options.json) {
    ctx.out(
      JSON.stringify({
        kind: 'step-functions',
        stageName: pending.stage,
        executionArn: pending.executionArn,
        green: pending.green,
        result: decision,
        summary,
      }),
    );
  } else {
    ctx.out(answeredText(pending, decision, first));
  }
  return EXIT.ok;
}

/** One sentence about a waiter failed just now as superseded: which, and why it was not answered. Pure. */
export function supersededText(pending: Waiter, record: ApprovalRecord | undefined): string {
  const spec = APPROVAL_STAGE_SPECS[pending.stage];
  const about = pending.stage === 'ApproveSwap' ? 'under test' : 'what production serves after a swap';
  return `${spec.title.replace(/^the/, 'The')} that waited (${spec.machine} ${pending.executionArn}, for green task set ${pending.green.taskSetArn}) is over: that green is no longer ${about} (the record's phase is '${record?.phase ?? 'unknown'}'), so it was ended without acting.`;
}

export async function approveCommand(
  ctx: Context,
  decision: 'Approved' | 'Rejected',
  flags: { readonly comment?: string; readonly stage?: string },
): Promise<ExitCode> {
  const { waiting, answered, superseded, record, leaseHolder } = await taskTokenApprovalState(ctx);
  if (waiting !== undefined) return answerWaiting(ctx, waiting, answered === true, record, decision, flags);
  const found = record === undefined ? undefined : approvableWayOn(record, leaseHolder, ctx.command.bind(ctx));
  const wayOn = [superseded === undefined ? undefined : supersededText(superseded, record), found]
    .filter((text) => text !== undefined)
    .map((text) => ` ${text}`)
    .join('');
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
