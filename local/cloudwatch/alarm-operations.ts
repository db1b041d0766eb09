/** PutMetricAlarm, DescribeAlarms, DeleteAlarms and SetAlarmState (metric alarms on one metric, static thresholds). */
import {
  Constraints,
  validationError,
  invalidFormat,
  invalidNextToken,
  invalidParameterCombination,
  invalidParameterValue,
  limitExceeded,
  missingParameter,
  resourceNotFound,
} from './errors';
import { bool, list, num, str, type Input } from './input';
import type {
  AlarmConfiguration,
  AlarmRecord,
  AlarmStateValue,
  ComparisonOperator,
  Dimension,
  SimpleStatistic,
  TreatMissingData,
} from './model';
import type { OperationHandler } from './operation-context';
import { PERCENTILE } from './statistics';
import { alarmToWire } from './wire';

/** Local bound on alarms per account and region (AWS's quota is an account setting; see README). */
export const MAX_ALARMS = 10_000;
const MAX_ACTIONS = 5;
const MAX_DIMENSIONS = 30;
const ONE_DAY_SECONDS = 86_400;
const SEVEN_DAYS_SECONDS = 604_800;
const TREAT_MISSING: readonly TreatMissingData[] = ['breaching', 'notBreaching', 'ignore', 'missing'];
const STATIC_OPERATORS: readonly ComparisonOperator[] = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
/** Members of PutMetricAlarm for alarm kinds local CloudWatch does not evaluate (see README). */
const UNSUPPORTED_MEMBERS = [
  'Metrics',
  'ThresholdMetricId',
  'EvaluationWindow',
  'WarmUpConfiguration',
  'EvaluationCriteria',
  'EvaluationInterval',
  'ActionConfiguration',
];
/** Alarm actions CloudWatch accepts: SNS topics, Auto Scaling policies, EC2 actions, Systems Manager, Lambda. */
const ACTION_ARN = /^arn:aws[a-z-]*:(sns|autoscaling|automate|ssm|ssm-incidents|lambda):[a-z0-9-]*:[0-9]*:.+$/;

/** Dimensions checked as PutMetricAlarm, GetMetricStatistics and PutMetricData check them. */
export function checkDimensions(
  dimensions: readonly Dimension[] | undefined,
  path: string,
  constraints: Constraints,
): Dimension[] {
  const given = dimensions ?? [];
  constraints.count(given, path, MAX_DIMENSIONS);
  given.forEach((d, i) => {
    constraints.length(d.Name, `${path}.${i + 1}.member.name`, 1, 255);
    constraints.length(d.Value, `${path}.${i + 1}.member.value`, 1, 1024);
  });
  const names = new Set<string>();
  for (const d of given) {
    if (names.has(d.Name)) {
      throw invalidParameterValue(`No Metric Dimension named ${d.Name} may be specified more than once.`);
    }
    names.add(d.Name);
  }
  return given.map((d) => ({ Name: d.Name, Value: d.Value }));
}

function actions(input: Input, member: string, constraints: Constraints): string[] {
  const given = list<string>(input, member) ?? [];
  const path = member.charAt(0).toLowerCase() + member.slice(1);
  constraints.count(given, path, MAX_ACTIONS);
  given.forEach((arn, i) => constraints.length(arn, `${path}.${i + 1}.member`, 1, 1024));
  for (const arn of given) {
    if (!ACTION_ARN.test(arn)) throw invalidParameterValue(`Invalid arn syntax: ${arn}`);
  }
  return given;
}

function checkAlarmName(name: string | undefined, path: string, constraints: Constraints): void {
  constraints.length(name, path, 1, 255);
}

export const putMetricAlarm: OperationHandler = ({ store, evaluator }, input) => {
  const constraints = new Constraints();
  const name = str(input, 'AlarmName') ?? '';
  checkAlarmName(name, 'alarmName', constraints);
  const description = str(input, 'AlarmDescription');
  constraints.length(description, 'alarmDescription', 0, 1024);
  const okActions = actions(input, 'OKActions', constraints);
  const alarmActions = actions(input, 'AlarmActions', constraints);
  const insufficientDataActions = actions(input, 'InsufficientDataActions', constraints);
  const namespace = str(input, 'Namespace');
  const metricName = str(input, 'MetricName');
  constraints.length(metricName, 'metricName', 1, 255);
  constraints.length(namespace, 'namespace', 1, 255);
  constraints.pattern(namespace, 'namespace', /^[^:].*$/s, '[^:].*');
  const dimensions = checkDimensions(list<Dimension>(input, 'Dimensions'), 'dimensions', constraints);
  const period = num(input, 'Period');
  constraints.atLeast(period, 'period', 1);
  const evaluationPeriods = num(input, 'EvaluationPeriods') ?? 0;
  constraints.atLeast(evaluationPeriods, 'evaluationPeriods', 1);
  const datapointsToAlarm = num(input, 'DatapointsToAlarm');
  constraints.atLeast(datapointsToAlarm, 'datapointsToAlarm', 1);
  const treatMissing = str(input, 'TreatMissingData');
  constraints.length(treatMissing, 'treatMissingData', 1, 255);
  const lowSample = str(input, 'EvaluateLowSampleCountPercentile');
  constraints.length(lowSample, 'evaluateLowSampleCountPercentile', 1, 255);
  const tags = list<{ Key: string; Value: string }>(input, 'Tags');
  constraints.count(tags, 'tags', 50);
  tags?.forEach((tag, i) => {
    constraints.length(tag.Key, `tags.${i + 1}.member.key`, 1, 128);
    constraints.length(tag.Value, `tags.${i + 1}.member.value`, 0, 256);
  });
  constraints.check();

  const unsupported = UNSUPPORTED_MEMBERS.filter((member) => input[member] !== undefined);
  if (unsupported.includes('Metrics') && metricName !== undefined) {
    throw invalidParameterCombination('The parameters MetricName and Metrics are mutually exclusive.');
  }
  if (unsupported.length > 0) {
    throw invalidParameterValue(
      `Local CloudWatch evaluates metric alarms on one metric with a static threshold only; ${unsupported.join(', ')} ` +
        'is not supported (see local/cloudwatch/README.md).',
    );
  }
  if (metricName === undefined) throw missingParameter('The parameter MetricName is required.');
  if (namespace === undefined) throw missingParameter('The parameter Namespace is required.');
  const statistic = str(input, 'Statistic') as SimpleStatistic | undefined;
  const extendedStatistic = str(input, 'ExtendedStatistic');
  if (statistic !== undefined && extendedStatistic !== undefined) {
    throw invalidParameterCombination('The parameters Statistic and ExtendedStatistic are mutually exclusive.');
  }
  if (statistic === undefined && extendedStatistic === undefined) {
    throw missingParameter('One of the parameters Statistic or ExtendedStatistic must be specified.');
  }
  if (extendedStatistic !== undefined && !PERCENTILE.test(extendedStatistic)) {
    throw invalidParameterValue(
      `The value ${extendedStatistic} for parameter ExtendedStatistic is not supported: local CloudWatch knows ` +
        'percentiles only (p0 to p100, pNN or pNN.NN), not trimmed or winsorized means, IQM or ranks (see README).',
    );
  }
  if (period === undefined) throw missingParameter('The parameter Period is required.');
  if (period !== 10 && period !== 20 && period !== 30 && period % 60 !== 0) {
    throw invalidParameterValue('The parameter Period must be 10, 20, 30 or a multiple of 60.');
  }
  // Seven days at most; one day for periods under an hour.
  const longest = period < 3600 ? ONE_DAY_SECONDS : SEVEN_DAYS_SECONDS;
  if (evaluationPeriods * period > longest) {
    throw invalidParameterValue(
      `The evaluation period (EvaluationPeriods ${evaluationPeriods} x Period ${period} = ` +
        `${evaluationPeriods * period} seconds) must not exceed ${longest} seconds` +
        `${period < 3600 ? ' for a period under one hour' : ''}.`,
    );
  }
  if (datapointsToAlarm !== undefined && datapointsToAlarm > evaluationPeriods) {
    throw invalidParameterValue(
      `DatapointsToAlarm (${datapointsToAlarm}) must be less than or equal to EvaluationPeriods (${evaluationPeriods}).`,
    );
  }
  const operator = str(input, 'ComparisonOperator') as ComparisonOperator;
  if (!STATIC_OPERATORS.includes(operator)) {
    throw invalidParameterCombination(
      `The comparison operator ${operator} is for anomaly detection alarms, which need ThresholdMetricId and Metrics.`,
    );
  }
  const threshold = num(input, 'Threshold');
  if (threshold === undefined) throw missingParameter('The parameter Threshold is required for a static threshold.');
  if (treatMissing !== undefined && !TREAT_MISSING.includes(treatMissing as TreatMissingData)) {
    throw invalidParameterValue(
      `The value ${treatMissing} for parameter TreatMissingData is not valid: use breaching, notBreaching, ignore or missing.`,
    );
  }
  if (lowSample !== undefined) {
    if (extendedStatistic === undefined) {
      throw invalidParameterCombination(
        'EvaluateLowSampleCountPercentile can be specified only for alarms on a percentile (ExtendedStatistic).',
      );
    }
    if (lowSample !== 'evaluate' && lowSample !== 'ignore') {
      throw invalidParameterValue(
        `The value ${lowSample} for parameter EvaluateLowSampleCountPercentile is not valid: use evaluate or ignore.`,
      );
    }
  }

  const existing = store.alarms.get(name);
  if (!existing && store.alarms.size >= MAX_ALARMS) {
    throw limitExceeded(`The maximum number of alarms (${MAX_ALARMS}) for this account has been reached.`);
  }
  const config: AlarmConfiguration = {
    name,
    ...(description !== undefined && { description }),
    actionsEnabled: bool(input, 'ActionsEnabled') ?? true,
    okActions,
    alarmActions,
    insufficientDataActions,
    namespace,
    metricName,
    dimensions,
    ...(statistic !== undefined && { statistic }),
    ...(extendedStatistic !== undefined && { extendedStatistic }),
    period,
    ...(str(input, 'Unit') !== undefined && { unit: str(input, 'Unit') }),
    evaluationPeriods,
    datapointsToAlarm: datapointsToAlarm ?? evaluationPeriods,
    threshold,
    comparisonOperator: operator,
    treatMissingData: (treatMissing as TreatMissingData | undefined) ?? 'missing',
    ...(lowSample !== undefined && { evaluateLowSampleCountPercentile: lowSample as 'evaluate' | 'ignore' }),
  };
  const now = store.now();
  if (existing) {
    // An update overwrites the configuration and leaves the state as it is.
    existing.config = config;
    existing.datapointsToAlarmGiven = datapointsToAlarm !== undefined;
    existing.configurationUpdated = now;
    // Tags given to an update are ignored (TagResource changes them on AWS).
    evaluator.start(existing);
    return {};
  }
  const alarm: AlarmRecord = {
    arn: store.alarmArn(name),
    config,
    datapointsToAlarmGiven: datapointsToAlarm !== undefined,
    state: { value: 'INSUFFICIENT_DATA', reason: 'Unchecked: Initial alarm creation', timestamp: now },
    stateTransitioned: now,
    configurationUpdated: now,
    tags: tags ?? [],
    stopEvaluation: () => undefined,
  };
  store.alarms.set(name, alarm);
  evaluator.start(alarm);
  return {};
};

/** NextToken of DescribeAlarms: the base64 of the last name returned. */
const encodeToken = (name: string): string => Buffer.from(JSON.stringify({ after: name }), 'utf8').toString('base64');

function decodeToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through
  }
  throw invalidNextToken();
}

export const describeAlarms: OperationHandler = ({ store }, input) => {
  const constraints = new Constraints();
  const names = list<string>(input, 'AlarmNames');
  constraints.count(names, 'alarmNames', 100);
  names?.forEach((n, i) => checkAlarmName(n, `alarmNames.${i + 1}.member`, constraints));
  const prefix = str(input, 'AlarmNamePrefix');
  constraints.length(prefix, 'alarmNamePrefix', 1, 255);
  const actionPrefix = str(input, 'ActionPrefix');
  constraints.length(actionPrefix, 'actionPrefix', 1, 1024);
  const children = str(input, 'ChildrenOfAlarmName');
  const parents = str(input, 'ParentsOfAlarmName');
  constraints.length(children, 'childrenOfAlarmName', 1, 255);
  constraints.length(parents, 'parentsOfAlarmName', 1, 255);
  const maxRecords = num(input, 'MaxRecords');
  constraints.atLeast(maxRecords, 'maxRecords', 1).atMost(maxRecords, 'maxRecords', 100);
  const types = list<string>(input, 'AlarmTypes');
  constraints.check();

  if (names !== undefined && prefix !== undefined) {
    throw invalidParameterCombination('The parameters AlarmNames and AlarmNamePrefix are mutually exclusive.');
  }
  const otherThanPaging = Object.keys(input).filter((k) => !['MaxRecords', 'NextToken', 'AlarmTypes'].includes(k));
  if ((children !== undefined || parents !== undefined) && otherThanPaging.length > 1) {
    // "If you do so, you receive a validation error."
    throw validationError(
      'With ChildrenOfAlarmName or ParentsOfAlarmName, only MaxRecords and NextToken may be specified.',
    );
  }
  const stateValue = str(input, 'StateValue') as AlarmStateValue | undefined;
  // Without AlarmTypes only metric alarms are returned; local CloudWatch has no composite alarms.
  const metricAlarmsWanted = types === undefined || types.includes('MetricAlarm');
  const token = str(input, 'NextToken');
  const after = token === undefined ? undefined : decodeToken(token);
  const wanted = new Set(names);
  const matching =
    !metricAlarmsWanted || children !== undefined || parents !== undefined
      ? []
      : store
          .alarmNames()
          .map((n) => store.alarm(n))
          .filter(
            (a) =>
              (names === undefined || wanted.has(a.config.name)) &&
              (prefix === undefined || a.config.name.startsWith(prefix)) &&
              (stateValue === undefined || a.state.value === stateValue) &&
              (actionPrefix === undefined ||
                [...a.config.okActions, ...a.config.alarmActions, ...a.config.insufficientDataActions].some((x) =>
                  x.startsWith(actionPrefix),
                )),
          );
  const remaining = after === undefined ? matching : matching.filter((a) => a.config.name > after);
  const limit = maxRecords ?? 50;
  const page = remaining.slice(0, limit);
  const last = page.at(-1);
  return {
    MetricAlarms: page.map(alarmToWire),
    ...(types?.includes('CompositeAlarm') && { CompositeAlarms: [] }),
    ...(remaining.length > limit && last && { NextToken: encodeToken(last.config.name) }),
  };
};

export const deleteAlarms: OperationHandler = ({ store }, input) => {
  const constraints = new Constraints();
  const names = list<string>(input, 'AlarmNames') ?? [];
  constraints.count(names, 'alarmNames', 100);
  names.forEach((n, i) => checkAlarmName(n, `alarmNames.${i + 1}.member`, constraints));
  constraints.check();
  // "If you specify any incorrect alarm names, the alarms you specify with correct names are still deleted."
  const unknown = names.filter((n) => !store.alarms.has(n));
  for (const n of names) {
    store.alarms.get(n)?.stopEvaluation();
    store.alarms.delete(n);
  }
  if (unknown.length > 0) throw resourceNotFound(`${unknown.join(', ')} not found`);
  return {};
};

export const setAlarmState: OperationHandler = ({ store, evaluator }, input) => {
  const constraints = new Constraints();
  const name = str(input, 'AlarmName') ?? '';
  checkAlarmName(name, 'alarmName', constraints);
  const reason = str(input, 'StateReason') ?? '';
  constraints.length(reason, 'stateReason', 0, 1023);
  const reasonData = str(input, 'StateReasonData');
  constraints.length(reasonData, 'stateReasonData', 0, 4000);
  constraints.check();
  if (reasonData !== undefined) {
    try {
      JSON.parse(reasonData);
    } catch {
      throw invalidFormat('Data was not syntactically valid JSON');
    }
  }
  const alarm = store.alarms.get(name);
  if (!alarm) throw resourceNotFound(`Alarm ${name} not found`);
  evaluator.transition(alarm, {
    value: str(input, 'StateValue') as AlarmStateValue,
    reason,
    ...(reasonData !== undefined && { reasonData }),
    timestamp: store.now(),
  });
  return {};
};
