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
 * `failFastThreshold`): after this many of green's tasks stopped on their own (an essential container exited with a
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
 * How long swap watches green under production traffic (swap's `bakeSeconds`; the stack prop `bakeTime`): 0 (no
 * watch) to 1 hour.
 */
export const BAKE_SECONDS: IntegerLimits = { min: 0, max: 3_600, default: 300 };

/** How often the bake reads green's target health, in seconds. */
export const BAKE_POLL_SECONDS = 10;

/** The target groups' deregistration delay (the stack prop `deregistrationDelay`): ELBv2 allows 0 to 3600 s. */
export const DEREGISTRATION_DELAY_SECONDS: IntegerLimits = { min: 0, max: 3_600, default: 30 };
