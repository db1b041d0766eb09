/** What local CloudWatch keeps: metric alarms and metric data points. */

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export type SimpleStatistic = 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum';

export type ComparisonOperator =
  'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';

export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

export interface AlarmState {
  readonly value: AlarmStateValue;
  readonly reason: string;
  /** JSON text, as StateReasonData. */
  readonly reasonData?: string;
  /** Emulated epoch milliseconds. */
  readonly timestamp: number;
}

/** A metric alarm on one metric and a static threshold. */
export interface AlarmConfiguration {
  readonly name: string;
  readonly description?: string;
  readonly actionsEnabled: boolean;
  readonly okActions: readonly string[];
  readonly alarmActions: readonly string[];
  readonly insufficientDataActions: readonly string[];
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: readonly Dimension[];
  /** Exactly one of statistic and extendedStatistic (`p99`, `p99.9`). */
  readonly statistic?: SimpleStatistic;
  readonly extendedStatistic?: string;
  readonly period: number;
  readonly unit?: string;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  readonly treatMissingData: TreatMissingData;
  /** Percentiles only: `evaluate` (the default) or `ignore` periods with too few samples. */
  readonly evaluateLowSampleCountPercentile?: 'evaluate' | 'ignore';
}

export interface AlarmRecord {
  readonly arn: string;
  config: AlarmConfiguration;
  /** Whether DatapointsToAlarm was given (DescribeAlarms returns it only then). */
  datapointsToAlarmGiven: boolean;
  state: AlarmState;
  /** When the state value last changed (StateTransitionedTimestamp). */
  stateTransitioned: number;
  configurationUpdated: number;
  tags: ReadonlyArray<{ Key: string; Value: string }>;
  /** Stops the evaluation loop of this configuration. */
  stopEvaluation: () => void;
}

/** One PutMetricData datum or one observation of the data plane: a value, values with counts, or a statistic set. */
export interface Sample {
  /** Emulated epoch milliseconds. */
  readonly t: number;
  readonly unit: string;
  /** Raw values and how many times each was seen; absent for a statistic set. */
  readonly values?: readonly number[];
  readonly counts?: readonly number[];
  readonly set?: {
    readonly SampleCount: number;
    readonly Sum: number;
    readonly Minimum: number;
    readonly Maximum: number;
  };
}

export interface MetricSeries {
  readonly namespace: string;
  readonly metricName: string;
  /** Sorted by name: a metric is its namespace, name and exact set of dimensions. */
  readonly dimensions: readonly Dimension[];
  samples: Sample[];
}
