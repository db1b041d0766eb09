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
 * How long swap watches green under production traffic (swap's `bakeSeconds`; the stack prop `bakeTime`): 0 (no
 * watch) to 1 hour.
 */
export const BAKE_SECONDS: IntegerLimits = { min: 0, max: 3_600, default: 300 };

/** How often the bake reads green's target health, in seconds. */
export const BAKE_POLL_SECONDS = 10;

/** The target groups' deregistration delay (the stack prop `deregistrationDelay`): ELBv2 allows 0 to 3600 s. */
export const DEREGISTRATION_DELAY_SECONDS: IntegerLimits = { min: 0, max: 3_600, default: 30 };
