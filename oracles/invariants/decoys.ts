/**
 * Decoys: resources that look like the controller's but that it did not make, created before a scenario so it can
 * be checked that the controller never touches anything outside its tags: target groups named like ours
 * (`<prefix>-canary`, `<prefix>-v2-1a2b3c4d`, where `<prefix>` is the controller's target group name prefix,
 * `bg-<service>`) and a listener rule on the test listener (forwarding to the canary group, as another team's canary
 * would). They carry another owner's tags, not the controller's.
 *
 * The oracle reads local AWS's call log: no call signed as a role (a state machine) may name a decoy in a call that
 * changes something, and every decoy must still exist, unchanged, at the end.
 */
import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CallRecord } from '../../local/aws/call-log';
import type { ServiceView } from '../../harness/demo/observe';
import type { LocalStack } from '../../harness/demo/local-stack';
import { localClientConfig } from '../../local/aws/client-config';
import { LOCAL_REGION } from '../../local/local-aws';

export interface Decoys {
  readonly targetGroups: ReadonlyArray<{ readonly arn: string; readonly name: string }>;
  readonly rules: readonly string[];
}

/** Read-only operations; everything else changes something. */
const READS = /^(Describe|List|Get)/;

export const DECOY_TAGS = [{ Key: 'owner', Value: 'another-team' }];
const DECOY_PRIORITY = 150;

/** The controller's target group name prefix, from a green/live target group's name (`<prefix>-<8 hex>`). */
export function targetGroupPrefix(view: ServiceView): string {
  const name = view.targetGroups.find((tg) => /-[0-9a-f]{8}$/.test(tg.name))?.name;
  if (!name) throw new Error('No controller target group to read the name prefix from (release a version first).');
  return name.replace(/-[0-9a-f]{8}$/, '');
}

/** Decoy target group names that fit the 32-character limit, as close to ours as possible. */
export function decoyNames(prefix: string): string[] {
  const fit = (suffix: string) => `${prefix.slice(0, 32 - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
  return [fit('canary'), fit('v2-1a2b3c4d')];
}

/** Creates the decoys (test-side, unsigned calls) next to the deployed stack. */
export async function createDecoys(stack: LocalStack, view: ServiceView): Promise<Decoys> {
  const elb = new ElasticLoadBalancingV2Client(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
  try {
    const live = view.targetGroups[0];
    if (!live) throw new Error('No target group to copy the VPC from.');
    const described = await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [live.arn] }));
    const template = described.TargetGroups?.[0];
    const targetGroups: Array<{ arn: string; name: string }> = [];
    for (const name of decoyNames(targetGroupPrefix(view))) {
      const created = await elb.send(
        new CreateTargetGroupCommand({
          Name: name,
          Protocol: template?.Protocol ?? 'HTTP',
          Port: template?.Port ?? 80,
          VpcId: template?.VpcId,
          TargetType: template?.TargetType ?? 'ip',
          HealthCheckPath: '/healthz',
          Tags: DECOY_TAGS,
        }),
      );
      const arn = created.TargetGroups?.[0]?.TargetGroupArn;
      if (!arn) throw new Error(`CreateTargetGroup ${name} returned no ARN.`);
      targetGroups.push({ arn, name });
    }
    const testListener = stack.aws.elbv2.state().listeners.find((l) => l.port === 8080);
    const canary = targetGroups[0];
    if (!testListener || !canary) throw new Error('No test listener for the decoy rule.');
    const rule = await elb.send(
      new CreateRuleCommand({
        ListenerArn: testListener.arn,
        Priority: DECOY_PRIORITY,
        Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['1'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: canary.arn }],
        Tags: DECOY_TAGS,
      }),
    );
    const ruleArn = rule.Rules?.[0]?.RuleArn;
    if (!ruleArn) throw new Error('CreateRule returned no ARN.');
    return { targetGroups, rules: [ruleArn] };
  } finally {
    elb.destroy();
  }
}

/** Every ARN of the decoys. */
export function decoyArns(decoys: Decoys): Set<string> {
  return new Set([...decoys.targetGroups.map((tg) => tg.arn), ...decoys.rules]);
}

/** (d) The controller touched no decoy: problems in words (empty = it held). */
export async function decoyProblems(
  stack: LocalStack,
  decoys: Decoys,
  calls: readonly CallRecord[],
): Promise<string[]> {
  const problems: string[] = [];
  const arns = [...decoyArns(decoys)];
  for (const call of calls) {
    if (call.principal === undefined || READS.test(call.operation)) continue;
    const text = JSON.stringify(call.input);
    for (const arn of arns.filter((a) => text.includes(a))) {
      const name = decoys.targetGroups.find((tg) => tg.arn === arn)?.name ?? 'the decoy rule';
      problems.push(
        `${call.principal.split('/').pop()} called ${call.operation} on ${name}, which the controller did not make` +
          ` (${call.outcome.ok ? 'applied' : `refused: ${call.outcome.errorCode}`})`,
      );
    }
  }
  const elb = stack.aws.elbv2.state();
  for (const tg of decoys.targetGroups) {
    if (!elb.targetGroups.some((g) => g.arn === tg.arn)) problems.push(`decoy target group ${tg.name} is gone`);
  }
  const rules = elb.listeners.flatMap((l) => l.rules);
  for (const arn of decoys.rules) {
    const rule = rules.find((r) => r.RuleArn === arn);
    if (!rule) problems.push('the decoy listener rule is gone');
    else if (JSON.stringify(rule.Actions).indexOf(decoys.targetGroups[0]?.arn ?? '?') < 0) {
      problems.push('the decoy listener rule no longer forwards to the canary group');
    }
  }
  return problems;
}

/** Whether all decoys still exist (a scenario that broke one makes the next recreate them). */
export async function decoysIntact(stack: LocalStack, decoys: Decoys): Promise<boolean> {
  return (await decoyProblems(stack, decoys, [])).length === 0;
}

/** The view without the decoys: what (b) "nothing orphaned" judges. */
export function withoutDecoys(view: ServiceView, decoys: Decoys | undefined): ServiceView {
  if (!decoys) return view;
  const arns = decoyArns(decoys);
  return {
    ...view,
    targetGroups: view.targetGroups.filter((tg) => !arns.has(tg.arn)),
    extraRules: view.extraRules - decoys.rules.length,
  };
}

/** Re-reads the decoy rules' existence through the API (unsigned), for tests of the decoys themselves. */
export async function describeDecoyRule(stack: LocalStack, decoys: Decoys): Promise<number> {
  const elb = new ElasticLoadBalancingV2Client(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
  try {
    const described = await elb.send(new DescribeRulesCommand({ RuleArns: [...decoys.rules] }));
    return described.Rules?.length ?? 0;
  } finally {
    elb.destroy();
  }
}
