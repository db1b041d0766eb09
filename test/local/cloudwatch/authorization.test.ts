/** The IAM actions and resources local IAM checks CloudWatch calls against (local/iam/request-authorization.ts). */
import { authorizationsFor } from '../../../local/iam/request-authorization';

const scope = { region: 'us-east-1', accountId: '123456789012' };
const cw = (operation: string, input: Record<string, unknown>) =>
  authorizationsFor({ service: 'CloudWatch', operation, input }, scope);
const ALARM = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm';

test('alarm calls authorize on each alarm they name, or on alarm:* when they name none', () => {
  expect(cw('DescribeAlarms', { AlarmNames: ['green-5xx', 'green-p99'] })).toEqual([
    { action: 'cloudwatch:DescribeAlarms', resource: `${ALARM}:green-5xx` },
    { action: 'cloudwatch:DescribeAlarms', resource: `${ALARM}:green-p99` },
  ]);
  expect(cw('DescribeAlarms', { StateValue: 'ALARM' })).toEqual([
    { action: 'cloudwatch:DescribeAlarms', resource: `${ALARM}:*` },
  ]);
  expect(cw('PutMetricAlarm', { AlarmName: 'a' })).toEqual([
    { action: 'cloudwatch:PutMetricAlarm', resource: `${ALARM}:a` },
  ]);
  expect(cw('SetAlarmState', { AlarmName: 'a', StateValue: 'ALARM' })).toEqual([
    { action: 'cloudwatch:SetAlarmState', resource: `${ALARM}:a` },
  ]);
  expect(cw('DeleteAlarms', { AlarmNames: ['a'] })).toEqual([
    { action: 'cloudwatch:DeleteAlarms', resource: `${ALARM}:a` },
  ]);
});

test('metric calls authorize on *, PutMetricData with its namespace', () => {
  expect(cw('PutMetricData', { Namespace: 'Shop', MetricData: [] })).toEqual([
    { action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': 'Shop' } },
  ]);
  expect(cw('GetMetricStatistics', { Namespace: 'AWS/ApplicationELB' })).toEqual([
    { action: 'cloudwatch:GetMetricStatistics', resource: '*' },
  ]);
});

test('an operation not mapped fails loudly', () => {
  expect(() => cw('DescribeAlarmHistory', {})).toThrow();
});
