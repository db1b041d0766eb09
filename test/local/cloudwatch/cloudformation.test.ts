/**
 * AWS::CloudWatch::Alarm through local CloudFormation (the real SDK clients): Ref is the alarm name (generated as
 * STACK-LOGICALID-RANDOM without AlarmName), GetAtt Arn its ARN; a property change updates the alarm in place and keeps
 * its state, a new AlarmName replaces it (the old alarm is deleted), a stack delete deletes it, and what
 * PutMetricAlarm refuses fails the resource.
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { deleteLocalStack, updateTemplate } from '../../../harness/deploy/deploy-template';
import { localClientConfig } from '../../../local/aws/client-config';
import type { CfnTemplate } from '../../../local/cloudformation/model';
import { LOCAL_REGION, startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';

let aws: RunningLocalAws;
let cfn: CloudFormationClient;
let cw: CloudWatchClient;
let n = 0;

beforeAll(async () => {
  aws = await startLocalAwsStack({ timeScale: 0.01, ports: { api: 0, listeners: {} } });
  cfn = new CloudFormationClient(localClientConfig(aws.endpoint, LOCAL_REGION));
  cw = new CloudWatchClient(localClientConfig(aws.endpoint, LOCAL_REGION));
});
afterAll(async () => {
  cfn?.destroy();
  cw?.destroy();
  await aws?.close();
});

const alarm = (properties: Record<string, unknown> = {}): CfnTemplate => ({
  Resources: {
    GreenErrors: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/green/0123456789abcdef' }],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: '2',
        Threshold: 5,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        // Without data the state stays as it is: the test reads the state updates leave.
        TreatMissingData: 'ignore',
        ...properties,
      },
    },
  },
  Outputs: {
    Ref: { Value: { Ref: 'GreenErrors' } },
    Arn: { Value: { 'Fn::GetAtt': ['GreenErrors', 'Arn'] } },
  },
});

async function create(t: CfnTemplate): Promise<{ stackName: string; status: string }> {
  const stackName = `Alarms${++n}`;
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(t) }));
  await aws.cloudformation.settled(stackName);
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return { stackName, status: Stacks?.[0]?.StackStatus ?? '' };
}

const outputs = async (stackName: string): Promise<Record<string, string>> => {
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
};

const described = async (name: string) =>
  (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0];

test('creates, updates in place, replaces on a new AlarmName, and deletes the alarm', async () => {
  const { stackName, status } = await create(alarm());
  expect(status).toBe('CREATE_COMPLETE');
  const first = await outputs(stackName);
  expect(first.Ref).toMatch(new RegExp(`^${stackName}-GreenErrors-[A-Z0-9]{13}$`));
  expect(first.Arn).toBe(`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${first.Ref}`);
  expect(await described(first.Ref ?? '')).toMatchObject({
    EvaluationPeriods: 2,
    Threshold: 5,
    StateValue: 'INSUFFICIENT_DATA',
    Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/green/0123456789abcdef' }],
  });

  // In place: same name, new threshold, the state it was in is kept.
  await cw.send(new SetAlarmStateCommand({ AlarmName: first.Ref, StateValue: 'ALARM', StateReason: 'test' }));
  const updated = await updateTemplate(alarm({ Threshold: 10 }), { endpoint: aws.endpoint, stackName });
  expect(updated.status).toBe('UPDATE_COMPLETE');
  expect((await outputs(stackName)).Ref).toBe(first.Ref);
  expect(await described(first.Ref ?? '')).toMatchObject({ Threshold: 10, StateValue: 'ALARM' });

  // A new AlarmName replaces the alarm: the new one exists, the old one is gone after cleanup.
  const renamed = await updateTemplate(alarm({ AlarmName: 'green-5xx' }), { endpoint: aws.endpoint, stackName });
  expect(renamed.status).toBe('UPDATE_COMPLETE');
  expect((await outputs(stackName)).Ref).toBe('green-5xx');
  expect(await described('green-5xx')).toMatchObject({ StateValue: 'INSUFFICIENT_DATA', Threshold: 5 });
  expect(await described(first.Ref ?? '')).toBeUndefined();

  const deleted = await deleteLocalStack({ endpoint: aws.endpoint, stackName });
  expect(deleted.status).toBe('DELETE_COMPLETE');
  expect(await described('green-5xx')).toBeUndefined();
});

test.each([
  [{ Period: 45 }, /Period must be 10, 20, 30 or a multiple of 60/],
  [{ ExtendedStatistic: 'p99' }, /Statistic and ExtendedStatistic are mutually exclusive/],
  [{ Unknown: 1 }, /Unknown, which local AWS does not map/],
])('what PutMetricAlarm refuses fails the resource and rolls the stack back: %j', async (properties, reason) => {
  const { stackName, status } = await create(alarm(properties));
  expect(status).toBe('ROLLBACK_COMPLETE');
  const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
  expect(StackEvents.find((e) => e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason).toMatch(reason);
  expect((await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: stackName }))).MetricAlarms).toEqual([]);
});
