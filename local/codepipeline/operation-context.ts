/** What every CodePipeline operation handler gets: the state, what executions run with, and the caller. */
import type { CallContext } from '../aws/service';
import type { Input } from './input';
import type { RunContext } from './runner';
import type { CodePipelineStore } from './store';

export interface OperationContext {
  readonly store: CodePipelineStore;
  readonly run: RunContext;
  readonly call: CallContext;
}

export type OperationHandler = (ctx: OperationContext, input: Input) => unknown;
