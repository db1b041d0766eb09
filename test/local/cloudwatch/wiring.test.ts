/**
 * local-aws.ts wires local CloudWatch to the rest: every ELBv2 listener of the stack reports its requests (here the
 * load balancer's own answers, a fixed response), ELBv2's target groups are sampled for HealthyHostCount, and alarm
 * state changes reach the stack's EventBridge bus.
 */
import {
  CloudWatchClient,
  GetMetricStatisticsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { localClientConfig } from '../../../local/aws/client-config';
import type { LocalEvent } from '../../../local/events/event-bus';
import { startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';

let aws: RunningLocalAws;
let cw: CloudWatchClient;
let elb: ElasticLoadBalancingV2Client;
const events: LocalEvent[] = [];

beforeAll(async () => {
  aws = await startLocalAwsStack({ ports: { api: 0, listeners: { 80: 0 } }, timeScale: 0.01 });
  cw = new CloudWatchClient(localClientConfig(aws.endpoint, 'us-east-1'));
  elb = new ElasticLoadBalancingV2Client(localClientConfig(aws.endpoint, 'us-east-1'));
  const put = aws.events.putEvent.bind(aws.events);
  aws.events.putEvent = (event) => {
    events.push(event);
    put(event);
  };
});

afterAll(async () => {
  cw?.destroy();
  elb?.destroy();
  await aws?.close();
});

test('listener answers, target group samples and alarm events flow through the stack', async () => {
  const lb =
    (await elb.send(new CreateLoadBalancerCommand({ Name: 'wired' }))).LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  const tg =
    (
      await elb.send(
        new CreateTargetGroupCommand({ Name: 'wired', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-1', TargetType: 'ip' }),
      )
    ).TargetGroups?.[0]?.TargetGroupArn ?? '';
  const listener =
    (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [
            { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain' } },
          ],
        }),
      )
    ).Listeners?.[0]?.ListenerArn ?? '';
  await elb.send(
    new CreateRuleCommand({
      ListenerArn: listener,
      Priority: 1,
      Conditions: [{ Field: 'path-pattern', Values: ['/app'] }],
      Actions: [{ Type: 'forward', TargetGroupArn: tg }],
    }),
  );
  const since = aws.clock.now();
  for (let i = 0; i < 3; i++) expect((await fetch(`http://127.0.0.1:${aws.listenerPort(80)}/`)).status).toBe(503);
  aws.cloudwatch.sampleHostCounts();

  const loadBalancer = lb.slice(lb.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
  const targetGroup = tg.slice(tg.lastIndexOf(':') + 1);
  const sum = async (metricName: string, dimensions: Record<string, string>, statistic: 'Sum' | 'Maximum') => {
    const { Datapoints = [] } = await cw.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/ApplicationELB',
        MetricName: metricName,
        Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
        StartTime: new Date(since - 60_000),
        EndTime: new Date(aws.clock.now() + 60_000),
        Period: 60,
        Statistics: [statistic],
      }),
    );
    return Datapoints.map((d) => d[statistic] ?? 0);
  };
  expect((await sum('HTTPCode_ELB_5XX_Count', { LoadBalancer: loadBalancer }, 'Sum')).reduce((a, b) => a + b, 0)).toBe(
    3,
  );
  // The target group is forwarded to (by the rule) and has no targets.
  expect(await sum('HealthyHostCount', { LoadBalancer: loadBalancer, TargetGroup: targetGroup }, 'Maximum')).toContain(
    0,
  );

  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: 'wired',
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_ELB_5XX_Count',
      Dimensions: [{ Name: 'LoadBalancer', Value: loadBalancer }],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
    }),
  );
  await cw.send(new SetAlarmStateCommand({ AlarmName: 'wired', StateValue: 'ALARM', StateReason: 'wiring test' }));
  expect(events.filter((e) => e.source === 'aws.cloudwatch').map((e) => e.detail.alarmName)).toEqual(['wired']);
});
