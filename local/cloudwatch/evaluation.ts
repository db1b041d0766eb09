/**
 * Metric alarm evaluation, as CloudWatch documents it ("Evaluating an alarm"): at the close of each period the last
 * EvaluationPeriods periods are read; the alarm goes to ALARM when DatapointsToAlarm of them breach (M out of N), and
 * to OK otherwise. Periods with no data are treated as TreatMissingData says:
 * - `breaching` / `notBreaching`: they count as breaching / not breaching;
 * - `missing` (the default): only the periods with data count; with none, INSUFFICIENT_DATA; with fewer than M
 *   periods of data, all of them breaching, ALARM;
 * - `ignore`: as `missing`, except that the state is kept where `missing` would go to INSUFFICIENT_DATA or would
 *   decide on fewer than M periods of data.
 * For a percentile with EvaluateLowSampleCountPercentile `ignore`, a newest period with fewer samples than make the
 * percentile statistically significant (10 / (1 - p)) keeps the state.
 */
import type { AlarmConfiguration, AlarmStateValue, Sample } from './model';
import { aggregate, statisticValue } from './statistics';

export interface EvaluatedPeriod {
  /** Emulated epoch milliseconds of the period's start. */
  readonly start: number;
  readonly value?: number;
  readonly sampleCount: number;
}

export interface Evaluation {
  /** The state the alarm should be in; undefined keeps the current one. */
  readonly state?: AlarmStateValue;
  readonly reason: string;
  readonly reasonData: string;
}

const OPERATOR_WORDS: Readonly<Record<AlarmConfiguration['comparisonOperator'], string>> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

export function breaches(config: AlarmConfiguration, value: number): boolean {
  switch (config.comparisonOperator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= config.threshold;
    case 'GreaterThanThreshold':
      return value > config.threshold;
    case 'LessThanThreshold':
      return value < config.threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= config.threshold;
  }
}

/** The statistic of each of the last `evaluationPeriods` periods ending at `end`, oldest first. */
export function evaluatedPeriods(
  config: AlarmConfiguration,
  end: number,
  samplesOf: (start: number, end: number) => Sample[],
): EvaluatedPeriod[] {
  const periodMs = config.period * 1000;
  return Array.from({ length: config.evaluationPeriods }, (_, i) => {
    const start = end - (config.evaluationPeriods - i) * periodMs;
    const stats = aggregate(samplesOf(start, start + periodMs));
    const value = stats && statisticValue(stats, config.statistic ?? config.extendedStatistic ?? 'Average');
    return { start, sampleCount: stats?.SampleCount ?? 0, ...(value !== undefined && { value }) };
  });
}

/** CloudWatch's timestamp form in reason data and events: `2026-12-01T06:40:00.000+0000`. */
export const cloudWatchTime = (t: number): string => new Date(t).toISOString().replace('Z', '+0000');

/** The form in reason text: `01/12/26 06:40:00` (dd/MM/yy HH:mm:ss, UTC). */
function reasonTime(t: number): string {
  const iso = new Date(t).toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)} ${iso.slice(11, 19)}`;
}

/** Java's Double.toString for the numbers in reasons: `5.0`, `0.25`. */
const javaDouble = (n: number): string => (Number.isInteger(n) ? `${n}.0` : String(n));

export function evaluate(
  config: AlarmConfiguration,
  periods: readonly EvaluatedPeriod[],
  queryDate: number,
): Evaluation {
  const m = config.datapointsToAlarm;
  const n = config.evaluationPeriods;
  const present = periods.filter((p) => p.value !== undefined);
  const newestFirst = [...present].reverse();
  const breaching = present.filter((p) => breaches(config, p.value ?? 0));
  const missing = n - present.length;
  const reasonData = JSON.stringify({
    version: '1.0',
    queryDate: cloudWatchTime(queryDate),
    ...(periods[0] && { startDate: cloudWatchTime(periods[0].start) }),
    ...(config.statistic ? { statistic: config.statistic } : { extendedStatistic: config.extendedStatistic }),
    ...(config.unit !== undefined && { unit: config.unit }),
    period: config.period,
    recentDatapoints: present.map((p) => p.value),
    threshold: config.threshold,
    // Newest first; a period without data has its timestamp only.
    evaluatedDatapoints: [...periods].reverse().map((p) => ({
      timestamp: cloudWatchTime(p.start),
      ...(p.value !== undefined && { sampleCount: p.sampleCount, value: p.value }),
    })),
  });
  const points = (list: readonly EvaluatedPeriod[]): string =>
    `[${[...list]
      .reverse()
      .map((p) => `${javaDouble(p.value ?? 0)} (${reasonTime(p.start)})`)
      .join(', ')}]`;
  const words = OPERATOR_WORDS[config.comparisonOperator];
  const threshold = javaDouble(config.threshold);
  const alarm = (counted: number, out: number): Evaluation => ({
    state: 'ALARM',
    reason:
      `Threshold Crossed: ${counted} out of the last ${out} datapoints ${points(breaching)} was ${words} the ` +
      `threshold (${threshold}) (minimum ${m} datapoint${m === 1 ? '' : 's'} for OK -> ALARM transition).`,
    reasonData,
  });
  const ok = (): Evaluation => ({
    state: 'OK',
    reason:
      present.length === 0
        ? `Threshold Crossed: no datapoints were received for ${n} period${n === 1 ? '' : 's'} and ${n} missing ` +
          `datapoint${n === 1 ? ' was' : 's were'} treated as [NonBreaching].`
        : `Threshold Crossed: ${present.length} datapoint${present.length === 1 ? '' : 's'} ` +
          `${points(present)} ${present.length === 1 ? 'was' : 'were'} not ${words} the threshold (${threshold}) ` +
          `(minimum ${m} datapoint${m === 1 ? '' : 's'} for ALARM -> OK transition).`,
    reasonData,
  });
  const keep: Evaluation = { reason: 'kept', reasonData };

  const newest = newestFirst[0];
  if (
    config.evaluateLowSampleCountPercentile === 'ignore' &&
    config.extendedStatistic !== undefined &&
    newest !== undefined
  ) {
    const p = Number(config.extendedStatistic.slice(1)) / 100;
    if (p < 1 && newest.sampleCount < 10 / (1 - p)) return keep;
  }

  switch (config.treatMissingData) {
    case 'breaching': {
      const count = breaching.length + missing;
      if (count >= m) {
        return {
          state: 'ALARM',
          reason:
            present.length === 0
              ? `Threshold Crossed: no datapoints were received for ${n} period${n === 1 ? '' : 's'} and ${n} ` +
                `missing datapoint${n === 1 ? ' was' : 's were'} treated as [Breaching].`
              : alarm(count, n).reason,
          reasonData,
        };
      }
      return ok();
    }
    case 'notBreaching':
      return breaching.length >= m ? alarm(breaching.length, n) : ok();
    case 'missing':
    case 'ignore': {
      if (present.length === 0) {
        if (config.treatMissingData === 'ignore') return keep;
        return {
          state: 'INSUFFICIENT_DATA',
          reason: `Insufficient Data: ${n} datapoint${n === 1 ? ' was' : 's were'} unknown.`,
          reasonData,
        };
      }
      if (breaching.length >= m) return alarm(breaching.length, n);
      if (present.length < m && breaching.length === present.length) {
        return config.treatMissingData === 'ignore' ? keep : alarm(breaching.length, present.length);
      }
      return ok();
    }
  }
}
