/**
 * Everything the ELBv2 emulator knows, in one place, with the lookups the operations share. Lookups throw the
 * documented ELBv2 errors so every operation reports a missing load balancer, listener or target group the same way.
 */
import { forwardedTargetGroups, type Action } from './actions';
import type { ArnScope } from './arns';
import { listenerNotFound, loadBalancerNotFound, targetGroupNotFound } from './errors';
import type { WireTag } from './input';
import type { ListenerRecord, LoadBalancerRecord, RuleRecord, TargetGroupRecord } from './model';

export class Elbv2Store {
  readonly loadBalancers = new Map<string, LoadBalancerRecord>();
  /** AvailabilityZone given at RegisterTargets, by `targetGroupArn|id:port`. */
  readonly targetZones = new Map<string, string>();
  readonly listeners = new Map<string, ListenerRecord>();
  /** Non-default rules; a listener's default rule lives on the listener (defaultRuleArn, defaultActions). */
  readonly rules = new Map<string, RuleRecord>();
  readonly targetGroups = new Map<string, TargetGroupRecord>();
  /** Tags by resource ARN (load balancers, listeners, rules, target groups). */
  readonly tags = new Map<string, Map<string, string>>();

  constructor(readonly scope: ArnScope) {}

  loadBalancer(arn: string): LoadBalancerRecord {
    const lb = this.loadBalancers.get(arn);
    if (!lb) throw loadBalancerNotFound(arn);
    return lb;
  }

  listener(arn: string): ListenerRecord {
    const listener = this.listeners.get(arn);
    if (!listener) throw listenerNotFound(arn);
    return listener;
  }

  targetGroup(arn: string): TargetGroupRecord {
    const tg = this.targetGroups.get(arn);
    if (!tg) throw targetGroupNotFound(arn);
    return tg;
  }

  /** A listener's rules (the default rule not included), by ascending priority. */
  rulesOf(listenerArn: string): RuleRecord[] {
    return [...this.rules.values()]
      .filter((r) => r.listenerArn === listenerArn)
      .sort((a, b) => a.priority - b.priority);
  }

  /** Listeners whose default actions or rules forward to the target group. */
  listenersUsing(targetGroupArn: string): ListenerRecord[] {
    return [...this.listeners.values()].filter(
      (l) =>
        forwardedTargetGroups(l.defaultActions).includes(targetGroupArn) ||
        this.rulesOf(l.arn).some((r) => forwardedTargetGroups(r.actions).includes(targetGroupArn)),
    );
  }

  /** Every target group the actions forward to must exist (TargetGroupNotFound otherwise). */
  checkTargetGroupsExist(actions: readonly Action[]): void {
    for (const arn of forwardedTargetGroups(actions)) this.targetGroup(arn);
  }

  /** Adds or overwrites the given tags of a resource; a tag without a value gets ''. */
  setTags(arn: string, tags: readonly WireTag[]): void {
    const current = this.tags.get(arn) ?? new Map<string, string>();
    for (const tag of tags) if (tag.Key !== undefined) current.set(tag.Key, tag.Value ?? '');
    this.tags.set(arn, current);
  }
}
