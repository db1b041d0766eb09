/** Everything local CodePipeline knows: the pipelines (with their executions), and the executions still running. */
import { pipelineNotFound } from './errors';
import type { PipelineRecord } from './model';

export class CodePipelineStore {
  /** By pipeline name. */
  readonly pipelines = new Map<string, PipelineRecord>();
  /** Executions that have not ended yet; close() waits for them. */
  readonly running = new Set<Promise<void>>();

  constructor(
    readonly scope: { readonly region: string; readonly accountId: string },
    readonly now: () => number,
  ) {}

  /** The pipeline by name, or PipelineNotFoundException. */
  pipeline(name: string): PipelineRecord {
    const found = this.pipelines.get(name);
    if (!found) throw pipelineNotFound(this.scope.accountId, name);
    return found;
  }
}
