/**
 * Statistics over the samples of one period, as CloudWatch computes them: SampleCount, Sum, Minimum, Maximum, Average
 * and percentiles (`pNN`, nearest rank over the raw values; none when a statistic set or a negative value is among
 * the samples, as AWS documents for percentiles).
 */
import type { Sample, SimpleStatistic } from './model';

export interface PeriodStatistics {
  readonly SampleCount: number;
  readonly Sum: number;
  readonly Minimum: number;
  readonly Maximum: number;
  readonly Average: number;
  /** Raw values with counts, sorted by value; undefined when percentiles are not available. */
  readonly distribution?: ReadonlyArray<readonly [number, number]>;
}

/** `p99`, `p99.9`, `p50`, `p100`, `p0` (CloudWatch's percentile form of ExtendedStatistic). */
export const PERCENTILE = /^p(\d{1,2}(\.\d{1,2})?|100)$/;

export function aggregate(samples: readonly Sample[]): PeriodStatistics | undefined {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let percentiles = true;
  const pairs: Array<[number, number]> = [];
  for (const sample of samples) {
    if (sample.set) {
      count += sample.set.SampleCount;
      sum += sample.set.Sum;
      min = Math.min(min, sample.set.Minimum);
      max = Math.max(max, sample.set.Maximum);
      percentiles = false;
      continue;
    }
    const values = sample.values ?? [];
    values.forEach((value, i) => {
      const n = sample.counts?.[i] ?? 1;
      count += n;
      sum += value * n;
      min = Math.min(min, value);
      max = Math.max(max, value);
      if (value < 0) percentiles = false;
      pairs.push([value, n]);
    });
  }
  if (count === 0) return undefined;
  return {
    SampleCount: count,
    Sum: sum,
    Minimum: min,
    Maximum: max,
    Average: sum / count,
    ...(percentiles && { distribution: pairs.sort((a, b) => a[0] - b[0]) }),
  };
}

/** The value of `pNN`: the smallest value at or below which NN % of the samples lie. */
export function percentile(stats: PeriodStatistics, name: string): number | undefined {
  const match = PERCENTILE.exec(name);
  if (!match?.[1] || !stats.distribution) return undefined;
  const p = Number(match[1]);
  const rank = Math.max(1, Math.ceil((p / 100) * stats.SampleCount));
  let seen = 0;
  for (const [value, n] of stats.distribution) {
    seen += n;
    if (seen >= rank) return value;
  }
  return stats.distribution.at(-1)?.[0];
}

export function statisticValue(stats: PeriodStatistics, statistic: SimpleStatistic | string): number | undefined {
  switch (statistic) {
    case 'SampleCount':
    case 'Sum':
    case 'Minimum':
    case 'Maximum':
    case 'Average':
      return stats[statistic];
    default:
      return percentile(stats, statistic);
  }
}
