/** Emulated durations (AWS seconds, scaled by the Clock) of the ECS behaviours the emulator models. */
export interface EcsTimings {
  /** PROVISIONING → PENDING: ENI attachment on Fargate. */
  readonly provisioningSeconds: number;
  /** First delay before replacing a task that stopped on its own; doubles per consecutive failure. */
  readonly restartBackoffBaseSeconds: number;
  readonly restartBackoffMaxSeconds: number;
  /** How often the service scheduler compares desired and actual state. */
  readonly reconcileIntervalSeconds: number;
  /** How often a stopping task checks whether its targets finished draining. */
  readonly drainPollSeconds: number;
  /** Upper bound on waiting for deregistration (ELBv2's deregistration delay is at most 3600 s). */
  readonly maxDrainSeconds: number;
}

export const DEFAULT_TIMINGS: EcsTimings = {
  provisioningSeconds: 2,
  restartBackoffBaseSeconds: 5,
  restartBackoffMaxSeconds: 60,
  reconcileIntervalSeconds: 1,
  drainPollSeconds: 1,
  maxDrainSeconds: 3600,
};

/** Back-off before the next replacement after `failures` consecutive task failures in one task set. */
export function restartBackoffSeconds(timings: EcsTimings, failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(timings.restartBackoffMaxSeconds, timings.restartBackoffBaseSeconds * 2 ** (failures - 1));
}
