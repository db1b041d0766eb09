/**
 * The ELBv2 control-plane records the emulator keeps in memory (store.ts). Wire shapes are produced from these by
 * wire.ts; emulator-only bookkeeping (the real listener server, the health checker) is commented.
 */
import type { ListenerServer } from '../dataplane/types';
import type { TargetRef } from '../aws/cross-service';
import type { Action } from './actions';
import type { Condition } from './conditions';
import type { TargetGroupHealthChecker } from './data-plane';
import type { TargetGroupHealthSettings } from './health-check-defaults';

export interface LoadBalancerRecord {
  readonly arn: string;
  readonly name: string;
  readonly scheme: string;
  readonly type: string;
  readonly ipAddressType: string;
  readonly vpcId: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly createdTime: Date;
  readonly dnsName: string;
}

export interface ListenerRecord {
  readonly arn: string;
  readonly loadBalancerArn: string;
  port: number;
  protocol: string;
  defaultActions: Action[];
  /** The listener's default rule, which DescribeRules lists with priority `default`. */
  readonly defaultRuleArn: string;
  /** The real HTTP server answering for this listener, and where it listens on this machine. */
  server: ListenerServer;
}

export interface RuleRecord {
  readonly arn: string;
  readonly listenerArn: string;
  priority: number;
  conditions: Condition[];
  actions: Action[];
}

export interface TargetGroupRecord {
  readonly arn: string;
  readonly name: string;
  readonly protocol: string;
  readonly protocolVersion: string;
  readonly port: number;
  readonly vpcId: string;
  readonly targetType: string;
  readonly ipAddressType: string;
  health: TargetGroupHealthSettings;
  readonly attributes: Map<string, string>;
  /** Registered targets (not draining), keyed `id:port`. */
  readonly registered: Map<string, TargetRef>;
  /** Health checks run only while a listener or rule forwards to the group, as on AWS. */
  checker?: TargetGroupHealthChecker;
}

export const targetKey = (target: TargetRef): string => `${target.id}:${target.port}`;
