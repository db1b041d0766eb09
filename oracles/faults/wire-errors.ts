/**
 * The errors a fault plan injects, with the codes and HTTP statuses the real services put on the wire, so the SDK
 * clients inside the Step Functions emulator parse them exactly as they would parse AWS's answer.
 *
 * - ECS (JSON 1.1): throttling is `ThrottlingException`, HTTP 400 ("Rate exceeded"; ECS API reference, "Request
 *   throttling"). A server-side failure is the modeled `ServerException`, HTTP 500. `ClientException` (modeled, listed
 *   for every ECS action) is the documented non-retryable error: "usually caused by a client action".
 * - ELBv2 (query protocol): throttling is `Throttling`, HTTP 400; a server-side failure is `InternalFailure`, HTTP 500
 *   (both from the common errors, not in the service model). The non-retryable error is the modeled
 *   `OperationNotPermitted`, HTTP 400, which the SDK names `OperationNotPermittedException`.
 * - Lambda (restJson1; Invoke, the lifecycle-hook runner calling a hook function): throttling is the modeled
 *   `TooManyRequestsException`, HTTP 429 ("Rate Exceeded."; the API reference: "The request throughput limit was
 *   exceeded"); a server-side failure is the modeled `ServiceException`, HTTP 500 ("The Lambda service encountered an
 *   internal error"). The non-retryable error is `ResourceNotFoundException`, HTTP 404 (the hook's function does not
 *   exist, e.g. deleted or a wrong ARN). Each has its shape's `Type` (`User`, or `Service` for ServiceException) and
 *   message member, as local Lambda answers its own errors (local/lambda/errors.ts).
 *
 * How Step Functions names each one is in STEP_FUNCTIONS_ERROR_NAMES: an error the service model does not list
 * becomes `Ecs.EcsException` / `ElasticLoadBalancingV2.ElasticLoadBalancingV2Exception`.
 */
import { LIFECYCLE_HOOK_FAILED } from '../../contract';
import { AwsError } from '../../local/aws/service';
import { LambdaError } from '../../local/lambda/errors';

/** The services a plan can fail, by the SDK service id the local server uses. */
export type FaultService = 'ECS' | 'Elastic Load Balancing v2' | 'Lambda';

export const FAULT_SERVICES: readonly FaultService[] = ['ECS', 'Elastic Load Balancing v2', 'Lambda'];

/** What kind of failure: retryable throttling, a retryable 5xx, or a documented error retrying cannot fix. */
export type ApiErrorKind = 'throttling' | 'server-error' | 'client-error';

export const API_ERROR_KINDS: readonly ApiErrorKind[] = ['throttling', 'server-error', 'client-error'];

interface WireError {
  readonly code: string;
  readonly httpStatus: number;
  readonly message: string;
  /** Lambda's error shapes: the body member carrying the message, and the shape's `Type`. */
  readonly lambda?: { readonly messageMember: 'Message' | 'message'; readonly type: 'User' | 'Service' };
}

const WIRE_ERRORS: Readonly<Record<FaultService, Readonly<Record<ApiErrorKind, WireError>>>> = {
  ECS: {
    throttling: { code: 'ThrottlingException', httpStatus: 400, message: 'Rate exceeded' },
    'server-error': {
      code: 'ServerException',
      httpStatus: 500,
      message: 'Service encountered an internal error.',
    },
    'client-error': {
      code: 'ClientException',
      httpStatus: 400,
      message: 'The request was refused by an injected fault; retrying will not help.',
    },
  },
  'Elastic Load Balancing v2': {
    throttling: { code: 'Throttling', httpStatus: 400, message: 'Rate exceeded' },
    'server-error': {
      code: 'InternalFailure',
      httpStatus: 500,
      message: 'The request processing has failed because of an unknown error, exception or failure.',
    },
    'client-error': {
      code: 'OperationNotPermitted',
      httpStatus: 400,
      message: 'This operation is not allowed (injected fault); retrying will not help.',
    },
  },
  Lambda: {
    throttling: {
      code: 'TooManyRequestsException',
      httpStatus: 429,
      message: 'Rate Exceeded.',
      lambda: { messageMember: 'message', type: 'User' },
    },
    'server-error': {
      code: 'ServiceException',
      httpStatus: 500,
      message: 'The Lambda service encountered an internal error (injected fault).',
      lambda: { messageMember: 'Message', type: 'Service' },
    },
    'client-error': {
      code: 'ResourceNotFoundException',
      httpStatus: 404,
      message: 'Function not found (injected fault); retrying will not help.',
      lambda: { messageMember: 'Message', type: 'User' },
    },
  },
};

/**
 * The error name a Task of the shipped state machines sees for each injected fault (the aws-sdk integration's
 * `ServiceName.ErrorName`; unmodeled codes fall back to the service's generic exception). Lambda's Invoke is the
 * lifecycle-hook runner's call, not a Task's: a throttled or 5xx Invoke is called again later (the runner answers
 * IN_PROGRESS), so the machine sees an error only when they outlast the hook's timeout, or for a client error, and
 * then it is the hook's failure.
 */
export const STEP_FUNCTIONS_ERROR_NAMES: Readonly<Record<FaultService, Readonly<Record<ApiErrorKind, string>>>> = {
  ECS: {
    throttling: 'Ecs.EcsException',
    'server-error': 'Ecs.ServerException',
    'client-error': 'Ecs.ClientException',
  },
  'Elastic Load Balancing v2': {
    throttling: 'ElasticLoadBalancingV2.ElasticLoadBalancingV2Exception',
    'server-error': 'ElasticLoadBalancingV2.ElasticLoadBalancingV2Exception',
    'client-error': 'ElasticLoadBalancingV2.OperationNotPermittedException',
  },
  Lambda: {
    throttling: LIFECYCLE_HOOK_FAILED,
    'server-error': LIFECYCLE_HOOK_FAILED,
    'client-error': LIFECYCLE_HOOK_FAILED,
  },
};

/** The wire code of a fault, e.g. `ThrottlingException` (ECS) or `Throttling` (ELBv2). */
export function wireErrorCode(service: FaultService, kind: ApiErrorKind): string {
  return WIRE_ERRORS[service][kind].code;
}

/** The message AWS would send with the fault; Step Functions reports it as (the start of) the Cause. */
export function wireErrorMessage(service: FaultService, kind: ApiErrorKind): string {
  return WIRE_ERRORS[service][kind].message;
}

/** A fresh AwsError for the local server to answer with. */
export function wireError(service: FaultService, kind: ApiErrorKind): AwsError {
  const wire = WIRE_ERRORS[service][kind];
  return wire.lambda
    ? new LambdaError(wire.code, wire.message, wire.httpStatus, wire.lambda.messageMember, wire.lambda.type)
    : new AwsError(wire.code, wire.message, wire.httpStatus);
}
