/**
 * The ELBv2 control plane: load balancers, listeners, rules, target groups, targets and tags, with the semantics and
 * error codes of the ELBv2 API reference. Listeners are real HTTP ports (through the data plane) and target health
 * comes from real health checks, which run only while a listener or rule forwards to the group.
 * Inputs use the query protocol's PascalCase member names, already typed by validation.
 */
import type { TargetGroupRegistry, TargetRef } from '../aws/cross-service';
import type { Clock } from '../aws/clock';
import type { LocalNetwork } from '../aws/network';
import { AwsError } from '../aws/service';
import { PortInUseError, type TargetHealthStatus } from '../dataplane/types';
import { describeAction, forwardedTargetGroups, parseActions, type WireAction } from './actions';
import * as arns from './arns';
import { describeCondition, parseConditions, type WireCondition } from './conditions';
import type { Elbv2DataPlane } from './data-plane';
import {
  HTTP_HEALTH_CHECK_DEFAULTS,
  toHealthCheckConfig,
  type TargetGroupHealthSettings,
} from './health-check-defaults';
import {
  targetKey,
  type ListenerRecord,
  type LoadBalancerRecord,
  type RuleRecord,
  type TargetGroupRecord,
} from './records';
import { routeRequest } from './routing';
import {
  applyTargetGroupAttributes,
  DEREGISTRATION_DELAY,
  defaultTargetGroupAttributes,
} from './target-group-attributes';
import { targetGroupNameProblem } from './target-group-name';

export interface Elbv2ModelOptions {
  readonly clock: Clock;
  readonly network: LocalNetwork;
  readonly region: string;
  readonly accountId: string;
  /** Where an ALB listener port (80, 8080, …) really listens on this machine. */
  readonly listenerPort: (albPort: number) => number;
  /** The command-line option that changes a listener's local port, named in port-in-use errors. */
  readonly listenerPortOption?: (albPort: number) => string;
  readonly dataPlane: Elbv2DataPlane;
}

type Input = Record<string, unknown>;
type WireTag = { Key?: string; Value?: string };
type WireTarget = { Id?: string; Port?: number; AvailabilityZone?: string };

const NOT_IN_USE: TargetHealthStatus = {
  state: 'unused',
  reason: 'Target.NotInUse',
  description: 'Target group is not configured to receive traffic from the load balancer',
};
const NOT_REGISTERED: TargetHealthStatus = {
  state: 'unused',
  reason: 'Target.NotRegistered',
  description: 'Target is not registered to the target group',
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const validation = (message: string): AwsError => new AwsError('ValidationError', message);

export class Elbv2Model implements TargetGroupRegistry {
  private readonly loadBalancers = new Map<string, LoadBalancerRecord>();
  /** AvailabilityZone given at RegisterTargets, by `targetGroupArn|id:port`. */
  private readonly targetZones = new Map<string, string>();
  private readonly listeners = new Map<string, ListenerRecord>();
  private readonly rules = new Map<string, RuleRecord>();
  private readonly targetGroups = new Map<string, TargetGroupRecord>();
  private readonly tags = new Map<string, Map<string, string>>();
  private readonly scope: arns.ArnScope;

  constructor(private readonly options: Elbv2ModelOptions) {
    this.scope = { region: options.region, accountId: options.accountId };
  }

  // ---- lookups -------------------------------------------------------------------------------------------------

  private loadBalancer(arn: string): LoadBalancerRecord {
    const lb = this.loadBalancers.get(arn);
    if (!lb) throw new AwsError('LoadBalancerNotFound', `Load balancer '${arn}' not found`);
    return lb;
  }

  private listener(arn: string): ListenerRecord {
    const listener = this.listeners.get(arn);
    if (!listener) throw new AwsError('ListenerNotFound', `Listener '${arn}' not found`);
    return listener;
  }

  private targetGroup(arn: string): TargetGroupRecord {
    const tg = this.targetGroups.get(arn);
    if (!tg) throw new AwsError('TargetGroupNotFound', `Target groups '${arn}' not found`);
    return tg;
  }

  private rulesOf(listenerArn: string): RuleRecord[] {
    return [...this.rules.values()]
      .filter((r) => r.listenerArn === listenerArn)
      .sort((a, b) => a.priority - b.priority);
  }

  /** Listeners whose default actions or rules forward to the target group. */
  private listenersUsing(targetGroupArn: string): ListenerRecord[] {
    return [...this.listeners.values()].filter(
      (l) =>
        forwardedTargetGroups(l.defaultActions).includes(targetGroupArn) ||
        this.rulesOf(l.arn).some((r) => forwardedTargetGroups(r.actions).includes(targetGroupArn)),
    );
  }

  private checkTargetGroupsExist(actions: ReturnType<typeof parseActions>): void {
    for (const arn of forwardedTargetGroups(actions)) this.targetGroup(arn);
  }

  // ---- health checks follow use ---------------------------------------------------------------------------------

  /** Starts health checks for groups that became used and stops them for groups no longer used. */
  private async syncHealthChecks(): Promise<void> {
    const closing: Array<void | Promise<void>> = [];
    for (const tg of this.targetGroups.values()) {
      const inUse = this.listenersUsing(tg.arn).length > 0;
      if (inUse && !tg.checker) this.startChecker(tg);
      if (!inUse && tg.checker) {
        closing.push(tg.checker.close());
        tg.checker = undefined;
      }
    }
    await Promise.all(closing);
  }

  private startChecker(tg: TargetGroupRecord): void {
    const { network, clock } = this.options;
    tg.checker = this.options.dataPlane.createTargetGroupHealth({
      config: toHealthCheckConfig(tg.health),
      clock,
      resolve: (id, port) => network.resolve(id, port),
    });
    for (const target of tg.registered.values()) tg.checker.register(target.id, target.port);
  }

  // ---- describe shapes ------------------------------------------------------------------------------------------

  private describeLoadBalancer(lb: LoadBalancerRecord): Input {
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
        ZoneName: `${this.options.region}${'abcdef'[i % 6] ?? 'a'}`,
        SubnetId: subnet,
      })),
      SecurityGroups: [...lb.securityGroups],
      IpAddressType: lb.ipAddressType,
    };
  }

  private describeListener(l: ListenerRecord): Input {
    return {
      ListenerArn: l.arn,
      LoadBalancerArn: l.loadBalancerArn,
      Port: l.port,
      Protocol: l.protocol,
      DefaultActions: l.defaultActions.map(describeAction),
    };
  }

  private describeRule(rule: RuleRecord): Input {
    return {
      RuleArn: rule.arn,
      Priority: String(rule.priority),
      Conditions: rule.conditions.map(describeCondition),
      Actions: rule.actions.map(describeAction),
      IsDefault: false,
    };
  }

  private describeDefaultRule(l: ListenerRecord): Input {
    return {
      RuleArn: l.defaultRuleArn,
      Priority: 'default',
      Conditions: [],
      Actions: l.defaultActions.map(describeAction),
      IsDefault: true,
    };
  }

  private describeTargetGroup(tg: TargetGroupRecord): Input {
    const lbArns = [...new Set(this.listenersUsing(tg.arn).map((l) => l.loadBalancerArn))];
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

  private describeAttributes(tg: TargetGroupRecord): Input {
    return { Attributes: [...tg.attributes].map(([Key, Value]) => ({ Key, Value })) };
  }

  private setTags(arn: string, tags: readonly WireTag[]): void {
    const current = this.tags.get(arn) ?? new Map<string, string>();
    for (const tag of tags) if (tag.Key !== undefined) current.set(tag.Key, tag.Value ?? '');
    this.tags.set(arn, current);
  }

  // ---- load balancers -------------------------------------------------------------------------------------------

  createLoadBalancer(input: Input): Input {
    const name = str(input['Name']) ?? '';
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(name) || name.startsWith('internal-')) {
      throw validation(`Load balancer name '${name}' is not valid`);
    }
    const type = str(input['Type']) ?? 'application';
    if (type !== 'application') {
      throw new AwsError('ValidationError', `Load balancer type '${type}' is not supported by local ELBv2`);
    }
    const existing = [...this.loadBalancers.values()].find((lb) => lb.name === name);
    if (existing) return { LoadBalancers: [this.describeLoadBalancer(existing)] };
    const arn = arns.loadBalancerArn(this.scope, name);
    const lb: LoadBalancerRecord = {
      arn,
      name,
      type,
      scheme: str(input['Scheme']) ?? 'internet-facing',
      ipAddressType: str(input['IpAddressType']) ?? 'ipv4',
      vpcId: 'vpc-0local0000000000',
      subnets: strings(input['Subnets']),
      securityGroups: strings(input['SecurityGroups']),
      createdTime: new Date(this.options.clock.now()),
      dnsName: `${name}-${parseInt(arn.slice(-8), 16)}.${this.options.region}.elb.amazonaws.com`,
    };
    this.loadBalancers.set(arn, lb);
    this.setTags(arn, list<WireTag>(input['Tags']));
    return { LoadBalancers: [this.describeLoadBalancer(lb)] };
  }

  describeLoadBalancers(input: Input): Input {
    const wantedArns = strings(input['LoadBalancerArns']);
    const wantedNames = strings(input['Names']);
    const all = [...this.loadBalancers.values()];
    const missingNames = wantedNames.filter((n) => !all.some((lb) => lb.name === n));
    if (missingNames.length > 0) {
      throw new AwsError('LoadBalancerNotFound', `Load balancers '[${missingNames.join(', ')}]' not found`);
    }
    wantedArns.forEach((arn) => this.loadBalancer(arn));
    const selected = all.filter(
      (lb) =>
        (wantedArns.length === 0 || wantedArns.includes(lb.arn)) &&
        (wantedNames.length === 0 || wantedNames.includes(lb.name)),
    );
    return { LoadBalancers: selected.map((lb) => this.describeLoadBalancer(lb)) };
  }

  // ---- listeners ------------------------------------------------------------------------------------------------

  private async startListenerServer(listenerArn: string, albPort: number): Promise<ListenerRecord['server']> {
    const localPort = this.options.listenerPort(albPort);
    try {
      return await this.options.dataPlane.startListener({
        port: localPort,
        portOption: this.options.listenerPortOption?.(albPort),
        route: (request) => {
          const listener = this.listeners.get(listenerArn);
          if (!listener) return { kind: 'fixed', statusCode: 503, contentType: 'text/plain', body: 'Listener deleted' };
          return routeRequest(request, {
            rules: this.rulesOf(listenerArn),
            defaultActions: listener.defaultActions,
            routeTargets: (tgArn) => this.targetGroups.get(tgArn)?.checker?.routeTargets() ?? [],
          });
        },
      });
    } catch (error) {
      if (error instanceof PortInUseError) throw new AwsError('InternalFailure', error.message, 500, 'server');
      throw error;
    }
  }

  async createListener(input: Input): Promise<Input> {
    const lb = this.loadBalancer(str(input['LoadBalancerArn']) ?? '');
    const port = num(input['Port']) ?? 80;
    if (port < 1 || port > 65535) throw validation(`Port '${port}' must be between 1 and 65535`);
    const protocol = str(input['Protocol']) ?? 'HTTP';
    if (protocol !== 'HTTP') {
      throw new AwsError('UnsupportedProtocol', `Protocol '${protocol}' is not supported by local ELBv2 (HTTP is)`);
    }
    const defaultActions = parseActions(list<WireAction>(input['DefaultActions']));
    this.checkTargetGroupsExist(defaultActions);
    const sameLb = [...this.listeners.values()].filter((l) => l.loadBalancerArn === lb.arn);
    const duplicate = sameLb.find((l) => l.port === port);
    if (duplicate) {
      // CreateListener is idempotent: the same settings return the existing listener.
      const sameActions =
        JSON.stringify(duplicate.defaultActions.map(describeAction)) ===
        JSON.stringify(defaultActions.map(describeAction));
      if (duplicate.protocol === protocol && sameActions) return { Listeners: [this.describeListener(duplicate)] };
      throw new AwsError('DuplicateListener', `A listener already exists on port ${port} of this load balancer`);
    }
    const arn = arns.listenerArn(this.scope, lb.arn);
    const server = await this.startListenerServer(arn, port);
    const listener: ListenerRecord = {
      arn,
      loadBalancerArn: lb.arn,
      port,
      protocol,
      defaultActions,
      defaultRuleArn: arns.ruleArn(this.scope, arn),
      server,
    };
    this.listeners.set(arn, listener);
    this.setTags(arn, list<WireTag>(input['Tags']));
    await this.syncHealthChecks();
    return { Listeners: [this.describeListener(listener)] };
  }

  describeListeners(input: Input): Input {
    const lbArn = str(input['LoadBalancerArn']);
    const listenerArns = strings(input['ListenerArns']);
    if (lbArn === undefined && listenerArns.length === 0) {
      throw validation('You must specify either listener ARNs or a load balancer ARN');
    }
    if (lbArn !== undefined) this.loadBalancer(lbArn);
    const selected =
      listenerArns.length > 0
        ? listenerArns.map((arn) => this.listener(arn))
        : [...this.listeners.values()].filter((l) => l.loadBalancerArn === lbArn);
    return { Listeners: selected.map((l) => this.describeListener(l)) };
  }

  async modifyListener(input: Input): Promise<Input> {
    const listener = this.listener(str(input['ListenerArn']) ?? '');
    const protocol = str(input['Protocol']);
    if (protocol !== undefined && protocol !== 'HTTP') {
      throw new AwsError('UnsupportedProtocol', `Protocol '${protocol}' is not supported by local ELBv2 (HTTP is)`);
    }
    const defaultActions =
      input['DefaultActions'] === undefined ? undefined : parseActions(list<WireAction>(input['DefaultActions']));
    if (defaultActions) this.checkTargetGroupsExist(defaultActions);
    const port = num(input['Port']);
    if (port !== undefined && port !== listener.port) {
      const clash = [...this.listeners.values()].some(
        (l) => l.loadBalancerArn === listener.loadBalancerArn && l.port === port,
      );
      if (clash) throw new AwsError('DuplicateListener', `A listener already exists on port ${port}`);
      const server = await this.startListenerServer(listener.arn, port);
      const old = listener.server;
      listener.server = server;
      listener.port = port;
      await old.close();
    }
    if (defaultActions) listener.defaultActions = defaultActions;
    await this.syncHealthChecks();
    return { Listeners: [this.describeListener(listener)] };
  }

  // ---- rules ----------------------------------------------------------------------------------------------------

  async createRule(input: Input): Promise<Input> {
    const listener = this.listener(str(input['ListenerArn']) ?? '');
    const priority = num(input['Priority']) ?? 0;
    if (!Number.isInteger(priority) || priority < 1 || priority > 50000) {
      throw validation(`Priority '${priority}' must be between 1 and 50000`);
    }
    if (this.rulesOf(listener.arn).some((r) => r.priority === priority)) {
      throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`);
    }
    const conditions = parseConditions(list<WireCondition>(input['Conditions']));
    if (conditions.length === 0) throw validation('A rule must have at least one condition');
    const actions = parseActions(list<WireAction>(input['Actions']));
    this.checkTargetGroupsExist(actions);
    const rule: RuleRecord = {
      arn: arns.ruleArn(this.scope, listener.arn),
      listenerArn: listener.arn,
      priority,
      conditions,
      actions,
    };
    this.rules.set(rule.arn, rule);
    this.setTags(rule.arn, list<WireTag>(input['Tags']));
    await this.syncHealthChecks();
    return { Rules: [this.describeRule(rule)] };
  }

  describeRules(input: Input): Input {
    const listenerArn = str(input['ListenerArn']);
    const ruleArns = strings(input['RuleArns']);
    if (listenerArn === undefined && ruleArns.length === 0) {
      throw validation('You must specify either listener ARN or rule ARNs');
    }
    if (ruleArns.length > 0) {
      return {
        Rules: ruleArns.map((arn) => {
          const rule = this.rules.get(arn);
          if (rule) return this.describeRule(rule);
          const owner = [...this.listeners.values()].find((l) => l.defaultRuleArn === arn);
          if (owner) return this.describeDefaultRule(owner);
          throw new AwsError('RuleNotFound', `One or more rules not found`);
        }),
      };
    }
    const listener = this.listener(listenerArn ?? '');
    return {
      Rules: [...this.rulesOf(listener.arn).map((r) => this.describeRule(r)), this.describeDefaultRule(listener)],
    };
  }

  async modifyRule(input: Input): Promise<Input> {
    const arn = str(input['RuleArn']) ?? '';
    const conditions =
      input['Conditions'] === undefined ? undefined : parseConditions(list<WireCondition>(input['Conditions']));
    const actions = input['Actions'] === undefined ? undefined : parseActions(list<WireAction>(input['Actions']));
    if (actions) this.checkTargetGroupsExist(actions);
    const defaultOf = [...this.listeners.values()].find((l) => l.defaultRuleArn === arn);
    if (defaultOf) {
      if (conditions && conditions.length > 0) {
        throw new AwsError('OperationNotPermitted', 'Conditions cannot be added to a default rule');
      }
      if (actions) defaultOf.defaultActions = actions;
      await this.syncHealthChecks();
      return { Rules: [this.describeDefaultRule(defaultOf)] };
    }
    const rule = this.rules.get(arn);
    if (!rule) throw new AwsError('RuleNotFound', `One or more rules not found`);
    if (conditions) {
      if (conditions.length === 0) throw validation('A rule must have at least one condition');
      rule.conditions = conditions;
    }
    if (actions) rule.actions = actions;
    await this.syncHealthChecks();
    return { Rules: [this.describeRule(rule)] };
  }

  async deleteRule(input: Input): Promise<Input> {
    const arn = str(input['RuleArn']) ?? '';
    if ([...this.listeners.values()].some((l) => l.defaultRuleArn === arn)) {
      throw new AwsError('OperationNotPermitted', 'Default rule cannot be deleted');
    }
    if (!this.rules.delete(arn)) throw new AwsError('RuleNotFound', `One or more rules not found`);
    this.tags.delete(arn);
    await this.syncHealthChecks();
    return {};
  }

  // ---- target groups --------------------------------------------------------------------------------------------

  private healthSettings(input: Input, base: TargetGroupHealthSettings): TargetGroupHealthSettings {
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

  createTargetGroup(input: Input): Input {
    const name = str(input['Name']) ?? '';
    const problem = targetGroupNameProblem(name);
    if (problem) throw validation(problem);
    const protocol = str(input['Protocol']) ?? 'HTTP';
    if (protocol !== 'HTTP') {
      throw new AwsError('UnsupportedProtocol', `Protocol '${protocol}' is not supported by local ELBv2 (HTTP is)`);
    }
    const port = num(input['Port']);
    if (port === undefined) throw validation('A port must be specified');
    const candidate = {
      protocol,
      port,
      vpcId: str(input['VpcId']) ?? '',
      targetType: str(input['TargetType']) ?? 'instance',
      protocolVersion: str(input['ProtocolVersion']) ?? 'HTTP1',
      ipAddressType: str(input['IpAddressType']) ?? 'ipv4',
      health: this.healthSettings(input, { ...HTTP_HEALTH_CHECK_DEFAULTS, HealthCheckProtocol: protocol }),
    };
    const existing = [...this.targetGroups.values()].find((tg) => tg.name === name);
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
      return { TargetGroups: [this.describeTargetGroup(existing)] };
    }
    const tg: TargetGroupRecord = {
      arn: arns.targetGroupArn(this.scope, name),
      name,
      ...candidate,
      attributes: defaultTargetGroupAttributes(),
      registered: new Map(),
    };
    this.targetGroups.set(tg.arn, tg);
    this.setTags(tg.arn, list<WireTag>(input['Tags']));
    return { TargetGroups: [this.describeTargetGroup(tg)] };
  }

  describeTargetGroups(input: Input): Input {
    const lbArn = str(input['LoadBalancerArn']);
    const wantedArns = strings(input['TargetGroupArns']);
    const wantedNames = strings(input['Names']);
    if (lbArn !== undefined) this.loadBalancer(lbArn);
    const all = [...this.targetGroups.values()];
    const missing = [
      ...wantedArns.filter((arn) => !this.targetGroups.has(arn)),
      ...wantedNames.filter((n) => !all.some((tg) => tg.name === n)),
    ];
    if (missing.length > 0) {
      throw new AwsError('TargetGroupNotFound', `One or more target groups not found: ${missing.join(', ')}`);
    }
    const selected = all.filter(
      (tg) =>
        (wantedArns.length === 0 || wantedArns.includes(tg.arn)) &&
        (wantedNames.length === 0 || wantedNames.includes(tg.name)) &&
        (lbArn === undefined || this.listenersUsing(tg.arn).some((l) => l.loadBalancerArn === lbArn)),
    );
    // Pages as ELBv2 does: at most PageSize (1-400, default 400) per call, an opaque NextMarker while more remain.
    const pageSize = typeof input['PageSize'] === 'number' ? input['PageSize'] : 400;
    const marker = str(input['Marker']);
    const decoded = marker === undefined ? 'tg:0' : Buffer.from(marker, 'base64url').toString('utf8');
    const start = /^tg:\d+$/.test(decoded) ? Number(decoded.slice(3)) : NaN;
    if (!Number.isInteger(start) || start > selected.length) {
      throw new AwsError('ValidationError', `Invalid marker '${marker}': pass the NextMarker of the previous call.`);
    }
    const page = selected.slice(start, start + pageSize);
    const next = start + page.length;
    return {
      TargetGroups: page.map((tg) => this.describeTargetGroup(tg)),
      ...(next < selected.length && { NextMarker: Buffer.from(`tg:${next}`, 'utf8').toString('base64url') }),
    };
  }

  async modifyTargetGroup(input: Input): Promise<Input> {
    const tg = this.targetGroup(str(input['TargetGroupArn']) ?? '');
    tg.health = this.healthSettings(input, tg.health);
    // The data plane's checker takes its settings at creation: restart it with the new ones.
    if (tg.checker) {
      await tg.checker.close();
      this.startChecker(tg);
    }
    return { TargetGroups: [this.describeTargetGroup(tg)] };
  }

  async deleteTargetGroup(input: Input): Promise<Input> {
    const arn = str(input['TargetGroupArn']) ?? '';
    const tg = this.targetGroups.get(arn);
    // DeleteTargetGroup documents only ResourceInUse: deleting an unknown group succeeds (idempotent).
    if (!tg) return {};
    if (this.listenersUsing(arn).length > 0) {
      throw new AwsError('ResourceInUse', `Target group '${arn}' is currently in use by a listener or a rule`);
    }
    await tg.checker?.close();
    this.targetGroups.delete(arn);
    this.tags.delete(arn);
    return {};
  }

  modifyTargetGroupAttributes(input: Input): Input {
    const tg = this.targetGroup(str(input['TargetGroupArn']) ?? '');
    applyTargetGroupAttributes(tg.attributes, list<{ Key?: string; Value?: string }>(input['Attributes']));
    return this.describeAttributes(tg);
  }

  describeTargetGroupAttributes(input: Input): Input {
    return this.describeAttributes(this.targetGroup(str(input['TargetGroupArn']) ?? ''));
  }

  // ---- targets --------------------------------------------------------------------------------------------------

  private targetsOf(tg: TargetGroupRecord, wire: readonly WireTarget[]): TargetRef[] {
    return wire.map((t) => {
      if (!t.Id) throw validation('A target ID must be specified');
      const port = t.Port ?? tg.port;
      if (port < 1 || port > 65535) throw validation(`Port '${port}' must be between 1 and 65535`);
      return { id: t.Id, port };
    });
  }

  registerTargets(input: Input): Input {
    const tg = this.targetGroup(str(input['TargetGroupArn']) ?? '');
    const wire = list<WireTarget>(input['Targets']);
    const targets = this.targetsOf(tg, wire);
    targets.forEach((target, i) => {
      const zone = wire[i]?.AvailabilityZone;
      if (zone !== undefined) this.targetZones.set(`${tg.arn}|${targetKey(target)}`, zone);
    });
    this.register(tg.arn, targets);
    return {};
  }

  /**
   * Target.AvailabilityZone in DescribeTargetHealth, for ip targets: the one RegisterTargets gave, else the zone of
   * the VPC subnet holding the IP, which ELBv2 detects. Local AWS has no subnet map: every such IP is in the region's
   * first zone (`<region>a`, the zone of a load balancer's first subnet here).
   */
  private zoneOf(tg: TargetGroupRecord, target: TargetRef): string | undefined {
    if (tg.targetType !== 'ip') return undefined;
    return this.targetZones.get(`${tg.arn}|${targetKey(target)}`) ?? `${this.options.region}a`;
  }

  deregisterTargets(input: Input): Input {
    const tg = this.targetGroup(str(input['TargetGroupArn']) ?? '');
    const targets = this.targetsOf(tg, list<WireTarget>(input['Targets']));
    const unknown = targets.filter((t) => !tg.registered.has(targetKey(t)));
    if (unknown.length > 0) {
      throw new AwsError(
        'InvalidTarget',
        `The following targets are not registered in target group '${tg.arn}': ${unknown.map(targetKey).join(', ')}`,
      );
    }
    this.deregister(tg.arn, targets);
    return {};
  }

  private healthDescriptions(tg: TargetGroupRecord): Array<{ target: TargetRef; health: TargetHealthStatus }> {
    if (tg.checker) return tg.checker.describe().map((d) => ({ target: { id: d.id, port: d.port }, health: d.health }));
    return [...tg.registered.values()].map((target) => ({ target, health: NOT_IN_USE }));
  }

  describeTargetHealth(input: Input): Input {
    const tg = this.targetGroup(str(input['TargetGroupArn']) ?? '');
    const known = this.healthDescriptions(tg);
    const wanted = input['Targets'] === undefined ? undefined : this.targetsOf(tg, list<WireTarget>(input['Targets']));
    const rows = wanted
      ? wanted.map(
          (target) =>
            known.find((k) => targetKey(k.target) === targetKey(target)) ?? { target, health: NOT_REGISTERED },
        )
      : known;
    return {
      TargetHealthDescriptions: rows.map(({ target, health }) => ({
        Target: {
          Id: target.id,
          Port: target.port,
          ...(this.zoneOf(tg, target) !== undefined && { AvailabilityZone: this.zoneOf(tg, target) }),
        },
        HealthCheckPort: tg.health.HealthCheckPort === 'traffic-port' ? String(target.port) : tg.health.HealthCheckPort,
        TargetHealth: { State: health.state, Reason: health.reason, Description: health.description },
      })),
    };
  }

  // ---- tags -----------------------------------------------------------------------------------------------------

  private checkTaggable(arn: string): void {
    if (arn.includes(':loadbalancer/')) this.loadBalancer(arn);
    else if (arn.includes(':listener/')) this.listener(arn);
    else if (arn.includes(':listener-rule/')) {
      if (!this.rules.has(arn)) throw new AwsError('RuleNotFound', `One or more rules not found`);
    } else if (arn.includes(':targetgroup/')) this.targetGroup(arn);
    else throw validation(`'${arn}' is not a valid Elastic Load Balancing resource ARN`);
  }

  addTags(input: Input): Input {
    const resourceArns = strings(input['ResourceArns']);
    const tags = list<WireTag>(input['Tags']);
    const keys = tags.map((t) => t.Key);
    if (new Set(keys).size !== keys.length) throw new AwsError('DuplicateTagKeys', 'Tag keys must be unique');
    resourceArns.forEach((arn) => this.checkTaggable(arn));
    resourceArns.forEach((arn) => this.setTags(arn, tags));
    return {};
  }

  /** The current tags of an existing load balancer, listener, rule or target group; undefined if there is none. */
  tagsOf(arn: string): Readonly<Record<string, string>> | undefined {
    const exists =
      this.loadBalancers.has(arn) || this.listeners.has(arn) || this.rules.has(arn) || this.targetGroups.has(arn);
    return exists ? Object.fromEntries(this.tags.get(arn) ?? []) : undefined;
  }

  describeTags(input: Input): Input {
    const resourceArns = strings(input['ResourceArns']);
    resourceArns.forEach((arn) => this.checkTaggable(arn));
    return {
      TagDescriptions: resourceArns.map((arn) => ({
        ResourceArn: arn,
        Tags: [...(this.tags.get(arn) ?? new Map<string, string>())].map(([Key, Value]) => ({ Key, Value })),
      })),
    };
  }

  // ---- TargetGroupRegistry (used by the ECS emulator) -----------------------------------------------------------

  exists(targetGroupArn: string): boolean {
    return this.targetGroups.has(targetGroupArn);
  }

  register(targetGroupArn: string, targets: readonly TargetRef[]): void {
    const tg = this.targetGroup(targetGroupArn);
    for (const target of targets) {
      if (tg.registered.has(targetKey(target))) continue;
      tg.registered.set(targetKey(target), { id: target.id, port: target.port });
      tg.checker?.register(target.id, target.port);
    }
  }

  deregister(targetGroupArn: string, targets: readonly TargetRef[]): void {
    const tg = this.targetGroup(targetGroupArn);
    const delay = Number(tg.attributes.get(DEREGISTRATION_DELAY) ?? '300');
    for (const target of targets) {
      if (!tg.registered.delete(targetKey(target))) continue;
      // Unused groups have no connections to drain: the target goes at once.
      tg.checker?.deregister(target.id, target.port, delay);
    }
  }

  health(targetGroupArn: string, target: TargetRef): TargetHealthStatus | undefined {
    const tg = this.targetGroups.get(targetGroupArn);
    if (!tg) return undefined;
    return this.healthDescriptions(tg).find((d) => targetKey(d.target) === targetKey(target))?.health;
  }

  // ---- inspection and shutdown ----------------------------------------------------------------------------------

  state(): Elbv2State {
    return {
      loadBalancers: [...this.loadBalancers.values()].map((lb) => ({ arn: lb.arn, name: lb.name })),
      listeners: [...this.listeners.values()].map((l) => ({
        arn: l.arn,
        loadBalancerArn: l.loadBalancerArn,
        port: l.port,
        localPort: l.server.port,
        defaultActions: l.defaultActions.map(describeAction),
        rules: this.rulesOf(l.arn).map((r) => this.describeRule(r)),
      })),
      targetGroups: [...this.targetGroups.values()].map((tg) => ({
        arn: tg.arn,
        name: tg.name,
        inUse: tg.checker !== undefined,
        attributes: Object.fromEntries(tg.attributes),
        targets: this.healthDescriptions(tg).map((d) => ({ ...d.target, health: d.health })),
      })),
    };
  }

  async close(): Promise<void> {
    await Promise.all([
      ...[...this.listeners.values()].map((l) => l.server.close()),
      ...[...this.targetGroups.values()].map((tg) => tg.checker?.close()),
    ]);
    for (const tg of this.targetGroups.values()) tg.checker = undefined;
  }
}

/** A plain snapshot of the model for tests and diagnostics. */
export interface Elbv2State {
  readonly loadBalancers: ReadonlyArray<{ arn: string; name: string }>;
  readonly listeners: ReadonlyArray<{
    arn: string;
    loadBalancerArn: string;
    port: number;
    localPort: number;
    defaultActions: Input[];
    rules: Input[];
  }>;
  readonly targetGroups: ReadonlyArray<{
    arn: string;
    name: string;
    inUse: boolean;
    attributes: Record<string, string>;
    targets: Array<{ id: string; port: number; health: TargetHealthStatus }>;
  }>;
}
