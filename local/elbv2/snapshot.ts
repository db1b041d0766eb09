/** A plain-data view of the ELBv2 emulator for tests and diagnostics, with each listener's real local port. */
import type { TargetHealthStatus } from '../dataplane/types';
import { describeAction } from './actions';
import { healthDescriptions } from './health-checks';
import type { Output } from './input';
import type { Elbv2Store } from './store';
import { ruleToWire } from './wire';

export interface Elbv2State {
  readonly loadBalancers: ReadonlyArray<{ arn: string; name: string }>;
  readonly listeners: ReadonlyArray<{
    arn: string;
    loadBalancerArn: string;
    port: number;
    localPort: number;
    defaultActions: Output[];
    rules: Output[];
  }>;
  readonly targetGroups: ReadonlyArray<{
    arn: string;
    name: string;
    inUse: boolean;
    attributes: Record<string, string>;
    targets: Array<{ id: string; port: number; health: TargetHealthStatus }>;
  }>;
}

export function snapshot(store: Elbv2Store): Elbv2State {
  return {
    loadBalancers: [...store.loadBalancers.values()].map((lb) => ({ arn: lb.arn, name: lb.name })),
    listeners: [...store.listeners.values()].map((l) => ({
      arn: l.arn,
      loadBalancerArn: l.loadBalancerArn,
      port: l.port,
      localPort: l.server.port,
      defaultActions: l.defaultActions.map(describeAction),
      rules: store.rulesOf(l.arn).map((r) => ruleToWire(r)),
    })),
    targetGroups: [...store.targetGroups.values()].map((tg) => ({
      arn: tg.arn,
      name: tg.name,
      inUse: tg.checker !== undefined,
      attributes: Object.fromEntries(tg.attributes),
      targets: healthDescriptions(tg).map((d) => ({ ...d.target, health: d.health })),
    })),
  };
}
