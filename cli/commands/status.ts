/**
 * status: reads the whole deployment into a StatusView (cli/status-model.ts renders it): the deployment record's
 * phase and the lease; what production and the test listener serve (the X-App-Version header of each URL, and where
 * each listener's controller-owned rule forwards); each version's task set (status, stability, counts, image, commit,
 * target health); executions in flight and, for a swap, its bake; the swap or clean-up waiting on a task token for
 * approval, and the pipeline's pending approvals, with when they expire; ownership. Read-only. `status --watch`
 * (cli/status-watch.ts) reads it again every interval with one StatusReader, which keeps what does not change between
 * polls (the template, task definition images, target group commits, approval timeouts).
 */
import { ApplicationAutoScalingClient, DescribeScalingPoliciesCommand } from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type Action,
  type Rule,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CodePipelineClient, GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DescribeStackResourcesCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import {
  APPROVAL_ATTRIBUTE,
  approvalIsCurrent,
  readWaitingApproval,
  SCALING_POLICY_NAME,
  type WaitingApproval,
} from '../../contract';
import { ownershipLines, resourcesOfService, type TemplateResource } from '../ownership';
import type { Context, StackInfo } from '../context';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import { shortArn } from '../format';
import { MACHINES } from '../machines';
import { fetchHistory } from '../poller';
import {
  APPROVAL_DEFAULT_TIMEOUT_MINUTES,
  approvalExpiry,
  bakeProgress,
  describeRule,
  renderStatus,
  statusNext,
  type ApprovalView,
  type BakeView,
  type DeploymentRecordView,
  type InFlightView,
  type LeaseView,
  type Probe,
  type RuleView,
  type ScalingView,
  type StatusView,
  type TaskSetView,
} from '../status-model';
import { createStatusPrinter, watchStatus } from '../status-watch';
import { appImage } from './releases';
import { pendingApprovals } from './approve';

export async function probe(url: string, timeoutMs = 3000): Promise<Probe> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.arrayBuffer();
    return { url, status: response.status, version: response.headers.get('x-app-version') ?? undefined };
  } catch (error) {
    return {
      url,
      error:
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error),
    };
  }
}

function ruleView(actions: readonly Action[] | undefined): RuleView {
  const action = actions?.[0];
  if (!action) return { kind: 'unknown' };
  if (action.Type === 'fixed-response')
    return { kind: 'fixed', statusCode: action.FixedResponseConfig?.StatusCode ?? '?' };
  const groups = action.ForwardConfig?.TargetGroups?.filter((t) => t.TargetGroupArn) ?? [];
  const arns = groups.map((t) => t.TargetGroupArn ?? '');
  return {
    kind: 'forward',
    targetGroupArns: arns.length > 0 ? arns : action.TargetGroupArn ? [action.TargetGroupArn] : [],
    // A traffic shift forwards by weight to two target groups; one target group takes all whatever its weight.
    ...(groups.length > 1 && { weights: groups.map((t) => t.Weight ?? 1) }),
  };
}

/**
 * Reads the StatusView; one per `status` run. What cannot change between two polls of a watch is asked once: the
 * template (for ownership), the image of each task definition revision, the commit tag of each target group, and
 * the approval actions' timeouts.
 */
export class StatusReader {
  private readonly ecs: ECSClient;
  private readonly elb: ElasticLoadBalancingV2Client;
  private readonly sfn: SFNClient;
  private readonly scalingClient: ApplicationAutoScalingClient;
  private readonly images = new Map<string, string | undefined>();
  private readonly commits = new Map<string, string | undefined>();
  private template: Record<string, TemplateResource> | undefined;
  private approvalTimeouts: Map<string, number | undefined> | undefined;

  constructor(
    private readonly ctx: Context,
    private readonly stack: StackInfo,
  ) {
    this.ecs = new ECSClient(ctx.config());
    this.elb = new ElasticLoadBalancingV2Client(ctx.config());
    this.sfn = new SFNClient(ctx.config());
    this.scalingClient = new ApplicationAutoScalingClient(ctx.config());
  }

  destroy(): void {
    this.ecs.destroy();
    this.elb.destroy();
    this.sfn.destroy();
    this.scalingClient.destroy();
  }

  /**
   * The controller's scaling policy on the service (contract/autoscaling.ts): which target group it tracks and whether
   * scale-in is disabled; undefined when the service has none. Not being allowed to read it is said, not fatal.
   */
  private async scaling(): Promise<ScalingView | undefined> {
    try {
      const { ScalingPolicies } = await this.scalingClient.send(
        new DescribeScalingPoliciesCommand({
          ServiceNamespace: 'ecs',
          ResourceId: `service/${this.stack.cluster}/${this.stack.service}`,
          PolicyNames: [SCALING_POLICY_NAME],
        }),
      );
      const config = ScalingPolicies?.find(
        (p) => p.PolicyName === SCALING_POLICY_NAME,
      )?.TargetTrackingScalingPolicyConfiguration;
      if (config === undefined) return undefined;
      const label = config.PredefinedMetricSpecification?.ResourceLabel ?? '';
      const at = label.indexOf('targetgroup/');
      return {
        trackedTargetGroup: at >= 0 ? label.slice(at) : label,
        scaleInDisabled: config.DisableScaleIn === true,
      };
    } catch (error) {
      return { unknown: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }

  private async inFlight(): Promise<InFlightView[]> {
    const lists = await Promise.all(
      MACHINES.map(async (machine) => {
        const { executions } = await this.sfn.send(
          new ListExecutionsCommand({
            stateMachineArn: this.stack.machines[machine],
            statusFilter: 'RUNNING',
            maxResults: 10,
          }),
        );
        return Promise.all(
          (executions ?? []).map(async (e): Promise<InFlightView> => {
            const executionArn = e.executionArn ?? '';
            const { events } = await this.sfn.send(
              new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
            );
            return {
              machine,
              executionArn,
              startedAt: e.startDate?.toISOString(),
              lastEventAt: events?.[0]?.timestamp?.toISOString(),
            };
          }),
        );
      }),
    );
    return lists.flat();
  }

  /** The pipeline's pending approvals with when they expire; none when the stack or the endpoint has no pipeline. */
  private async approvals(): Promise<ApprovalView[]> {
    const pipelineName = this.stack.pipelineName;
    if (pipelineName === undefined) return [];
    const client = new CodePipelineClient(this.ctx.config());
    try {
      const pending = await pendingApprovals(client, pipelineName);
      if (pending.length > 0 && this.approvalTimeouts === undefined) {
        const { pipeline } = await client.send(new GetPipelineCommand({ name: pipelineName }));
        this.approvalTimeouts = new Map(
          (pipeline?.stages ?? []).flatMap((stage) =>
            (stage.actions ?? []).map((action) => [`${stage.name}/${action.name}`, action.timeoutInMinutes] as const),
          ),
        );
      }
      return pending.map((a) => {
        const since = a.since?.toISOString();
        const timeoutMinutes = this.approvalTimeouts?.get(`${a.stageName}/${a.actionName}`);
        const expiresAt = approvalExpiry(since, timeoutMinutes);
        return {
          pipelineName,
          stageName: a.stageName,
          actionName: a.actionName,
          ...(since !== undefined && { since }),
          ...(a.pipelineExecutionId !== undefined && { pipelineExecutionId: a.pipelineExecutionId }),
          ...(expiresAt !== undefined && {
            timeoutMinutes: timeoutMinutes ?? APPROVAL_DEFAULT_TIMEOUT_MINUTES,
            expiresAt,
          }),
        };
      });
    } catch (error) {
      if (error instanceof UsageError) return [];
      throw error;
    } finally {
      client.destroy();
    }
  }

  /** The app image of each task definition revision (revisions never change, so each is asked once). */
  private async imagesOf(arns: readonly string[]): Promise<void> {
    await Promise.all(
      arns
        .filter((arn) => !this.images.has(arn))
        .map(async (arn) => {
          try {
            const { taskDefinition } = await this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
            this.images.set(arn, appImage(taskDefinition?.containerDefinitions));
          } catch {
            this.images.set(arn, undefined);
          }
        }),
    );
  }

  /** The `bluegreen:commit` tag deploy-green puts on green's target group (asked once per group). */
  private async commitsOf(arns: readonly string[]): Promise<void> {
    const unknown = arns.filter((arn) => !this.commits.has(arn));
    if (unknown.length === 0) return;
    try {
      const { TagDescriptions } = await this.elb.send(new DescribeTagsCommand({ ResourceArns: unknown.slice(0, 20) }));
      for (const arn of unknown.slice(0, 20)) {
        const tags = TagDescriptions?.find((d) => d.ResourceArn === arn)?.Tags ?? [];
        this.commits.set(arn, tags.find((t) => t.Key === 'bluegreen:commit')?.Value);
      }
    } catch {
      // Not knowing a commit is not worth failing the view: the column shows `-`.
    }
  }

  /** The bake of the running swap, if it is baking (its whole history: when the bake started, its input). */
  private async bake(
    inFlight: readonly InFlightView[],
    record: DeploymentRecordView,
    taskSets: readonly TaskSetView[],
  ): Promise<BakeView | undefined> {
    const swap = inFlight.find((e) => e.machine === 'swap');
    if (swap === undefined) return undefined;
    const history = await fetchHistory(this.sfn, swap.executionArn);
    const green = taskSets.find((ts) => ts.arn === record.green?.taskSetArn);
    return bakeProgress(history, {
      executionArn: swap.executionArn,
      ...(typeof record.bakeSeconds === 'number' && { recordedSeconds: record.bakeSeconds }),
      ...(!this.ctx.emulatedClock && { now: new Date() }),
      ...(green !== undefined && { greenTargets: green.targets }),
    });
  }

  async read(): Promise<StatusView> {
    const { ctx, stack, ecs, elb } = this;
    const [prodProbe, testProbe, described, inFlight, approvals] = await Promise.all([
      probe(stack.productionUrl),
      probe(stack.testUrl),
      ecs.send(new DescribeServicesCommand({ cluster: stack.cluster, services: [stack.service] })),
      this.inFlight(),
      this.approvals(),
    ]);
    const service = described.services?.[0];
    if (!service) throw new UsageError(`Service ${stack.service} was not found in cluster ${stack.cluster}.`);
    const { record, lease, approval } = await readDeploymentItem(ctx, stack, service.serviceArn ?? stack.service);
    const running = new Set(inFlight.map((e) => e.executionArn));
    // The execution waiting for testers (a swap at ApproveSwap, a clean-up at ApproveCleanUp), shown only when it is
    // for the version its stage is about now, still runs, and was not approved already (then it holds the lease).
    const waiting =
      approval?.current === true && !approval.answered && running.has(approval.pending.executionArn)
        ? {
            executionArn: approval.pending.executionArn,
            green: approval.pending.green,
            requestedAt: approval.pending.requestedAt,
            expiresAt: approval.pending.expiresAt,
          }
        : undefined;
    const swapApproval =
      waiting !== undefined && approval?.pending.stage === 'ApproveSwap'
        ? { stage: 'ApproveSwap' as const, ...waiting }
        : undefined;
    const cleanUpApproval =
      waiting !== undefined && approval?.pending.stage === 'ApproveCleanUp'
        ? { stage: 'ApproveCleanUp' as const, ...waiting }
        : undefined;
    // A waiter for a version its stage is no longer about that still runs: a leftover, not what runs now.
    const staleApproval =
      approval !== undefined && !approval.current && !approval.answered && running.has(approval.pending.executionArn)
        ? {
            stage: approval.pending.stage,
            executionArn: approval.pending.executionArn,
            green: approval.pending.green,
            requestedAt: approval.pending.requestedAt,
            expiresAt: approval.pending.expiresAt,
          }
        : undefined;
    const taskSets = service.taskSets ?? [];
    const tgArns = [
      ...new Set(
        taskSets.flatMap((ts) => ts.loadBalancers?.map((lb) => lb.targetGroupArn ?? '') ?? []).filter((a) => a !== ''),
      ),
    ];
    const [groups] = await Promise.all([
      tgArns.length > 0
        ? elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: tgArns })).then((r) => r.TargetGroups ?? [])
        : Promise.resolve([]),
      this.imagesOf([...new Set(taskSets.flatMap((ts) => (ts.taskDefinition ? [ts.taskDefinition] : [])))]),
      this.commitsOf(tgArns),
    ]);
    const health = new Map(
      await Promise.all(
        tgArns.map(async (arn) => {
          const { TargetHealthDescriptions } = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
          const counts: Record<string, number> = {};
          for (const d of TargetHealthDescriptions ?? []) {
            const state = d.TargetHealth?.State ?? 'unknown';
            counts[state] = (counts[state] ?? 0) + 1;
          }
          return [arn, counts] as const;
        }),
      ),
    );
    // The listeners: through the load balancer a task set's target group is attached to, else by the URL's host name.
    let lbArn = groups.flatMap((g) => g.LoadBalancerArns ?? [])[0];
    if (!lbArn) {
      const host = new URL(stack.productionUrl).hostname;
      const { LoadBalancers } = await elb.send(new DescribeLoadBalancersCommand({}));
      lbArn = LoadBalancers?.find((lb) => lb.DNSName?.toLowerCase() === host.toLowerCase())?.LoadBalancerArn;
    }
    let prodRule: RuleView = { kind: 'unknown' };
    let testRule: RuleView = { kind: 'unknown' };
    let shadowedBy: StatusView['production']['shadowedBy'];
    if (stack.rules !== undefined) {
      // The controller-owned rules by the stack's outputs: whatever the listeners' ports and the rules' priorities.
      // A rule deleted outside the controller (a migration's cut-over, by hand) reads as unknown, not as a failure:
      // ELBv2 fails the whole call when one rule is gone, so each is then read alone.
      const { production, test } = stack.rules;
      const read = async (arns: string[]) => (await elb.send(new DescribeRulesCommand({ RuleArns: arns }))).Rules ?? [];
      const rules = await read([production, test]).catch(async (error: Error) => {
        if (error.name !== 'RuleNotFoundException') throw error;
        const gone = (one: Error) => {
          if (one.name !== 'RuleNotFoundException') throw one;
          return [];
        };
        return [...(await read([production]).catch(gone)), ...(await read([test]).catch(gone))];
      });
      prodRule = ruleView(rules.find((r) => r.RuleArn === production)?.Actions);
      testRule = ruleView(rules.find((r) => r.RuleArn === test)?.Actions);
      const ours = rules.find((r) => r.RuleArn === production);
      if (ours !== undefined) shadowedBy = await shadowingRule(elb, ours);
    } else if (lbArn) {
      // A stack deployed before the rules were outputs: its rules are priority 1 of each listener, the test listener
      // on the test URL's port.
      const testPort = Number(new URL(stack.testUrl).port || '80');
      const { Listeners } = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
      for (const listener of Listeners ?? []) {
        const { Rules } = await elb.send(new DescribeRulesCommand({ ListenerArn: listener.ListenerArn }));
        const rule = ruleView(Rules?.find((r) => r.Priority === '1')?.Actions);
        if (listener.Port === testPort) testRule = rule;
        else prodRule = rule;
      }
    }
    const servesRole = (tg: string | undefined): string => {
      const roles = [
        shadowedBy === undefined && prodRule.kind === 'forward' && tg && prodRule.targetGroupArns.includes(tg)
          ? 'production'
          : undefined,
        testRule.kind === 'forward' && tg && testRule.targetGroupArns.includes(tg) ? 'test' : undefined,
      ].filter((r) => r !== undefined);
      return roles.length > 0 ? roles.join('+') : '-';
    };
    const recordCommit = (arn: string | undefined): string | undefined =>
      [record.green, record.live, record.previous].find((v) => v?.taskSetArn !== undefined && v.taskSetArn === arn)
        ?.commit;
    const taskSetViews = taskSets.map((ts): TaskSetView => {
      const tg = ts.loadBalancers?.[0]?.targetGroupArn;
      const image = ts.taskDefinition ? this.images.get(ts.taskDefinition) : undefined;
      const commit = (tg && this.commits.get(tg)) || recordCommit(ts.taskSetArn);
      return {
        id: ts.id ?? shortArn(ts.taskSetArn),
        arn: ts.taskSetArn ?? '',
        status: ts.status ?? '?',
        stability: ts.stabilityStatus ?? '?',
        running: ts.runningCount ?? 0,
        desired: ts.computedDesiredCount ?? 0,
        taskDefinition: shortArn(ts.taskDefinition),
        targetGroupArn: tg,
        targetGroupName: groups.find((g) => g.TargetGroupArn === tg)?.TargetGroupName,
        targets: (tg && health.get(tg)) || {},
        role: servesRole(tg),
        ...(image !== undefined && { image }),
        ...(commit !== undefined && { commit }),
      };
    });
    const [ownership, bake, scaling] = await Promise.all([
      this.ownership(service.desiredCount ?? 0, taskSetViews),
      this.bake(inFlight, record, taskSetViews),
      this.scaling(),
    ]);
    return {
      stack: stack.name,
      clock: ctx.emulatedClock ? 'emulated' : 'wall',
      observedAt: new Date().toISOString(),
      record,
      ...(lease ? { lease: { ...lease, holderRunning: running.has(lease.holder) } } : {}),
      production: { ...prodProbe, rule: prodRule, ...(shadowedBy !== undefined && { shadowedBy }) },
      test: { ...testProbe, rule: testRule },
      taskSets: taskSetViews,
      inFlight,
      pendingApprovals: approvals,
      ...(swapApproval !== undefined && { swapApproval }),
      ...(cleanUpApproval !== undefined && { cleanUpApproval }),
      ...(staleApproval !== undefined && { staleApproval }),
      ...(bake !== undefined && { bake }),
      ...(scaling !== undefined && { scaling }),
      next: statusNext(
        { inFlight, pendingApprovals: approvals, record, swapApproval, cleanUpApproval, staleApproval },
        ctx.hints(stack),
      ),
      ownership,
    };
  }

  /** The template and the stack's resources against the live rules and count; read-only, and optional for the view. */
  private async ownership(desiredCount: number, taskSets: readonly TaskSetView[]): Promise<StatusView['ownership']> {
    const { ctx, stack, elb } = this;
    const cfn = ctx.cloudFormation();
    try {
      const [template, { StackResources }] = await Promise.all([
        this.template ??
          cfn
            .send(new GetTemplateCommand({ StackName: stack.name, TemplateStage: 'Original' }))
            .then(
              ({ TemplateBody }) =>
                (JSON.parse(TemplateBody ?? '{}') as { Resources?: Record<string, TemplateResource> }).Resources ?? {},
            ),
        cfn.send(new DescribeStackResourcesCommand({ StackName: stack.name })),
      ]);
      this.template = template;
      const resources = resourcesOfService(
        template,
        (StackResources ?? []).map((r) => ({
          logicalId: r.LogicalResourceId ?? '',
          physicalId: r.PhysicalResourceId ?? '',
          type: r.ResourceType ?? '',
        })),
        stack.service,
      );
      const ruleArns = resources
        .filter((r) => /ListenerRule$/.test(r.type) && r.physicalId.startsWith('arn:'))
        .map((r) => r.physicalId);
      const rules = new Map<string, RuleView | 'missing'>();
      const describe = async (arns: string[]): Promise<void> => {
        const { Rules } = await elb.send(new DescribeRulesCommand({ RuleArns: arns }));
        for (const rule of Rules ?? []) if (rule.RuleArn) rules.set(rule.RuleArn, ruleView(rule.Actions));
      };
      try {
        if (ruleArns.length > 0) await describe(ruleArns);
      } catch (error) {
        // ELBv2 fails the whole call when one rule is gone: each alone, so one deleted rule is named, not all unknown.
        if ((error as Error).name !== 'RuleNotFoundException') throw error;
        for (const arn of ruleArns) {
          await describe([arn]).catch((one: Error) => {
            if (one.name !== 'RuleNotFoundException') throw one;
            rules.set(arn, 'missing');
          });
        }
      }
      return ownershipLines(template, resources, {
        desiredCount,
        rules,
        describeRule: (rule) => describeRule(rule, taskSets),
      });
    } catch (error) {
      return { unknown: `${(error as Error).name}: ${(error as Error).message}` };
    } finally {
      cfn.destroy();
    }
  }
}

/** A rule's conditions in a comparable form: each field with its values sorted. */
function conditionsKey(rule: Rule): string {
  const conditions = (rule.Conditions ?? []).map((c) => {
    const values = [
      ...(c.Values ?? []),
      ...(c.HostHeaderConfig?.Values ?? []),
      ...(c.PathPatternConfig?.Values ?? []),
      ...(c.HttpRequestMethodConfig?.Values ?? []),
      ...(c.SourceIpConfig?.Values ?? []),
      ...(c.HttpHeaderConfig
        ? [`${c.HttpHeaderConfig.HttpHeaderName ?? ''}:${(c.HttpHeaderConfig.Values ?? []).join(',')}`]
        : []),
      ...(c.QueryStringConfig?.Values ?? []).map((q) => `${q.Key ?? ''}=${q.Value ?? ''}`),
    ].sort();
    return `${c.Field ?? ''}=${[...new Set(values)].join('|')}`;
  });
  return conditions.sort().join('&');
}

/**
 * The rule of the same listener that answers the controller's production requests first: a smaller priority and
 * the same conditions (an exact match: a broader rule that also matches goes unnoticed). The listener is in the
 * rule's ARN (`…:listener-rule/app/LB/ID/LISTENER/RULE`).
 */
async function shadowingRule(
  elb: ElasticLoadBalancingV2Client,
  ours: Rule,
): Promise<{ ruleArn: string; priority: string } | undefined> {
  const listenerArn = ours.RuleArn?.replace(':listener-rule/', ':listener/').replace(/\/[^/]+$/, '');
  const priority = Number(ours.Priority);
  if (listenerArn === undefined || !Number.isFinite(priority)) return undefined;
  const { Rules } = await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
  const key = conditionsKey(ours);
  const first = (Rules ?? [])
    .filter((r) => r.IsDefault !== true && Number(r.Priority) < priority && conditionsKey(r) === key)
    .sort((a, b) => Number(a.Priority) - Number(b.Priority))[0];
  return first?.RuleArn !== undefined ? { ruleArn: first.RuleArn, priority: first.Priority ?? '' } : undefined;
}

/** One reading of the whole deployment. */
export async function gatherStatus(ctx: Context, stack: StackInfo): Promise<StatusView> {
  const reader = new StatusReader(ctx, stack);
  try {
    return await reader.read();
  } finally {
    reader.destroy();
  }
}

/** The service's ARN (the deployment item's key), from DescribeServices; the name when ECS gives none. */
export async function serviceArnOf(ctx: Context, stack: StackInfo): Promise<string> {
  const ecs = new ECSClient(ctx.config());
  try {
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: stack.cluster, services: [stack.service] }),
    );
    return services?.[0]?.serviceArn ?? stack.service;
  } finally {
    ecs.destroy();
  }
}

export async function readDeploymentItem(
  ctx: Context,
  stack: StackInfo,
  serviceArn: string,
): Promise<{
  record: DeploymentRecordView;
  lease?: Omit<LeaseView, 'holderRunning'>;
  /**
   * The execution waiting on a task token for approval (swapApprovalMode step-functions: a swap at ApproveSwap, a
   * clean-up at ApproveCleanUp), whether it is for the version its stage is about now (contract approvalIsCurrent), and
   * whether it was answered already: an approved waiter takes the lease (it holds none while it waits), and the item
   * keeps its token until a newer waiter replaces it. (A clean-up's version stays current while it runs: the record is
   * `swapped` until it ends.)
   */
  approval?: { readonly pending: WaitingApproval; readonly current: boolean; readonly answered: boolean };
}> {
  if (stack.deploymentTable === undefined) return { record: { phase: 'unknown' } };
  const ddb = new DynamoDBClient(ctx.config());
  try {
    const { Item } = await ddb.send(
      new GetItemCommand({
        TableName: stack.deploymentTable,
        Key: { service: { S: serviceArn } },
        ConsistentRead: true,
      }),
    );
    const text = Item?.record?.S;
    const record = text ? (JSON.parse(text) as DeploymentRecordView) : { phase: 'none' };
    const m = Item?.lease?.M;
    const lease = m
      ? {
          holder: m.holder?.S ?? '?',
          machine: m.machine?.S ?? '?',
          operation: m.operation?.S ?? '?',
          since: m.since?.S ?? '?',
        }
      : undefined;
    const pending = readWaitingApproval(Item?.[APPROVAL_ATTRIBUTE]?.S);
    const approval = pending
      ? {
          pending,
          current: approvalIsCurrent(pending, record),
          answered: lease !== undefined && lease.holder === pending.executionArn,
        }
      : undefined;
    return { record, ...(lease ? { lease } : {}), ...(approval ? { approval } : {}) };
  } finally {
    ddb.destroy();
  }
}

export interface StatusFlags {
  readonly watch?: boolean;
  /** Seconds between two readings of `--watch`. */
  readonly interval?: number;
}

export async function statusCommand(ctx: Context, flags: StatusFlags = {}): Promise<ExitCode> {
  const stack = await ctx.stack();
  const reader = new StatusReader(ctx, stack);
  try {
    if (!flags.watch) {
      const view = await reader.read();
      ctx.out(ctx.options.json ? JSON.stringify(view) : renderStatus(view));
      return EXIT.ok;
    }
    const terminal = ctx.io.stdoutTerminal;
    const intervalSeconds = flags.interval ?? 2;
    const printer = createStatusPrinter(ctx.options.json ? 'json' : terminal ? 'tty' : 'plain', {
      out: ctx.io.stdout,
      err: ctx.io.stderr,
      intervalSeconds,
      ...(terminal !== undefined && { terminal }),
    });
    const ended = await watchStatus({
      read: () => reader.read(),
      printer,
      intervalMs: ctx.options.pollInterval ?? intervalSeconds * 1000,
      ...(ctx.options.timeout !== undefined && { timeoutMs: ctx.options.timeout * 1000 }),
      ...(ctx.io.signal !== undefined && { signal: ctx.io.signal }),
    });
    if (ended === 'timeout') {
      if (!ctx.options.json) ctx.err(`--timeout ${ctx.options.timeout ?? 0}s passed: stopped watching.`);
      return EXIT.timeout;
    }
    if (!ctx.options.json) ctx.err('Stopped watching (Ctrl-C).');
    return EXIT.interrupted;
  } finally {
    reader.destroy();
  }
}
