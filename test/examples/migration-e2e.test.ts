import * as http from 'http';
import { performance } from 'perf_hooks';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  type Rule,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { MIGRATION_HOST, MigrationStack, NEW_SERVICE, OLD_SERVICE } from '../../examples/migration/migration-stack';
import { runExecution } from '../../harness/demo/executions';
import { startLocalServices, type LocalService, type LocalServices } from '../../harness/demo/local-services';
import type { CfnTemplate } from '../../harness/deploy/deploy-template';
import { synthStackTemplate } from '../../harness/deploy/synth';
import { EXIT } from '../../cli/exit-codes';
import { localClientConfig } from '../../local/aws/client-config';
import { LOCAL_REGION } from '../../local/local-aws';
import { runInProcess } from '../cli/run-in-process';

/**
 * examples/migration end to end on local AWS: the README's "Moving an existing service onto the controller", with
 * production probed from before the new service's first release to after its second. The old service (a controller
 * service released once: local AWS runs only EXTERNAL services, see the stack's comment) answers production; the new
 * one releases beside it, unseen; the operator cuts over with one DeleteRule of the old service's production rule, goes
 * back by restoring the rule, cuts over again, scales the old service to 0, and the new service then releases as usual.
 * No production request fails, and each answer comes from the service the rules say it should.
 */
function synth(): CfnTemplate {
  return synthStackTemplate((app) => new MigrationStack(app, 'Migration', { desiredCount: 1 }));
}

interface Probe {
  readonly status: number | 'error';
  /** The X-App-Version header: `colour/commit`. */
  readonly version: string | undefined;
  /** When it was sent and answered (performance.now()), to place it before or after an operator's call. */
  readonly sentAt: number;
  readonly answeredAt: number;
}

/** GETs production (host MIGRATION_HOST) one request after another until stopped; every answer, in order. */
function probeProduction(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const probes: Probe[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let running = true;
  const get = (): Promise<Probe> =>
    new Promise((resolve) => {
      const sentAt = performance.now();
      const done = (status: number | 'error', version: string | undefined) =>
        resolve({ status, version, sentAt, answeredAt: performance.now() });
      const request = http.get(
        { host: '127.0.0.1', port, path: '/', agent, headers: { host: MIGRATION_HOST } },
        (response) => {
          response.resume();
          response.on('end', () => done(response.statusCode ?? 0, response.headers['x-app-version'] as string));
        },
      );
      request.on('error', () => done('error', undefined));
      request.setTimeout(5000, () => request.destroy());
    });
  const loop = (async () => {
    while (running) {
      probes.push(await get());
      for (const waiter of waiters.filter((w) => probes.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    probes,
    /** Resolves once `n` more answers than now have come back. */
    more(n: number): Promise<void> {
      return new Promise((resolve) => waiters.push({ count: probes.length + n, resolve }));
    },
    async stop(): Promise<Probe[]> {
      running = false;
      await loop;
      agent.destroy();
      return probes;
    },
  };
}

interface Version {
  /** The page's colour, so answers tell the versions apart. */
  readonly colour: string;
  /** Its Git commit id (hex). */
  readonly commit: string;
}

/** Images are tagged by commit; local AWS shows the colour a tag names (local/dataplane/images.ts). */
const tagOf = (v: Version) => `${v.colour}-${v.commit}`;
/** What production's X-App-Version header says for a version: the page's colour and the image's tag. */
const answerOf = (v: Version) => `${v.colour}/${tagOf(v)}`;

/** deploy-green, swap and clean-up of one version. */
async function release(local: LocalServices, service: LocalService, v: Version): Promise<void> {
  const run = async (machine: 'deployGreen' | 'swap' | 'cleanUp', input: object) => {
    const result = await runExecution(local.sfn, service.stateMachines[machine], { ...service.input, ...input });
    if (result.status !== 'SUCCEEDED') {
      throw new Error(`${service.prefix} ${machine} ${result.status}: ${result.error ?? ''} ${result.cause ?? ''}`);
    }
  };
  await run('deployGreen', { image: `${service.imageRepositoryUri ?? ''}:${tagOf(v)}`, commit: v.commit });
  await run('swap', { bakeSeconds: 5 });
  await run('cleanUp', {});
}

/** The parts of `bluegreen status --json` this test reads. */
interface StatusJson {
  readonly record: { readonly phase: string; readonly live?: { readonly taskSetArn?: string } };
  readonly production: { readonly rule: unknown; readonly shadowedBy?: unknown };
  readonly taskSets: ReadonlyArray<{
    readonly image?: string;
    readonly targetGroupArn?: string;
    readonly role?: string;
  }>;
  readonly ownership:
    ReadonlyArray<{ readonly resource: string; readonly kind: string }> | { readonly unknown: string };
}

// The old service's version, then the new service's first and second.
const OLD: Version = { colour: 'blue', commit: 'b0000001' };
const NEW_1: Version = { colour: 'green', commit: 'e0000001' };
const NEW_2: Version = { colour: 'purple', commit: 'e0000002' };

test('an existing service moves onto the controller with one rule change, and back, with no production error', async () => {
  const local = await startLocalServices(synth(), {
    stackName: 'Migration',
    timeScale: 0.02,
    ports: { api: 0, listeners: { 80: 0, [OLD_SERVICE.testPort]: 0, [NEW_SERVICE.testPort]: 0 } },
  });
  const elb = new ElasticLoadBalancingV2Client(localClientConfig(local.aws.endpoint, LOCAL_REGION));
  const ecs = new ECSClient(localClientConfig(local.aws.endpoint, LOCAL_REGION));
  // Stopped however the test ends, so a failure does not leave it probing.
  let stopProbing: (() => Promise<unknown>) | undefined;
  try {
    const byPrefix = (id: string): LocalService => local.services.find((s) => s.prefix === id)!;
    /** `bluegreen --service NAME --json status`, as an operator runs it. */
    const statusOf = (serviceName: string) =>
      runInProcess([
        '--local',
        '--endpoint-url',
        local.aws.endpoint,
        '--stack',
        'Migration',
        '--service',
        serviceName,
        '--json',
        'status',
      ]);
    const oldService = byPrefix(OLD_SERVICE.id);
    const newService = byPrefix(NEW_SERVICE.id);
    // The existing service, running its version before the migration starts.
    await release(local, oldService, OLD);

    // What an operator reads first: the production listener's rules for the host, by priority.
    const { LoadBalancers } = await elb.send(new DescribeLoadBalancersCommand({}));
    const { Listeners } = await elb.send(
      new DescribeListenersCommand({ LoadBalancerArn: LoadBalancers?.[0]?.LoadBalancerArn }),
    );
    const listenerArn = Listeners?.find((l) => l.Port === 80)?.ListenerArn;
    const productionRules = async (): Promise<Rule[]> =>
      ((await elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules ?? []).filter(
        (r) => !r.IsDefault,
      );
    const oldRule = (await productionRules()).find((r) => r.Priority === String(OLD_SERVICE.rulePriority))!;
    expect((await productionRules()).map((r) => r.Priority)).toEqual([
      String(OLD_SERVICE.rulePriority),
      String(NEW_SERVICE.rulePriority),
    ]);

    const prober = probeProduction(local.aws.listenerPort(80));
    stopProbing = () => prober.stop();
    await prober.more(10);
    // Step 2: the new service releases the app beside the old one (another colour here, so answers tell the
    // services apart); production keeps answering the old service.
    await release(local, newService, NEW_1);
    await prober.more(10);
    // What status says of the new service now: its rule is shadowed by the old one, so none of its versions serves
    // production.
    const before = JSON.parse((await statusOf(NEW_SERVICE.serviceName)).stdout) as StatusJson;
    expect(before.production.shadowedBy).toEqual({
      ruleArn: oldRule.RuleArn,
      priority: String(OLD_SERVICE.rulePriority),
    });
    expect(before.taskSets.map((ts) => ts.role)).toEqual(['-']);

    // Step 3: the cut-over, one call. Every answer sent after it returned is the new service's.
    const operatorCalls: Array<{ name: string; startedAt: number; returnedAt: number }> = [];
    const operator = async (name: string, call: () => Promise<unknown>) => {
      const startedAt = performance.now();
      await call();
      operatorCalls.push({ name, startedAt, returnedAt: performance.now() });
      await prober.more(20);
    };
    await operator('cut over', () => elb.send(new DeleteRuleCommand({ RuleArn: oldRule.RuleArn })));
    // The way back (before the old service is gone): restore the rule as it was.
    let restored: string | undefined;
    await operator('back', async () => {
      const { Rules } = await elb.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: OLD_SERVICE.rulePriority,
          Conditions: oldRule.Conditions,
          Actions: oldRule.Actions,
        }),
      );
      restored = Rules?.[0]?.RuleArn;
    });
    await operator('cut over again', () => elb.send(new DeleteRuleCommand({ RuleArn: restored })));
    // Step 4: the old service scaled to 0; production does not notice.
    await operator('scale the old service to 0', () =>
      ecs.send(new UpdateServiceCommand({ ...oldService.input, desiredCount: 0 })),
    );
    // Its tasks stop while production is still probed (ECS stops them after the scale-down).
    const oldTasks = async () => {
      const { services } = await ecs.send(
        new DescribeServicesCommand({ cluster: oldService.input.cluster, services: [oldService.input.service] }),
      );
      return { desired: services?.[0]?.desiredCount, running: services?.[0]?.runningCount };
    };
    for (let attempt = 0; attempt < 100 && (await oldTasks()).running !== 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await oldTasks()).toEqual({ desired: 0, running: 0 });

    // The new service's own flow after the cut-over: its next version replaces the first, with no error.
    const beforeRelease = prober.probes.length;
    await release(local, newService, NEW_2);
    await prober.more(10);
    const probes = await prober.stop();

    expect(probes.filter((p) => p.status !== 200)).toEqual([]);
    // Which service answers, between the operator's calls: before the first, the old one; after each, the one the
    // rules now put first. A request in flight during a call may get either.
    const [cutOver, back, again] = operatorCalls;
    const versionsBetween = (from: number, to: number) => [
      ...new Set(probes.filter((p) => p.sentAt > from && p.answeredAt < to).map((p) => p.version)),
    ];
    expect(versionsBetween(-Infinity, cutOver!.startedAt)).toEqual([answerOf(OLD)]);
    expect(versionsBetween(cutOver!.returnedAt, back!.startedAt)).toEqual([answerOf(NEW_1)]);
    expect(versionsBetween(back!.returnedAt, again!.startedAt)).toEqual([answerOf(OLD)]);
    expect(versionsBetween(again!.returnedAt, Infinity)).toEqual([answerOf(NEW_1), answerOf(NEW_2)]);
    // Each phase was seen by many requests, not one.
    for (const [from, to] of [
      [-Infinity, cutOver!.startedAt],
      [cutOver!.returnedAt, back!.startedAt],
      [back!.returnedAt, again!.startedAt],
    ] as const) {
      expect(probes.filter((p) => p.sentAt > from && p.answeredAt < to).length).toBeGreaterThanOrEqual(10);
    }
    expect(probes.slice(beforeRelease).filter((p) => p.version === answerOf(NEW_2)).length).toBeGreaterThan(5);

    // The CLI, on the new service after the cut-over: the version production answers is its live one, its one task
    // set, and what its production rule forwards to.
    const status = await statusOf(NEW_SERVICE.serviceName);
    expect(status.code).toBe(EXIT.ok);
    const view = JSON.parse(status.stdout) as StatusJson;
    expect(view.record.phase).toBe('stable');
    expect(view.taskSets).toHaveLength(1);
    const live = view.taskSets[0]!;
    expect(live).toMatchObject({
      arn: view.record.live?.taskSetArn,
      status: 'PRIMARY',
      role: 'production',
      commit: NEW_2.commit,
      running: 1,
      targets: { healthy: 1 },
    });
    expect(live.image?.split(':').pop()).toBe(tagOf(NEW_2));
    expect(view.production.rule).toEqual({ kind: 'forward', targetGroupArns: [live.targetGroupArn] });
    expect(view.production.shadowedBy).toBeUndefined();
    // Its ownership speaks for its own resources only, though the old service's production rule is gone from the
    // stack's listener (ELBv2 fails a DescribeRules naming a deleted rule).
    expect(Array.isArray(view.ownership)).toBe(true);
    expect((view.ownership as ReadonlyArray<{ kind: string }>).filter((line) => line.kind === 'hazard')).toEqual([]);

    // The old service's status still reads after its production rule was deleted: the rule is unknown, and its own
    // ownership names the deleted rule.
    const old = await statusOf(OLD_SERVICE.serviceName);
    expect(old.code).toBe(EXIT.ok);
    const oldView = JSON.parse(old.stdout) as StatusJson;
    expect(oldView.production.rule).toEqual({ kind: 'unknown' });
    expect(oldView.ownership).toEqual(
      expect.arrayContaining([expect.objectContaining({ resource: 'production rule', kind: 'hazard' })]),
    );
  } finally {
    await stopProbing?.();
    elb.destroy();
    ecs.destroy();
    await local.close();
  }
}, 240_000);
