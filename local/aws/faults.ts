/**
 * The hooks a fault-injection plan uses on local AWS:
 *
 * - `hold` (optional) sees every validated, authorized call first and may hold it (return a promise) while something
 *   else happens, e.g. an operator's StopExecution landing while the call is in flight; the error it resolves to, if
 *   any, answers the call instead of the service.
 * - `beforeInvoke` then sees the call before the service does and can make it fail (throttling, 5xx, …) without the
 *   service ever seeing it.
 * - `afterInvoke` sees every call the service applied successfully and can replace the answer: a 5xx, or a dropped
 *   connection. That is a *lost response*: the change was made, but the caller cannot know and retries.
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

/** How an applied call is answered instead of its result. */
export type LostResponse =
  /** An error response (a 5xx, typically) for a call the service applied. */
  | { readonly kind: 'error'; readonly error: AwsError }
  /** No response at all: the server closes the connection, as a load balancer timing out or a reset would. */
  | { readonly kind: 'drop' };

export interface FaultHook {
  /** Return a promise to hold the call until it settles; an error it resolves to answers the call instead. */
  hold?(call: FaultCall): Promise<AwsError | undefined> | undefined;
  /** Return an error to answer the call with it instead of invoking the service. */
  beforeInvoke(call: FaultCall): AwsError | undefined;
  /** Called with the same `call` after the service applied it successfully; return a LostResponse to replace the answer. */
  afterInvoke?(call: FaultCall): LostResponse | undefined;
}
