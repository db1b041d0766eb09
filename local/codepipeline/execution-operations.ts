/**
 * StartPipelineExecution, GetPipelineExecution and ListPipelineExecutions, and startExecution, which also starts
 * the executions the service's own `startExecution` asks for (a local source instead of a pushed commit).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError } from '../aws/service';
import { actionKind, checkName } from './declaration';
import { validation } from './errors';
import { str } from './input';
import type { LocalSource, PipelineExecutionRecord, PipelineRecord } from './model';
import type { OperationContext, OperationHandler } from './operation-context';
import { runExecution } from './runner';
import { executionSummaryToWire } from './wire';

/** Records a new execution of the pipeline's current version and runs it in the background (runner.ts). */
export function startExecution(
  { store, run }: Pick<OperationContext, 'store' | 'run'>,
  record: PipelineRecord,
  source: Partial<LocalSource>,
  trigger: PipelineExecutionRecord['trigger'],
): PipelineExecutionRecord {
  if (run.signal.aborted) throw new AwsError('InternalFailure', 'Local CodePipeline is closed.', 500);
  const now = store.now();
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
  const done = runExecution(record, execution, run).catch((error: unknown) => {
    // Anything unexpected ends the execution instead of leaving it InProgress for ever.
    if (execution.status !== 'InProgress') return;
    execution.status = 'Failed';
    execution.statusSummary = `Local CodePipeline failed: ${(error as Error).message}`;
  });
  execution.done = done;
  store.running.add(done);
  void done.finally(() => store.running.delete(done));
  return execution;
}

/** A clientRequestToken seen before returns that start's execution; sourceRevisions pick the commit. */
export const startPipelineExecution: OperationHandler = (ctx, input) => {
  const record = ctx.store.pipeline(checkName(str(input, 'name'), 'name'));
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
  const execution = startExecution(
    ctx,
    record,
    { commit },
    { triggerType: 'StartPipelineExecution', triggerDetail: ctx.call.principal ?? 'local' },
  );
  if (typeof clientRequestToken === 'string') {
    record.clientRequestTokens.set(clientRequestToken, execution.pipelineExecutionId);
  }
  return { pipelineExecutionId: execution.pipelineExecutionId };
};

export const getPipelineExecution: OperationHandler = ({ store }, input) => {
  const record = store.pipeline(checkName(str(input, 'pipelineName'), 'pipelineName'));
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
};

/** Newest first, paged: maxResults 1-100 (default 100), an opaque nextToken; no filters. */
export const listPipelineExecutions: OperationHandler = ({ store }, input) => {
  const record = store.pipeline(checkName(str(input, 'pipelineName'), 'pipelineName'));
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
  const next = from + size < newestFirst.length ? Buffer.from(String(from + size)).toString('base64url') : undefined;
  return {
    pipelineExecutionSummaries: page.map((e) => executionSummaryToWire(e, record)),
    ...(next !== undefined && { nextToken: next }),
  };
};
