/**
 * `npm run bench`: zero-downtime swap under load, and what the controller itself costs, as figures.
 *
 * For each desired count, local AWS is started with the synthesized stack, a blue version is released, and then
 * `--runs` measured deployments follow (each deploys a new version over the live one under load), each followed by
 * the two failure paths, a green that crashes during swap's bake (bench/crash.ts) and a bad version that fails 5 % of
 * production's requests (bench/bad-version.ts). Every figure is printed as the
 * median [min–max] over the runs; bench/results.json holds the same plus every raw run and the machine it ran on.
 *
 *   npm run bench -- --runs 5 --desired 1,4,16 --time-scale 0.05 --connections 50 --no-failure --no-crash
 */
import { Command } from 'commander';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthTemplate } from '../harness/deploy/synth';
import { runExecution } from '../harness/demo/executions';
import { startLocalStack, type LocalStack } from '../harness/demo/local-stack';
import {
  BENCH_BAKE_SECONDS,
  measureFailure,
  measureFlow,
  PRICE_PER_TRANSITION_USD,
  type FailureMeasurement,
  type FlowMeasurement,
} from './flow';
import { measureCrash, type CrashMeasurement } from './crash';
import { badVersionSummary, measureBadVersion, type BadVersionMeasurement } from './bad-version';
import { measureBakeCosts, REFERENCE_DESIGN_TRANSITIONS, type BakeCost } from './bake-cost';
import { measureShift, type ShiftMeasurement } from './shift';
import { autoscalingSummary, measureAutoscaling, type AutoscalingMeasurement } from './autoscaling';
import { spread, type Spread } from './stats';
import { renderAutoscalingTable, renderTable } from './table';

export interface BenchOptions {
  readonly runs: number;
  readonly desiredCounts: number[];
  readonly timeScale: number;
  readonly connections: number;
  readonly testConnections: number;
  readonly baselineMs: number;
  readonly failure: boolean;
  readonly failingImage: string;
  /** A green whose tasks crash on start (deploy-green must fail fast on it). @default local/crash-on-start:x */
  readonly crashLoopImage?: string;
  /** Kill every green task during swap's bake, once per run (bench/crash.ts). */
  readonly crash: boolean;
  /** Whole-flow transitions with a 300 s and a 24 h bake, once (bench/bake-cost.ts). */
  readonly bakeCost?: boolean;
  /** Green's share of production per traffic-shift step, once per desired count (bench/shift.ts). */
  readonly shift?: boolean;
  /** A version failing 5 % of production's requests swapped in under load, once per run (bench/bad-version.ts). */
  readonly badVersion?: boolean;
  /** Autoscaling 2 → 8 tasks under load during deploy-green → swap → clean-up, once (bench/autoscaling.ts). */
  readonly autoscaling?: boolean;
}

export interface DesiredCountResult {
  readonly desiredCount: number;
  readonly flows: FlowMeasurement[];
  readonly failures: FailureMeasurement[];
  readonly crashes: CrashMeasurement[];
  readonly badVersions: BadVersionMeasurement[];
  /** Green's share of production per shift step (once, after the runs). */
  readonly shift?: ShiftMeasurement;
  /** Every numeric figure (dotted path) as median/min/max over the runs. */
  readonly figures: Record<string, Spread>;
  readonly wallMs: number;
}

/** Every finite number in a measurement, by dotted path (arrays of strings are skipped). */
export function flatten(value: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (typeof value === 'number') out[prefix] = value;
  else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

function aggregate(items: ReadonlyArray<Record<string, number>>): Record<string, Spread> {
  const keys = new Set(items.flatMap((i) => Object.keys(i)));
  const result: Record<string, Spread> = {};
  for (const key of keys) result[key] = spread(items.map((i) => i[key] ?? NaN));
  return result;
}

const hex = (n: number): string => n.toString(16).padStart(7, '0');

async function release(stack: LocalStack, repo: string, tag: string, commit: string): Promise<void> {
  const input = { ...stack.service, image: `${repo}:${tag}`, commit };
  for (const [machine, i] of [
    ['deployGreen', input],
    ['swap', { ...stack.service, bakeSeconds: BENCH_BAKE_SECONDS }],
    ['cleanUp', stack.service],
  ] as const) {
    const result = await runExecution(stack.sfn, stack.stateMachines[machine], i, { pollMs: 20 });
    if (result.status !== 'SUCCEEDED')
      throw new Error(`Releasing blue: ${machine} ${result.status} ${result.cause ?? ''}`);
  }
}

export async function benchDesiredCount(
  desiredCount: number,
  options: BenchOptions,
  log: (line: string) => void = () => undefined,
): Promise<DesiredCountResult> {
  const started = Date.now();
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-cdk-${desiredCount}-`));
  const template = synthTemplate({ desiredCount }, outdir);
  const stack = await startLocalStack(template, {
    timeScale: options.timeScale,
    ports: { api: 0, listeners: { 80: 0, 8080: 0 } },
  });
  const flows: FlowMeasurement[] = [];
  const failures: FailureMeasurement[] = [];
  const crashes: CrashMeasurement[] = [];
  const badVersions: BadVersionMeasurement[] = [];
  let shift: ShiftMeasurement | undefined;
  try {
    const repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
    let live = 'blue-0';
    await release(stack, repo, live, hex(0xb000000 + desiredCount * 0x1000));
    log(`desired ${desiredCount}: blue released (${Date.now() - started} ms)`);
    for (let run = 1; run <= options.runs; run++) {
      const next = run % 2 === 1 ? `green-${run}` : `blue-${run}`;
      const flow = await measureFlow(stack, {
        repo,
        desiredCount,
        connections: options.connections,
        testConnections: options.testConnections,
        blueTag: live,
        greenTag: next,
        greenCommit: hex(0xc000000 + desiredCount * 0x1000 + run),
        baselineMs: options.baselineMs,
      });
      flows.push(flow);
      live = next;
      const p = flow.production.whole;
      log(
        `desired ${desiredCount} run ${run}: ${p.requests} requests, ${p.non2xx} non-2xx, ` +
          `${p.connectionErrors} errors, ${flow.cutover.violations} order violations`,
      );
      if (options.failure) {
        const failure = await measureFailure(stack, {
          repo,
          connections: options.connections,
          rollbackCommit: hex(0xd000000 + desiredCount * 0x1000 + run),
          rollbackTag: `orange-${run}`,
          failingImage: options.failingImage,
          crashLoopImage: options.crashLoopImage ?? 'local/crash-on-start:x',
        });
        failures.push(failure);
        log(
          `desired ${desiredCount} run ${run}: undo after never-healthy ${failure.unhealthyToUndoneWallMs} ms, ` +
            `crash-looping green undone after ${failure.crashLoopToUndoneEmulatedS.toFixed(1)} emulated s ` +
            `(${failure.crashLoopError}, ${failure.crashLoopHealthPolls} polls), ` +
            `rollback → production rule ${failure.rollbackToProductionRuleWallMs} ms`,
        );
      }
      if (options.crash) {
        const crash = await measureCrash(stack, {
          repo,
          desiredCount,
          connections: options.connections,
          blueTag: live,
          crashTag: `red-crash-${run}`,
          crashCommit: hex(0xe000000 + desiredCount * 0x1000 + run),
        });
        crashes.push(crash);
        const u = crash.untilBlue;
        log(
          `desired ${desiredCount} run ${run}: green killed in the bake → swap ${crash.swapStatus} ` +
            `${crash.swapError}, production on blue ${String(crash.productionOnBlue)}; until blue ` +
            `${crash.killToFirstBlueWallMs} ms: ${u.requests} requests, ${u.non2xx} non-2xx, ` +
            `${u.connectionErrors} errors`,
        );
      }
      if (options.badVersion !== false) {
        const bad = await measureBadVersion(stack, {
          connections: options.connections,
          blueTag: live,
          runId: `r${run}`,
          commit: hex(0xa000000 + desiredCount * 0x1000 + run),
        });
        badVersions.push(bad);
        log(
          `desired ${desiredCount} run ${run}: 5 %-error version → swap ${bad.swapStatus} ${bad.swapError} ` +
            `(${bad.alarm || 'no alarm'}), production on blue ${String(bad.productionOnBlue)}; first error → blue only ` +
            `${bad.firstErrorToBlueOnlyEmulatedS.toFixed(1)} emulated s (${bad.firstErrorToBlueOnlyWallMs} wall ms), ` +
            `${bad.failedUntilBlueOnly} failed of ${bad.untilBlueOnly.requests}; target health polls degraded ` +
            `${bad.targetHealthPollsDegraded}/${bad.targetHealthPolls}`,
        );
      }
    }
    if (options.shift !== false) {
      shift = await measureShift(stack, {
        repo,
        connections: options.connections,
        greenTag: 'shift-green',
        greenCommit: hex(0xf000000 + desiredCount * 0x1000),
      });
      for (const step of shift.steps) {
        log(
          `desired ${desiredCount} shift step ${step.percent} %: green answered ${step.greenPercent.toFixed(1)} % of ` +
            `${step.requests} requests (${step.non2xx} non-2xx)`,
        );
      }
    }
  } finally {
    await stack.close();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  const figures = {
    ...aggregate(flows.map((f) => flatten(f))),
    ...aggregate(failures.map((f) => flatten(f, 'failure'))),
    ...aggregate(crashes.map((c) => flatten(c, 'crash'))),
    ...aggregate(badVersions.map((b) => flatten(b, 'badVersion'))),
  };
  return {
    desiredCount,
    flows,
    failures,
    crashes,
    badVersions,
    ...(shift && { shift }),
    figures,
    wallMs: Date.now() - started,
  };
}

export function machineInfo(timeScale: number) {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    timeScale,
  };
}

async function main(): Promise<void> {
  const program = new Command()
    .name('bench')
    .option('--runs <n>', 'measured runs per desired count', '5')
    .option('--desired <list>', 'desired counts, comma-separated', '1,4,16')
    .option('--time-scale <s>', 'wall seconds per emulated second', '0.05')
    .option('--connections <n>', 'concurrent connections on production', '50')
    .option('--test-connections <n>', 'concurrent connections on the test URL during deploy-green', '50')
    .option('--baseline-ms <ms>', 'wall ms of load before deploy-green starts', '2000')
    .option('--no-failure', 'skip the failure paths (never-healthy green, rollback)')
    .option('--failing-image <image>', 'image of a green that never becomes healthy', 'local/unhealthy:x')
    .option('--crash-loop-image <image>', 'image of a green whose tasks crash on start', 'local/crash-on-start:x')
    .option('--no-crash', "skip the green that crashes during swap's bake")
    .option('--no-bake-cost', 'skip the whole-flow transitions with a 300 s and a 24 h bake')
    .option('--no-shift', "skip green's share of production per traffic-shift step")
    .option('--no-bad-version', "skip the version failing 5 % of production's requests")
    .option('--no-autoscaling', 'skip the autoscaling from 2 to 8 tasks during a deployment under load')
    .option('--out <file>', 'where to write the results', path.join(__dirname, 'results.json'))
    .parse();
  const o = program.opts<{
    runs: string;
    desired: string;
    timeScale: string;
    connections: string;
    testConnections: string;
    baselineMs: string;
    failure: boolean;
    failingImage: string;
    crashLoopImage: string;
    crash: boolean;
    bakeCost: boolean;
    shift: boolean;
    badVersion: boolean;
    autoscaling: boolean;
    out: string;
  }>();
  const options: BenchOptions = {
    runs: Number(o.runs),
    desiredCounts: o.desired.split(',').map(Number),
    timeScale: Number(o.timeScale),
    connections: Number(o.connections),
    testConnections: Number(o.testConnections),
    baselineMs: Number(o.baselineMs),
    failure: o.failure,
    failingImage: o.failingImage,
    crashLoopImage: o.crashLoopImage,
    crash: o.crash,
    bakeCost: o.bakeCost,
    shift: o.shift,
    badVersion: o.badVersion,
    autoscaling: o.autoscaling,
  };
  const started = Date.now();
  const log = (line: string): void => console.error(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
  const results: DesiredCountResult[] = [];
  for (const desiredCount of options.desiredCounts) results.push(await benchDesiredCount(desiredCount, options, log));
  const bakeCosts: BakeCost[] = options.bakeCost === false ? [] : await measureBakeCosts(log);
  const autoscaling: AutoscalingMeasurement | undefined =
    options.autoscaling === false
      ? undefined
      : await measureAutoscaling({ timeScale: options.timeScale, connections: options.connections }, log);
  const machine = machineInfo(options.timeScale);
  const output = {
    machine,
    options,
    priceUsdPerStateTransition: PRICE_PER_TRANSITION_USD,
    priceSource: 'AWS Step Functions standard workflows list price, $0.025 per 1,000 state transitions',
    totalWallMs: Date.now() - started,
    results,
    bakeCosts,
    referenceDesignTransitions: REFERENCE_DESIGN_TRANSITIONS,
    ...(autoscaling && { autoscaling }),
  };
  // Written beside and renamed, so an interrupted run never leaves a half-written results file.
  fs.writeFileSync(`${o.out}.tmp`, `${JSON.stringify(output, null, 2)}\n`);
  fs.renameSync(`${o.out}.tmp`, o.out);
  console.log(renderTable(machine, options, results));
  const errors = [...new Set(results.flatMap((r) => r.failures.map((f) => f.unhealthyError)))];
  if (errors.length) console.log(`Never-healthy deploy-green ended with: ${errors.join(', ')}`);
  const crashEnds = [
    ...new Set(results.flatMap((r) => r.crashes.map((c) => `${c.swapStatus} ${c.swapError || '(no error)'}`))),
  ];
  if (crashEnds.length) console.log(`swap with green killed in the bake ended: ${crashEnds.join(', ')}`);
  for (const r of results) {
    for (const step of r.shift?.steps ?? []) {
      console.log(
        `Traffic shift at desired ${r.desiredCount}, step ${step.percent} % (weight ${step.weightShare} %): green ` +
          `answered ${step.greenPercent.toFixed(1)} % of ${step.requests} production requests ` +
          `(${step.deviationPoints >= 0 ? '+' : ''}${step.deviationPoints.toFixed(1)} points; goal ±5 at ≥ 1,000), ${step.non2xx} non-2xx`,
      );
    }
  }
  for (const r of results) {
    const line = badVersionSummary(r);
    if (line) console.log(line);
  }
  // deploy-green's and clean-up's transitions are the main flow's (the cost stack's fast clock stretches their polls).
  const main = results[0]?.figures;
  const deployGreen = main?.['machines.deployGreen.stateTransitions']?.median ?? NaN;
  const cleanUp = main?.['machines.cleanUp.stateTransitions']?.median ?? NaN;
  for (const cost of bakeCosts) {
    const whole = deployGreen + cost.transitions.swap + cleanUp;
    console.log(
      `Whole flow with a ${cost.bakeSeconds}-second bake: ${whole} state transitions ($${(whole * PRICE_PER_TRANSITION_USD).toFixed(5)}): ` +
        `swap ${cost.transitions.swap} (of which the bake ${cost.bakeTransitions}), with the main flow's deploy-green ` +
        `${deployGreen} and clean-up ${cleanUp}; goal ≤ 60; the reference design: ${REFERENCE_DESIGN_TRANSITIONS}`,
    );
  }
  if (autoscaling) console.log(`\n${renderAutoscalingTable(autoscaling)}\n\n${autoscalingSummary(autoscaling)}`);
  console.log(`\nbench finished in ${((Date.now() - started) / 1000).toFixed(1)} s; results in ${o.out}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
