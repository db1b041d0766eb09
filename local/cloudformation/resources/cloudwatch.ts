/**
 * AWS::CloudWatch::Alarm through local CloudWatch's PutMetricAlarm and DeleteAlarms: `Ref` is the alarm name,
 * `Fn::GetAtt Arn` its ARN. As the CloudFormation reference says: a change of AlarmName requires replacement, any
 * other property is updated in place (PutMetricAlarm overwrites the whole configuration and keeps the state); without
 * AlarmName, CloudFormation generates `STACK-LOGICALID-RANDOM`. Tags are set at creation only (PutMetricAlarm ignores
 * them on an update, and local CloudWatch has no TagResource).
 */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { localClientConfig } from '../../aws/client-config';
import { generatedSuffix, onlyKeys, type ResourceContext, type ResourceHandler, str } from './handler';

const PROPERTIES = [
  'AlarmName',
  'AlarmDescription',
  'ActionsEnabled',
  'OKActions',
  'AlarmActions',
  'InsufficientDataActions',
  'MetricName',
  'Namespace',
  'Statistic',
  'ExtendedStatistic',
  'Dimensions',
  'Period',
  'Unit',
  'EvaluationPeriods',
  'DatapointsToAlarm',
  'Threshold',
  'ComparisonOperator',
  'TreatMissingData',
  'EvaluateLowSampleCountPercentile',
  'Metrics',
  'ThresholdMetricId',
  'Tags',
];

const number = (value: unknown): number | undefined => (value === undefined ? undefined : Number(value));
const strings = (value: unknown): string[] | undefined =>
  value === undefined ? undefined : (value as unknown[]).map((v) => String(v));

/** AWS::CloudWatch::Alarm properties (the same PascalCase members as PutMetricAlarm) to PutMetricAlarm. */
function toPutMetricAlarm(name: string, props: Record<string, unknown>, id: string): PutMetricAlarmCommandInput {
  onlyKeys(props, PROPERTIES, id);
  const dimensions = props.Dimensions as Array<Record<string, unknown>> | undefined;
  dimensions?.forEach((d, i) => onlyKeys(d, ['Name', 'Value'], `${id}.Dimensions[${i}]`));
  const input: Record<string, unknown> = {
    AlarmName: name,
    AlarmDescription: str(props.AlarmDescription),
    ActionsEnabled:
      props.ActionsEnabled === undefined ? undefined : props.ActionsEnabled === true || props.ActionsEnabled === 'true',
    OKActions: strings(props.OKActions),
    AlarmActions: strings(props.AlarmActions),
    InsufficientDataActions: strings(props.InsufficientDataActions),
    MetricName: str(props.MetricName),
    Namespace: str(props.Namespace),
    Statistic: str(props.Statistic),
    ExtendedStatistic: str(props.ExtendedStatistic),
    Dimensions: dimensions?.map((d) => ({ Name: String(d.Name), Value: String(d.Value) })),
    Period: number(props.Period),
    Unit: str(props.Unit),
    EvaluationPeriods: number(props.EvaluationPeriods),
    DatapointsToAlarm: number(props.DatapointsToAlarm),
    Threshold: number(props.Threshold),
    ComparisonOperator: str(props.ComparisonOperator),
    TreatMissingData: str(props.TreatMissingData),
    EvaluateLowSampleCountPercentile: str(props.EvaluateLowSampleCountPercentile),
    // Passed on as given: local CloudWatch refuses metric math and anomaly detection with its own error.
    Metrics: props.Metrics,
    ThresholdMetricId: str(props.ThresholdMetricId),
    Tags: props.Tags,
  };
  return Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined),
  ) as unknown as PutMetricAlarmCommandInput;
}

async function withClient<T>(ctx: ResourceContext, use: (client: CloudWatchClient) => Promise<T>): Promise<T> {
  const client = new CloudWatchClient(localClientConfig(ctx.env.endpoint, ctx.env.region));
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

const alarmArn = (ctx: ResourceContext, name: string): string =>
  `arn:aws:cloudwatch:${ctx.env.region}:${ctx.env.accountId}:alarm:${name}`;

export const alarmHandler: ResourceHandler = {
  replacementProperties: new Set(['AlarmName']),
  customName: (p) => str(p.AlarmName),
  async create(ctx, props) {
    const name = str(props.AlarmName) ?? `${ctx.stack.name}-${ctx.logicalId}-${generatedSuffix()}`.slice(-255);
    await withClient(ctx, (client) =>
      client.send(new PutMetricAlarmCommand(toPutMetricAlarm(name, props, ctx.logicalId))),
    );
    return { physical: { ref: name, attributes: { Arn: alarmArn(ctx, name) } } };
  },
  async update(ctx, current, props) {
    const { Tags: _ignored, ...input } = toPutMetricAlarm(current.physical.ref, props, ctx.logicalId);
    await withClient(ctx, (client) => client.send(new PutMetricAlarmCommand(input)));
    return { physical: current.physical };
  },
  async delete(ctx, current) {
    try {
      await withClient(ctx, (client) => client.send(new DeleteAlarmsCommand({ AlarmNames: [current.physical.ref] })));
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ResourceNotFound')) throw error;
    }
  },
};
