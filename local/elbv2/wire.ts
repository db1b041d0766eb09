/**
 * Records → ELBv2 wire shapes (PascalCase members, as the query protocol serialises them to XML), the way
 * DescribeLoadBalancers, DescribeListeners, DescribeRules, DescribeTargetGroups and the attribute calls return them.
 */
import { describeAction } from './actions';
import { describeCondition } from './conditions';
import type { Output } from './input';
import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord } from './model';
import type { Elbv2Store } from './store';

export function loadBalancerToWire(region: string, lb: LoadBalancerRecord): Output {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
    CreatedTime: lb.createdTime,
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: 'active' },
    Type: lb.type,
    AvailabilityZones: lb.subnets.map((subnet, i) => ({
      ZoneName: `${region}${'abcdef'[i % 6] ?? 'a'}`,
      SubnetId: subnet,
    })),
    SecurityGroups: [...lb.securityGroups],
    IpAddressType: lb.ipAddressType,
  };
}

export function listenerToWire(l: ListenerRecord): Output {
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
    DefaultActions: l.defaultActions.map(describeAction),
  };
}

export function ruleToWire(rule: RuleRecord): Output {
  return {
    RuleArn: rule.arn,
    Priority: String(rule.priority),
    Conditions: rule.conditions.map(describeCondition),
    Actions: rule.actions.map(describeAction),
    IsDefault: false,
  };
}

/** A listener's default rule: priority `default`, no conditions, the listener's default actions. */
export function defaultRuleToWire(l: ListenerRecord): Output {
  return {
    RuleArn: l.defaultRuleArn,
    Priority: 'default',
    Conditions: [],
    Actions: l.defaultActions.map(describeAction),
    IsDefault: true,
  };
}

/** LoadBalancerArns: the load balancers with a listener whose default actions or rules forward to the group. */
export function targetGroupToWire(store: Elbv2Store, tg: TargetGroupRecord): Output {
  const lbArns = [...new Set(store.listenersUsing(tg.arn).map((l) => l.loadBalancerArn))];
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    ...tg.health,
    LoadBalancerArns: lbArns,
    TargetType: tg.targetType,
    ProtocolVersion: tg.protocolVersion,
    IpAddressType: tg.ipAddressType,
  };
}

export function attributesToWire(tg: TargetGroupRecord): Output {
  return { Attributes: [...tg.attributes].map(([Key, Value]) => ({ Key, Value })) };
}
