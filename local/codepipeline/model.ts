/** The records local CodePipeline keeps per pipeline, as plain data the API handlers read. */
import type { PipelineDeclaration } from './declaration';

/** API enums (PipelineExecutionStatus, StageExecutionStatus, ActionExecutionStatus), the values used locally. */
export type PipelineExecutionStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Superseded' | 'Stopped';
export type StageExecutionStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Stopped';
export type ActionExecutionStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Abandoned';

/** What starts a local execution in place of a commit pushed to the source repository and the images built from it. */
export interface LocalSource {
  /** The source revision (a git commit id); a random 40-hex one when not given. */
  readonly commit: string;
  /** The image the local build stands for; without it the pipeline's local build decides (usually REPOSITORY:commit). */
  readonly image?: string;
}

/**
 * What the pipeline's build actions would have produced: the content of `path` in output artifact `artifact` for this
 * execution's source, or undefined when the build would not have written it. Locally nothing is built; the StepFunctions
 * actions that read an input file (InputType FilePath) get it from here.
 */
export type LocalBuild = (
  file: { readonly artifact: string; readonly path: string },
  source: LocalSource,
) => string | undefined;

export interface ActionExecutionRecord {
  readonly actionExecutionId: string;
  readonly pipelineExecutionId: string;
  status: ActionExecutionStatus;
  lastStatusChange: number;
  summary?: string;
  /** Only while a manual approval waits for its answer. */
  token?: string;
  lastUpdatedBy?: string;
  externalExecutionId?: string;
  externalExecutionUrl?: string;
  errorDetails?: { readonly code: string; readonly message: string };
  /** Source actions: the revision they fetched. */
  revisionId?: string;
}

export interface PipelineExecutionRecord {
  readonly pipelineExecutionId: string;
  readonly pipelineVersion: number;
  readonly source: LocalSource;
  readonly trigger: { readonly triggerType: string; readonly triggerDetail: string };
  readonly startTime: number;
  status: PipelineExecutionStatus;
  statusSummary?: string;
  lastUpdateTime: number;
  /** Output artifacts produced so far, by name. */
  readonly artifacts: Set<string>;
  /** Resolves when the execution has ended. */
  done: Promise<void>;
}

/** One approval request: every token ever issued stays here, so a stale token can be told from an unknown one. */
export interface ApprovalRecord {
  readonly token: string;
  readonly stageName: string;
  readonly actionName: string;
  readonly pipelineExecutionId: string;
  state: 'pending' | 'answered' | 'expired' | 'abandoned';
  /** Set while pending: records the answer and lets the execution go on. */
  answer?: (result: { readonly status: 'Approved' | 'Rejected'; readonly summary: string }, by?: string) => Date;
}

export interface StageLock {
  /** The execution running in the stage. */
  current?: string;
  /** The newest execution waiting to enter it (SUPERSEDED mode keeps only one), and how to admit or supersede it. */
  inbound?: { readonly pipelineExecutionId: string; readonly admit: (entered: boolean) => void };
}

export interface PipelineRecord {
  readonly declaration: PipelineDeclaration;
  readonly arn: string;
  readonly created: number;
  readonly updated: number;
  readonly version: number;
  /** Oldest first. */
  readonly executions: PipelineExecutionRecord[];
  readonly latestStage: Map<string, { pipelineExecutionId: string; status: StageExecutionStatus }>;
  /** Latest execution of each action, keyed `stage/action`. */
  readonly latestAction: Map<string, ActionExecutionRecord>;
  readonly locks: Map<string, StageLock>;
  readonly approvals: Map<string, ApprovalRecord>;
  readonly clientRequestTokens: Map<string, string>;
  localBuild?: LocalBuild;
}

export const actionKey = (stageName: string, actionName: string): string => `${stageName}/${actionName}`;
