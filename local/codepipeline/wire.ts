/**
 * Records → CodePipeline JSON wire shapes (camelCase members; Dates, which the JSON protocol sends as epoch seconds).
 */
import type { ActionExecutionRecord, PipelineExecutionRecord, PipelineRecord } from './model';

/** An action's latestExecution in GetPipelineState; members without a value are left out. */
export function actionExecutionToWire(record: ActionExecutionRecord): Record<string, unknown> {
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

/** A PipelineExecutionSummary of ListPipelineExecutions. */
export function executionSummaryToWire(
  execution: PipelineExecutionRecord,
  record: PipelineRecord,
): Record<string, unknown> {
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
