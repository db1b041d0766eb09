/**
 * status: what production and the test listener serve (the X-App-Version header of each URL, colour/commit, and
 * where each listener's controller-owned rule forwards), the task sets with their status, stability and counts,
 * target health per target group, and any execution in flight. Read-only.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DescribeStackResourcesCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { ownershipLines, type OwnershipLine, type TemplateResource } from '../ownership';
import type { Context, StackInfo } from '../context';
import { EXIT, UsageError, type ExitCode } from '../exit-codes';
import { formatDuration, shortArn, table } from '../format';
import { MACHINES, type MachineKind } from '../machines';
import type { Hints } from '../hints';
import { PHASE_NEXT, PHASE_TEXT } from '../phases';
import { hint } from '../hints';
import { nextCommands } from '../progress';
import { pendingApprovals } from './approve';

export interface Probe {
  readonly url: string;
  readonly status?: number;
  /** The X-App-Version header: `colour/commit`. */
  readonly version?: string;
  readonly error?: string;
}

export type RuleView =
  | { readonly kind: 'forward'; readonly targetGroupArns: string[] }
  | { readonly kind: 'fixed'; readonly statusCode: string }
  | { readonly kind: 'unknown' };

export interface TaskSetView {
  readonly id: string;
  readonly arn: string;
  readonly status: string;
  readonly stability: string;
  readonly running: number;
  readonly desired: number;
  readonly taskDefinition: string;
  readonly targetGroupArn?: string;
  readonly targetGroupName?: string;
  /** Target states: { healthy: 2 } */
  readonly targets: Readonly<Record<string, number>>;
  readonly role: string;
}

/** The deployment record the state machines keep (state-machines/authoring/lease.ts): phase and versions. */
export interface DeploymentRecordView {
  readonly phase: string;
  readonly live?: { readonly taskSetArn?: string };
  readonly previous?: { readonly found?: boolean; readonly taskSetArn?: string };
  readonly green?: { readonly taskSetArn?: string; readonly commit?: string };
  readonly updatedBy?: string;
  readonly updatedAt?: string;
}

/** Who holds the service's lease (one operation at a time), and whether that execution still runs. */
export interface LeaseView {
  readonly holder: string;
  readonly machine: string;
  readonly operation: string;
  readonly since: string;
  /** False when the holder no longer runs: the next operation takes the lease over. */
  readonly holderRunning: boolean;
}

export interface InFlightView {
  readonly machine: MachineKind;
  readonly executionArn: string;
  /** The execution's start date (ISO). */
  readonly startedAt?: string;
  /**
   * The time of its newest history event (ISO): how long it has run is at least that minus its start, even when this
   * machine's clock is behind the service's (or behind local AWS's emulated clock, which runs faster).
   */
  readonly lastEventAt?: string;
}

export interface ApprovalView {
  readonly pipelineName: string;
  readonly stageName: string;
  readonly actionName: string;
  /** Since when it waits (ISO). */
  readonly since?: string;
  readonly pipelineExecutionId?: string;
}

export interface StatusView {
  readonly stack: string;
  readonly record: DeploymentRecordView;
  readonly lease?: LeaseView;
  readonly production: Probe & { readonly rule: RuleView };
  readonly test: Probe & { readonly rule: RuleView };
  readonly taskSets: readonly TaskSetView[];
  readonly inFlight: readonly InFlightView[];
  /** The pipeline's manual approvals waiting for an answer (approve/reject). */
  readonly pendingApprovals: readonly ApprovalView[];
  /** What to run next, as the user runs it (hints.ts), best first. */
  readonly next: readonly string[];
  /** Where the live state differs from the template, and who owns it (cli/ownership.ts); or why it is unknown. */
  readonly ownership: readonly OwnershipLine[] | { readonly unknown: string };
}

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
  const arns = action.ForwardConfig?.TargetGroups?.flatMap((t) => (t.TargetGroupArn ? [t.TargetGroupArn] : [])) ?? [];
  return {
    kind: 'forward',
    targetGroupArns: arns.length > 0 ? arns : action.TargetGroupArn ? [action.TargetGroupArn] : [],
  };
}

/** The pipeline's pending approvals; none when the stack has no pipeline or the endpoint has no CodePipeline. */
async function gatherApprovals(ctx: Context, stack: StackInfo): Promise<ApprovalView[]> {
  const pipelineName = stack.pipelineName;
  if (pipelineName === undefined) return [];
  const client = new CodePipelineClient(ctx.config());
  try {
    return (await pendingApprovals(client, pipelineName)).map((a) => ({
      pipelineName,
      stageName: a.stageName,
      actionName: a.actionName,
      ...(a.since !== undefined && { since: a.since.toISOString() }),
      ...(a.pipelineExecutionId !== undefined && { pipelineExecutionId: a.pipelineExecutionId }),
    }));
  } catch (error) {
    if (error instanceof UsageError) return [];
    throw error;
  } finally {
    client.destroy();
  }
}

/** What to run next, from what runs, what waits for an answer and the recorded phase (best first). Pure. */
export function statusNext(view: Pick<StatusView, 'inFlight' | 'pendingApprovals' | 'record'>, hints: Hints): string[] {
  const running = [...view.inFlight].sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''))[0];
  if (running) return [hint(hints, 'watch', running.executionArn), hint(hints, 'wait')];
  if (view.pendingApprovals.length > 0) {
    // Always with --stage: reject requires it (it starts abort or rollback), and an approve that names its stage
    // cannot answer another approval that became pending in between.
    return ['approve', 'reject'].flatMap((verb) =>
      view.pendingApprovals.map((a) => hint(hints, verb, '--stage', a.stageName)),
    );
  }
  return nextCommands(PHASE_NEXT[view.record.phase] ?? ['status'], { hints });
}

export async function gatherStatus(ctx: Context, stack: StackInfo): Promise<StatusView> {
  const ecs = new ECSClient(ctx.config());
  const elb = new ElasticLoadBalancingV2Client(ctx.config());
  const sfn = new SFNClient(ctx.config());
  try {
    const [prodProbe, testProbe, described, inFlight, approvals] = await Promise.all([
      probe(stack.productionUrl),
      probe(stack.testUrl),
      ecs.send(new DescribeServicesCommand({ cluster: stack.cluster, services: [stack.service] })),
      Promise.all(
        MACHINES.map(async (machine) => {
          const { executions } = await sfn.send(
            new ListExecutionsCommand({
              stateMachineArn: stack.machines[machine],
              statusFilter: 'RUNNING',
              maxResults: 10,
            }),
          );
          return Promise.all(
            (executions ?? []).map(async (e): Promise<InFlightView> => {
              const executionArn = e.executionArn ?? '';
              const { events } = await sfn.send(
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
      ),
      gatherApprovals(ctx, stack),
    ]);
    const service = described.services?.[0];
    if (!service) throw new UsageError(`Service ${stack.service} was not found in cluster ${stack.cluster}.`);
    const { record, lease } = await readDeploymentItem(ctx, stack, service.serviceArn ?? stack.service);
    const running = new Set(inFlight.flat().map((e) => e.executionArn));
    const taskSets = service.taskSets ?? [];
    const tgArns = [
      ...new Set(
        taskSets.flatMap((ts) => ts.loadBalancers?.map((lb) => lb.targetGroupArn ?? '') ?? []).filter((a) => a !== ''),
      ),
    ];
    const groups =
      tgArns.length > 0
        ? ((await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: tgArns }))).TargetGroups ?? [])
        : [];
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
    if (lbArn) {
      const { Listeners } = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
      for (const listener of Listeners ?? []) {
        const { Rules } = await elb.send(new DescribeRulesCommand({ ListenerArn: listener.ListenerArn }));
        const rule = ruleView(Rules?.find((r) => r.Priority === '1')?.Actions);
        if (listener.Port === 8080) testRule = rule;
        else prodRule = rule;
      }
    }
    const servesRole = (tg: string | undefined): string => {
      const roles = [
        prodRule.kind === 'forward' && tg && prodRule.targetGroupArns.includes(tg) ? 'production' : undefined,
        testRule.kind === 'forward' && tg && testRule.targetGroupArns.includes(tg) ? 'test' : undefined,
      ].filter((r) => r !== undefined);
      return roles.length > 0 ? roles.join('+') : '-';
    };
    const taskSetViews = taskSets.map((ts) => {
      const tg = ts.loadBalancers?.[0]?.targetGroupArn;
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
      };
    });
    const ownership = await gatherOwnership(ctx, stack, elb, service.desiredCount ?? 0, taskSetViews);
    return {
      stack: stack.name,
      record,
      ...(lease ? { lease: { ...lease, holderRunning: running.has(lease.holder) } } : {}),
      production: { ...prodProbe, rule: prodRule },
      test: { ...testProbe, rule: testRule },
      taskSets: taskSetViews,
      inFlight: inFlight.flat(),
      pendingApprovals: approvals,
      next: statusNext({ inFlight: inFlight.flat(), pendingApprovals: approvals, record }, ctx.hints(stack)),
      ownership,
    };
  } finally {
    ecs.destroy();
    elb.destroy();
    sfn.destroy();
  }
}

/** The template and the stack's resources against the live rules and count; read-only, and optional for the view. */
async function gatherOwnership(
  ctx: Context,
  stack: StackInfo,
  elb: ElasticLoadBalancingV2Client,
  desiredCount: number,
  taskSets: readonly TaskSetView[],
): Promise<StatusView['ownership']> {
  const cfn = ctx.cloudFormation();
  try {
    const [{ TemplateBody }, { StackResources }] = await Promise.all([
      cfn.send(new GetTemplateCommand({ StackName: stack.name, TemplateStage: 'Original' })),
      cfn.send(new DescribeStackResourcesCommand({ StackName: stack.name })),
    ]);
    const template = (JSON.parse(TemplateBody ?? '{}') as { Resources?: Record<string, TemplateResource> }).Resources;
    const resources = (StackResources ?? []).map((r) => ({
      logicalId: r.LogicalResourceId ?? '',
      physicalId: r.PhysicalResourceId ?? '',
      type: r.ResourceType ?? '',
    }));
    const ruleArns = resources
      .filter((r) => /ListenerRule$/.test(r.type) && r.physicalId.startsWith('arn:'))
      .map((r) => r.physicalId);
    const rules = new Map<string, RuleView>();
    if (ruleArns.length > 0) {
      const { Rules } = await elb.send(new DescribeRulesCommand({ RuleArns: ruleArns }));
      for (const rule of Rules ?? []) if (rule.RuleArn) rules.set(rule.RuleArn, ruleView(rule.Actions));
    }
    return ownershipLines(template ?? {}, resources, {
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

export async function readDeploymentItem(
  ctx: Context,
  stack: StackInfo,
  serviceArn: string,
): Promise<{ record: DeploymentRecordView; lease?: Omit<LeaseView, 'holderRunning'> }> {
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
    return { record, ...(lease ? { lease } : {}) };
  } finally {
    ddb.destroy();
  }
}

export function describePhase(record: DeploymentRecordView): string {
  return `${record.phase} (${PHASE_TEXT[record.phase] ?? 'unknown phase'})`;
}

export function describeLease(lease: LeaseView | undefined): string {
  if (!lease) return 'free';
  const who = `${lease.machine} (${lease.operation}) ${lease.holder} since ${lease.since}`;
  return lease.holderRunning ? `held by ${who}` : `stale: ${who} no longer runs; the next operation takes it over`;
}

function describeRule(rule: RuleView, taskSets: readonly TaskSetView[]): string {
  if (rule.kind === 'fixed') return `fixed response ${rule.statusCode}`;
  if (rule.kind === 'unknown') return '-';
  return rule.targetGroupArns
    .map((arn) => {
      const ts = taskSets.find((t) => t.targetGroupArn === arn);
      return ts ? `task set ${ts.id}` : `target group ${shortArn(arn)}`;
    })
    .join(', ');
}

function describeProbe(p: Probe): string {
  if (p.error) return `unreachable (${p.error})`;
  return p.version ? `${p.version} (HTTP ${p.status})` : `HTTP ${p.status ?? '?'}, no X-App-Version`;
}

export function renderStatus(view: StatusView, now: Date = new Date()): string {
  const targets = (t: Readonly<Record<string, number>>): string =>
    Object.entries(t)
      .map(([state, n]) => `${n} ${state}`)
      .join(', ') || 'none';
  const lines = [
    `Stack ${view.stack}`,
    `Phase: ${describePhase(view.record)}`,
    `Lease: ${describeLease(view.lease)}`,
    '',
    table([
      ['LISTENER', 'SERVES (colour/commit)', 'RULE FORWARDS TO', 'URL'],
      [
        'production',
        describeProbe(view.production),
        describeRule(view.production.rule, view.taskSets),
        view.production.url,
      ],
      ['test', describeProbe(view.test), describeRule(view.test.rule, view.taskSets), view.test.url],
    ]),
    '',
    view.taskSets.length === 0
      ? 'No task sets: nothing is deployed yet.'
      : table([
          [
            'TASK SET',
            'STATUS',
            'STABILITY',
            'RUNNING/DESIRED',
            'SERVES',
            'TASK DEFINITION',
            'TARGET GROUP',
            'TARGETS',
          ],
          ...view.taskSets.map((ts) => [
            ts.id,
            ts.status,
            ts.stability,
            `${ts.running}/${ts.desired}`,
            ts.role,
            ts.taskDefinition,
            ts.targetGroupName ?? shortArn(ts.targetGroupArn),
            targets(ts.targets),
          ]),
        ]),
    '',
    ...renderOwnership(view.ownership),
    ...renderInFlight(view, now),
    ...(view.next.length > 0 ? ['', `Next: ${view.next.join(', or ')}`] : []),
  ];
  return lines.join('\n');
}

/** How long an execution has run: from its start date, and at least up to its newest event. */
export function runningFor(e: InFlightView, now: Date): number | undefined {
  if (e.startedAt === undefined) return undefined;
  const start = new Date(e.startedAt).getTime();
  const last = e.lastEventAt === undefined ? start : new Date(e.lastEventAt).getTime();
  return Math.max(0, now.getTime() - start, last - start);
}

function renderInFlight(view: StatusView, now: Date): string[] {
  const lines = view.inFlight.map((e) => {
    const ms = runningFor(e, now);
    return `  ${e.machine} ${e.executionArn}${ms !== undefined ? ` (running ${formatDuration(ms)})` : ''}`;
  });
  const approvals = view.pendingApprovals.map(
    (a) =>
      `  pipeline ${a.pipelineName} waits at ${a.stageName} (action ${a.actionName})${a.since ? ` since ${a.since}` : ''}: approve or reject`,
  );
  if (lines.length === 0 && approvals.length === 0) return ['In flight: none'];
  return [
    ...(lines.length > 0 ? ['In flight:', ...lines] : []),
    ...(approvals.length > 0 ? ['Waiting for approval:', ...approvals] : []),
  ];
}

function renderOwnership(ownership: StatusView['ownership']): string[] {
  if ('unknown' in ownership) return [`Ownership: unknown (${ownership.unknown})`, ''];
  if (ownership.length === 0) return ['Ownership: the live state is what the template created', ''];
  return [
    'Ownership (live state that differs from the template):',
    ...ownership.map((line) => `  ${line.kind === 'hazard' ? 'HAZARD ' : ''}${line.resource}: ${line.text}`),
    '',
  ];
}

export async function statusCommand(ctx: Context): Promise<ExitCode> {
  const stack = await ctx.stack();
  const view = await gatherStatus(ctx, stack);
  ctx.out(ctx.options.json ? JSON.stringify(view) : renderStatus(view));
  return EXIT.ok;
}
