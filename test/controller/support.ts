import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DeleteTaskSetCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { localClientConfig } from '../../local/aws/client-config';
import type { LocalStack } from '../../harness/demo/local-stack';
import { observe } from '../../harness/demo/observe';
import type { HookEvent } from '../../contract';
import { FaultInjector } from '../../oracles/faults/fault-plan';
import { answerHook, FAULT_HOOKS } from '../../oracles/faults/hooks';
import { runFlow, type FlowResult } from '../../oracles/invariants/flow';
import { roles } from '../../oracles/invariants/state-checks';
import { LOCAL_REGION } from '../../local/local-aws';
import { faultHooksTemplate, startTestStack } from '../support/harness';

export interface FaultStack {
  readonly stack: LocalStack;
  readonly injector: FaultInjector;
  /** The test rule's actions before any deployment (the fixed 503), to restore after a case left a green behind. */
  readonly idleTestActions: Action[];
  /** The previous-version rule's actions before any swap (its fixed 503). */
  readonly idlePreviousActions: Action[];
  close(): Promise<void>;
}

export interface FaultStackOptions {
  /**
   * Deploy the stack with one Lambda lifecycle hook per stage (oracles/faults/hooks.ts), each answering as the armed
   * plan's `hooks` says for its stage (SUCCEEDED when it says nothing, or when no plan is armed). Without them the
   * stack has only the built-in smoke test at POST_TEST_TRAFFIC_SHIFT, and a plan's `hooks` has no effect. The
   * hooked stack's template is synthesized once per jest run, on first use (test/support/harness.ts).
   * @default false
   */
  readonly hooks?: boolean;
}

/**
 * A local stack whose API calls go through a FaultInjector (no faults until a plan is armed). `desiredCount` sets the
 * service's count before any deployment (deploy-green then keeps it), e.g. 1 task per version for faster cases.
 */
export async function startFaultStack(
  timeScale = 0.01,
  desiredCount?: number,
  options: FaultStackOptions = {},
): Promise<FaultStack> {
  const injector = new FaultInjector();
  const hooks = options.hooks === true;
  const stack = await startTestStack({
    faults: injector,
    timeScale,
    ...(hooks && { template: faultHooksTemplate() }),
  });
  if (hooks) {
    // Registered once; each answers by the plan armed at the moment it is invoked.
    for (const hook of FAULT_HOOKS) {
      stack.aws.lambda.register(hook.functionName, async (event) =>
        answerHook(injector.armed().hooks?.[hook.stage], event as HookEvent),
      );
    }
  }
  const elb = new ElasticLoadBalancingV2Client(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
  const described = await elb.send(new DescribeRulesCommand({ RuleArns: [testRule(stack), testRule(stack, '2')] }));
  elb.destroy();
  if (desiredCount !== undefined) {
    const ecs = new ECSClient(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
    await ecs.send(new UpdateServiceCommand({ ...stack.service, desiredCount }));
    ecs.destroy();
  }
  return {
    stack,
    injector,
    idleTestActions: described.Rules?.find((r) => r.Priority === '1')?.Actions ?? [],
    idlePreviousActions: described.Rules?.find((r) => r.Priority === '2')?.Actions ?? [],
    close: () => stack.close(),
  };
}

/** A controller-owned rule of the test listener: the test rule (priority 1) or the previous-version rule (2). */
function testRule(stack: LocalStack, priority = '1'): string {
  const listener = stack.aws.elbv2.state().listeners.find((l) => l.port === 8080);
  const rule = listener?.rules.find((r) => r.Priority === priority);
  if (!rule) throw new Error(`No controller-owned rule at priority ${priority} of the test listener.`);
  return rule.RuleArn as string;
}

/** A healthy release (blue), fault-free, so production is live afterwards. */
export async function releaseBlue(fs: FaultStack, colour = 'blue'): Promise<FlowResult> {
  const flow = await runFlow(fs.stack, {
    injector: fs.injector,
    plan: {},
    colour,
    commit: 'b1ee000',
    monitor: { probeGapMs: 0 },
    // The healthy demo image: the timeout only bounds a starved runner (60 emulated s can be a quarter of a wall
    // second), and costs nothing when green turns healthy.
    healthTimeoutSeconds: 600,
  });
  const failed = flow.steps.find((s) => s.result.status !== 'SUCCEEDED');
  if (failed) {
    throw new Error(`Releasing ${colour} failed at ${failed.machine}: ${failed.result.error} ${failed.result.cause}`);
  }
  return flow;
}

/**
 * Back to "one live version, nothing else" without the state machines, whatever a case left behind (an UndoFailed
 * leaves green's target group, say): close the test rule, delete extra rules, every task set but the live one, and
 * every target group but the live one's. Test-side calls are not signed as a role, so no fault plan touches them.
 */
export async function discardNonLive(fs: FaultStack, keep: ReadonlySet<string> = new Set()): Promise<void> {
  const { stack } = fs;
  const view = observe(stack);
  const live = roles(view).live;
  const extra = view.taskSets.filter((ts) => ts.arn !== live);
  const liveGroup = view.taskSets.find((ts) => ts.arn === live)?.targetGroupArn;
  const strayGroups = view.targetGroups.filter((tg) => tg.arn !== liveGroup && !keep.has(tg.arn)).map((tg) => tg.arn);
  const keptRules = stack.aws.elbv2
    .state()
    .listeners.flatMap((l) => l.rules)
    .filter((r) => keep.has(r.RuleArn as string)).length;
  const tidy = view.test.kind === 'fixed' && view.previous.kind === 'fixed' && view.extraRules === keptRules;
  if (extra.length === 0 && tidy && strayGroups.length === 0) return;
  const config = localClientConfig(stack.aws.endpoint, LOCAL_REGION);
  const elb = new ElasticLoadBalancingV2Client(config);
  const ecs = new ECSClient(config);
  try {
    await elb.send(new ModifyRuleCommand({ RuleArn: testRule(stack), Actions: fs.idleTestActions }));
    await elb.send(new ModifyRuleCommand({ RuleArn: testRule(stack, '2'), Actions: fs.idlePreviousActions }));
    for (const listener of stack.aws.elbv2.state().listeners) {
      for (const rule of listener.rules) {
        const owned = rule.Priority === '1' || (listener.port === 8080 && rule.Priority === '2');
        if (rule.IsDefault !== true && !owned && !keep.has(rule.RuleArn as string)) {
          await elb.send(new DeleteRuleCommand({ RuleArn: rule.RuleArn as string }));
        }
      }
    }
    for (const ts of extra) {
      await ecs.send(new DeleteTaskSetCommand({ ...stack.service, taskSet: ts.arn, force: true }));
    }
    for (;;) {
      const now = observe(stack);
      if (!now.taskSets.some((ts) => extra.some((e) => e.arn === ts.arn))) break;
      await stack.aws.clock.sleep(5);
    }
    for (const arn of strayGroups) await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
  } finally {
    elb.destroy();
    ecs.destroy();
  }
}

/**
 * The service's lease and deployment record put back to match what is there now (one live version, or none), as
 * the state machines would have left them: for a baseline restored around the state machines.
 */
export async function resetDeploymentRecord(stack: LocalStack): Promise<void> {
  const view = observe(stack);
  const live = view.taskSets.find((ts) => ts.arn === roles(view).live);
  const serviceArn = stack.aws.ecs.state().services.find((s) => s.name === stack.service.service)?.arn ?? '';
  const record = live
    ? {
        phase: 'stable',
        live: { found: true, taskSetArn: live.arn, status: 'PRIMARY', targetGroupArn: live.targetGroupArn },
      }
    : { phase: 'none' };
  const ddb = new DynamoDBClient(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
  try {
    await ddb.send(
      new PutItemCommand({
        TableName: stack.deployed.outputs.DeploymentTableName,
        Item: { service: { S: serviceArn }, record: { S: JSON.stringify(record) } },
      }),
    );
  } finally {
    ddb.destroy();
  }
}

/** The problems of a flow as one readable string, for `expect(...).toEqual([])` failures. */
export function problemsOf(flow: FlowResult): string[] {
  return flow.problems;
}

/**
 * Back to a healthy baseline after a case: faults off, nothing but the live version, and the live version healthy
 * (a faulty green that went live, e.g. flapping, is replaced by a fault-free release).
 */
export async function restoreBaseline(fs: FaultStack): Promise<void> {
  fs.injector.disarm();
  await discardNonLive(fs);
  await resetDeploymentRecord(fs.stack);
  const view = observe(fs.stack);
  const live = view.taskSets.find((ts) => ts.arn === roles(view).live);
  const running = fs.stack.aws.ecs.state().tasks.filter((t) => t.lastStatus === 'RUNNING');
  const liveIsHealthyImage =
    live !== undefined && running.length > 0 && running.every((t) => /\/demo-app:/.test(t.image));
  if (!liveIsHealthyImage) await releaseBlue(fs);
}
