/** What every Application Auto Scaling operation handler gets: the state, the resources it scales, and the caller. */
import type { CallContext } from '../aws/service';
import type { Input } from './input';
import type { ScalableResources } from './scalable-resources';
import type { AutoScalingStore } from './store';

export interface OperationContext {
  readonly store: AutoScalingStore;
  readonly resources: ScalableResources;
  readonly call: CallContext;
}

export type OperationHandler = (ctx: OperationContext, input: Input) => unknown;
