/** PutMetricData (user metrics) and GetMetricStatistics (per-period figures of any metric, ALB metrics included). */
import { checkDimensions } from './alarm-operations';
import { Constraints, invalidParameterCombination, invalidParameterValue, missingParameter } from './errors';
import { list, num, str, timestamp, type Input } from './input';
import type { Dimension, Sample } from './model';
import type { OperationHandler } from './operation-context';
import { aggregate, PERCENTILE, statisticValue } from './statistics';

const MAX_METRIC_DATA = 1000;
const MAX_VALUES = 150;
const MAX_DATAPOINTS = 1440;
/** CloudWatch rejects values above 2^360 in magnitude, and non-zero values below 2^-360. */
const LARGEST = 2 ** 360;
const SMALLEST = 2 ** -360;
const TWO_WEEKS_MS = 14 * 24 * 3600 * 1000;
const TWO_HOURS_MS = 2 * 3600 * 1000;

interface WireDatum {
  readonly MetricName?: string;
  readonly Dimensions?: Dimension[];
  readonly Timestamp?: unknown;
  readonly Value?: number;
  readonly StatisticValues?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
  readonly Values?: number[];
  readonly Counts?: number[];
  readonly Unit?: string;
  readonly StorageResolution?: number;
}

function checkValue(value: number, path: string): void {
  const magnitude = Math.abs(value);
  if (!Number.isFinite(value) || magnitude > LARGEST || (magnitude !== 0 && magnitude < SMALLEST)) {
    throw invalidParameterValue(`The value ${value} for parameter ${path} is not in the range 2^-360 to 2^360.`);
  }
}

export const putMetricData: OperationHandler = ({ store }, input) => {
  const constraints = new Constraints();
  const namespace = str(input, 'Namespace') ?? '';
  constraints.length(namespace, 'namespace', 1, 255).pattern(namespace, 'namespace', /^[^:].*$/s, '[^:].*');
  const data = list<WireDatum>(input, 'MetricData');
  constraints.count(data, 'metricData', MAX_METRIC_DATA);
  data?.forEach((d, i) => constraints.length(d.MetricName, `metricData.${i + 1}.member.metricName`, 1, 255));
  constraints.check();
  if (namespace.startsWith('AWS/')) {
    throw invalidParameterValue(`The value ${namespace} for parameter Namespace is invalid: AWS/ is reserved.`);
  }
  if (input['EntityMetricData'] !== undefined) {
    throw invalidParameterValue('Local CloudWatch does not support EntityMetricData (see local/cloudwatch/README.md).');
  }
  if (data === undefined || data.length === 0) throw missingParameter('The parameter MetricData is required.');
  const now = store.now();
  const accepted: Array<{ name: string; dimensions: Dimension[]; sample: Sample }> = [];
  data.forEach((d, i) => {
    const path = `MetricData.member.${i + 1}`;
    if (d.MetricName === undefined) throw missingParameter(`The parameter ${path}.MetricName is required.`);
    const dimensions = checkDimensions(d.Dimensions, `metricData.${i + 1}.member.dimensions`, new Constraints());
    const given = [d.Value, d.StatisticValues, d.Values].filter((x) => x !== undefined).length;
    if (given > 1) {
      throw invalidParameterCombination(
        `The parameters ${path}.Value, ${path}.StatisticValues and ${path}.Values are mutually exclusive.`,
      );
    }
    if (d.Counts !== undefined && d.Values === undefined) {
      throw invalidParameterCombination(`The parameter ${path}.Counts requires ${path}.Values.`);
    }
    if (d.Values !== undefined && d.Values.length > MAX_VALUES) {
      throw invalidParameterValue(`The collection ${path}.Values must not have more than ${MAX_VALUES} items.`);
    }
    if (d.Counts !== undefined && d.Counts.length !== d.Values?.length) {
      throw invalidParameterValue(`The parameters ${path}.Values and ${path}.Counts must be of the same size.`);
    }
    if (d.StorageResolution !== undefined && d.StorageResolution !== 1 && d.StorageResolution !== 60) {
      throw invalidParameterValue(`The value ${d.StorageResolution} for ${path}.StorageResolution must be 1 or 60.`);
    }
    const t = timestamp(d as Input, 'Timestamp') ?? now;
    if (t < now - TWO_WEEKS_MS || t > now + TWO_HOURS_MS) {
      throw invalidParameterValue(
        `The parameter ${path}.Timestamp must specify a time no more than two weeks in the past and no more than ` +
          'two hours in the future.',
      );
    }
    const unit = d.Unit ?? 'None';
    let sample: Sample;
    if (d.StatisticValues !== undefined) {
      const set = d.StatisticValues;
      [set.SampleCount, set.Sum, set.Minimum, set.Maximum].forEach((v) => checkValue(v, `${path}.StatisticValues`));
      if (set.SampleCount <= 0 || set.Minimum > set.Maximum) {
        throw invalidParameterValue(
          `The parameter ${path}.StatisticValues must have a positive SampleCount and Minimum <= Maximum.`,
        );
      }
      sample = { t, unit, set };
    } else if (d.Values !== undefined) {
      d.Values.forEach((v) => checkValue(v, `${path}.Values`));
      d.Counts?.forEach((c) => {
        if (!(c >= 0)) throw invalidParameterValue(`The parameter ${path}.Counts must not be negative.`);
      });
      sample = { t, unit, values: d.Values, ...(d.Counts && { counts: d.Counts }) };
    } else {
      if (d.Value === undefined) {
        throw missingParameter(`One of ${path}.Value, ${path}.StatisticValues or ${path}.Values is required.`);
      }
      checkValue(d.Value, `${path}.Value`);
      sample = { t, unit, values: [d.Value] };
    }
    accepted.push({ name: d.MetricName, dimensions, sample });
  });
  // All or nothing: a bad datum stores none.
  for (const a of accepted) store.addSample(namespace, a.name, a.dimensions, a.sample);
  return {};
};

const STATISTIC_PERIODS = new Set([1, 5, 10, 20, 30]);

export const getMetricStatistics: OperationHandler = ({ store }, input) => {
  const constraints = new Constraints();
  const namespace = str(input, 'Namespace') ?? '';
  constraints.length(namespace, 'namespace', 1, 255).pattern(namespace, 'namespace', /^[^:].*$/s, '[^:].*');
  const metricName = str(input, 'MetricName') ?? '';
  constraints.length(metricName, 'metricName', 1, 255);
  const dimensions = checkDimensions(list<Dimension>(input, 'Dimensions'), 'dimensions', constraints);
  const period = num(input, 'Period') ?? 0;
  constraints.atLeast(period, 'period', 1);
  const statistics = list<string>(input, 'Statistics');
  constraints.count(statistics, 'statistics', 5, 1);
  const extended = list<string>(input, 'ExtendedStatistics');
  constraints.count(extended, 'extendedStatistics', 10, 1);
  constraints.check();
  if (statistics !== undefined && extended !== undefined) {
    throw invalidParameterCombination('The parameters Statistics and ExtendedStatistics are mutually exclusive.');
  }
  if (statistics === undefined && extended === undefined) {
    throw missingParameter('One of the parameters Statistics or ExtendedStatistics must be specified.');
  }
  for (const e of extended ?? []) {
    if (!PERCENTILE.test(e)) {
      throw invalidParameterValue(
        `The value ${e} for parameter ExtendedStatistics is not supported: local CloudWatch knows percentiles pNN.NN.`,
      );
    }
  }
  if (!STATISTIC_PERIODS.has(period) && period % 60 !== 0) {
    throw invalidParameterValue('The parameter Period must be 1, 5, 10, 20, 30, 60 or a multiple of 60.');
  }
  const startTime = timestamp(input, 'StartTime') ?? 0;
  const endTime = timestamp(input, 'EndTime') ?? 0;
  if (startTime >= endTime) {
    throw invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
  }
  // CloudWatch rounds the start down to the period's resolution (whole minutes for periods of a minute or more).
  const periodMs = period * 1000;
  const start = Math.floor(startTime / Math.min(periodMs, 60_000)) * Math.min(periodMs, 60_000);
  const count = Math.ceil((endTime - start) / periodMs);
  if (count > MAX_DATAPOINTS) {
    throw invalidParameterCombination(
      `You have requested up to ${count} datapoints, which exceeds the limit of ${MAX_DATAPOINTS}. You may reduce ` +
        'the datapoints requested by increasing Period, or decreasing the time range.',
    );
  }
  const unit = str(input, 'Unit');
  const datapoints: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const from = start + i * periodMs;
    const samples = store.samples(namespace, metricName, dimensions, from, Math.min(from + periodMs, endTime), unit);
    const stats = aggregate(samples);
    if (!stats) continue;
    const units = new Set(samples.map((s) => s.unit));
    const point: Record<string, unknown> = { Timestamp: new Date(from) };
    for (const s of statistics ?? []) point[s] = statisticValue(stats, s);
    if (extended) {
      point.ExtendedStatistics = Object.fromEntries(
        extended.map((e) => [e, statisticValue(stats, e)]).filter(([, v]) => v !== undefined),
      );
    }
    point.Unit = unit ?? (units.size === 1 ? [...units][0] : 'None');
    datapoints.push(point);
  }
  return { Label: metricName, Datapoints: datapoints };
};
