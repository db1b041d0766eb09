/**
 * Health checks follow use, as on AWS: a target group's data-plane checker runs only while a listener's default
 * actions or one of its rules forward to the group. Every operation that changes what forwards where calls
 * syncHealthChecks afterwards.
 */
import type { TargetRef } from '../aws/cross-service';
import type { TargetHealthStatus } from '../dataplane/types';
import { toHealthCheckConfig } from './health-check-defaults';
import type { TargetGroupRecord } from './model';
import type { OperationContext } from './operation-context';

const NOT_IN_USE: TargetHealthStatus = {
  state: 'unused',
  reason: 'Target.NotInUse',
  description: 'Target group is not configured to receive traffic from the load balancer',
};

/** Starts health checks for groups that became used and stops them for groups no longer used. */
export async function syncHealthChecks(ctx: OperationContext): Promise<void> {
  const closing: Array<void | Promise<void>> = [];
  for (const tg of ctx.store.targetGroups.values()) {
    const inUse = ctx.store.listenersUsing(tg.arn).length > 0;
    if (inUse && !tg.checker) startChecker(ctx, tg);
    if (!inUse && tg.checker) {
      closing.push(tg.checker.close());
      tg.checker = undefined;
    }
  }
  await Promise.all(closing);
}

/** A data-plane checker with the group's current settings, checking every registered target. */
export function startChecker({ options }: OperationContext, tg: TargetGroupRecord): void {
  const { network, clock } = options;
  tg.checker = options.dataPlane.createTargetGroupHealth({
    config: toHealthCheckConfig(tg.health),
    clock,
    resolve: (id, port) => network.resolve(id, port),
  });
  for (const target of tg.registered.values()) tg.checker.register(target.id, target.port);
}

/** Each target's health: the checker's view while the group is in use, else every registered target unused. */
export function healthDescriptions(tg: TargetGroupRecord): Array<{ target: TargetRef; health: TargetHealthStatus }> {
  if (tg.checker) return tg.checker.describe().map((d) => ({ target: { id: d.id, port: d.port }, health: d.health }));
  return [...tg.registered.values()].map((target) => ({ target, health: NOT_IN_USE }));
}
