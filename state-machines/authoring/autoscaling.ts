import { SCALABLE_DIMENSION, SCALING_POLICY_NAME } from '../../contract';
import type { Catcher, ChoiceRule, Condition, Retrier, States, TaskState } from './asl';

/**
 * The service's autoscaling during a deployment (contract/autoscaling.ts says why): one call, PutScalingPolicy of the
 * controller's target tracking policy, points it at the target group production forwards to and disables or enables
 * its scale-in. Only when the stack has autoscaling (`${AutoScalingEnabled}`, read into `$.autoScaling.enabled`): a
 * stack without it has no scalable target, and its roles may not call Application Auto Scaling.
 *
 * The call is idempotent (a Put of an existing name replaces its configuration), so a re-run after a Stop sets the
 * same state again. Not RegisterScalableTarget's SuspendedState: that would need the role to pass Application Auto
 * Scaling's permission validation (ECS UpdateService and CloudWatch alarm actions the docs do not scope), and it would
 * override scaling suspensions an operator set by hand.
 */

const aas = (action: string): string => `arn:aws:states:::aws-sdk:applicationautoscaling:${action}`;

/**
 * Application Auto Scaling's transient errors as Step Functions names them: throttling and 5xx surface as the service's
 * base exception (PutScalingPolicy's model lists no InternalServiceException); ConcurrentUpdateException is
 * "a pending update" of the same resource (the scaling loop, or CloudFormation updating the scalable target), worth
 * another try.
 */
export const AAS_TRANSIENT: readonly string[] = [
  'ApplicationAutoScaling.ApplicationAutoScalingException',
  'ApplicationAutoScaling.ConcurrentUpdateException',
];
const aasRetry: readonly Retrier[] = [
  { ErrorEquals: AAS_TRANSIENT, IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' },
];

const TARGET = {
  ServiceNamespace: 'ecs',
  ScalableDimension: SCALABLE_DIMENSION,
  ResourceId: 'service/${ClusterName}/${ServiceName}',
} as const;

/**
 * The scalable target is gone (deregistered by hand, or by a stack update that removed `autoScaling` while this ran):
 * there is no scaling to manage, and the controller never registers a target itself, so the step is done.
 */
export const NO_SCALABLE_TARGET = 'ApplicationAutoScaling.ObjectNotFoundException';

/** A tracking step's catchers: no scalable target goes on to `next`; any other error to `onError`'s catchers. */
export const unlessNoTarget = (next: string, onError: readonly Catcher[]): readonly Catcher[] => [
  { ErrorEquals: [NO_SCALABLE_TARGET], ResultPath: null, Next: next },
  ...onError,
];

/** What a record write (or a Pass) keeps at `$.autoScaling`: whether the stack has autoscaling. */
export const AUTO_SCALING_RESULT = {
  selector: { 'enabled.$': "States.StringToJson('${AutoScalingEnabled}')" },
  path: '$.autoScaling',
} as const;

/** `<path>.enabled` is true (and was read: a path not there would fail the Choice as States.Runtime). */
const autoScaled = (path: string): Condition => ({
  And: [
    { Variable: `${path}.enabled`, IsPresent: true },
    { Variable: `${path}.enabled`, BooleanEquals: true },
  ],
});

/** A Choice rule: when the stack has autoscaling (read at `path`) and `also`, if given, go to `next`. */
export const whenAutoScaled = (next: string, also?: Condition, path: string = AUTO_SCALING_RESULT.path): ChoiceRule =>
  also ? { And: [autoScaled(path), also], Next: next } : { ...autoScaled(path), Next: next };

/**
 * PutScalingPolicy of the controller's policy, tracking requests per target on the target group at `tgPath` (its
 * resource label: the load balancer's full name `app/NAME/ID`, then the target group's `targetgroup/NAME/ID`, the last
 * field of its ARN), with scale-in disabled or not (`scaleIn`: `'disabled'`, `'enabled'`, or a path to a boolean that
 * is true to disable it). No scalable target (NO_SCALABLE_TARGET) goes on to `next`; other errors to `onError`.
 */
export function trackRequestsTask(
  tgPath: string,
  scaleIn: 'disabled' | 'enabled' | { readonly disabledPath: string },
  next: string,
  onError: readonly Catcher[],
  { comment, retrier = aasRetry }: { comment?: string; retrier?: readonly Retrier[] } = {},
): TaskState {
  return {
    Type: 'Task',
    Resource: aas('putScalingPolicy'),
    ...(comment ? { Comment: comment } : {}),
    Parameters: {
      PolicyName: SCALING_POLICY_NAME,
      ...TARGET,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        'TargetValue.$': "States.StringToJson('${ScalingTargetValue}')",
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          'ResourceLabel.$': `States.Format('\${LoadBalancerFullName}/{}', States.ArrayGetItem(States.StringSplit(${tgPath}, ':'), 5))`,
        },
        ...(typeof scaleIn === 'string'
          ? { DisableScaleIn: scaleIn === 'disabled' }
          : { 'DisableScaleIn.$': scaleIn.disabledPath }),
        'ScaleOutCooldown.$': "States.StringToJson('${ScaleOutCooldownSeconds}')",
        'ScaleInCooldown.$': "States.StringToJson('${ScaleInCooldownSeconds}')",
      },
    },
    ResultPath: null,
    Retry: retrier,
    Catch: unlessNoTarget(next, onError),
    Next: next,
  };
}

/**
 * Where clean-up, rollback and abort read the flag: the sweep's first Task (SweepDescribeService, which every path
 * to their end goes through) keeps it beside its own result, saving a Pass.
 */
export const SWEEP_AUTO_SCALING = { field: 'autoScaling', path: '$.sweep.autoScaling' } as const;

/**
 * What clean-up, rollback and abort end with, the service back to one version (`$.live`): the policy tracks the live
 * version's target group with scale-in enabled (when a version is live). Then `next`; errors go to `onError` at
 * `$.error`. The flag is read at SWEEP_AUTO_SCALING.
 */
export function oneVersionScalingStates({ next, onError }: { next: string; onError: string }): States {
  const catchTo: readonly Catcher[] = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: onError }];
  return {
    IsServiceAutoScaled: {
      Type: 'Choice',
      Comment:
        'With autoscaling, the policy tracks the version kept, scale-in enabled: the service runs one version again. With nothing live, there is nothing to track (and no swap disabled scale-in: a swap always has a version to go back to, or it is the first release, which never disables it).',
      Choices: [
        whenAutoScaled('TrackLiveRequests', { Variable: '$.live.found', BooleanEquals: true }, SWEEP_AUTO_SCALING.path),
      ],
      Default: next,
    },
    TrackLiveRequests: trackRequestsTask('$.live.targetGroupArn', 'enabled', next, catchTo),
  };
}
