/** Records → CloudWatch wire shapes (PascalCase members on both wires; Dates, which each wire encodes its way). */
import type { AlarmRecord } from './model';

/** A MetricAlarm of DescribeAlarms; members without a value are left out. */
export function alarmToWire(alarm: AlarmRecord): Record<string, unknown> {
  const c = alarm.config;
  return {
    AlarmName: c.name,
    AlarmArn: alarm.arn,
    ...(c.description !== undefined && { AlarmDescription: c.description }),
    AlarmConfigurationUpdatedTimestamp: new Date(alarm.configurationUpdated),
    ActionsEnabled: c.actionsEnabled,
    OKActions: [...c.okActions],
    AlarmActions: [...c.alarmActions],
    InsufficientDataActions: [...c.insufficientDataActions],
    StateValue: alarm.state.value,
    StateReason: alarm.state.reason,
    ...(alarm.state.reasonData !== undefined && { StateReasonData: alarm.state.reasonData }),
    StateUpdatedTimestamp: new Date(alarm.state.timestamp),
    MetricName: c.metricName,
    Namespace: c.namespace,
    ...(c.statistic !== undefined && { Statistic: c.statistic }),
    ...(c.extendedStatistic !== undefined && { ExtendedStatistic: c.extendedStatistic }),
    Dimensions: c.dimensions.map((d) => ({ Name: d.Name, Value: d.Value })),
    Period: c.period,
    ...(c.unit !== undefined && { Unit: c.unit }),
    EvaluationPeriods: c.evaluationPeriods,
    ...(alarm.datapointsToAlarmGiven && { DatapointsToAlarm: c.datapointsToAlarm }),
    Threshold: c.threshold,
    ComparisonOperator: c.comparisonOperator,
    TreatMissingData: c.treatMissingData,
    ...(c.evaluateLowSampleCountPercentile !== undefined && {
      EvaluateLowSampleCountPercentile: c.evaluateLowSampleCountPercentile,
    }),
    StateTransitionedTimestamp: new Date(alarm.stateTransitioned),
  };
}
