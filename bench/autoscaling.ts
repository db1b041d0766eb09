/**
 * Autoscaling in the middle of a deployment (issue 14): a stack whose service autoscales from 2 to 8 tasks on
 * production requests per target (the construct's `autoScaling`, contract/autoscaling.ts) releases blue, then
 * deploy-green → swap (a bake of several emulated minutes) → clean-up runs while production carries a steady load
 * sized so that target tracking wants the maximum (bench/autoscaling-load.ts). Local Application Auto Scaling decides
 * once per emulated minute from local CloudWatch's RequestCount / HealthyHostCount of the tracked target group, so the
 * scale-out comes a few emulated minutes after the load starts: during deploy-green or swap's bake, with both task
 * sets following the desired count.
 *
 * Measured: the desired count over time (sampled from local ECS every emulated second), from the load's start to 8
 * tasks desired, running and healthy on production, each scaling activity and the phase it fell in, every production
 * request (non-2xx and connection errors with when, what answered and the service's state at that moment), each
 * execution's status, and the target group the controller's policy tracks after clean-up. The bench prints the
 * figures; it asserts nothing.
 */
import { ApplicationAutoScalingClient, DescribeScalingPoliciesCommand } from '@aws-sdk/client-application-auto-scaling';
import { SCALING_POLICY_NAME } from '../contract';
import type { CfnTemplate } from '../harness/deploy/deploy-template';
import { synthVariant } from '../harness/deploy/synth';
import type { ExecutionResult } from '../harness/demo/executions';
import { startLocalStack, type LocalStack } from '../harness/demo/local-stack';
import { observe } from '../harness/demo/observe';
import { localClientConfig } from '../local/aws/client-config';
import { LOCAL_REGION } from '../local/local-aws';
import { capacityWanted, changesOnly, loadRateFor, summarizeCapacity, type CapacitySample } from './autoscaling-load';
import { endOf, ruleArn, sleep, timed } from './flow';
import { startLoad } from './load';
import { windowStats, type WindowStats } from './stats';

/** The stack's `autoScaling`: 2 to 8 tasks, 100 production requests per task per emulated minute. */
export const AUTOSCALING = { minCapacity: 2, maxCapacity: 8, targetRequestsPerTarget: 100 } as const;
/** swap's bake: 10 emulated minutes (30 wall s at timeScale 0.05), long enough for a scale-out inside it. */
export const AUTOSCALING_BAKE_SECONDS = 600;
/** Load before deploy-green starts, in emulated seconds. */
const BASELINE_EMULATED_S = 10;
/** Failed requests listed one by one in the results (all are counted). */
const FAILURES_LISTED = 20;

type Step = 'deployGreen' | 'swap' | 'cleanUp';

export interface AutoscalingFailure {
  /** Emulated s after the load started. */
  readonly atEmulatedS: number;
  readonly phase: string;
  /** HTTP status, or 0 for a connection error. */
  readonly status: number;
  /** X-App-Version of the answer ('' when the load balancer answered itself). */
  readonly version: string;
  readonly message?: string;
  /** The service at the last sample before it: desired count, production's running tasks and healthy targets. */
  readonly service?: { readonly desired: number; readonly running: number; readonly healthy: number };
}

export interface AutoscalingActivity {
  readonly atEmulatedS: number;
  readonly phase: string;
  readonly from: number;
  readonly to: number;
  readonly direction: string;
  readonly cause: string;
  readonly failed?: string;
}

export interface AutoscalingMeasurement {
  readonly scaling: typeof AUTOSCALING;
  readonly timeScale: number;
  readonly bakeSeconds: number;
  /** The load asked for (autocannon's overallRate) and what it delivered, per wall second. */
  readonly loadRatePerWallSecond: number;
  readonly measuredRatePerWallSecond: number;
  /** ceil(requests per emulated minute / target value) at the measured rate, clamped to min/max. */
  readonly capacityWantedAtMeasuredRate: number;
  readonly desiredBefore: number;
  readonly desiredMax: number;
  readonly desiredAfter: number;
  /** From the load's start to the maximum desired, running on production, and healthy on production. */
  readonly loadStartToMaxDesiredEmulatedS: number;
  readonly loadStartToMaxRunningEmulatedS: number;
  readonly loadStartToMaxHealthyEmulatedS: number;
  /** The phase the first scale-out fell in. */
  readonly scaleOutPhase: string;
  /**
   * Production from the first scale-out until the maximum was healthy on production (and 1 emulated s more): the
   * new tasks start on the same cores that serve production.
   */
  readonly duringScaleOut: WindowStats;
  /** The controller's PutScalingPolicy calls during the flow (each re-points the policy or sets its scale-in). */
  readonly policyPuts: Array<{
    readonly atEmulatedS: number;
    readonly phase: string;
    readonly trackedTargetGroup: string;
    readonly scaleInDisabled: boolean;
  }>;
  readonly production: Record<'whole' | Step, WindowStats>;
  /** Non-2xx answers and connection errors on production over the whole flow (0 to pass). */
  readonly failedRequests: number;
  readonly failedByStatus: Record<string, number>;
  readonly failures: AutoscalingFailure[];
  readonly executions: Record<Step, { readonly status: string; readonly error: string; readonly wallMs: number }>;
  readonly activities: AutoscalingActivity[];
  readonly policy: {
    /** `targetgroup/NAME/ID` the policy tracks after clean-up, and the one production forwards to. */
    readonly trackedTargetGroup: string;
    readonly productionTargetGroup: string;
    readonly tracksProduction: boolean;
    readonly scaleInDisabled: boolean;
  };
  readonly taskSetsAfter: Array<{ readonly computedDesiredCount: number; readonly runningCount: number }>;
  /** Changes of (desired, running, healthy) over time, emulated s after the load started. */
  readonly timeline: Array<{
    readonly atEmulatedS: number;
    readonly desired: number;
    readonly running: number;
    readonly healthy: number;
    readonly allRunning: number;
  }>;
  readonly wallMs: { readonly flow: number; readonly total: number };
}

/** The demo stack with `autoScaling` (no asset bundling: local AWS runs the handlers in process). */
function synthAutoscalingStack(): CfnTemplate {
  return synthVariant(() => ({ desiredCount: AUTOSCALING.minCapacity, autoScaling: { ...AUTOSCALING } }));
}

/** `targetgroup/NAME/ID` of a target group ARN or an ALBRequestCountPerTarget resource label. */
const targetGroupPart = (arnOrLabel: string): string => /targetgroup\/[^/]+\/[^/]+$/.exec(arnOrLabel)?.[0] ?? '';

/** One reading of the service from the emulator's own state (no API call). */
function sample(stack: LocalStack): CapacitySample | undefined {
  try {
    const view = observe(stack);
    const prodTg = view.production.kind === 'forward' ? view.production.targetGroupArns[0] : undefined;
    const taskSet = view.taskSets.find((ts) => ts.targetGroupArn === prodTg);
    const group = view.targetGroups.find((g) => g.arn === prodTg);
    return {
      t: Date.now(),
      desired: view.desiredCount,
      running: taskSet?.runningCount ?? 0,
      healthy: group?.states.filter((s) => s === 'healthy').length ?? 0,
      allRunning: view.taskSets.reduce((n, ts) => n + ts.runningCount, 0),
    };
  } catch {
    return undefined;
  }
}

export interface AutoscalingOptions {
  readonly timeScale: number;
  readonly connections: number;
}

export async function measureAutoscaling(
  o: AutoscalingOptions,
  log: (line: string) => void = () => undefined,
): Promise<AutoscalingMeasurement> {
  const started = Date.now();
  const template = synthAutoscalingStack();
  const stack = await startLocalStack(template, {
    timeScale: o.timeScale,
    ports: { api: 0, listeners: { 80: 0, 8080: 0 } },
  });
  const aas = new ApplicationAutoScalingClient(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
  try {
    const { clock } = stack.aws;
    const repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
    const resourceId = `service/${stack.service.cluster}/${stack.service.service}`;
    for (const [machine, input] of [
      ['deployGreen', { ...stack.service, image: `${repo}:as-blue`, commit: 'a5b1000' }],
      ['swap', { ...stack.service, bakeSeconds: 0 }],
      ['cleanUp', stack.service],
    ] as const) {
      const [result] = await timed(stack, machine, input);
      if (result.status !== 'SUCCEEDED') {
        throw new Error(
          `autoscaling: releasing blue, ${machine} ${result.status} ${result.error ?? ''} ${result.cause ?? ''}`,
        );
      }
    }
    log(`autoscaling: blue released at ${observe(stack).desiredCount} tasks (${Date.now() - started} ms)`);
    const prodRule = ruleArn(stack, 80);
    stack.aws.server.callLog.clear();

    const rate = loadRateFor({
      capacity: AUTOSCALING.maxCapacity,
      targetRequestsPerTarget: AUTOSCALING.targetRequestsPerTarget,
      timeScale: o.timeScale,
    });
    const samples: CapacitySample[] = [];
    const first = sample(stack);
    if (first) samples.push(first);
    const load = await startLoad(stack.urls.production, o.connections, rate);
    const loadStart = Date.now();
    const loadStartEmulated = clock.now();
    const sampler = setInterval(
      () => {
        const s = sample(stack);
        if (s) samples.push(s);
      },
      Math.max(20, clock.wallMs(1)),
    );
    const runs: Partial<Record<Step, [ExecutionResult, number, number]>> = {};
    let loadEnd: number;
    let prod: Awaited<ReturnType<typeof load.stop>>;
    try {
      await sleep(clock.wallMs(BASELINE_EMULATED_S));
      const inputs: Record<Step, Record<string, unknown>> = {
        deployGreen: { ...stack.service, image: `${repo}:as-green`, commit: 'a5c2000' },
        swap: { ...stack.service, bakeSeconds: AUTOSCALING_BAKE_SECONDS },
        cleanUp: stack.service,
      };
      for (const step of ['deployGreen', 'swap', 'cleanUp'] as const) {
        const run = await timed(stack, step, inputs[step]);
        runs[step] = run;
        log(
          `autoscaling: ${step} ${run[0].status} ${run[0].error ?? ''} after ${run[2] - run[1]} ms; desired ${observe(stack).desiredCount}`,
        );
        if (run[0].status !== 'SUCCEEDED') break;
      }
      await sleep(clock.wallMs(BASELINE_EMULATED_S));
    } finally {
      clearInterval(sampler);
      loadEnd = Date.now();
      prod = await load.stop();
    }
    const last = sample(stack);
    if (last) samples.push(last);

    const emulatedS = (wall: number): number => (wall - loadStart) / 1000 / o.timeScale;
    const moveToGreen = stack.aws.server.callLog
      .entries()
      .find(
        (c) =>
          c.principal !== undefined &&
          c.operation === 'ModifyRule' &&
          c.input.RuleArn === prodRule &&
          runs.swap !== undefined &&
          Date.parse(c.time) >= runs.swap[1],
      );
    const phaseAt = (t: number): string => {
      const within = (step: Step): boolean => {
        const run = runs[step];
        return run !== undefined && t >= run[1] && t <= run[2];
      };
      if (within('deployGreen')) return 'deploy-green';
      if (within('swap')) return moveToGreen && t >= endOf(moveToGreen) ? "swap's bake" : 'swap before the cutover';
      if (within('cleanUp')) return 'clean-up';
      if (t < (runs.deployGreen?.[1] ?? Infinity)) return 'before deploy-green';
      if (t > (runs.cleanUp?.[2] ?? Infinity)) return 'after clean-up';
      return 'between executions';
    };
    const serviceAt = (t: number): AutoscalingFailure['service'] => {
      let found: CapacitySample | undefined;
      for (const s of samples) if (s.t <= t) found = s;
      return found && { desired: found.desired, running: found.running, healthy: found.healthy };
    };

    const failures: AutoscalingFailure[] = [];
    const failedByStatus: Record<string, number> = {};
    for (let i = 0; i < prod.end.length; i++) {
      const status = prod.status[i] ?? 0;
      if (status >= 200 && status <= 299) continue;
      failedByStatus[String(status)] = (failedByStatus[String(status)] ?? 0) + 1;
      const t = prod.end[i] ?? 0;
      if (failures.length < FAILURES_LISTED) {
        failures.push({
          atEmulatedS: emulatedS(t),
          phase: phaseAt(t),
          status,
          version: prod.versions[prod.version[i] ?? 0] ?? '',
          service: serviceAt(t),
        });
      }
    }
    prod.errorTimes.forEach((t, i) => {
      failedByStatus['connection error'] = (failedByStatus['connection error'] ?? 0) + 1;
      if (failures.length < FAILURES_LISTED) {
        failures.push({
          atEmulatedS: emulatedS(t),
          phase: phaseAt(t),
          status: 0,
          version: '',
          ...(prod.errorMessages[i] !== undefined && { message: prod.errorMessages[i] }),
          service: serviceAt(t),
        });
      }
    });
    failures.sort((a, b) => a.atEmulatedS - b.atEmulatedS);

    const activities: AutoscalingActivity[] = stack.aws.applicationAutoScaling
      .activities()
      .filter((a) => a.resourceId === resourceId)
      .map((a) => {
        const wall = loadStart + (a.at - loadStartEmulated) * o.timeScale;
        return {
          atEmulatedS: (a.at - loadStartEmulated) / 1000,
          phase: phaseAt(wall),
          from: a.from,
          to: a.to,
          direction: a.direction,
          cause: a.cause,
          ...(a.failed !== undefined && { failed: a.failed }),
        };
      });

    const policies = await aas.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }),
    );
    const policy = policies.ScalingPolicies?.find((p) => p.PolicyName === SCALING_POLICY_NAME);
    const config = policy?.TargetTrackingScalingPolicyConfiguration;
    const view = observe(stack);
    const productionTg = view.production.kind === 'forward' ? (view.production.targetGroupArns[0] ?? '') : '';
    const tracked = targetGroupPart(config?.PredefinedMetricSpecification?.ResourceLabel ?? '');

    const summary = summarizeCapacity(samples, AUTOSCALING.maxCapacity, loadStart);
    const whole = windowStats(prod, loadStart, loadEnd + 1);
    const stepStats = (step: Step): WindowStats => {
      const run = runs[step];
      return run ? windowStats(prod, run[1], run[2]) : windowStats(prod, NaN, NaN);
    };
    const execution = (step: Step) => {
      const run = runs[step];
      return run
        ? { status: run[0].status, error: run[0].error ?? '', wallMs: run[2] - run[1] }
        : { status: 'NOT RUN', error: '', wallMs: NaN };
    };
    const firstOut = activities.find((a) => a.direction === 'out' && a.failed === undefined);
    const firstOutWall = firstOut ? loadStart + firstOut.atEmulatedS * 1000 * o.timeScale : NaN;
    const policyPuts = stack.aws.server.callLog
      .entries()
      .filter((c) => c.principal !== undefined && c.operation === 'PutScalingPolicy')
      .map((c) => {
        const input = c.input as {
          TargetTrackingScalingPolicyConfiguration?: {
            DisableScaleIn?: boolean;
            PredefinedMetricSpecification?: { ResourceLabel?: string };
          };
        };
        const configuration = input.TargetTrackingScalingPolicyConfiguration;
        return {
          atEmulatedS: emulatedS(Date.parse(c.time)),
          phase: phaseAt(Date.parse(c.time)),
          trackedTargetGroup: targetGroupPart(configuration?.PredefinedMetricSpecification?.ResourceLabel ?? ''),
          scaleInDisabled: configuration?.DisableScaleIn ?? false,
        };
      });
    return {
      scaling: AUTOSCALING,
      timeScale: o.timeScale,
      bakeSeconds: AUTOSCALING_BAKE_SECONDS,
      loadRatePerWallSecond: rate,
      measuredRatePerWallSecond: whole.requestsPerSecond,
      capacityWantedAtMeasuredRate: capacityWanted(whole.requestsPerSecond, {
        targetRequestsPerTarget: AUTOSCALING.targetRequestsPerTarget,
        timeScale: o.timeScale,
        min: AUTOSCALING.minCapacity,
        max: AUTOSCALING.maxCapacity,
      }),
      desiredBefore: summary.desiredBefore,
      desiredMax: summary.desiredMax,
      desiredAfter: summary.desiredAfter,
      loadStartToMaxDesiredEmulatedS: emulatedS(summary.desiredReachedAt),
      loadStartToMaxRunningEmulatedS: emulatedS(summary.runningReachedAt),
      loadStartToMaxHealthyEmulatedS: emulatedS(summary.healthyReachedAt),
      scaleOutPhase: firstOut?.phase ?? 'no scale-out',
      duringScaleOut: windowStats(prod, firstOutWall, summary.healthyReachedAt + clock.wallMs(1)),
      policyPuts,
      production: {
        whole,
        deployGreen: stepStats('deployGreen'),
        swap: stepStats('swap'),
        cleanUp: stepStats('cleanUp'),
      },
      failedRequests: whole.non2xx + whole.connectionErrors,
      failedByStatus,
      failures,
      executions: { deployGreen: execution('deployGreen'), swap: execution('swap'), cleanUp: execution('cleanUp') },
      activities,
      policy: {
        trackedTargetGroup: tracked,
        productionTargetGroup: targetGroupPart(productionTg),
        tracksProduction: tracked !== '' && tracked === targetGroupPart(productionTg),
        scaleInDisabled: config?.DisableScaleIn ?? false,
      },
      taskSetsAfter: view.taskSets.map((ts) => ({
        computedDesiredCount: ts.computedDesiredCount,
        runningCount: ts.runningCount,
      })),
      timeline: changesOnly(samples).map((s) => ({
        atEmulatedS: emulatedS(s.t),
        desired: s.desired,
        running: s.running,
        healthy: s.healthy,
        allRunning: s.allRunning,
      })),
      wallMs: { flow: loadEnd - loadStart, total: Date.now() - started },
    };
  } finally {
    aas.destroy();
    await stack.close();
  }
}

/** What the bench prints below its table for the autoscaling scenario. */
export function autoscalingSummary(m: AutoscalingMeasurement): string {
  const s = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : '—');
  const e = m.executions;
  const passed =
    m.failedRequests === 0 &&
    Object.values(e).every((x) => x.status === 'SUCCEEDED') &&
    m.desiredMax === m.scaling.maxCapacity &&
    m.policy.tracksProduction;
  const lines = [
    `Autoscaling ${m.scaling.minCapacity} → ${m.scaling.maxCapacity} tasks during deploy-green → swap ` +
      `(${m.bakeSeconds}-second bake) → clean-up (target ${m.scaling.targetRequestsPerTarget} requests per task ` +
      `per minute; load ${m.loadRatePerWallSecond} req/wall s asked, ${s(m.measuredRatePerWallSecond, 0)} delivered: ` +
      `target tracking wants ${m.capacityWantedAtMeasuredRate}): ${passed ? 'PASS' : 'NOT A PASS'}`,
    `  desired count: before ${m.desiredBefore}, max ${m.desiredMax}, after ${m.desiredAfter}; load start → ` +
      `${m.scaling.maxCapacity} desired ${s(m.loadStartToMaxDesiredEmulatedS)} emulated s, running on production ` +
      `${s(m.loadStartToMaxRunningEmulatedS)} s, healthy on production ${s(m.loadStartToMaxHealthyEmulatedS)} s; ` +
      `first scale-out during ${m.scaleOutPhase}`,
    `  production from the scale-out until ${m.scaling.maxCapacity} healthy: ${m.duringScaleOut.requests} requests, ` +
      `${m.duringScaleOut.non2xx} non-2xx, ${m.duringScaleOut.connectionErrors} connection errors, p50 ` +
      `${s(m.duringScaleOut.p50Ms)} ms, p99 ${s(m.duringScaleOut.p99Ms)} ms, max ${s(m.duringScaleOut.maxMs)} ms`,
    `  the controller's PutScalingPolicy: ${m.policyPuts
      .map(
        (p) =>
          `${s(p.atEmulatedS)} s (${p.phase}) → ${p.trackedTargetGroup}, scale-in ` +
          `${p.scaleInDisabled ? 'disabled' : 'enabled'}`,
      )
      .join('; ')}`,
    `  scaling activities: ${
      m.activities.length
        ? m.activities
            .map(
              (a) =>
                `${a.direction} ${a.from} → ${a.to} at ${s(a.atEmulatedS)} s (${a.phase})${a.failed ? ` FAILED: ${a.failed}` : ''}`,
            )
            .join('; ')
        : 'none'
    }`,
    `  production: ${m.production.whole.requests} requests, ${m.production.whole.non2xx} non-2xx, ` +
      `${m.production.whole.connectionErrors} connection errors` +
      (m.failedRequests
        ? ` (${Object.entries(m.failedByStatus)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')})`
        : '') +
      `; p99 ${s(m.production.whole.p99Ms)} ms`,
    `  executions: deploy-green ${e.deployGreen.status}${e.deployGreen.error ? ` ${e.deployGreen.error}` : ''}, ` +
      `swap ${e.swap.status}${e.swap.error ? ` ${e.swap.error}` : ''}, clean-up ${e.cleanUp.status}` +
      `${e.cleanUp.error ? ` ${e.cleanUp.error}` : ''}`,
    `  after clean-up the policy tracks ${m.policy.trackedTargetGroup || '(none)'} ` +
      `(${m.policy.tracksProduction ? 'production' : `NOT production, which is ${m.policy.productionTargetGroup}`}), ` +
      `scale-in ${m.policy.scaleInDisabled ? 'disabled' : 'enabled'}; task sets ${m.taskSetsAfter
        .map((t) => `${t.runningCount}/${t.computedDesiredCount}`)
        .join(', ')} running/desired`,
  ];
  for (const f of m.failures) {
    lines.push(
      `  failed request at ${s(f.atEmulatedS)} s (${f.phase}): ${f.status || 'connection error'} ` +
        `${f.version ? `from ${f.version}` : 'from the load balancer'}${f.message ? ` ${f.message}` : ''}` +
        (f.service
          ? `; service desired ${f.service.desired}, production running ${f.service.running}, healthy ${f.service.healthy}`
          : ''),
    );
  }
  return lines.join('\n');
}
