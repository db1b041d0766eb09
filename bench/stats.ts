import type { LoadSamples } from './load-worker';

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** Median (mean of the two middle values for an even count), min and max; NaN fields when there are no values. */
export function spread(values: readonly number[]): Spread {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 === 1 ? (v[mid] ?? NaN) : ((v[mid - 1] ?? NaN) + (v[mid] ?? NaN)) / 2;
  return { median, min: v[0] ?? NaN, max: v[v.length - 1] ?? NaN, n: v.length };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? NaN;
}

export interface WindowStats {
  readonly requests: number;
  readonly non2xx: number;
  readonly connectionErrors: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Responses completed (and errors raised) in [from, to) wall ms. */
export function windowStats(s: LoadSamples, from: number, to: number): WindowStats {
  const lat: number[] = [];
  let non2xx = 0;
  for (let i = 0; i < s.end.length; i++) {
    const t = s.end[i] ?? 0;
    if (t < from || t >= to) continue;
    lat.push(s.latency[i] ?? 0);
    const st = s.status[i] ?? 0;
    if (st < 200 || st > 299) non2xx++;
  }
  const sorted = Float64Array.from(lat).sort();
  const connectionErrors = s.errorTimes.filter((t) => t >= from && t < to).length;
  const seconds = Math.max(0.001, (to - from) / 1000);
  return {
    requests: lat.length,
    non2xx,
    connectionErrors,
    requestsPerSecond: lat.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? (sorted[sorted.length - 1] ?? NaN) : NaN,
  };
}
