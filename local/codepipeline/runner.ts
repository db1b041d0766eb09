/**
 * Runs one pipeline execution through its stages, in SUPERSEDED mode: a stage holds one execution at a time; an
 * execution that finished a stage waits to enter the next one while it is busy, and a newer execution arriving at
 * the same point supersedes the waiting one. Within a stage, actions run in runOrder groups (a group in parallel);
 * the first failure fails the stage and the execution.
 *
 * Actions, locally: source and build actions succeed at once (there is no CodeCommit or CodeBuild here; the files an
 * action reads come from the pipeline's LocalBuild); StepFunctions actions start the state machine through the SFN
 * API signed as the action's role and poll DescribeExecution until it ends; manual approvals wait for
 * PutApprovalResult (or expire after their timeout in emulated time). Every state change is also an EventBridge event.
 */
import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Clock } from '../aws/clock';
import { accessKeyForRole } from '../aws/principal';
import { localEvent, type LocalEvent } from '../events/event-bus';
import { actionKind, APPROVAL_TIMEOUT_MINUTES, type ActionDeclaration, type StageDeclaration } from './declaration';
import {
  actionKey,
  type ActionExecutionRecord,
  type ApprovalRecord,
  type PipelineExecutionRecord,
  type PipelineRecord,
} from './model';

export interface RunContext {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  readonly endpoint: () => string;
  /** Aborted when local AWS closes: executions stop where they are. */
  readonly signal: AbortSignal;
  /** Emulated seconds between DescribeExecution polls of a StepFunctions action. */
  readonly pollSeconds: number;
  readonly emit: (event: LocalEvent) => void;
}

type EventState = 'STARTED' | 'SUCCEEDED' | 'FAILED' | 'SUPERSEDED';

interface ActionOutcome {
  readonly status: 'Succeeded' | 'Failed';
  readonly summary?: string;
  readonly errorDetails?: { readonly code: string; readonly message: string };
  readonly lastUpdatedBy?: string;
}

/** AWS caps error messages; keep ours within it. */
const clip = (text: string, max = 2048): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export async function runExecution(
  pipeline: PipelineRecord,
  execution: PipelineExecutionRecord,
  ctx: RunContext,
): Promise<void> {
  const id = execution.pipelineExecutionId;
  const name = pipeline.declaration.name;
  const emit = (detailType: string, detail: Record<string, unknown>): void =>
    ctx.emit(
      localEvent({
        source: 'aws.codepipeline',
        'detail-type': detailType,
        account: ctx.accountId,
        region: ctx.region,
        resources: [pipeline.arn],
        time: ctx.clock.now(),
        detail: { pipeline: name, 'execution-id': id, ...detail, version: execution.pipelineVersion },
      }),
    );
  const pipelineEvent = (state: EventState): void => emit('CodePipeline Pipeline Execution State Change', { state });
  const end = (status: 'Succeeded' | 'Failed' | 'Superseded', summary?: string): void => {
    execution.status = status;
    execution.statusSummary = summary;
    execution.lastUpdateTime = ctx.clock.now();
    pipelineEvent(status === 'Succeeded' ? 'SUCCEEDED' : status === 'Failed' ? 'FAILED' : 'SUPERSEDED');
  };

  pipelineEvent('STARTED');
  for (const stage of pipeline.declaration.stages) {
    const entered = await enterStage(pipeline, stage.name, id, ctx.signal);
    if (ctx.signal.aborted) return;
    if (!entered) return end('Superseded', `A newer execution superseded this one before stage ${stage.name}.`);
    const stageRecord = { pipelineExecutionId: id, status: 'InProgress' as 'InProgress' | 'Succeeded' | 'Failed' };
    pipeline.latestStage.set(stage.name, stageRecord);
    execution.lastUpdateTime = ctx.clock.now();
    emit('CodePipeline Stage Execution State Change', { stage: stage.name, state: 'STARTED' });
    let failure: string | undefined;
    try {
      failure = await runStage(pipeline, stage, execution, ctx, emit);
    } catch (error) {
      if (ctx.signal.aborted) return;
      failure = `Local CodePipeline failed running stage ${stage.name}: ${(error as Error).message}`;
    }
    stageRecord.status = failure === undefined ? 'Succeeded' : 'Failed';
    emit('CodePipeline Stage Execution State Change', {
      stage: stage.name,
      state: failure === undefined ? 'SUCCEEDED' : 'FAILED',
    });
    leaveStage(pipeline, stage.name);
    if (failure !== undefined) return end('Failed', failure);
  }
  end('Succeeded');
}

/** Resolves true once the execution holds the stage, false when a newer one superseded it (or local AWS closed). */
function enterStage(pipeline: PipelineRecord, stageName: string, id: string, signal: AbortSignal): Promise<boolean> {
  let lock = pipeline.locks.get(stageName);
  if (!lock) pipeline.locks.set(stageName, (lock = {}));
  if (lock.current === undefined) {
    lock.current = id;
    return Promise.resolve(true);
  }
  lock.inbound?.admit(false);
  const waiting = lock;
  return new Promise<boolean>((resolve) => {
    const onAbort = (): void => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    waiting.inbound = {
      pipelineExecutionId: id,
      admit: (entered) => {
        signal.removeEventListener('abort', onAbort);
        resolve(entered);
      },
    };
  });
}

function leaveStage(pipeline: PipelineRecord, stageName: string): void {
  const lock = pipeline.locks.get(stageName);
  if (!lock) return;
  lock.current = undefined;
  const next = lock.inbound;
  if (next) {
    lock.inbound = undefined;
    lock.current = next.pipelineExecutionId;
    next.admit(true);
  }
}

/** Runs the stage's actions by runOrder; returns the first failure's summary, or undefined when all succeeded. */
async function runStage(
  pipeline: PipelineRecord,
  stage: StageDeclaration,
  execution: PipelineExecutionRecord,
  ctx: RunContext,
  emit: (detailType: string, detail: Record<string, unknown>) => void,
): Promise<string | undefined> {
  const orders = [...new Set(stage.actions.map((a) => a.runOrder ?? 1))].sort((a, b) => a - b);
  for (const order of orders) {
    const group = stage.actions.filter((a) => (a.runOrder ?? 1) === order);
    const failures = await Promise.all(group.map((a) => runAction(pipeline, stage, a, execution, ctx, emit)));
    const failure = failures.find((f) => f !== undefined);
    if (failure !== undefined) return failure;
  }
  return undefined;
}

async function runAction(
  pipeline: PipelineRecord,
  stage: StageDeclaration,
  action: ActionDeclaration,
  execution: PipelineExecutionRecord,
  ctx: RunContext,
  emit: (detailType: string, detail: Record<string, unknown>) => void,
): Promise<string | undefined> {
  const record: ActionExecutionRecord = {
    actionExecutionId: randomUUID(),
    pipelineExecutionId: execution.pipelineExecutionId,
    status: 'InProgress',
    lastStatusChange: ctx.clock.now(),
  };
  pipeline.latestAction.set(actionKey(stage.name, action.name), record);
  const { category, owner, provider, version } = action.actionTypeId;
  const actionEvent = (state: EventState): void =>
    emit('CodePipeline Action Execution State Change', {
      stage: stage.name,
      action: action.name,
      state,
      region: ctx.region,
      type: { owner, category, provider, version },
    });
  const finish = (outcome: ActionOutcome): void => {
    record.status = outcome.status;
    record.lastStatusChange = ctx.clock.now();
    record.token = undefined;
    if (outcome.summary !== undefined) record.summary = clip(outcome.summary);
    if (outcome.errorDetails)
      record.errorDetails = { ...outcome.errorDetails, message: clip(outcome.errorDetails.message) };
    if (outcome.lastUpdatedBy !== undefined) record.lastUpdatedBy = outcome.lastUpdatedBy;
    execution.lastUpdateTime = record.lastStatusChange;
    if (outcome.status === 'Succeeded') for (const a of action.outputArtifacts ?? []) execution.artifacts.add(a.name);
    actionEvent(outcome.status === 'Succeeded' ? 'SUCCEEDED' : 'FAILED');
  };
  actionEvent('STARTED');
  const step = { pipeline, stage, action, execution, record, ctx, finish };
  switch (actionKind(action)) {
    case 'source':
      record.revisionId = execution.source.commit;
      record.externalExecutionId = execution.source.commit;
      finish({
        status: 'Succeeded',
        summary: `Local source revision ${execution.source.commit} (no CodeCommit locally)`,
      });
      break;
    case 'build':
      record.externalExecutionId = `${action.configuration?.ProjectName ?? action.name}:${randomUUID()}`;
      finish({ status: 'Succeeded', summary: 'Not built locally (no CodeBuild); its files come from the local build' });
      break;
    case 'step-functions':
      await invokeStateMachine(step);
      break;
    case 'manual-approval':
      await waitForApproval(step);
      break;
    case undefined:
      finish({ status: 'Failed', errorDetails: { code: 'JobFailed', message: 'Local CodePipeline cannot run it.' } });
  }
  return record.status === 'Succeeded' ? undefined : `${stage.name}/${action.name}: ${record.summary ?? ''}`;
}

interface Step {
  readonly pipeline: PipelineRecord;
  readonly stage: StageDeclaration;
  readonly action: ActionDeclaration;
  readonly execution: PipelineExecutionRecord;
  readonly record: ActionExecutionRecord;
  readonly ctx: RunContext;
  readonly finish: (outcome: ActionOutcome) => void;
}

/**
 * The file the Step Functions invoke action reads its input from: `Input` is a path inside the action's input
 * artifact, as AWS's action reference documents it (action-reference-StepFunctions.html, InputType FilePath:
 * e.g. `assets/input.json`). The `Artifact::path` form some tools emit is not documented for this action, so it is
 * read as a file name with `::` in it, which no build provides.
 */
function inputFile(action: ActionDeclaration): { artifact: string; path: string } {
  return { artifact: action.inputArtifacts?.[0]?.name ?? '', path: action.configuration?.Input ?? '' };
}

async function invokeStateMachine({ pipeline, action, execution, record, ctx, finish }: Step): Promise<void> {
  const config = action.configuration ?? {};
  const failed = (message: string): void =>
    finish({ status: 'Failed', summary: message, errorDetails: { code: 'JobFailed', message } });
  let input = config.Input ?? '{}';
  if ((config.InputType ?? 'Literal') === 'FilePath') {
    const file = inputFile(action);
    const content =
      action.inputArtifacts?.some((a) => a.name === file.artifact) && execution.artifacts.has(file.artifact)
        ? pipeline.localBuild?.(file, execution.source)
        : undefined;
    if (content === undefined) {
      return failed(
        `Input file ${file.path} is not in artifact ${file.artifact}: nothing is built locally, and the local build of pipeline ${pipeline.declaration.name} does not provide it.`,
      );
    }
    input = content;
  }
  const sfn = new SFNClient({
    endpoint: ctx.endpoint(),
    region: ctx.region,
    credentials: {
      accessKeyId: accessKeyForRole(action.roleArn ?? pipeline.declaration.roleArn),
      secretAccessKey: 'local',
    },
    maxAttempts: 1,
  });
  const prefix = config.ExecutionNamePrefix;
  const options = { abortSignal: ctx.signal };
  try {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: config.StateMachineArn,
        input,
        name: prefix ? `${prefix}-${record.actionExecutionId}` : record.actionExecutionId,
      }),
      options,
    );
    record.externalExecutionId = executionArn;
    for (;;) {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }), options);
      if (described.status === 'SUCCEEDED') return finish({ status: 'Succeeded' });
      if (described.status !== 'RUNNING') {
        const why = [described.error, described.cause].filter(Boolean).join(': ');
        return failed(`Execution ${executionArn} ended ${described.status}${why ? `: ${why}` : ''}`);
      }
      await ctx.clock.sleep(ctx.pollSeconds, ctx.signal);
    }
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const { name, message } = error as Error;
    failed(`Step Functions refused the call: ${name}: ${message}`);
  } finally {
    sfn.destroy();
  }
}

async function waitForApproval({ pipeline, stage, action, execution, record, ctx, finish }: Step): Promise<void> {
  const minutes = action.timeoutInMinutes ?? APPROVAL_TIMEOUT_MINUTES.default;
  const approval: ApprovalRecord = {
    token: randomUUID(),
    stageName: stage.name,
    actionName: action.name,
    pipelineExecutionId: execution.pipelineExecutionId,
    state: 'pending',
  };
  pipeline.approvals.set(approval.token, approval);
  record.token = approval.token;
  const timer = new AbortController();
  const stopTimer = (): void => timer.abort(new Error('approval answered or local AWS closed'));
  ctx.signal.addEventListener('abort', stopTimer, { once: true });
  // The answer is recorded synchronously, so GetPipelineState right after PutApprovalResult already shows it.
  const answered = new Promise<void>((resolve) => {
    approval.answer = (result, by) => {
      approval.state = 'answered';
      approval.answer = undefined;
      finish({
        status: result.status === 'Approved' ? 'Succeeded' : 'Failed',
        summary: result.summary,
        lastUpdatedBy: by,
      });
      resolve();
      return new Date(record.lastStatusChange);
    };
  });
  const expired = ctx.clock.sleep(minutes * 60, timer.signal).then(() => {
    if (approval.state !== 'pending') return;
    approval.state = 'expired';
    approval.answer = undefined;
    finish({ status: 'Failed', summary: `The approval request expired: no answer within ${minutes} minutes.` });
  });
  try {
    await Promise.race([answered, expired]);
  } catch (error) {
    if (approval.state === 'pending') approval.state = 'abandoned';
    approval.answer = undefined;
    throw error;
  } finally {
    // Promise.race already handles the timer's rejection when it is stopped.
    stopTimer();
    ctx.signal.removeEventListener('abort', stopTimer);
  }
}
