/**
 * Emulated time. Everything in local AWS that AWS measures in seconds (health-check intervals, deregistration delay,
 * Wait states, task start-up) goes through one Clock so tests can run the real timings at a fraction of their length:
 * with `timeScale: 0.01`, an AWS second lasts 10 ms of wall time.
 */
export interface Clock {
  /** Wall milliseconds per emulated second, times 1000: 1 = real time, 0.01 = a hundred times faster. */
  readonly timeScale: number;
  /** Emulated milliseconds since the epoch (wall start + scaled elapsed time), so timestamps stay plausible. */
  now(): number;
  /** Wall-clock milliseconds for a duration given in emulated seconds. */
  wallMs(awsSeconds: number): number;
  /** Resolves after `awsSeconds` of emulated time. */
  sleep(awsSeconds: number, signal?: AbortSignal): Promise<void>;
  /** Runs `fn` every `awsSeconds`; returns a function that stops it. */
  every(awsSeconds: number, fn: () => void): () => void;
}

export function createClock(timeScale = 1): Clock {
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
    throw new Error(`timeScale must be a positive finite number (got ${String(timeScale)}); use 1 for real time.`);
  }
  const wallStart = Date.now();
  const wallMs = (awsSeconds: number): number => Math.max(0, Math.round(awsSeconds * 1000 * timeScale));
  return {
    timeScale,
    now: () => wallStart + (Date.now() - wallStart) / timeScale,
    wallMs,
    sleep: (awsSeconds, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, wallMs(awsSeconds));
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason as Error);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    every: (awsSeconds, fn) => {
      const timer = setInterval(fn, Math.max(1, wallMs(awsSeconds)));
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
