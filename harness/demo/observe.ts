import type { LocalStack } from './local-stack';

/** Where a controller-owned rule sends traffic right now. */
export type RuleTarget =
  | { readonly kind: 'fixed'; readonly statusCode: string }
  | { readonly kind: 'forward'; readonly targetGroupArns: string[] };

export interface ServiceView {
  readonly desiredCount: number;
  readonly taskSets: ReadonlyArray<{
    readonly arn: string;
    readonly status: string;
    readonly stabilityStatus: string;
    readonly runningCount: number;
    readonly computedDesiredCount: number;
    readonly targetGroupArn?: string;
  }>;
  readonly production: RuleTarget;
  readonly test: RuleTarget;
  /** The previous-version rule (test listener, priority 2): forwards to the version kept for a rollback, if any. */
  readonly previous: RuleTarget;
  /** Rules on the listeners besides the three controller-owned ones (e.g. a header rule left behind). */
  readonly extraRules: number;
  readonly targetGroups: ReadonlyArray<{ readonly arn: string; readonly name: string; readonly states: string[] }>;
}

function ruleTarget(actions: ReadonlyArray<Record<string, unknown>>): RuleTarget {
  const action = actions[0] ?? {};
  if (action.Type === 'fixed-response') {
    return { kind: 'fixed', statusCode: String((action.FixedResponseConfig as { StatusCode: string }).StatusCode) };
  }
  const groups =
    (action.ForwardConfig as { TargetGroups: Array<{ TargetGroupArn: string }> } | undefined)?.TargetGroups ?? [];
  return { kind: 'forward', targetGroupArns: groups.map((g) => g.TargetGroupArn) };
}

/** The emulator's own view of the service and its two listeners: what tests assert on after each step. */
export function observe(stack: LocalStack): ServiceView {
  // Only the services: observe() runs every few ms in the property suites, and state() would also build every task
  // and task definition revision.
  const services = stack.aws.ecs.services();
  const elb = stack.aws.elbv2.state();
  const service = services.find((s) => s.name === stack.service.service);
  if (!service) throw new Error(`Service ${stack.service.service} is not in local ECS.`);
  const listener = (albPort: number) => {
    const found = elb.listeners.find((l) => l.port === albPort);
    if (!found) throw new Error(`No listener on ALB port ${albPort}.`);
    return found;
  };
  const controllerRule = (albPort: number, priority = '1') => {
    const rule = listener(albPort).rules.find((r) => r.Priority === priority);
    if (!rule) throw new Error(`No controller-owned rule (priority ${priority}) on listener ${albPort}.`);
    return ruleTarget(rule.Actions as Array<Record<string, unknown>>);
  };
  const ruleCount = (albPort: number) => listener(albPort).rules.filter((r) => r.IsDefault !== true).length;
  return {
    desiredCount: service.desiredCount,
    taskSets: service.taskSets.map((ts) => ({
      arn: ts.arn,
      status: ts.status,
      stabilityStatus: ts.stabilityStatus,
      runningCount: ts.runningCount,
      computedDesiredCount: ts.computedDesiredCount,
      targetGroupArn: ts.targetGroupArns[0],
    })),
    production: controllerRule(80),
    test: controllerRule(8080),
    previous: controllerRule(8080, '2'),
    extraRules: ruleCount(80) + ruleCount(8080) - 3,
    targetGroups: elb.targetGroups.map((tg) => ({
      arn: tg.arn,
      name: tg.name,
      states: tg.targets.map((t) => t.health.state),
    })),
  };
}
