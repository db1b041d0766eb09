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
 *
 * How Step Functions names each one is in STEP_FUNCTIONS_ERROR_NAMES: an error the service model does not list
 * becomes `Ecs.EcsException` / `ElasticLoadBalancingV2.ElasticLoadBalancingV2Exception`.
 */
import { AwsError } from '../../local/aws/service';

/** The services a plan can fail, by the SDK service id the local server uses. */
export type FaultService = 'ECS' | 'Elastic Load Balancing v2';

export const FAULT_SERVICES: readonly FaultService[] = ['ECS', 'Elastic Load Balancing v2'];

/** What kind of failure: retryable throttling, a retryable 5xx, or a documented error retrying cannot fix. */
export type ApiErrorKind = 'throttling' | 'server-error' | 'client-error';

export const API_ERROR_KINDS: readonly ApiErrorKind[] = ['throttling', 'server-error', 'client-error'];

interface WireError {
  readonly code: string;
  readonly httpStatus: number;
  readonly message: string;
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
};

/**
 * The error name a Task of the shipped state machines sees for each injected fault (the aws-sdk integration's
 * `ServiceName.ErrorName`; unmodeled codes fall back to the service's generic exception).
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
  return new AwsError(wire.code, wire.message, wire.httpStatus);
}
