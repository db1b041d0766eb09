/**
 * Local CodePipeline: the CodePipeline JSON 1.1 API (target prefix CodePipeline_20150709) for the operations the
 * stack, the bluegreen CLI and the tests use: CreatePipeline, GetPipeline, GetPipelineState, StartPipelineExecution,
 * GetPipelineExecution, ListPipelineExecutions and PutApprovalResult. Executions run in-process (runner.ts).
 *
 * Differences from AWS, on purpose: creating a pipeline does not start a first execution (there is no source
 * repository to take a commit from; start one with StartPipelineExecution or `startExecution`); source and build
 * actions build nothing, so the files later actions read come from the pipeline's LocalBuild; approval notifications
 * (SNS) are not sent.
 */
import type { Clock } from '../aws/clock';
import { AwsError, type EmulatedService } from '../aws/service';
import type { LocalEvent } from '../events/event-bus';
import { putApprovalResult } from './approval-operations';
import {
  getPipelineExecution,
  listPipelineExecutions,
  startExecution,
  startPipelineExecution,
} from './execution-operations';
import type { LocalBuild, LocalSource, PipelineExecutionStatus } from './model';
import type { OperationHandler } from './operation-context';
import { createPipeline, getPipeline, getPipelineState } from './pipeline-operations';
import type { RunContext } from './runner';
import { CodePipelineStore } from './store';

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

const HANDLERS: Readonly<Record<string, OperationHandler>> = {
  CreatePipeline: createPipeline,
  GetPipeline: getPipeline,
  GetPipelineState: getPipelineState,
  StartPipelineExecution: startPipelineExecution,
  GetPipelineExecution: getPipelineExecution,
  ListPipelineExecutions: listPipelineExecutions,
  PutApprovalResult: putApprovalResult,
};

export function createCodePipelineService(options: CodePipelineServiceOptions): LocalCodePipeline {
  const { clock, region, accountId } = options;
  const store = new CodePipelineStore({ region, accountId }, () => clock.now());
  const closing = new AbortController();
  const run: RunContext = {
    clock,
    region,
    accountId,
    endpoint: options.endpoint,
    signal: closing.signal,
    pollSeconds: options.pollSeconds ?? 5,
    emit: options.emit ?? (() => undefined),
  };

  return {
    serviceId: 'CodePipeline',
    operations: new Set(Object.keys(HANDLERS)),
    invoke(operation, input, call) {
      const handler = HANDLERS[operation];
      if (!handler) return Promise.reject(new AwsError('UnknownOperationException', `Unknown operation ${operation}`));
      try {
        return Promise.resolve(handler({ store, run, call }, input));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
    startExecution(pipelineName, source = {}) {
      const execution = startExecution({ store, run }, store.pipeline(pipelineName), source, {
        triggerType: 'StartPipelineExecution',
        triggerDetail: 'local',
      });
      return execution.pipelineExecutionId;
    },
    setLocalBuild(pipelineName, build) {
      store.pipeline(pipelineName).localBuild = build;
    },
    async waitForExecution(pipelineName, pipelineExecutionId) {
      const execution = store
        .pipeline(pipelineName)
        .executions.find((e) => e.pipelineExecutionId === pipelineExecutionId);
      if (!execution) throw new Error(`Pipeline ${pipelineName} has no execution ${pipelineExecutionId}.`);
      await execution.done;
      return execution.status;
    },
    pipelineNames: () => [...store.pipelines.keys()],
    async close() {
      closing.abort(new Error('local CodePipeline was closed'));
      await Promise.all([...store.running]);
    },
  };
}
