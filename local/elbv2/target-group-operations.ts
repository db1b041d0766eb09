/**
 * CreateTargetGroup, DescribeTargetGroups, ModifyTargetGroup, DeleteTargetGroup and the target group attributes
 * (ModifyTargetGroupAttributes, DescribeTargetGroupAttributes). Only HTTP target groups exist here.
 */
import { AwsError } from '../aws/service';
import { targetGroupArn } from './arns';
import { unsupportedProtocol, validation } from './errors';
import { HTTP_HEALTH_CHECK_DEFAULTS, type TargetGroupHealthSettings } from './health-check-defaults';
import { startChecker } from './health-checks';
import { list, num, str, strings, type Input, type WireTag } from './input';
import type { TargetGroupRecord } from './model';
import type { OperationHandler } from './operation-context';
import { applyTargetGroupAttributes, defaultTargetGroupAttributes } from './target-group-attributes';
import { targetGroupNameProblem } from './target-group-name';
import { attributesToWire, targetGroupToWire } from './wire';

/** The health check members of CreateTargetGroup/ModifyTargetGroup over `base`, range-checked as ELBv2 does. */
function healthSettings(input: Input, base: TargetGroupHealthSettings): TargetGroupHealthSettings {
  const matcher = input['Matcher'] as { HttpCode?: string } | undefined;
  const settings: TargetGroupHealthSettings = {
    HealthCheckProtocol: str(input['HealthCheckProtocol']) ?? base.HealthCheckProtocol,
    HealthCheckPort: str(input['HealthCheckPort']) ?? base.HealthCheckPort,
    HealthCheckEnabled: (input['HealthCheckEnabled'] as boolean | undefined) ?? base.HealthCheckEnabled,
    HealthCheckPath: str(input['HealthCheckPath']) ?? base.HealthCheckPath,
    HealthCheckIntervalSeconds: num(input['HealthCheckIntervalSeconds']) ?? base.HealthCheckIntervalSeconds,
    HealthCheckTimeoutSeconds: num(input['HealthCheckTimeoutSeconds']) ?? base.HealthCheckTimeoutSeconds,
    HealthyThresholdCount: num(input['HealthyThresholdCount']) ?? base.HealthyThresholdCount,
    UnhealthyThresholdCount: num(input['UnhealthyThresholdCount']) ?? base.UnhealthyThresholdCount,
    Matcher: { HttpCode: matcher?.HttpCode ?? base.Matcher.HttpCode },
  };
  const range = (value: number, min: number, max: number, what: string): void => {
    if (value < min || value > max) throw validation(`${what} '${value}' must be between ${min} and ${max}`);
  };
  range(settings.HealthCheckIntervalSeconds, 5, 300, 'Health check interval');
  range(settings.HealthCheckTimeoutSeconds, 2, 120, 'Health check timeout');
  range(settings.HealthyThresholdCount, 2, 10, 'Healthy threshold count');
  range(settings.UnhealthyThresholdCount, 2, 10, 'Unhealthy threshold count');
  if (settings.HealthCheckTimeoutSeconds >= settings.HealthCheckIntervalSeconds) {
    throw validation('Health check interval must be greater than the timeout.');
  }
  if (!settings.HealthCheckPath.startsWith('/')) throw validation('Health check path must begin with a /');
  // HealthCheckPort: `traffic-port` (each target's own port) or a port number (API reference, CreateTargetGroup).
  const healthPort = settings.HealthCheckPort;
  if (healthPort !== 'traffic-port') {
    const value = /^\d+$/.test(healthPort) ? Number(healthPort) : NaN;
    if (!(value >= 1 && value <= 65535)) {
      throw validation(`Health check port ${healthPort} must be within 1-65535 or traffic-port`);
    }
  }
  return settings;
}

export const createTargetGroup: OperationHandler = ({ store }, input) => {
  const name = str(input['Name']) ?? '';
  const problem = targetGroupNameProblem(name);
  if (problem) throw validation(problem);
  const protocol = str(input['Protocol']) ?? 'HTTP';
  if (protocol !== 'HTTP') throw unsupportedProtocol(protocol);
  const port = num(input['Port']);
  if (port === undefined) throw validation('A port must be specified');
  const candidate = {
    protocol,
    port,
    vpcId: str(input['VpcId']) ?? '',
    targetType: str(input['TargetType']) ?? 'instance',
    protocolVersion: str(input['ProtocolVersion']) ?? 'HTTP1',
    ipAddressType: str(input['IpAddressType']) ?? 'ipv4',
    health: healthSettings(input, { ...HTTP_HEALTH_CHECK_DEFAULTS, HealthCheckProtocol: protocol }),
  };
  const existing = [...store.targetGroups.values()].find((tg) => tg.name === name);
  if (existing) {
    // CreateTargetGroup is idempotent: the same settings return the existing group.
    const same =
      JSON.stringify([
        existing.protocol,
        existing.port,
        existing.vpcId,
        existing.targetType,
        existing.protocolVersion,
        existing.ipAddressType,
        existing.health,
      ]) ===
      JSON.stringify([
        candidate.protocol,
        candidate.port,
        candidate.vpcId,
        candidate.targetType,
        candidate.protocolVersion,
        candidate.ipAddressType,
        candidate.health,
      ]);
    if (!same) {
      throw new AwsError(
        'DuplicateTargetGroupName',
        'A target group with the same name exists, but with different settings',
      );
    }
    return { TargetGroups: [targetGroupToWire(store, existing)] };
  }
  const tg: TargetGroupRecord = {
    arn: targetGroupArn(store.scope, name),
    name,
    ...candidate,
    attributes: defaultTargetGroupAttributes(),
    registered: new Map(),
  };
  store.targetGroups.set(tg.arn, tg);
  store.setTags(tg.arn, list<WireTag>(input['Tags']));
  return { TargetGroups: [targetGroupToWire(store, tg)] };
};

export const describeTargetGroups: OperationHandler = ({ store }, input) => {
  const lbArn = str(input['LoadBalancerArn']);
  const wantedArns = strings(input['TargetGroupArns']);
  const wantedNames = strings(input['Names']);
  if (lbArn !== undefined) store.loadBalancer(lbArn);
  const all = [...store.targetGroups.values()];
  const missing = [
    ...wantedArns.filter((arn) => !store.targetGroups.has(arn)),
    ...wantedNames.filter((n) => !all.some((tg) => tg.name === n)),
  ];
  if (missing.length > 0) {
    throw new AwsError('TargetGroupNotFound', `One or more target groups not found: ${missing.join(', ')}`);
  }
  const selected = all.filter(
    (tg) =>
      (wantedArns.length === 0 || wantedArns.includes(tg.arn)) &&
      (wantedNames.length === 0 || wantedNames.includes(tg.name)) &&
      (lbArn === undefined || store.listenersUsing(tg.arn).some((l) => l.loadBalancerArn === lbArn)),
  );
  // Pages as ELBv2 does: at most PageSize (1-400, default 400) per call, an opaque NextMarker while more remain.
  const pageSize = typeof input['PageSize'] === 'number' ? input['PageSize'] : 400;
  const marker = str(input['Marker']);
  const decoded = marker === undefined ? 'tg:0' : Buffer.from(marker, 'base64url').toString('utf8');
  const start = /^tg:\d+$/.test(decoded) ? Number(decoded.slice(3)) : NaN;
  if (!Number.isInteger(start) || start > selected.length) {
    throw validation(`Invalid marker '${marker}': pass the NextMarker of the previous call.`);
  }
  const page = selected.slice(start, start + pageSize);
  const next = start + page.length;
  return {
    TargetGroups: page.map((tg) => targetGroupToWire(store, tg)),
    ...(next < selected.length && { NextMarker: Buffer.from(`tg:${next}`, 'utf8').toString('base64url') }),
  };
};

export const modifyTargetGroup: OperationHandler = async (ctx, input) => {
  const { store } = ctx;
  const tg = store.targetGroup(str(input['TargetGroupArn']) ?? '');
  tg.health = healthSettings(input, tg.health);
  // The data plane's checker takes its settings at creation: restart it with the new ones.
  if (tg.checker) {
    await tg.checker.close();
    startChecker(ctx, tg);
  }
  return { TargetGroups: [targetGroupToWire(store, tg)] };
};

export const deleteTargetGroup: OperationHandler = async ({ store }, input) => {
  const arn = str(input['TargetGroupArn']) ?? '';
  const tg = store.targetGroups.get(arn);
  // DeleteTargetGroup documents only ResourceInUse: deleting an unknown group succeeds (idempotent).
  if (!tg) return {};
  if (store.listenersUsing(arn).length > 0) {
    throw new AwsError('ResourceInUse', `Target group '${arn}' is currently in use by a listener or a rule`);
  }
  await tg.checker?.close();
  store.targetGroups.delete(arn);
  store.tags.delete(arn);
  return {};
};

export const modifyTargetGroupAttributes: OperationHandler = ({ store }, input) => {
  const tg = store.targetGroup(str(input['TargetGroupArn']) ?? '');
  applyTargetGroupAttributes(tg.attributes, list<{ Key?: string; Value?: string }>(input['Attributes']));
  return attributesToWire(tg);
};

export const describeTargetGroupAttributes: OperationHandler = ({ store }, input) =>
  attributesToWire(store.targetGroup(str(input['TargetGroupArn']) ?? ''));
