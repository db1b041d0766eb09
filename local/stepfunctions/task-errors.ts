/**
 * Errors thrown by Task handlers. aws-local-stepfunctions matches Retry/Catch on the thrown error's `.name` (exactly)
 * and uses `.message` as the Cause; it also honours `isRetryable`/`isCatchable`, which lets us fail loudly on bugs.
 */
import type { SdkService } from './sdk-services';

/** A Task failure as Step Functions reports it: `Error` = name, `Cause` = message. */
export class TaskFailure extends Error {
  constructor(errorName: string, cause: string) {
    super(cause);
    this.name = errorName;
  }
}

/**
 * A problem in the state machine or in local AWS itself (unknown parameter, unregistered Lambda, emulator not
 * reachable). It fails the execution with `States.Runtime` and cannot be caught or retried, so a `States.ALL`
 * Catch never hides it.
 */
export class LocalRuntimeError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(message: string) {
    super(message);
    this.name = 'States.Runtime';
  }
}

/**
 * The number of attempts Step Functions' own client makes when a call to the service gets no answer at all (the
 * connection is closed after the request was sent). AWS does not document this for `aws-sdk:*` or optimized
 * integrations; we model the AWS SDKs' standard retry mode, which retries such transient network errors and makes 3
 * attempts in all. So a change that was applied but never answered is sent again, and the Task sees the second
 * answer (e.g. `PriorityInUse` for a repeated CreateRule) without any Retry of the state machine taking part.
 */
export const DROPPED_CONNECTION_ATTEMPTS = 3;

const DROPPED_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * True for an error that means "the request may have reached the service, and no answer came back": a connection
 * reset or closed under the request. Not for a refused connection (local AWS is not listening: a bug, reported as
 * `States.Runtime`) nor for an abort (the execution was stopped).
 */
export function isDroppedConnection(error: unknown): boolean {
  const e = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  if (typeof e.$metadata?.httpStatusCode === 'number') return false;
  if (e.name === 'AbortError') return false;
  if (typeof e.code === 'string' && DROPPED_CONNECTION_CODES.has(e.code)) return true;
  return typeof e.message === 'string' && /socket hang up/i.test(e.message);
}

/**
 * What a Task reports when every attempt lost its connection: `<prefix>.SdkClientException`, after the client-side
 * exception the Step Functions documentation names for Lambda (`Lambda.SdkClientException`). Catchable, as on AWS.
 */
export function droppedConnectionFailure(errorPrefix: string, operation: string, attempts: number): TaskFailure {
  return new TaskFailure(
    `${errorPrefix}.SdkClientException`,
    `Unable to execute HTTP request: ${operation} got no response in ${attempts} attempts (connection closed).`,
  );
}

/**
 * Sends `attempt` up to DROPPED_CONNECTION_ATTEMPTS times while it fails with a dropped connection; any other outcome
 * (an answer, an error with an HTTP status, a refused connection, an abort) ends the loop at once.
 */
export async function withDroppedConnectionRetry<T>(
  errorPrefix: string,
  operation: string,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isDroppedConnection(error)) throw error;
      if (n >= DROPPED_CONNECTION_ATTEMPTS) throw droppedConnectionFailure(errorPrefix, operation, n);
    }
  }
}

export function withExceptionSuffix(name: string): string {
  return name.endsWith('Exception') ? name : `${name}Exception`;
}

interface ServiceErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * An SDK error → the Task error Step Functions would report: `Ecs.ServiceNotFoundException`,
 * `ElasticLoadBalancingV2.ResourceInUseException` (query code `ResourceInUse`); codes the service model does not list
 * become `Ecs.EcsException` / `ElasticLoadBalancingV2.ElasticLoadBalancingV2Exception`. An error without an HTTP
 * response (connection refused, …) is a local AWS problem and fails loudly instead.
 */
export function taskErrorFromSdk(service: SdkService, error: unknown): Error {
  const e = (error ?? {}) as ServiceErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (typeof e.$metadata?.httpStatusCode !== 'number') {
    return new LocalRuntimeError(`Calling ${service.arnName} failed without a response from local AWS: ${message}`);
  }
  const code = typeof e.name === 'string' ? e.name : '';
  const modelName = service.errors.get(code);
  const errorName = modelName === undefined ? `${service.errorPrefix}Exception` : withExceptionSuffix(modelName);
  return new TaskFailure(`${service.errorPrefix}.${errorName}`, message);
}
