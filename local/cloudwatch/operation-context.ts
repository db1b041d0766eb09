/** What every CloudWatch operation handler gets: the state, the alarm evaluator, and the caller. */
import type { CallContext } from '../aws/service';
import type { AlarmEvaluator } from './alarm-evaluator';
import type { Input } from './input';
import type { CloudWatchStore } from './store';

export interface OperationContext {
  readonly store: CloudWatchStore;
  readonly evaluator: AlarmEvaluator;
  readonly call: CallContext;
}

export type OperationHandler = (ctx: OperationContext, input: Input) => unknown;
