/**
 * The limits of the state machines' inputs and of the stack props they come from, stated once: the CDK props
 * validation, the validate-input Lambda, the ASL choice rules and the CLI flags all read them here.
 */
export interface IntegerLimits {
  readonly min: number;
  readonly max: number;
  /** What the stack configures when the prop is left out. */
  readonly default: number;
}

/**
 * How long green may take to become healthy (deploy-green's `healthTimeoutSeconds`; the stack prop `healthTimeout`):
 * 30 s to 1 day.
 */
export const HEALTH_TIMEOUT_SECONDS: IntegerLimits = { min: 30, max: 86_400, default: 600 };

/**
 * When deploy-green stops waiting for a green that keeps failing (deploy-green's `failFastThreshold`; the stack prop
 * `failFastThreshold`): after this many of green's tasks failed (stopped by ECS for failing their load balancer health
 * checks, or on their own: an essential container exited with a
 * non-zero code, or the task failed to start), or after this many health polls in a row (10 s apart) that found a
 * green target answering its health check with the wrong status code (ELBv2's reason Target.ResponseCodeMismatch: the
 * app is up and says it is unhealthy; Target.Timeout and Target.FailedHealthChecks are also what a slow start looks
 * like, so they do not count). 1 to 200; default 3. The bounds and the default are ECS's own deployment circuit
 * breaker's: "a minimum threshold of 3 and a maximum threshold of 200", from `0.5 * desired task count`
 * (docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceDeploymentCircuitBreaker.html); for the small
 * services this controller drives (2 tasks) that is 3. 1 is allowed for callers who want the first failure to end it.
 */
export const FAIL_FAST_THRESHOLD: IntegerLimits = { min: 1, max: 200, default: 3 };

/**
 * How large green runs while it is only under test (deploy-green's `testScalePercent`; the stack prop
 * `testScalePercent`), like Argo Rollouts' `previewReplicaCount`: deploy-green creates green's task set at this percent
 * of the service's desired count (ECS rounds up: ceil(desired × percent / 100), so at least one task), and swap scales
 * it to 100 % and waits until every task runs and every target is healthy at full size before any production traffic
 * moves. A whole number from 1 to 100; default 100 (green at full size from the start, as before).
 */
export const TEST_SCALE_PERCENT: IntegerLimits = { min: 1, max: 100, default: 100 };

/**
 * How long swap watches green under production traffic (swap's `bakeSeconds`; the stack prop `bakeTime`): 0 (no
 * watch) to 24 hours, the longest bake of ECS's built-in blue/green (1,440 minutes). The watch does not poll
 * (contract/green-watch.ts), so a long bake costs no more state transitions than a short one.
 */
export const BAKE_SECONDS: IntegerLimits = { min: 0, max: 86_400, default: 300 };

/** The target groups' deregistration delay (the stack prop `deregistrationDelay`): ELBv2 allows 0 to 3600 s. */
export const DEREGISTRATION_DELAY_SECONDS: IntegerLimits = { min: 0, max: 3_600, default: 30 };

/**
 * Traffic shifting (swap's `trafficShift`; the stack prop `trafficShift`): how production moves from blue to green.
 * The limits are ECS's built-in blue/green deployment's (docs.aws.amazon.com/AmazonECS/latest/developerguide/
 * deployment-type-blue-green.html): a linear step of 3 to 100 % every 0 to 1,440 minutes, a canary of 0.1 to 100 %
 * baked for up to 1,440 minutes. Percentages are given to a tenth of a percent (ALB weights are whole numbers).
 */
export const TRAFFIC_SHIFT_TYPES = ['all-at-once', 'canary', 'linear', 'steps'] as const;
export type TrafficShiftType = (typeof TRAFFIC_SHIFT_TYPES)[number];
/** A canary's share of production for green, in percent. */
export const CANARY_PERCENT = { min: 0.1, max: 100 } as const;
/** A linear strategy's step, in percent of production. */
export const LINEAR_PERCENT = { min: 3, max: 100 } as const;
/** How long each step (canary, linear, custom) holds its share, in seconds: 0 to 1,440 minutes. */
export const SHIFT_INTERVAL_SECONDS = { min: 0, max: 86_400 } as const;
/** A custom step's share for green, in percent: 100 % is the final switch every strategy ends with, never a step. */
export const STEP_PERCENT = { min: 0.1, max: 99.9 } as const;
/** At most this many custom steps: as many as the finest linear strategy (3 %) takes before its final switch. */
export const MAX_SHIFT_STEPS = 33;
/**
 * ELBv2's weights of a weighted forward (ForwardConfig.TargetGroups[].Weight) are whole numbers from 0 to 999. A
 * share of P % is green weight round(P × 10) and blue weight WEIGHT_TOTAL − that: both at most 999 for 0.1 ≤ P < 100.
 */
export const TARGET_GROUP_WEIGHT_MAX = 999;
export const WEIGHT_TOTAL = 1_000;
