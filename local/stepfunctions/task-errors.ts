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
