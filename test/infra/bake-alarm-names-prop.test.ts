import { Match } from 'aws-cdk-lib/assertions';
import { BlueGreenStack, type BlueGreenStackProps } from '../../examples/demo/bluegreen-stack';
import { nagFindings, synthStack, testApp } from './synth';

/**
 * The stack prop `bakeAlarmNames` (the user's alarms swap's green watch also watches) and the green watch's alarm
 * gates in the template: checked in the constructor with CloudWatch's rules, each error naming the value and the fix;
 * passed to the green-watch function, its alarm rule and its IAM policy (scoped to the alarms' ARNs).
 */
const build = (props: BlueGreenStackProps) => () => new BlueGreenStack(testApp(), 'EcsBlueGreen', props);

test.each([
  [
    'an empty name',
    { bakeAlarmNames: [''] },
    /bakeAlarmNames\[0\] is '' \(0 characters\), but CloudWatch alarm names are 1 to 255/,
  ],
  [
    'a 256-character name',
    { bakeAlarmNames: ['a'.repeat(256)] },
    /bakeAlarmNames\[0\] is 'a+' \(256 characters\), but CloudWatch alarm names are 1 to 255/,
  ],
  [
    'a name with a newline',
    { bakeAlarmNames: ['ok', 'bad\nname'] },
    /bakeAlarmNames\[1\] is "bad\\nname", but CloudWatch alarm names cannot contain ASCII control characters/,
  ],
  ['a name listed twice', { bakeAlarmNames: ['x', 'x'] }, /bakeAlarmNames\[1\] is 'x', which is listed twice/],
  [
    '98 names',
    { bakeAlarmNames: Array.from({ length: 98 }, (_, i) => `alarm-${i}`) },
    /bakeAlarmNames has 98 alarm names, but at most 97 are allowed because one CloudWatch DescribeAlarms reads at most 100 names /,
  ],
  [
    'names too long together for an event pattern',
    { bakeAlarmNames: Array.from({ length: 20 }, (_, i) => `${'x'.repeat(100)}-${i}`) },
    /bakeAlarmNames has 20 names, which make the green watch's alarm rule's event pattern \d+ characters, but EventBridge's default quota for an event pattern is 2048/,
  ],
  [
    "a built-in alarm's name",
    { bakeAlarmNames: ['EcsBlueGreen-demo-app-green-5xx'] },
    /is 'EcsBlueGreen-demo-app-green-5xx', the name of one of the green watch's built-in alarms/,
  ],
] as Array<[string, BlueGreenStackProps, RegExp]>)('%s fails in the constructor', (_label, props, message) => {
  expect(build(props)).toThrow(message);
});

test("the user's alarms reach the function, its alarm rule and its DescribeAlarms grant; only the built-in ones may be written", () => {
  const { template } = synthStack({ bakeAlarmNames: ['app-errors', 'app-latency'] });
  const alarmArn = (name: string) => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':cloudwatch:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:alarm:${name}`,
      ],
    ],
  });
  const builtIn = ['5xx', 'p99', 'healthy-hosts'].map((s) => `EcsBlueGreen-demo-app-green-${s}`);
  template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: {
      Variables: Match.objectLike({
        GREEN_ALARM_PREFIX: 'EcsBlueGreen-demo-app-green-',
        WATCHED_ALARMS: '["app-errors","app-latency"]',
      }),
    },
  });
  template.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: {
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: [...builtIn, 'app-errors', 'app-latency'], state: { value: ['ALARM'] } },
    },
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        {
          Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
          Effect: 'Allow',
          Resource: builtIn.map(alarmArn),
        },
        {
          Action: 'cloudwatch:DescribeAlarms',
          Effect: 'Allow',
          Resource: [...builtIn, 'app-errors', 'app-latency'].map(alarmArn),
        },
      ]),
    },
  });
});

test('cdk-nag stays clean with user alarms', () => {
  expect(nagFindings({ bakeAlarmNames: ['app-errors'] })).toEqual([]);
});
