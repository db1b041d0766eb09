import { UNDONE, type MachineName } from '../../contract';
import type { ChoiceRule, PassState, Payload, StateMachine, States } from './asl';
import { catchTo, ecs, FAILED, failSaying, fmtReject, functionErrorMessageStates, invokeTask, retry } from './basics';
import { leasedMachine, leaseStates, TAKE_LEASE } from './lease';
import { describeRuleTask } from './rules';
import { locateTaskSetStates } from './task-sets';

/**
 * The checks every machine makes before it changes anything: the input names the one service of this stack, the
 * service exists, and the lease is taken (lease.ts). A failure here changes nothing.
 */

/** Every machine's first state: the validate-input function checks the input (inputCheckStates()). */
export const INPUT_CHECK = 'CheckInputFields';

/**
 * The stack's defaults each machine passes to validate-input (lambdas/validate-input InputDefaults): its output has
 * these fields always, the input's value or the default.
 */
const DEFAULTS_PASSED: Partial<Record<MachineName, Payload>> = {
  'deploy-green': {
    healthTimeoutSeconds: '${HealthTimeoutSeconds}',
    failFastThreshold: '${FailFastThreshold}',
    testScalePercent: '${TestScalePercent}',
  },
  swap: { trafficShift: '${TrafficShift}', bakeSeconds: '${BakeSeconds}' },
};

/**
 * CheckInputFields, every machine's first state: the validate-input function (lambdas/validate-input) checks the
 * execution input against the machine's fields and limits (contract/input-fields.ts, contract/inputs.ts) and returns
 * it normalized, with only known fields, as the state's whole data; then `next`. A refusal
 * (`BlueGreen.InvalidInput`) names every offending field, with the value cut and escaped; nothing was changed and the
 * input is what to fix. It runs first so that everything after it (the identity refusals below echo `$.cluster` and
 * `$.service`) reads bounded, known input, never the raw execution input.
 */
export function inputCheckStates(name: MachineName, next: string): States {
  // deploy-green and swap also pass the stack's defaults (as the definition substitutions write them: numbers as text,
  // the traffic shift in contract formatTrafficShift()'s compact form, which needs no JSON escaping): validate-input
  // fills each field the input leaves out, so no Choice/Pass pair per setting picks the default.
  const defaults = DEFAULTS_PASSED[name];
  const payload: Payload = defaults ? { machine: name, 'input.$': '$', defaults } : { machine: name, 'input.$': '$' };
  return {
    [INPUT_CHECK]: invokeTask('${ValidateInputFunctionArn}', payload, 30, next, {
      Comment:
        'validate-input (lambdas/) refuses unknown fields and checks every field with rules ASL cannot express (lengths, name and ARN syntax, hex commit, image URI, task definition reference), naming each offending field, its value and the fix. Its output is the normalized input.',
      OutputPath: '$.Payload',
      // The input may be any JSON value (StartExecution takes a string, an array, null): a ResultPath into it would
      // fail as States.Runtime, so the error replaces it and is then moved under a field.
      Catch: [
        { ErrorEquals: ['BlueGreen.InvalidInput'], ResultPath: '$', Next: 'KeepInputRefusal' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'KeepInputCheckError' },
      ],
    }),
    KeepInputRefusal: { Type: 'Pass', Parameters: { 'failure.$': '$' }, Next: 'ReadInvalidInputPayload' },
    KeepInputCheckError: { Type: 'Pass', Parameters: { 'error.$': '$' }, Next: 'FailBeforeChanges' },
    ...functionErrorMessageStates('ReadInvalidInputPayload', 'NoteInvalidInput', '$.failure', FAILED, {
      undone: UNDONE.nothingChanged,
      next: ['fix-input'],
    }),
  };
}

/** Choice rules sending input for another cluster or service to the rejects of identityRejects(). */
export const wrongIdentityRules = (): ChoiceRule[] => [
  {
    And: [
      { Not: { Variable: '$.cluster', StringEquals: '${ClusterName}' } },
      { Not: { Variable: '$.cluster', StringEquals: '${ClusterArn}' } },
    ],
    Next: 'RejectWrongCluster',
  },
  {
    And: [
      { Not: { Variable: '$.service', StringEquals: '${ServiceName}' } },
      { Not: { Variable: '$.service', StringEquals: '${ServiceArn}' } },
    ],
    Next: 'RejectWrongService',
  },
];

/** Each state machine acts on the one service of its stack; input naming another gets an error with the fix. */
export function identityRejects(name: MachineName): States {
  return {
    RejectWrongCluster: fmtReject(
      'BlueGreen.InvalidInput',
      `States.Format('Input field cluster is {} but this state machine acts only on cluster \${ClusterName}. Use "cluster": "\${ClusterName}", or start the ${name} state machine of the stack that owns {}.', $.cluster, $.cluster)`,
      ['fix-input'],
    ),
    RejectWrongService: fmtReject(
      'BlueGreen.InvalidInput',
      `States.Format('Input field service is {} but this state machine acts only on service \${ServiceName}. Use "service": "\${ServiceName}", or start the ${name} state machine of the stack that owns {}.', $.service, $.service)`,
      ['fix-input'],
    ),
  };
}

/** The error caught at `$.error` before anything changed: `name` may be run again. */
export const failBeforeChanges = (name: MachineName): PassState =>
  failSaying('Nothing was changed.', UNDONE.nothingChanged, [name]);

/**
 * DescribeService of the input's service into `$.current`, then CheckService: it must exist and be ACTIVE, and pass
 * `rules` (the machine's own refusals); then `next`. Read errors fail before any change (FailBeforeChanges).
 */
export function serviceLookupStates(name: MachineName, rules: ChoiceRule[], next: string): States {
  return {
    DescribeService: {
      Type: 'Task',
      Resource: ecs('describeServices'),
      Parameters: { 'Cluster.$': '$.cluster', 'Services.$': 'States.Array($.service)' },
      ResultSelector: { 'services.$': '$.Services', 'failures.$': '$.Failures' },
      ResultPath: '$.current',
      Retry: retry,
      Catch: catchTo('FailBeforeChanges'),
      Next: 'CheckService',
    },
    CheckService: {
      Type: 'Choice',
      Choices: [
        { Not: { Variable: '$.current.services[0]', IsPresent: true }, Next: 'RejectServiceNotFound' },
        { Not: { Variable: '$.current.services[0].Status', StringEquals: 'ACTIVE' }, Next: 'RejectServiceNotFound' },
        ...rules,
      ],
      Default: next,
    },
    RejectServiceNotFound: fmtReject(
      'BlueGreen.ServiceNotFound',
      "States.Format('ECS service {} was not found (or is not ACTIVE) in cluster {}: {}. Deploy the stack first, or check the names.', $.service, $.cluster, States.JsonToString($.current.failures))",
      ['fix-input'],
    ),
    FailBeforeChanges: failBeforeChanges(name),
  };
}

/**
 * Input checks (inputCheckStates(), then the identity of the service), the lease (lease.ts), the service lookup and
 * both listener rules, shared by swap, clean-up, rollback and abort (deploy-green uses the same parts with its own
 * steps between them). `operation` says what the machine does, for the error another operation gets while it holds
 * the lease. The machine starts at INPUT_CHECK. `beforeLease` runs between the input checks and the lease (swap's
 * approval wait, which holds nothing while it waits); it goes on to TAKE_LEASE.
 */
export function serviceIdentityStates(
  name: MachineName,
  next: string,
  operation: string,
  beforeLease = TAKE_LEASE,
): States {
  return {
    ...inputCheckStates(name, 'ValidateInput'),
    ValidateInput: {
      Type: 'Choice',
      Comment: 'The input is well-formed (validate-input); it must also name the service of this stack.',
      Choices: wrongIdentityRules(),
      Default: beforeLease,
    },
    ...leaseStates(name, operation, 'DescribeService'),
    ...identityRejects(name),
    ...serviceLookupStates(
      name,
      [{ Variable: '$.current.services[0].TaskSets[2]', IsPresent: true, Next: 'RejectTooManyTaskSets' }],
      'DescribeProductionRule',
    ),
    RejectTooManyTaskSets: fmtReject(
      'BlueGreen.UnexpectedState',
      "States.Format('Service {} has more than two task sets ({}); this controller keeps at most blue and green. Remove the extra task sets by hand, then retry.', $.service, States.JsonToString($.current.services[0].TaskSets[*].TaskSetArn))",
      ['status', name],
    ),
    DescribeProductionRule: describeRuleTask('${ProdRuleArn}', '$.prodRule', 'DescribeTestRule'),
    DescribeTestRule: describeRuleTask('${TestRuleArn}', '$.testRule', next),
  };
}

/**
 * serviceIdentityStates(), then LiveLocate: which task set production serves, as the version `$.live` (clean-up,
 * rollback and abort start from it); then `next`.
 */
export function liveVersionStates(
  name: MachineName,
  next: string,
  operation: string,
  beforeLease = TAKE_LEASE,
): States {
  return {
    ...serviceIdentityStates(name, 'LiveLocate', operation, beforeLease),
    ...locateTaskSetStates('Live', '$.prodRule', '$.live', next),
  };
}

/**
 * A machine that acts from the live version (clean-up, rollback, abort): leasedMachine() over liveVersionStates(),
 * which go on to `then`, the first of the machine's own `states`. `beforeLease`, one of `states`, runs between the
 * input checks and the lease (clean-up's approval wait) and goes on to TAKE_LEASE.
 */
export function liveVersionMachine(
  spec: {
    readonly name: MachineName;
    readonly comment: string;
    readonly operation: string;
    readonly then: string;
    readonly beforeLease?: string;
  },
  states: States,
): StateMachine {
  return leasedMachine(
    spec.comment,
    { ...liveVersionStates(spec.name, spec.then, spec.operation, spec.beforeLease), ...states },
    INPUT_CHECK,
  );
}
