import type { Duration } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { SwapApprovalMode, TrafficShift } from '../../contract';
import type { GreenHealthCheckOptions } from './constructs/deployment-state-machines';
import type { LifecycleHook } from './constructs/lifecycle-hooks';

/**
 * How the controller deploys: the same options on BlueGreenController and BlueGreenFargateService. Executions may
 * override several of them (the machines' input, contract/inputs.ts).
 */
export interface BlueGreenDeploymentOptions {
  /**
   * Tasks the first release runs. The service is created with 0 (nothing runs before the first deployment); the
   * first deploy-green sets this count, and from then on the count belongs to the operator's scaling: no stack update
   * and no later deployment changes it. 1 to 1000.
   * @default 2
   */
  readonly desiredCount?: number;
  /**
   * Target tracking on the service's desired count, kept working through every deployment: requests per task on the
   * target group production forwards to (contract/autoscaling.ts says why that metric, and how swap, clean-up, rollback
   * and abort keep the policy on the live version, with scale-in disabled while two versions run).
   * @default - no autoscaling: the count stays as the first release (`desiredCount`) or you set it
   */
  readonly autoScaling?: ServiceAutoScalingOptions;
  /**
   * How long deploy-green waits for green to become healthy before it undoes itself (30 seconds to 1 day).
   * Executions may override it with `healthTimeoutSeconds`.
   * @default Duration.minutes(10)
   */
  readonly healthTimeout?: Duration;
  /**
   * How many of green's tasks may stop on their own (or health polls in a row find a green target answering its
   * health check with the wrong status code) before deploy-green stops waiting and undoes itself: 1 to 200, like ECS's
   * deployment circuit breaker (minimum 3). Executions may override it with `failFastThreshold`.
   * @default 3
   */
  readonly failFastThreshold?: number;
  /**
   * Green's size while it is only under test, in percent of the service's desired count (like Argo Rollouts'
   * `previewReplicaCount`); swap scales it to 100 % and waits until it is fully healthy before production moves. 1 to
   * 100. Executions may override it with `testScalePercent`.
   * @default 100
   */
  readonly testScalePercent?: number;
  /**
   * How long swap watches green under production traffic before the swap counts; green turning unhealthy, one of its
   * tasks stopping or an alarm in that time sends production back to blue. 0 turns the watch off; at most 24 hours.
   * Executions may override it with `bakeSeconds`.
   * @default Duration.minutes(5)
   */
  readonly bakeTime?: Duration;
  /**
   * How swap moves production from blue to green unless its input says otherwise (`trafficShift`): all at once, a
   * canary (`{type: 'canary', percent: 10, intervalSeconds: 300}`: 10 % for 5 minutes, then all), linear
   * (`{type: 'linear', percent: 10, intervalSeconds: 60}`: 10 % more every minute) or custom steps
   * (`{type: 'steps', steps: [{percent: 5, seconds: 60}, {percent: 25, seconds: 300}]}`). Limits as ECS's built-in
   * blue/green: linear 3-100 %, canary 0.1-100 %, each step 0-1440 minutes. Blue stays primary and fully scaled until
   * the last step passes.
   * @default - all at once
   */
  readonly trafficShift?: TrafficShift;
  /**
   * Your own CloudWatch metric alarms (by name) that swap watches beside its built-in ones (green's 5XX count, response
   * time p99 and healthy hosts) during each traffic-shift step and the bake: one going to ALARM sends production back
   * to blue within seconds of the state change. Composite alarms are not supported (reading them needs
   * cloudwatch:DescribeAlarms on `*`). Each must exist when swap runs; 1-255 characters each, at most 97 (one
   * DescribeAlarms reads 100 names, 3 are built in) and short enough together for the alarm rule's event pattern
   * (EventBridge's default quota: 2,048 characters).
   * @default [] (the built-in alarms only)
   */
  readonly bakeAlarmNames?: readonly string[];
  /**
   * Your lifecycle hooks: Lambda functions answering ECS's hook protocol, or state machines, run at POST_SCALE_UP,
   * POST_TEST_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT or PRE_BLUE_REMOVAL (contract/lifecycle-hooks.ts).
   * @default [] (the built-in smoke test only)
   */
  readonly lifecycleHooks?: readonly LifecycleHook[];
  /**
   * How long the swap approval waits for testers: 5 minutes to 60 days with `swapApprovalMode: 'pipeline'`
   * (CodePipeline's limits), up to 330 days with `'step-functions'`.
   * @default Duration.days(7)
   */
  readonly swapApprovalTimeout?: Duration;
  /**
   * How long the clean-up approval waits (production serves green while blue still runs, so a rollback is instant):
   * 5 minutes to 60 days with `swapApprovalMode: 'pipeline'` (CodePipeline's limits), up to 330 days with
   * `'step-functions'`. Unanswered, it counts as a rejection: rollback runs.
   * @default Duration.days(7)
   */
  readonly cleanUpApprovalTimeout?: Duration;
  /**
   * Where testers approve the swap and the clean-up (contract/approvals.ts). `pipeline`: CodePipeline's manual
   * approvals ApproveSwap and ApproveCleanUp (see BlueGreenPipeline). `step-functions`: Step Functions task-token waits
   * inside swap and clean-up, for windows beyond CodePipeline's 60 days: every successful deploy-green starts a swap
   * that waits for `bluegreen approve`, and every swap that moves production starts a clean-up that waits for it.
   * @default 'pipeline'
   */
  readonly swapApprovalMode?: SwapApprovalMode;
  /** @default - '/healthz' every 10 s, 2 successes / 2 failures */
  readonly healthCheck?: GreenHealthCheckOptions;
  /**
   * What production answers (503) before the first release. Changing it later changes nothing live.
   * @default PRODUCTION_IDLE_MESSAGE
   */
  readonly productionIdleMessage?: string;
  /**
   * Public IPv4 CIDRs the smoke test's requests come from when they reach an internet-facing test listener (the NAT
   * gateways' Elastic IPs).
   * @default - the Elastic IP of each NAT gateway of the cluster's VPC, when that VPC is an ec2.Vpc made in this app
   */
  readonly smokeTestSourceCidrs?: readonly string[];
  /**
   * What the five state machines' names start with (`<prefix>-deploy-green`, …); at most 80 characters with the
   * machine's name.
   * @default - `<stack name>-<service name>`; the stack name alone for a controller whose construct path is all
   * `Default` (the demo, as it always was)
   */
  readonly stateMachineNamePrefix?: string;
  /**
   * Retention of the controller's logs (state machine executions and its functions). The stack's one custom-resource
   * provider (`ControllerResources`, shared by every controller in the stack) takes the first controller's.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The controller's autoscaling of the service (`autoScaling`). */
export interface ServiceAutoScalingOptions {
  /** Fewest tasks each version runs: 1 to 5,000 (blue/green needs a task to health-check). */
  readonly minCapacity: number;
  /** Most tasks each version runs: `minCapacity` to 5,000 (ECS's tasks-per-service quota). */
  readonly maxCapacity: number;
  /**
   * Production requests per task per minute to keep the service at (Application Auto Scaling's
   * `ALBRequestCountPerTarget` target value): more tasks when the load balancer sends each task more than this.
   */
  readonly targetRequestsPerTarget: number;
  /**
   * How long after a scale-out before another may add tasks beyond it (0 seconds to 1 day).
   * @default Duration.minutes(5) (Application Auto Scaling's default for ECS)
   */
  readonly scaleOutCooldown?: Duration;
  /**
   * How long after a scale-in before the next scale-in (0 seconds to 1 day).
   * @default Duration.minutes(5) (Application Auto Scaling's default for ECS)
   */
  readonly scaleInCooldown?: Duration;
}
