/**
 * How an ALB forward action picks a target: a target group at random in proportion to its weight, then round robin
 * over the group's healthy targets. A group whose targets are all unhealthy fails open to all of them (ALB docs:
 * "If a target group contains only unhealthy registered targets, the load balancer routes requests to all those
 * targets"). A chosen group with no targets, or all weights 0, gives no target (the listener answers 503).
 */
import type { RouteDecision, RouteTarget } from '../types';

type ForwardGroups = Extract<RouteDecision, { kind: 'forward' }>['groups'];

/** Round-robin cursors are kept per set of candidates; sets change with deployments, so the map is bounded. */
const MAX_CURSORS = 1024;

export class TargetPicker {
  private readonly cursors = new Map<string, number>();

  /** `random` returns [0, 1) like Math.random; tests pass a fixed sequence. */
  constructor(private readonly random: () => number = Math.random) {}

  pick(groups: ForwardGroups): RouteTarget | undefined {
    return this.pickWithGroup(groups)?.target;
  }

  /** The target and the group it was chosen from (for metrics per target group). */
  pickWithGroup(groups: ForwardGroups): { target: RouteTarget; groupId?: string } | undefined {
    const group = this.pickGroup(groups);
    if (group === undefined || group.targets.length === 0) return undefined;
    const healthy = group.targets.filter((target) => target.healthy);
    const candidates = healthy.length > 0 ? healthy : group.targets;
    const key = candidates.map((target) => `${target.host}:${target.port}`).join(',');
    const cursor = this.cursors.get(key) ?? 0;
    if (this.cursors.size >= MAX_CURSORS && !this.cursors.has(key)) this.cursors.clear();
    this.cursors.set(key, (cursor + 1) % candidates.length);
    const target = candidates[cursor % candidates.length];
    return target && { target, ...(group.id !== undefined && { groupId: group.id }) };
  }

  private pickGroup(groups: ForwardGroups): ForwardGroups[number] | undefined {
    const weighted = groups.filter((group) => group.weight > 0);
    const total = weighted.reduce((sum, group) => sum + group.weight, 0);
    if (weighted.length <= 1) return weighted[0];
    let point = this.random() * total;
    for (const group of weighted) {
      point -= group.weight;
      if (point < 0) return group;
    }
    return weighted[weighted.length - 1];
  }
}
