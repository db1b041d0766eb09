/**
 * Local Elastic Load Balancing v2: the EmulatedService the local AWS server routes ELBv2 query-protocol calls to, the
 * TargetGroupRegistry the ECS emulator registers its tasks through, and a state snapshot for tests. Listeners are real
 * HTTP ports and health checks real HTTP requests through the injected data plane (local/dataplane by default).
 */
import type { TargetGroupRegistry } from '../aws/cross-service';
import type { EmulatedService } from '../aws/service';
import type { Elbv2DataPlane } from './data-plane';
import { createListener, describeListeners, modifyListener } from './listener-operations';
import { createLoadBalancer, describeLoadBalancers } from './load-balancer-operations';
import { localDataPlane } from './local-data-plane';
import type { Elbv2Options, OperationContext, OperationHandler } from './operation-context';
import { createRule, deleteRule, describeRules, modifyRule } from './rule-operations';
import { type Elbv2State, snapshot } from './snapshot';
import { Elbv2Store } from './store';
import { addTags, describeTags, resourceTags } from './tag-operations';
import {
  createTargetGroup,
  deleteTargetGroup,
  describeTargetGroupAttributes,
  describeTargetGroups,
  modifyTargetGroup,
  modifyTargetGroupAttributes,
} from './target-group-operations';
import { deregisterTargets, describeTargetHealth, registerTargets, targetGroupRegistry } from './target-operations';

export interface Elbv2ServiceOptions extends Omit<Elbv2Options, 'dataPlane'> {
  /** Defaults to the real local data plane; tests may pass a fake. */
  readonly dataPlane?: Elbv2DataPlane;
}

export interface Elbv2Service {
  readonly service: EmulatedService;
  readonly targetGroups: TargetGroupRegistry;
  state(): Elbv2State;
  /** The current tags of an existing ELBv2 resource by ARN (for local IAM's aws:ResourceTag), else undefined. */
  tagsOf(arn: string): Readonly<Record<string, string>> | undefined;
  /** Stops the listeners' HTTP servers and all health checks. */
  close(): Promise<void>;
}

const HANDLERS: Readonly<Record<string, OperationHandler>> = {
  CreateLoadBalancer: createLoadBalancer,
  DescribeLoadBalancers: describeLoadBalancers,
  CreateListener: createListener,
  DescribeListeners: describeListeners,
  ModifyListener: modifyListener,
  CreateRule: createRule,
  DescribeRules: describeRules,
  ModifyRule: modifyRule,
  DeleteRule: deleteRule,
  CreateTargetGroup: createTargetGroup,
  DescribeTargetGroups: describeTargetGroups,
  ModifyTargetGroup: modifyTargetGroup,
  DeleteTargetGroup: deleteTargetGroup,
  ModifyTargetGroupAttributes: modifyTargetGroupAttributes,
  DescribeTargetGroupAttributes: describeTargetGroupAttributes,
  RegisterTargets: registerTargets,
  DeregisterTargets: deregisterTargets,
  DescribeTargetHealth: describeTargetHealth,
  AddTags: addTags,
  DescribeTags: describeTags,
};

export function createElbv2Service(options: Elbv2ServiceOptions): Elbv2Service {
  const ctx: OperationContext = {
    store: new Elbv2Store({ region: options.region, accountId: options.accountId }),
    options: { ...options, dataPlane: options.dataPlane ?? localDataPlane },
  };
  const { store } = ctx;
  // Calls are serialised so an async operation (starting a listener port) never interleaves with another mutation.
  let queue: Promise<unknown> = Promise.resolve();
  const service: EmulatedService = {
    serviceId: 'Elastic Load Balancing v2',
    operations: new Set(Object.keys(HANDLERS)),
    invoke(operation, input) {
      const handler = HANDLERS[operation];
      if (!handler) return Promise.reject(new Error(`ELBv2 operation ${operation} is not implemented`));
      const run = queue.then(() => handler(ctx, input));
      queue = run.catch(() => undefined);
      return run;
    },
  };
  return {
    service,
    targetGroups: targetGroupRegistry(store),
    state: () => snapshot(store),
    tagsOf: (arn) => resourceTags(store, arn),
    async close() {
      await Promise.all([
        ...[...store.listeners.values()].map((l) => l.server.close()),
        ...[...store.targetGroups.values()].map((tg) => tg.checker?.close()),
      ]);
      for (const tg of store.targetGroups.values()) tg.checker = undefined;
    },
  };
}
