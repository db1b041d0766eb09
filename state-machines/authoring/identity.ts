import { UNDONE, type MachineName } from '../../contract';
import type { ChoiceRule, PassState, StateMachine, States } from './asl';
import { catchTo, ecs, failSaying, fmtReject, rejectStatic, retry } from './basics';
import { leasedMachine, leaseStates } from './lease';
import { describeRuleTask } from './rules';
import { locateTaskSetStates } from './task-sets';

/**
 * The checks every machine makes before it changes anything: the input names the one service of this stack, the
 * service exists, and the lease is taken (lease.ts). A failure here changes nothing.
 */

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
 * Input checks, the lease (lease.ts), the service lookup and both listener rules, shared by swap, clean-up, rollback
 * and abort (deploy-green validates its input with a function, then uses the same parts). `operation` says what the
 * machine does, for the error another operation gets while it holds the lease.
 */
export function serviceIdentityStates(name: MachineName, next: string, operation: string): States {
  return {
    ValidateInput: {
      Type: 'Choice',
      Comment: 'Check the input before touching anything; each field gets its own error naming the fix.',
      Choices: [
        { Not: { Variable: '$.cluster', IsPresent: true }, Next: 'RejectCluster' },
        { Not: { Variable: '$.cluster', IsString: true }, Next: 'RejectCluster' },
        { Not: { Variable: '$.service', IsPresent: true }, Next: 'RejectService' },
        { Not: { Variable: '$.service', IsString: true }, Next: 'RejectService' },
        ...wrongIdentityRules(),
      ],
      Default: 'StartLease',
    },
    ...leaseStates(name, operation, 'DescribeService'),
    RejectCluster: rejectStatic(
      'Input field \'cluster\' is required and must be a string: the name or ARN of the ECS cluster, e.g. "cluster": "${ClusterName}".',
    ),
    RejectService: rejectStatic(
      'Input field \'service\' is required and must be a string: the name or ARN of the ECS service, e.g. "service": "${ServiceName}".',
    ),
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
export function liveVersionStates(name: MachineName, next: string, operation: string): States {
  return {
    ...serviceIdentityStates(name, 'LiveLocate', operation),
    ...locateTaskSetStates('Live', '$.prodRule', '$.live', next),
  };
}

/**
 * A machine that acts from the live version (clean-up, rollback, abort): leasedMachine() over liveVersionStates(),
 * which go on to `then`, the first of the machine's own `states`.
 */
export function liveVersionMachine(
  spec: { readonly name: MachineName; readonly comment: string; readonly operation: string; readonly then: string },
  states: States,
): StateMachine {
  return leasedMachine(spec.comment, { ...liveVersionStates(spec.name, spec.then, spec.operation), ...states });
}
