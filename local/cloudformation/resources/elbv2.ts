/**
 * AWS::ElasticLoadBalancingV2::LoadBalancer, ::Listener and ::ListenerRule through local ELBv2's API. A listener rule
 * update sends the template's Actions and Conditions (ModifyRule) whenever any of its properties changed, so it
 * resets the rule to the template whatever the live rule is; ListenerArn requires replacement.
 */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  DeleteRuleCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type Action,
  type RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { generatedSuffix, type ResourceHandler, str } from './handler';

export const loadBalancerHandler: ResourceHandler = {
  replacementProperties: new Set(['Name', 'Scheme', 'Type', 'SubnetMappings']),
  customName: (p) => str(p.Name),
  async create(ctx, props) {
    const generated = ctx.logicalId.slice(0, ctx.replacing ? 18 : 32).replace(/-+$/, '');
    const { LoadBalancers } = await ctx.clients.elbv2.send(
      new CreateLoadBalancerCommand({
        Name: str(props.Name) ?? (ctx.replacing ? `${generated}-${generatedSuffix()}` : generated),
        Type: 'application',
        Scheme: 'internet-facing',
      }),
    );
    const lb = LoadBalancers?.[0];
    return {
      physical: {
        ref: lb?.LoadBalancerArn ?? '',
        attributes: {
          DNSName: `${ctx.logicalId}.local`,
          // As AWS gives it (the ARN's resource part after `loadbalancer/`): `app/NAME/ID`, the form CloudWatch's
          // LoadBalancer dimension takes.
          LoadBalancerFullName: (lb?.LoadBalancerArn ?? '').split(':loadbalancer/')[1] ?? '',
          LoadBalancerName: lb?.LoadBalancerName ?? '',
        },
      },
    };
  },
  // SecurityGroups, Subnets, LoadBalancerAttributes, IpAddressType, Tags: no interruption. Local ELBv2 does not
  // model them (they are not sent on create either), so an update records them.
  update: (_ctx, current) => Promise.resolve({ physical: current.physical }),
  delete: () =>
    Promise.resolve({ skipped: 'Local ELBv2 has no DeleteLoadBalancer: the load balancer stays in local ELBv2.' }),
};

export const listenerHandler: ResourceHandler = {
  replacementProperties: new Set(['LoadBalancerArn']),
  async create(ctx, props) {
    const { Listeners } = await ctx.clients.elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: str(props.LoadBalancerArn),
        Port: Number(props.Port),
        Protocol: (str(props.Protocol) ?? 'HTTP') as 'HTTP',
        DefaultActions: props.DefaultActions as Action[],
      }),
    );
    const arn = Listeners?.[0]?.ListenerArn ?? '';
    return { physical: { ref: arn, attributes: { ListenerArn: arn } } };
  },
  async update(ctx, current, props, changed) {
    await ctx.clients.elbv2.send(
      new ModifyListenerCommand({
        ListenerArn: current.physical.ref,
        ...(changed.includes('Port') && { Port: Number(props.Port) }),
        ...(changed.includes('Protocol') && { Protocol: str(props.Protocol) as 'HTTP' }),
        DefaultActions: props.DefaultActions as Action[],
      }),
    );
    return { physical: current.physical };
  },
  delete: () => Promise.resolve({ skipped: 'Local ELBv2 has no DeleteListener: the listener stays in local ELBv2.' }),
};

export const listenerRuleHandler: ResourceHandler = {
  replacementProperties: new Set(['ListenerArn']),
  async create(ctx, props) {
    const { Rules } = await ctx.clients.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: str(props.ListenerArn),
        Priority: Number(props.Priority),
        Conditions: props.Conditions as RuleCondition[],
        Actions: props.Actions as Action[],
      }),
    );
    const arn = Rules?.[0]?.RuleArn ?? '';
    return { physical: { ref: arn, attributes: { RuleArn: arn } } };
  },
  async update(ctx, current, props, changed) {
    if (changed.includes('Priority')) {
      // SetRulePriorities: local ELBv2 does not have it, so the update fails rather than leave the old priority.
      throw new Error('Local ELBv2 has no SetRulePriorities: a Priority change cannot be applied locally.');
    }
    // CloudFormation sends the template's actions and conditions, whatever the live rule's are.
    await ctx.clients.elbv2.send(
      new ModifyRuleCommand({
        RuleArn: current.physical.ref,
        Conditions: props.Conditions as RuleCondition[],
        Actions: props.Actions as Action[],
      }),
    );
    return { physical: current.physical };
  },
  async delete(ctx, current) {
    try {
      await ctx.clients.elbv2.send(new DeleteRuleCommand({ RuleArn: current.physical.ref }));
    } catch (error) {
      // A rule that is already gone is deleted, as far as CloudFormation is concerned.
      if (!(error instanceof Error && (error.name === 'RuleNotFoundException' || error.name === 'RuleNotFound')))
        throw error;
    }
  },
};
