/** CreatePipeline, GetPipeline and GetPipelineState. */
import { AwsError } from '../aws/service';
import { checkDeclaration, checkName, type PipelineDeclaration } from './declaration';
import { str } from './input';
import { actionKey } from './model';
import type { OperationHandler } from './operation-context';
import { actionExecutionToWire } from './wire';

/** Stores the declaration as version 1; unlike AWS, no first execution starts (see README). */
export const createPipeline: OperationHandler = ({ store }, input) => {
  const { region, accountId } = store.scope;
  const declaration = input.pipeline as PipelineDeclaration;
  checkDeclaration(declaration);
  if (store.pipelines.has(declaration.name)) {
    throw new AwsError('PipelineNameInUseException', `A pipeline with the name '${declaration.name}' already exists`);
  }
  const now = store.now();
  const stored = { ...declaration, version: 1 };
  store.pipelines.set(declaration.name, {
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
};

export const getPipeline: OperationHandler = ({ store }, input) => {
  const record = store.pipeline(checkName(str(input, 'name'), 'name'));
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
};

/** Each stage's inbound (waiting) execution, latest execution and its actions' latest executions. */
export const getPipelineState: OperationHandler = ({ store }, input) => {
  const record = store.pipeline(checkName(str(input, 'name'), 'name'));
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
            ...(execution && { latestExecution: actionExecutionToWire(execution) }),
          };
        }),
        ...(latest && { latestExecution: { ...latest } }),
      };
    }),
  };
};
