/** What every ECS operation handler gets: the state, the scheduler that acts on it, and the caller. */
import type { CallContext } from '../aws/service';
import type { TargetGroupRegistry } from '../aws/cross-service';
import type { Input } from './input';
import type { Scheduler } from './scheduler';
import type { EcsStore } from './store';

export interface OperationContext {
  readonly store: EcsStore;
  readonly scheduler: Scheduler;
  readonly targets: TargetGroupRegistry;
  readonly call: CallContext;
}

export type OperationHandler = (ctx: OperationContext, input: Input) => unknown;
