/**
 * Autoscaling of a controlled service's desired count (the construct's `autoScaling` prop), stated once for the CDK
 * app, the state machines and the CLI.
 *
 * The metric is ALB requests per target on the production target group (Application Auto Scaling's predefined
 * `ALBRequestCountPerTarget`). It counts only the target group production forwards to, so test traffic to green and
 * green's half-empty start (while deploy-green waits for it) cannot skew it, where the service's average CPU
 * (`ECSServiceAverageCPUUtilization`) averages blue's and green's tasks together. The target group changes with every
 * release, so the policy is not a CloudFormation resource: swap points it at green once production forwards there, an
 * undo points it back at blue, and clean-up, rollback and abort point it at the version they keep.
 *
 * Scale-in is disabled on that policy (`DisableScaleIn`) from the moment swap keeps blue in use until the service is
 * back to one version: clean-up, rollback and abort enable it as they end, and a swap that undoes itself enables it.
 * During a traffic shift blue's requests per target fall as its weight falls, and scaling in then would shrink green
 * (task sets follow the service's desired count) just as production moves onto it. Scale-out stays on throughout.
 * The policy's flag, not the scalable target's `SuspendedState`: setting that needs Application Auto Scaling's
 * permission validation to pass (ECS UpdateService and CloudWatch alarm actions the docs do not scope) and would
 * override a suspension an operator set by hand; the flag is the controller's own. Other policies you add to the
 * scalable target are not touched.
 */

/** The controller's target tracking policy on the service's scalable target (policy names are per target). */
export const SCALING_POLICY_NAME = 'ecs-bluegreen-requests-per-target';

/** The scalable target the controller registers: the ECS service's desired count. */
export const SCALABLE_DIMENSION = 'ecs:service:DesiredCount';

/** Application Auto Scaling's default cooldowns for ECS services, which the construct keeps unless told otherwise. */
export const DEFAULT_SCALE_OUT_COOLDOWN_SECONDS = 300;
export const DEFAULT_SCALE_IN_COOLDOWN_SECONDS = 300;

/** Capacity limits the construct accepts (ECS allows a desired count of up to 5,000 tasks per service). */
export const MAX_SERVICE_CAPACITY = 5000;
