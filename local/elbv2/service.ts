/**
 * The ELBv2 EmulatedService: maps operation names to the model, and exposes the model's TargetGroupRegistry for the
 * ECS emulator plus a state snapshot for tests.
 */
import type { TargetGroupRegistry } from '../aws/cross-service';
import type { EmulatedService } from '../aws/service';
import type { Elbv2DataPlane } from './data-plane';
import { localDataPlane } from './local-data-plane';
import { Elbv2Model, type Elbv2ModelOptions, type Elbv2State } from './model';

export interface Elbv2ServiceOptions extends Omit<Elbv2ModelOptions, 'dataPlane'> {
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

type Handler = (model: Elbv2Model, input: Record<string, unknown>) => unknown;

const HANDLERS: Readonly<Record<string, Handler>> = {
  CreateLoadBalancer: (m, i) => m.createLoadBalancer(i),
  DescribeLoadBalancers: (m, i) => m.describeLoadBalancers(i),
  CreateListener: (m, i) => m.createListener(i),
  DescribeListeners: (m, i) => m.describeListeners(i),
  ModifyListener: (m, i) => m.modifyListener(i),
  CreateRule: (m, i) => m.createRule(i),
  DescribeRules: (m, i) => m.describeRules(i),
  ModifyRule: (m, i) => m.modifyRule(i),
  DeleteRule: (m, i) => m.deleteRule(i),
  CreateTargetGroup: (m, i) => m.createTargetGroup(i),
  DescribeTargetGroups: (m, i) => m.describeTargetGroups(i),
  ModifyTargetGroup: (m, i) => m.modifyTargetGroup(i),
  DeleteTargetGroup: (m, i) => m.deleteTargetGroup(i),
  ModifyTargetGroupAttributes: (m, i) => m.modifyTargetGroupAttributes(i),
  DescribeTargetGroupAttributes: (m, i) => m.describeTargetGroupAttributes(i),
  RegisterTargets: (m, i) => m.registerTargets(i),
  DeregisterTargets: (m, i) => m.deregisterTargets(i),
  DescribeTargetHealth: (m, i) => m.describeTargetHealth(i),
  AddTags: (m, i) => m.addTags(i),
  DescribeTags: (m, i) => m.describeTags(i),
};

export function createElbv2Service(options: Elbv2ServiceOptions): Elbv2Service {
  const model = new Elbv2Model({ ...options, dataPlane: options.dataPlane ?? localDataPlane });
  // Calls are serialised so an async operation (starting a listener port) never interleaves with another mutation.
  let queue: Promise<unknown> = Promise.resolve();
  const service: EmulatedService = {
    serviceId: 'Elastic Load Balancing v2',
    operations: new Set(Object.keys(HANDLERS)),
    invoke(operation, input) {
      const handler = HANDLERS[operation];
      if (!handler) return Promise.reject(new Error(`ELBv2 operation ${operation} is not implemented`));
      const run = queue.then(() => handler(model, input));
      queue = run.catch(() => undefined);
      return run;
    },
  };
  return {
    service,
    targetGroups: model,
    state: () => model.state(),
    tagsOf: (arn) => model.tagsOf(arn),
    close: () => model.close(),
  };
}
