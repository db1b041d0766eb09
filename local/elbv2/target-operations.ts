/**
 * RegisterTargets, DeregisterTargets and DescribeTargetHealth, and the TargetGroupRegistry the ECS emulator registers
 * its tasks through (the same register/deregister as the API calls).
 */
import type { TargetGroupRegistry, TargetRef } from '../aws/cross-service';
import { AwsError } from '../aws/service';
import type { TargetHealthStatus } from '../dataplane/types';
import { validation } from './errors';
import { healthDescriptions } from './health-checks';
import { list, str, type WireTarget } from './input';
import { targetKey, type TargetGroupRecord } from './model';
import type { OperationHandler } from './operation-context';
import { DEREGISTRATION_DELAY } from './target-group-attributes';
import type { Elbv2Store } from './store';

const NOT_REGISTERED: TargetHealthStatus = {
  state: 'unused',
  reason: 'Target.NotRegistered',
  description: 'Target is not registered to the target group',
};

/** The wire targets with the group's port for those without one. */
function targetsOf(tg: TargetGroupRecord, wire: readonly WireTarget[]): TargetRef[] {
  return wire.map((t) => {
    if (!t.Id) throw validation('A target ID must be specified');
    const port = t.Port ?? tg.port;
    if (port < 1 || port > 65535) throw validation(`Port '${port}' must be between 1 and 65535`);
    return { id: t.Id, port };
  });
}

/** Registers targets not yet registered; a group in use starts health-checking them. */
function register(store: Elbv2Store, targetGroupArn: string, targets: readonly TargetRef[]): void {
  const tg = store.targetGroup(targetGroupArn);
  for (const target of targets) {
    if (tg.registered.has(targetKey(target))) continue;
    tg.registered.set(targetKey(target), { id: target.id, port: target.port });
    tg.checker?.register(target.id, target.port);
  }
}

/** A group in use drains the targets for its deregistration delay (default 300 s). */
function deregister(store: Elbv2Store, targetGroupArn: string, targets: readonly TargetRef[]): void {
  const tg = store.targetGroup(targetGroupArn);
  const delay = Number(tg.attributes.get(DEREGISTRATION_DELAY) ?? '300');
  for (const target of targets) {
    if (!tg.registered.delete(targetKey(target))) continue;
    // Unused groups have no connections to drain: the target goes at once.
    tg.checker?.deregister(target.id, target.port, delay);
  }
}

export const registerTargets: OperationHandler = ({ store }, input) => {
  const tg = store.targetGroup(str(input['TargetGroupArn']) ?? '');
  const wire = list<WireTarget>(input['Targets']);
  const targets = targetsOf(tg, wire);
  targets.forEach((target, i) => {
    const zone = wire[i]?.AvailabilityZone;
    if (zone !== undefined) store.targetZones.set(`${tg.arn}|${targetKey(target)}`, zone);
  });
  register(store, tg.arn, targets);
  return {};
};

export const deregisterTargets: OperationHandler = ({ store }, input) => {
  const tg = store.targetGroup(str(input['TargetGroupArn']) ?? '');
  const targets = targetsOf(tg, list<WireTarget>(input['Targets']));
  const unknown = targets.filter((t) => !tg.registered.has(targetKey(t)));
  if (unknown.length > 0) {
    throw new AwsError(
      'InvalidTarget',
      `The following targets are not registered in target group '${tg.arn}': ${unknown.map(targetKey).join(', ')}`,
    );
  }
  deregister(store, tg.arn, targets);
  return {};
};

/**
 * Target.AvailabilityZone in DescribeTargetHealth, for ip targets: the one RegisterTargets gave, else the zone of
 * the VPC subnet holding the IP, which ELBv2 detects. Local AWS has no subnet map: every such IP is in the region's
 * first zone (`<region>a`, the zone of a load balancer's first subnet here).
 */
function zoneOf(store: Elbv2Store, tg: TargetGroupRecord, target: TargetRef): string | undefined {
  if (tg.targetType !== 'ip') return undefined;
  return store.targetZones.get(`${tg.arn}|${targetKey(target)}`) ?? `${store.scope.region}a`;
}

export const describeTargetHealth: OperationHandler = ({ store }, input) => {
  const tg = store.targetGroup(str(input['TargetGroupArn']) ?? '');
  const known = healthDescriptions(tg);
  const wanted = input['Targets'] === undefined ? undefined : targetsOf(tg, list<WireTarget>(input['Targets']));
  const rows = wanted
    ? wanted.map(
        (target) => known.find((k) => targetKey(k.target) === targetKey(target)) ?? { target, health: NOT_REGISTERED },
      )
    : known;
  return {
    TargetHealthDescriptions: rows.map(({ target, health }) => ({
      Target: {
        Id: target.id,
        Port: target.port,
        ...(zoneOf(store, tg, target) !== undefined && { AvailabilityZone: zoneOf(store, tg, target) }),
      },
      HealthCheckPort: tg.health.HealthCheckPort === 'traffic-port' ? String(target.port) : tg.health.HealthCheckPort,
      TargetHealth: { State: health.state, Reason: health.reason, Description: health.description },
    })),
  };
};

/** The ECS emulator's view of the target groups (local/aws/cross-service). */
export function targetGroupRegistry(store: Elbv2Store): TargetGroupRegistry {
  return {
    exists: (targetGroupArn) => store.targetGroups.has(targetGroupArn),
    register: (targetGroupArn, targets) => register(store, targetGroupArn, targets),
    deregister: (targetGroupArn, targets) => deregister(store, targetGroupArn, targets),
    health: (targetGroupArn, target) => {
      const tg = store.targetGroups.get(targetGroupArn);
      if (!tg) return undefined;
      return healthDescriptions(tg).find((d) => targetKey(d.target) === targetKey(target))?.health;
    },
  };
}
