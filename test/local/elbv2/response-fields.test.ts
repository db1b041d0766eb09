/** Response members ELBv2 returns: each action's Order (DescribeRules/DescribeListeners), ip targets' zone. */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { createClock } from '../../../local/aws/clock';
import { LocalNetwork } from '../../../local/aws/network';
import { startLocalAws, type LocalAws } from '../../../local/aws/server';
import { createElbv2Service, type Elbv2Service } from '../../../local/elbv2/service';

let elbv2: Elbv2Service;
let aws: LocalAws;
let client: ElasticLoadBalancingV2Client;

beforeAll(async () => {
  elbv2 = createElbv2Service({
    clock: createClock(0.01),
    network: new LocalNetwork(),
    region: 'eu-west-1',
    accountId: '123456789012',
    listenerPort: () => 0,
  });
  aws = await startLocalAws({ port: 0, services: [elbv2.service], region: 'eu-west-1' });
  client = new ElasticLoadBalancingV2Client({
    endpoint: aws.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await aws.close();
  await elbv2.close();
});

async function targetGroup(name: string, TargetType: 'ip' | 'instance'): Promise<string> {
  const created = await client.send(
    new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, VpcId: 'vpc-1', TargetType }),
  );
  return created.TargetGroups?.[0]?.TargetGroupArn ?? '';
}

it('returns the Order of every action, its position from 1 when none was given', async () => {
  const tgArn = await targetGroup('ordered', 'ip');
  const lb = await client.send(new CreateLoadBalancerCommand({ Name: 'orders', Subnets: ['subnet-a', 'subnet-b'] }));
  const listener = await client.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
    }),
  );
  const listenerArn = listener.Listeners?.[0]?.ListenerArn ?? '';
  await client.send(
    new CreateRuleCommand({
      ListenerArn: listenerArn,
      Priority: 5,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/a'] } }],
      Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
    }),
  );
  await client.send(
    new CreateRuleCommand({
      ListenerArn: listenerArn,
      Priority: 6,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/b'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: tgArn, Order: 3 }],
    }),
  );
  const rules = await client.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
  expect(rules.Rules?.map((r) => r.Actions?.map((a) => a.Order))).toEqual([[1], [3], [1]]);
  const listeners = await client.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }));
  expect(listeners.Listeners?.[0]?.DefaultActions?.[0]?.Order).toBe(1);
});

it('returns the AvailabilityZone of ip targets (the given one, else the VPC zone), none for instances', async () => {
  const ipGroup = await targetGroup('ips', 'ip');
  await client.send(
    new RegisterTargetsCommand({
      TargetGroupArn: ipGroup,
      Targets: [{ Id: '10.0.1.5' }, { Id: '192.168.0.9', AvailabilityZone: 'all' }],
    }),
  );
  const ipHealth = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: ipGroup }));
  expect(ipHealth.TargetHealthDescriptions?.map((d) => d.Target)).toEqual([
    { Id: '10.0.1.5', Port: 8080, AvailabilityZone: 'eu-west-1a' },
    { Id: '192.168.0.9', Port: 8080, AvailabilityZone: 'all' },
  ]);

  const instanceGroup = await targetGroup('instances', 'instance');
  await client.send(new RegisterTargetsCommand({ TargetGroupArn: instanceGroup, Targets: [{ Id: 'i-0123456789' }] }));
  const instanceHealth = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: instanceGroup }));
  expect(instanceHealth.TargetHealthDescriptions?.[0]?.Target).toEqual({ Id: 'i-0123456789', Port: 8080 });
});
