/**
 * The hook a fault-injection plan uses to make calls fail (throttling, 5xx, …) before the service sees them.
 */
import type { AwsError } from './service';

export interface FaultCall {
  readonly service: string;
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly principal: string | undefined;
  /** 1-based count of calls to this service operation so far, this one included. */
  readonly n: number;
}

export interface FaultHook {
  /** Return an error to answer the call with it instead of invoking the service. */
  beforeInvoke(call: FaultCall): AwsError | undefined;
}
