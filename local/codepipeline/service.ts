/**
 * Local CodePipeline: the CodePipeline JSON 1.1 API (target prefix CodePipeline_20150709) for the operations the
 * stack, the bluegreen CLI and the tests use: CreatePipeline, GetPipeline, GetPipelineState, StartPipelineExecution,
 * GetPipelineExecution, ListPipelineExecutions and PutApprovalResult. Executions run in-process (runner.ts).
 *
 * Differences from AWS, on purpose: creating a pipeline does not start a first execution (there is no source
 * repository to take a commit from; start one with StartPipelineExecution or `startExecution`); source and build
 * actions build nothing, so the files later actions read come from the pipeline's LocalBuild; approval notifications
 * (SNS) are not sent.
 *
 * Approval tokens: each approval request gets a fresh UUID token, shown in GetPipelineState only while it waits.
 * PutApprovalResult with the token of a request already answered fails ApprovalAlreadyCompletedException; with a token
 * this action never issued, or one whose request expired, InvalidApprovalTokenException (our reading of the two
 * documented errors: "already approved or rejected" vs "already received a response or has expired").
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../aws/clock';
import { AwsError, type CallContext, type EmulatedService } from '../aws/service';
import type { LocalEvent } from '../events/event-bus';
import { actionKind, checkDeclaration, checkName, type PipelineDeclaration } from './declaration';
import {
  actionKey,
  type ActionExecutionRecord,
  type LocalBuild,
  type LocalSource,
  type PipelineExecutionRecord,
  type PipelineExecutionStatus,
  type PipelineRecord,
} from './model';
import { runExecution } from './runner';

export interface CodePipelineServiceOptions {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** Where local AWS listens; read at each call, so it may be set after creation. */
  readonly endpoint: () => string;
  /** Receives every pipeline, stage and action state change (local EventBridge). */
  readonly emit?: (event: LocalEvent) => void;
  /** Emulated seconds between DescribeExecution polls of a StepFunctions action. @default 5 */
  readonly pollSeconds?: number;
}

export interface LocalCodePipeline extends EmulatedService {
  /**
   * Starts an execution as StartPipelineExecution does, from a local source: the commit the source action would have
   * fetched and, optionally, the image the builds would have pushed. Returns the pipelineExecutionId.
   */
  startExecution(pipelineName: string, source?: Partial<LocalSource>): string;
  /** Says what the pipeline's builds produce locally (see LocalBuild). */
  setLocalBuild(pipelineName: string, build: LocalBuild): void;
  /** Resolves with the final status once the execution has ended. */
  waitForExecution(pipelineName: string, pipelineExecutionId: string): Promise<PipelineExecutionStatus>;
  pipelineNames(): string[];
  /** Stops every execution where it is (pending approvals stay unanswered). */
  close(): Promise<void>;
}

const OPERATIONS = [
  'CreatePipeline',
  'GetPipeline',
  'GetPipelineState',
  'StartPipelineExecution',
  'GetPipelineExecution',
  'ListPipelineExecutions',
  'PutApprovalResult',
] as const;
type Operation = (typeof OPERATIONS)[number];

const TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_SUMMARY = 512;

const str = (input: Record<string, unknown>, member: string): string => {
  const value = input[member];
  return typeof value === 'string' ? value : '';
};

const validation = (message: string): AwsError => new AwsError('ValidationException', message);

function wireAction(record: ActionExecutionRecord): Record<string, unknown> {
  return {
    actionExecutionId: record.actionExecutionId,
    status: record.status,
    lastStatusChange: new Date(record.lastStatusChange),
    ...(record.summary !== undefined && { summary: record.summary }),
    ...(record.token !== undefined && { token: record.token }),
    ...(record.lastUpdatedBy !== undefined && { lastUpdatedBy: record.lastUpdatedBy }),
    ...(record.externalExecutionId !== undefined && { externalExecutionId: record.externalExecutionId }),
    ...(record.externalExecutionUrl !== undefined && { externalExecutionUrl: record.externalExecutionUrl }),
    ...(record.errorDetails !== undefined && { errorDetails: record.errorDetails }),
  };
}

export function createCodePipelineService(options: CodePipelineServiceOptions): LocalCodePipeline {
  const { clock, region, accountId } = options;
  const pipelines = new Map<string, PipelineRecord>();
  const running = new Set<Promise<void>>();
  const closing = new AbortController();
  const ctx = {
    clock,
    region,
    accountId,
    endpoint: options.endpoint,
    signal: closing.signal,
    pollSeconds: options.pollSeconds ?? 5,
    emit: options.emit ?? (() => undefined),
  };

  function pipeline(name: string): PipelineRecord {
    const found = pipelines.get(name);
    if (!found) {
      throw new AwsError(
        'PipelineNotFoundException',
        `Account '${accountId}' does not have a pipeline with name '${name}'`,
      );
    }
    return found;
  }

  function start(
    record: PipelineRecord,
    source: Partial<LocalSource>,
    trigger: PipelineExecutionRecord['trigger'],
  ): PipelineExecutionRecord {
    if (closing.signal.aborted) throw new AwsError('InternalFailure', 'Local CodePipeline is closed.', 500);
    const now = clock.now();
    const execution: PipelineExecutionRecord = {
      pipelineExecutionId: randomUUID(),
      pipelineVersion: record.version,
      // Like a git commit id, so the deploy input passes the state machines' checks.
      source: { commit: source.commit ?? randomBytes(20).toString('hex'), image: source.image },
      trigger,
      startTime: now,
      status: 'InProgress',
      lastUpdateTime: now,
      artifacts: new Set(),
      done: Promise.resolve(),
    };
    record.executions.push(execution);
    const done = runExecution(record, execution, ctx).catch((error: unknown) => {
      // Anything unexpected ends the execution instead of leaving it InProgress for ever.
      if (execution.status !== 'InProgress') return;
      execution.status = 'Failed';
      execution.statusSummary = `Local CodePipeline failed: ${(error as Error).message}`;
    });
    execution.done = done;
    running.add(done);
    void done.finally(() => running.delete(done));
    return execution;
  }

  function summary(execution: PipelineExecutionRecord, record: PipelineRecord): Record<string, unknown> {
    const sources = record.declaration.stages[0]?.actions ?? [];
    return {
      pipelineExecutionId: execution.pipelineExecutionId,
      status: execution.status,
      ...(execution.statusSummary !== undefined && { statusSummary: execution.statusSummary }),
      startTime: new Date(execution.startTime),
      lastUpdateTime: new Date(execution.lastUpdateTime),
      sourceRevisions: sources.map((a) => ({ actionName: a.name, revisionId: execution.source.commit })),
      trigger: execution.trigger,
      executionMode: 'SUPERSEDED',
      executionType: 'STANDARD',
    };
  }

  const handlers: Record<Operation, (input: Record<string, unknown>, call: CallContext) => unknown> = {
    CreatePipeline(input) {
      const declaration = input.pipeline as PipelineDeclaration;
      checkDeclaration(declaration);
      if (pipelines.has(declaration.name)) {
        throw new AwsError(
          'PipelineNameInUseException',
          `A pipeline with the name '${declaration.name}' already exists`,
        );
      }
      const now = clock.now();
      const stored = { ...declaration, version: 1 };
      pipelines.set(declaration.name, {
        declaration: stored,
        arn: `arn:aws:codepipeline:${region}:${accountId}:${declaration.name}`,
        created: now,
        updated: now,
        version: 1,
        executions: [],
        latestStage: new Map(),
        latestAction: new Map(),
        locks: new Map(),
        approvals: new Map(),
        clientRequestTokens: new Map(),
      });
      return { pipeline: stored, ...(input.tags !== undefined && { tags: input.tags }) };
    },

    GetPipeline(input) {
      const record = pipeline(checkName(str(input, 'name'), 'name'));
      if (input.version !== undefined && input.version !== record.version) {
        throw new AwsError(
          'PipelineVersionNotFoundException',
          `Pipeline '${record.declaration.name}' has no version ${String(input.version)}`,
        );
      }
      return {
        pipeline: record.declaration,
        metadata: { pipelineArn: record.arn, created: new Date(record.created), updated: new Date(record.updated) },
      };
    },

    GetPipelineState(input) {
      const record = pipeline(checkName(str(input, 'name'), 'name'));
      return {
        pipelineName: record.declaration.name,
        pipelineVersion: record.version,
        created: new Date(record.created),
        updated: new Date(record.updated),
        stageStates: record.declaration.stages.map((stage) => {
          const inbound = record.locks.get(stage.name)?.inbound;
          const latest = record.latestStage.get(stage.name);
          return {
            stageName: stage.name,
            ...(inbound && {
              inboundExecution: { pipelineExecutionId: inbound.pipelineExecutionId, status: 'InProgress' },
              inboundExecutions: [{ pipelineExecutionId: inbound.pipelineExecutionId, status: 'InProgress' }],
            }),
            inboundTransitionState: { enabled: true },
            actionStates: stage.actions.map((action) => {
              const execution = record.latestAction.get(actionKey(stage.name, action.name));
              return {
                actionName: action.name,
                ...(execution?.revisionId !== undefined && { currentRevision: { revisionId: execution.revisionId } }),
                ...(execution && { latestExecution: wireAction(execution) }),
              };
            }),
            ...(latest && { latestExecution: { ...latest } }),
          };
        }),
      };
    },

    StartPipelineExecution(input, call) {
      const record = pipeline(checkName(str(input, 'name'), 'name'));
      const clientRequestToken = input.clientRequestToken;
      if (typeof clientRequestToken === 'string') {
        // The same token again is a retry of the same start.
        const existing = record.clientRequestTokens.get(clientRequestToken);
        if (existing !== undefined) return { pipelineExecutionId: existing };
      }
      const declared = new Set((record.declaration.variables ?? []).map((v) => v.name));
      for (const variable of (input.variables ?? []) as Array<{ name: string }>) {
        if (!declared.has(variable.name)) {
          throw validation(`Pipeline '${record.declaration.name}' declares no variable '${variable.name}'`);
        }
      }
      let commit: string | undefined;
      const sources = record.declaration.stages[0]?.actions ?? [];
      for (const revision of (input.sourceRevisions ?? []) as Array<Record<string, string>>) {
        const action = sources.find((a) => a.name === revision.actionName);
        if (!action || actionKind(action) !== 'source') {
          throw validation(`'${revision.actionName}' is not a source action of pipeline '${record.declaration.name}'`);
        }
        if (revision.revisionType !== 'COMMIT_ID') {
          throw validation(`Source action '${action.name}' (CodeCommit) takes revisionType COMMIT_ID only`);
        }
        commit = revision.revisionValue;
      }
      const execution = start(
        record,
        { commit },
        { triggerType: 'StartPipelineExecution', triggerDetail: call.principal ?? 'local' },
      );
      if (typeof clientRequestToken === 'string') {
        record.clientRequestTokens.set(clientRequestToken, execution.pipelineExecutionId);
      }
      return { pipelineExecutionId: execution.pipelineExecutionId };
    },

    GetPipelineExecution(input) {
      const record = pipeline(checkName(str(input, 'pipelineName'), 'pipelineName'));
      const id = str(input, 'pipelineExecutionId');
      const execution = record.executions.find((e) => e.pipelineExecutionId === id);
      if (!execution) {
        throw new AwsError(
          'PipelineExecutionNotFoundException',
          `Pipeline execution '${id}' not found in pipeline '${record.declaration.name}'`,
        );
      }
      return {
        pipelineExecution: {
          pipelineName: record.declaration.name,
          pipelineVersion: execution.pipelineVersion,
          pipelineExecutionId: id,
          status: execution.status,
          ...(execution.statusSummary !== undefined && { statusSummary: execution.statusSummary }),
          artifactRevisions: (record.declaration.stages[0]?.actions ?? []).flatMap((a) =>
            (a.outputArtifacts ?? []).map((o) => ({ name: o.name, revisionId: execution.source.commit })),
          ),
          trigger: execution.trigger,
          executionMode: 'SUPERSEDED',
          executionType: 'STANDARD',
        },
      };
    },

    ListPipelineExecutions(input) {
      const record = pipeline(checkName(str(input, 'pipelineName'), 'pipelineName'));
      if (input.filter !== undefined) throw validation('Local CodePipeline does not filter executions.');
      const size = typeof input.maxResults === 'number' ? input.maxResults : 100;
      if (size < 1 || size > 100) throw validation('maxResults must be from 1 to 100');
      const newestFirst = [...record.executions].reverse();
      let from = 0;
      if (typeof input.nextToken === 'string') {
        from = Number(Buffer.from(input.nextToken, 'base64url').toString('utf8'));
        if (!Number.isInteger(from) || from < 0 || from > newestFirst.length) {
          throw new AwsError('InvalidNextTokenException', 'The next token is not valid.');
        }
      }
      const page = newestFirst.slice(from, from + size);
      const next =
        from + size < newestFirst.length ? Buffer.from(String(from + size)).toString('base64url') : undefined;
      return {
        pipelineExecutionSummaries: page.map((e) => summary(e, record)),
        ...(next !== undefined && { nextToken: next }),
      };
    },

    PutApprovalResult(input, call) {
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
      const record = pipeline(pipelineName);
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
    },
  };

  return {
    serviceId: 'CodePipeline',
    operations: new Set<string>(OPERATIONS),
    invoke(operation, input, call) {
      const handler = (handlers as Record<string, (typeof handlers)[Operation] | undefined>)[operation];
      if (!handler) return Promise.reject(new AwsError('UnknownOperationException', `Unknown operation ${operation}`));
      try {
        return Promise.resolve(handler(input, call));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
    startExecution(pipelineName, source = {}) {
      const execution = start(pipeline(pipelineName), source, {
        triggerType: 'StartPipelineExecution',
        triggerDetail: 'local',
      });
      return execution.pipelineExecutionId;
    },
    setLocalBuild(pipelineName, build) {
      pipeline(pipelineName).localBuild = build;
    },
    async waitForExecution(pipelineName, pipelineExecutionId) {
      const execution = pipeline(pipelineName).executions.find((e) => e.pipelineExecutionId === pipelineExecutionId);
      if (!execution) throw new Error(`Pipeline ${pipelineName} has no execution ${pipelineExecutionId}.`);
      await execution.done;
      return execution.status;
    },
    pipelineNames: () => [...pipelines.keys()],
    async close() {
      closing.abort(new Error('local CodePipeline was closed'));
      await Promise.all([...running]);
    },
  };
}
