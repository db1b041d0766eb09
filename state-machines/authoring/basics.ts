import { UNDONE, type NextStep, type Undone } from '../../contract';
import type { Catcher, MapState, PassState, Payload, Retrier, StateMachine, States, TaskState } from './asl';

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
/** Retries of transient errors: exponential backoff (rate 2) with full jitter. */
export const backoff = (errors: readonly string[], intervalSeconds: number, maxAttempts = 5): Retrier => ({
  ErrorEquals: errors,
  IntervalSeconds: intervalSeconds,
  MaxAttempts: maxAttempts,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
});
export const retry: readonly Retrier[] = [backoff(TRANSIENT, 2)];

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
  backoff(
    [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
      'Lambda.ClientExecutionTimeoutException',
    ],
    1,
    3,
  ),
];

/**
 * lambda:invoke of one of our functions (by its `${…FunctionArn}` placeholder) with `payload` (an object, or a path to
 * it), a timeout and the retries of transient Lambda service errors; `fields` are the rest of the Task.
 */
export function invokeTask(
  functionArn: string,
  payload: Payload | string,
  timeoutSeconds: number,
  next: string,
  fields: Pick<TaskState, 'Comment' | 'ResultSelector' | 'ResultPath' | 'OutputPath' | 'Catch'>,
): TaskState {
  const { Comment, Catch, ...results } = fields;
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    ...(Comment ? { Comment } : {}),
    Parameters: {
      FunctionName: functionArn,
      ...(typeof payload === 'string' ? { 'Payload.$': payload } : { Payload: payload }),
    },
    ...results,
    TimeoutSeconds: timeoutSeconds,
    Retry: lambdaRetry,
    ...(Catch ? { Catch } : {}),
    Next: next,
  };
}
/** The undo's retrier: an undo step is retried on any error before the undo gives up. */
export const undoRetry: readonly Retrier[] = [
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 },
];
/** An undo step for which `error` means "already gone": never retried, and caught as done (see undoCatch). */
export const undoRetryExcept = (error: string): Retrier[] => [{ ErrorEquals: [error], MaxAttempts: 0 }, ...undoRetry];
/** An undo step's catchers: `gone` (if given) goes on to `next`; any other error fails the undo. */
export const undoCatch = (gone?: { error: string; next: string }): Catcher[] => [
  ...(gone ? [{ ErrorEquals: [gone.error], ResultPath: null, Next: gone.next }] : []),
  { ErrorEquals: ['States.ALL'], ResultPath: '$.undoError', Next: 'FailUndo' },
];
export const catchTo = (next: string): Catcher[] => [
  { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next },
];
/** Where a step's errors go: a state (the error at `$.error`), or the catchers themselves. */
export type OnError = string | readonly Catcher[];
export const catches = (onError: OnError): readonly Catcher[] =>
  typeof onError === 'string' ? catchTo(onError) : onError;
export const ecs = (action: string): string => `arn:aws:states:::aws-sdk:ecs:${action}`;
export const elb = (action: string): string => `arn:aws:states:::aws-sdk:elasticloadbalancingv2:${action}`;

/** An aws-sdk Task that changes something and keeps no result: `parameters`, then `next`; errors go to `onError`. */
export function changeTask(
  resource: string,
  parameters: Payload,
  next: string,
  onError: OnError,
  { comment, retrier = retry }: { comment?: string; retrier?: readonly Retrier[] } = {},
): TaskState {
  return {
    Type: 'Task',
    Resource: resource,
    ...(comment ? { Comment: comment } : {}),
    Parameters: parameters,
    ResultPath: null,
    Retry: retrier,
    Catch: catches(onError),
    Next: next,
  };
}

/** An inline Map: `states` (from `startAt`) run for each item of `itemsPath`; its fields in ASL order. */
export function inlineMap({
  itemsPath,
  maxConcurrency,
  itemSelector,
  startAt,
  states,
  resultSelector,
  resultPath,
  onError,
  next,
}: {
  itemsPath: string;
  maxConcurrency?: number;
  itemSelector: Payload;
  startAt: string;
  states: States;
  resultSelector?: Payload;
  resultPath: string;
  onError?: string;
  next: string;
}): MapState {
  return {
    Type: 'Map',
    ItemsPath: itemsPath,
    ...(maxConcurrency !== undefined ? { MaxConcurrency: maxConcurrency } : {}),
    ItemSelector: itemSelector,
    ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: startAt, States: states },
    ...(resultSelector ? { ResultSelector: resultSelector } : {}),
    ResultPath: resultPath,
    ...(onError ? { Catch: catchTo(onError) } : {}),
    Next: next,
  };
}

/**
 * Where every failure ends: withLeaseRelease() adds it (the lease is given back, then the execution fails with
 * `$.failure`). Fragments go here once `$.failure` holds {Error, Cause}.
 */
export const FAILED = 'ReleaseLeaseOnFailure';

/**
 * The cause a failure puts at `$.failure.Cause` (contract/results.ts FailureCause): the message (fixed text, or a path
 * or intrinsic function that writes it), what became of this run's changes, and what to run next. Failed writes it out
 * as JSON text (withLeaseRelease), so programs read `undone` and `next` instead of parsing the message.
 */
export function failureCause(
  message: string | { readonly from: string },
  undone: Undone,
  next: readonly NextStep[],
  extra: Payload = {},
): Payload {
  if (next.length === 0) throw new Error(`a failure must say what to run next: ${JSON.stringify(message)}`);
  return {
    ...(typeof message === 'string' ? { message } : { 'message.$': message.from }),
    undone,
    next: [...next],
    ...extra,
  };
}

/** A refusal of invalid input with a fixed message: nothing was changed; correct the input. */
export const rejectStatic = (message: string): PassState => ({
  Type: 'Pass',
  Parameters: { Error: 'BlueGreen.InvalidInput', Cause: failureCause(message, UNDONE.nothingChanged, ['fix-input']) },
  ResultPath: '$.failure',
  Next: FAILED,
});
/**
 * A refusal before any change: `error`, with the message a States.Format expression writes, and `next`. `extra` adds
 * fields to the cause (e.g. the `holder` of OperationInProgress).
 */
export const fmtReject = (
  error: string,
  format: string,
  next: readonly NextStep[],
  extra: Payload = {},
): PassState => ({
  Type: 'Pass',
  Parameters: { Error: error, Cause: failureCause({ from: format }, UNDONE.nothingChanged, next, extra) },
  ResultPath: '$.failure',
  Next: FAILED,
});
/**
 * The error caught at `$.error` fails the execution: its cause followed by `sentence` (what was or was not done) is
 * the message; `undone` and `next` say the same for programs.
 */
export const failSaying = (sentence: string, undone: Undone, next: readonly NextStep[]): PassState => ({
  Type: 'Pass',
  Parameters: {
    'Error.$': '$.error.Error',
    Cause: failureCause({ from: `States.Format('{} ${sentence}', $.error.Cause)` }, undone, next),
  },
  ResultPath: '$.failure',
  Next: FAILED,
});
/**
 * The undo failed too: BlueGreen.UndoFailed, naming both errors. `format` is a States.Format template whose four `{}`
 * take the error and cause of the failure, then of the undo; `next` is the way out it names.
 */
export const undoFailed = (format: string, next: readonly NextStep[]): PassState => ({
  Type: 'Pass',
  Parameters: {
    Error: 'BlueGreen.UndoFailed',
    Cause: failureCause(
      {
        from: `States.Format('${format}', $.error.Error, $.error.Cause, $.undoError.Error, $.undoError.Cause)`,
      },
      UNDONE.failed,
      next,
    ),
  },
  ResultPath: '$.failure',
  Next: FAILED,
});
/**
 * Notes an error at `resultPath` (default `$.error`) and goes to `next` (usually the undo): a fixed cause, or one a
 * States.Format expression writes (`{ format }`).
 */
export const noteError = (
  error: string,
  cause: string | { format: string },
  next: string,
  resultPath = '$.error',
): PassState => ({
  Type: 'Pass',
  Parameters: { Error: error, ...(typeof cause === 'string' ? { Cause: cause } : { 'Cause.$': cause.format }) },
  ResultPath: resultPath,
  Next: next,
});

/**
 * A function error caught at `at` carries the runtime's JSON error payload as its Cause: `read` parses it, `note`
 * keeps only its message (as a failure's structured cause, when `report` says what was undone and what is next).
 * Two states, as an intrinsic function's result cannot be followed by a path.
 */
export function functionErrorMessageStates(
  read: string,
  note: string,
  at: string,
  next: string,
  report?: { readonly undone: Undone; readonly next: readonly NextStep[] },
): States {
  return {
    [read]: {
      Type: 'Pass',
      Comment: "A function error's Cause is the runtime's JSON error payload; keep only its message.",
      Parameters: { 'Error.$': `${at}.Error`, 'payload.$': `States.StringToJson(${at}.Cause)` },
      ResultPath: at,
      Next: note,
    },
    [note]: {
      Type: 'Pass',
      Parameters: {
        'Error.$': `${at}.Error`,
        ...(report
          ? { Cause: failureCause({ from: `${at}.payload.errorMessage` }, report.undone, report.next) }
          : { 'Cause.$': `${at}.payload.errorMessage` }),
      },
      ResultPath: at,
      Next: next,
    },
  };
}

/**
 * A successful end: the output names the cluster and service, says nothing needed undoing and what to run `next`
 * (contract/results.ts SuccessOutput), then `fields` (a `message` among them).
 */
export const outcome = (next: readonly NextStep[], fields: Payload, comment?: string): PassState => {
  if (next.length === 0) throw new Error('a successful end must say what to run next');
  return {
    Type: 'Pass',
    ...(comment ? { Comment: comment } : {}),
    Parameters: {
      'cluster.$': '$.cluster',
      'service.$': '$.service',
      undone: UNDONE.notNeeded,
      next: [...next],
      ...fields,
    },
    End: true,
  };
};

/**
 * A loop's counter: `start` sets `<path>.elapsedSeconds` to 0 and goes to `wait`, which waits `seconds` and goes to
 * `then`; `count` adds the seconds and waits again. The caller's Choice decides between `count` and leaving. Without
 * `start`, the caller has set the counter already and goes to `wait` itself.
 */
export function waitLoopStates({
  start,
  wait,
  count,
  path,
  seconds,
  then,
}: {
  start?: string;
  wait: string;
  count: string;
  path: string;
  seconds: number;
  then: string;
}): States {
  return {
    ...(start !== undefined
      ? { [start]: { Type: 'Pass', Result: { elapsedSeconds: 0 }, ResultPath: path, Next: wait } as const }
      : {}),
    [wait]: { Type: 'Wait', Seconds: seconds, Next: then },
    [count]: {
      Type: 'Pass',
      Parameters: { 'elapsedSeconds.$': `States.MathAdd(${path}.elapsedSeconds, ${seconds})` },
      ResultPath: path,
      Next: wait,
    },
  };
}

/**
 * `check` computes whether the list at `list` contains the value at `item` (into `<resultPath>.<flag>`), then
 * `choose` goes to `contained` or `notContained`. With `collect`, a state of that name first gathers the list (a
 * wildcard path, only over a list known not to be empty) at `<resultPath>.<key>`.
 */
export function containsStates({
  collect,
  check,
  choose,
  list,
  item,
  resultPath,
  flag,
  contained,
  notContained,
}: {
  collect?: { name: string; key: string; comment?: string };
  check: string;
  choose: string;
  list: string;
  item: string;
  resultPath: string;
  flag: string;
  contained: string;
  notContained: string;
}): States {
  const listPath = collect ? `${resultPath}.${collect.key}` : list;
  return {
    ...(collect
      ? {
          [collect.name]: {
            Type: 'Pass',
            ...(collect.comment ? { Comment: collect.comment } : {}),
            Parameters: { [`${collect.key}.$`]: list },
            ResultPath: resultPath,
            Next: check,
          },
        }
      : {}),
    [check]: {
      Type: 'Pass',
      Parameters: { [`${flag}.$`]: `States.ArrayContains(${listPath}, ${item})` },
      ResultPath: resultPath,
      Next: choose,
    },
    [choose]: {
      Type: 'Choice',
      Choices: [{ Variable: `${resultPath}.${flag}`, BooleanEquals: true, Next: contained }],
      Default: notContained,
    },
  };
}
