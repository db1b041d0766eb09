/**
 * Everything local CloudWatch knows: the metric alarms by name, and the metric series by identity (namespace, name,
 * exact dimension set) with their samples. Samples older than AWS's longest retention of one-minute data (15 days, in
 * emulated time) are dropped as new ones arrive.
 */
import { resourceNotFound } from './errors';
import type { AlarmRecord, Dimension, MetricSeries, Sample } from './model';

const RETENTION_MS = 15 * 24 * 3600 * 1000;
/** How many samples a series takes between two prunings of expired ones. */
const PRUNE_EVERY = 4096;

export const sortedDimensions = (dimensions: readonly Dimension[]): Dimension[] =>
  [...dimensions].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));

export function metricKey(namespace: string, metricName: string, dimensions: readonly Dimension[]): string {
  return JSON.stringify([namespace, metricName, sortedDimensions(dimensions).map((d) => [d.Name, d.Value])]);
}

/**
 * A series, how many samples it took since expired ones were last dropped, and whether a sample ever arrived older than
 * the one before it (PutMetricData may send any timestamp; then reads scan every sample).
 */
export type StoredSeries = MetricSeries & { sinceprune: number; unordered?: boolean };

export class CloudWatchStore {
  readonly alarms = new Map<string, AlarmRecord>();
  readonly metrics = new Map<string, StoredSeries>();

  constructor(
    readonly scope: { readonly region: string; readonly accountId: string },
    readonly now: () => number,
  ) {}

  alarmArn(name: string): string {
    return `arn:aws:cloudwatch:${this.scope.region}:${this.scope.accountId}:alarm:${name}`;
  }

  alarm(name: string): AlarmRecord {
    const found = this.alarms.get(name);
    if (!found) throw resourceNotFound(`Alarm ${name} not found`);
    return found;
  }

  /** Alarm names in the order DescribeAlarms lists them (by name). */
  alarmNames(): string[] {
    return [...this.alarms.keys()].sort();
  }

  addSample(namespace: string, metricName: string, dimensions: readonly Dimension[], sample: Sample): void {
    this.push(this.series(namespace, metricName, dimensions), sample);
  }

  /** The series of a metric, created empty on first use (callers on a hot path keep it and push to it). */
  series(namespace: string, metricName: string, dimensions: readonly Dimension[]): StoredSeries {
    const key = metricKey(namespace, metricName, dimensions);
    let series = this.metrics.get(key);
    if (!series) {
      series = { namespace, metricName, dimensions: sortedDimensions(dimensions), samples: [], sinceprune: 0 };
      this.metrics.set(key, series);
    }
    return series;
  }

  push(series: StoredSeries, sample: Sample): void {
    const last = series.samples.at(-1);
    if (last !== undefined && sample.t < last.t) series.unordered = true;
    series.samples.push(sample);
    if (++series.sinceprune >= PRUNE_EVERY) {
      series.sinceprune = 0;
      const oldest = this.now() - RETENTION_MS;
      series.samples = series.samples.filter((s) => s.t >= oldest);
    }
  }

  /** The samples of one metric with start <= t < end (and the unit, if given). */
  samples(
    namespace: string,
    metricName: string,
    dimensions: readonly Dimension[],
    start: number,
    end: number,
    unit?: string,
  ): Sample[] {
    const series = this.metrics.get(metricKey(namespace, metricName, dimensions));
    if (!series) return [];
    const matches = (s: Sample): boolean => s.t >= start && s.t < end && (unit === undefined || s.unit === unit);
    if (series.unordered) return series.samples.filter(matches);
    // In time order (the data plane's samples always are): from the first sample at or after start.
    const samples = series.samples;
    let low = 0;
    let high = samples.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((samples[mid]?.t ?? 0) < start) low = mid + 1;
      else high = mid;
    }
    const found: Sample[] = [];
    for (let i = low; i < samples.length; i++) {
      const sample = samples[i];
      if (sample === undefined || sample.t >= end) break;
      if (matches(sample)) found.push(sample);
    }
    return found;
  }
}
