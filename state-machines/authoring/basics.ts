import type { Catcher, FailState, PassState, Retrier, StateMachine, States } from './asl';

/**
 * Errors worth retrying. Throttling surfaces as each service's base exception (`Ecs.EcsException`,
 * `ElasticLoadBalancingV2.ElasticLoadBalancingV2Exception`), never as `*.ThrottlingException`; 5xx as the modelled
 * `Ecs.ServerException`, ELBv2's `InternalFailure` (base exception again), or DescribeTargetHealth's modelled
 * `HealthUnavailable` (HTTP 500: "The health of the specified targets could not be retrieved due to an internal
 * error"). No Task here has a timeout, so `States.Timeout` cannot occur. Known limit: ELBv2 codes the model does not
 * list (AccessDenied, ValidationError) share the base exception with throttling, so they too are retried before
 * the failure is reported.
 */
export const TRANSIENT: readonly string[] = [
  'Ecs.ServerException',
  'Ecs.EcsException',
  'ElasticLoadBalancingV2.ElasticLoadBalancingV2Exception',
  'ElasticLoadBalancingV2.HealthUnavailableException',
];
export const retry: readonly Retrier[] = [
  { ErrorEquals: TRANSIENT, IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' },
];

/**
 * The part of TRANSIENT each aws-sdk Task can raise: Step Functions names errors `<Service>.<Error>`, so another
 * service's names never match, and only DescribeTargetHealth models HealthUnavailable. The modules write
 * `Retry: retry` everywhere; render() narrows each such retrier to its Task's own errors
 * (test/state-machines/sdk-model-check.test.ts checks every name against the SDK models).
 */
function transientErrorsFor(resource: string): string[] {
  const match = /^arn:aws:states:::aws-sdk:(ecs|elasticloadbalancingv2):(\w+)$/.exec(resource);
  if (!match) throw new Error(`the shared ECS/ELBv2 retry policy is used on ${resource}`);
  const [, service, action] = match;
  if (service === 'ecs') return TRANSIENT.filter((name) => name.startsWith('Ecs.'));
  return TRANSIENT.filter(
    (name) =>
      name.startsWith('ElasticLoadBalancingV2.') &&
      (name !== 'ElasticLoadBalancingV2.HealthUnavailableException' || action === 'describeTargetHealth'),
  );
}

function narrowStates(states: States): States {
  return Object.fromEntries(
    Object.entries(states).map(([name, state]) => {
      if (state.Type === 'Task' && state.Retry) {
        const narrowed = state.Retry.map((retrier) =>
          retrier.ErrorEquals === TRANSIENT ? { ...retrier, ErrorEquals: transientErrorsFor(state.Resource) } : retrier,
        );
        return [name, { ...state, Retry: narrowed }];
      }
      if (state.Type === 'Map') {
        const processor = state.ItemProcessor;
        return [name, { ...state, ItemProcessor: { ...processor, States: narrowStates(processor.States) } }];
      }
      return [name, state];
    }),
  );
}

/** A copy of a definition in which every `retry` retrier lists only the errors of its own Task. */
export function narrowTransientRetries(definition: StateMachine): StateMachine {
  return { ...definition, States: narrowStates(definition.States) };
}

/** Transient Lambda service errors (not errors the function itself throws). */
export const lambdaRetry: readonly Retrier[] = [
  {
    ErrorEquals: [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
      'Lambda.ClientExecutionTimeoutException',
    ],
    IntervalSeconds: 1,
    MaxAttempts: 3,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
];
export const undoRetry: readonly Retrier[] = [
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 },
];
export const catchTo = (next: string): Catcher[] => [
  { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next },
];
export const ecs = (action: string): string => `arn:aws:states:::aws-sdk:ecs:${action}`;
export const elb = (action: string): string => `arn:aws:states:::aws-sdk:elasticloadbalancingv2:${action}`;
export const rejectStatic = (cause: string, next = 'FailInvalidInput'): PassState => ({
  Type: 'Pass',
  Parameters: { Error: 'BlueGreen.InvalidInput', Cause: cause },
  ResultPath: '$.failure',
  Next: next,
});
export const fmtReject = (error: string, format: string, next: string): PassState => ({
  Type: 'Pass',
  Parameters: { Error: error, 'Cause.$': format },
  ResultPath: '$.failure',
  Next: next,
});
export const fail = (comment: string): FailState => ({
  Type: 'Fail',
  Comment: comment,
  ErrorPath: '$.failure.Error',
  CausePath: '$.failure.Cause',
});
