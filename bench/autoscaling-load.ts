/**
 * The pure arithmetic of the autoscaling scenario (bench/autoscaling.ts): which production request rate makes
 * target tracking on `ALBRequestCountPerTarget` want the service's maximum capacity, and what a sampled timeline of
 * the service's capacity says (when a count was first reached). No clock, no I/O.
 *
 * Target tracking asks for ceil(capacity × requests per target / target value), and requests per target is the target
 * group's RequestCount in a minute over its healthy targets, so with every task healthy it asks for
 * ceil(requests per minute / target value) whatever the capacity is now. The load generator runs on wall time while
 * the metric counts emulated minutes: one emulated minute lasts 60 × timeScale wall seconds.
 */

export interface LoadRateOptions {
  /** The capacity the load should make target tracking want (the scalable target's MaxCapacity). */
  readonly capacity: number;
  /** The policy's target value: requests per target per minute. */
  readonly targetRequestsPerTarget: number;
  /** Wall seconds per emulated second. */
  readonly timeScale: number;
  /**
   * How much more load than exactly `capacity` × target: above 1 so that a slower load generator still asks for at
   * least `capacity` (the ask is clamped to MaxCapacity anyway).
   * @default 1.25
   */
  readonly headroom?: number;
}

/** Production requests per wall second that make target tracking want at least `capacity` tasks. */
export function loadRateFor(o: LoadRateOptions): number {
  const headroom = o.headroom ?? 1.25;
  if (!(o.capacity >= 1 && o.targetRequestsPerTarget > 0 && o.timeScale > 0 && headroom >= 1)) {
    throw new Error(
      `loadRateFor: capacity (${o.capacity}) must be at least 1, targetRequestsPerTarget ` +
        `(${o.targetRequestsPerTarget}) and timeScale (${o.timeScale}) positive, headroom (${headroom}) at least 1.`,
    );
  }
  const perEmulatedMinute = o.capacity * o.targetRequestsPerTarget * headroom;
  return Math.ceil(perEmulatedMinute / (60 * o.timeScale));
}

/** The capacity target tracking asks for at `requestsPerWallSecond`, clamped to [min, max]. */
export function capacityWanted(
  requestsPerWallSecond: number,
  o: {
    readonly targetRequestsPerTarget: number;
    readonly timeScale: number;
    readonly min: number;
    readonly max: number;
  },
): number {
  const perEmulatedMinute = requestsPerWallSecond * 60 * o.timeScale;
  const exact = perEmulatedMinute / o.targetRequestsPerTarget;
  return Math.min(o.max, Math.max(o.min, Math.ceil(exact - 1e-9 * Math.max(1, exact))));
}

/** One reading of the service: wall ms, the service's desired count, and the production version's tasks. */
export interface CapacitySample {
  readonly t: number;
  readonly desired: number;
  /** Running tasks of the task set production forwards to. */
  readonly running: number;
  /** Healthy targets of the target group production forwards to. */
  readonly healthy: number;
  /** Running tasks of every task set (blue's too while it is kept). */
  readonly allRunning: number;
}

/** Samples where something changed (the first, every change, and the last), so a timeline stays short. */
export function changesOnly(samples: readonly CapacitySample[]): CapacitySample[] {
  const out: CapacitySample[] = [];
  samples.forEach((s, i) => {
    const prev = out[out.length - 1];
    const changed =
      !prev ||
      prev.desired !== s.desired ||
      prev.running !== s.running ||
      prev.healthy !== s.healthy ||
      prev.allRunning !== s.allRunning;
    if (changed || i === samples.length - 1) out.push(s);
  });
  return out;
}

export interface CapacitySummary {
  readonly desiredBefore: number;
  readonly desiredMax: number;
  readonly desiredAfter: number;
  /** Wall ms of the first sample at or after `from` where each count was reached (NaN if never). */
  readonly desiredReachedAt: number;
  readonly runningReachedAt: number;
  readonly healthyReachedAt: number;
}

/** Before/max/after of the desired count, and when `count` was first desired, running and healthy (from `from` on). */
export function summarizeCapacity(
  samples: readonly CapacitySample[],
  count: number,
  from = -Infinity,
): CapacitySummary {
  const first = samples[0];
  const last = samples[samples.length - 1];
  const at = (pick: (s: CapacitySample) => number): number =>
    samples.find((s) => s.t >= from && pick(s) >= count)?.t ?? NaN;
  return {
    desiredBefore: first?.desired ?? NaN,
    desiredMax: samples.length ? Math.max(...samples.map((s) => s.desired)) : NaN,
    desiredAfter: last?.desired ?? NaN,
    desiredReachedAt: at((s) => s.desired),
    runningReachedAt: at((s) => s.running),
    healthyReachedAt: at((s) => s.healthy),
  };
}
