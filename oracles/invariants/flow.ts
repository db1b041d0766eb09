/**
 * Runs deploy-green → swap → clean-up under a fault plan with every invariant checked: (a) continuously by the
 * production monitor, (b) and (c) after each execution. Stops at the first failed step (as the pipeline would); a
 * failed clean-up is re-run once without faults, since its cause promises it is safe to re-run.
 */
import { DescribeStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { endedExecution, statesEntered, type ExecutionResult } from '../../harness/demo/executions';
import type { LocalStack } from '../../harness/demo/local-stack';
import { observe, type ServiceView } from '../../harness/demo/observe';
import { greenImage, type FaultInjector, type FaultPlan, type InjectedFault } from '../faults/fault-plan';
import { cutoverWindows, excusingWindow, type CutoverWindow } from './cutover';
import { startProductionMonitor, type ProductionMonitorOptions, type ProductionViolation } from './production-monitor';
import { FAULT_HOOKS } from '../faults/hooks';
import { tripAlarmAtWatch, type AlarmGateFault, type TrippedAlarm } from '../faults/alarm-gate';
import {
  expectsTidyState,
  hookTruthProblems,
  orphanProblems,
  roles,
  scaleProblems,
  type TaskSetScales,
  truthProblems,
  type Machine,
  type TruthOptions,
} from './state-checks';

export interface StepRecord {
  readonly machine: Machine;
  /** True for the fault-free re-run of a failed clean-up. */
  readonly rerun: boolean;
  readonly result: ExecutionResult;
  readonly states: string[];
  readonly before: ServiceView;
  readonly after: ServiceView;
  /** (b): empty when nothing is orphaned, or when (b) does not apply (undo failed, partial clean-up). */
  readonly orphans: string[];
  /** (c) */
  readonly untruths: string[];
  /** Wall ms of the execution, and of waiting for DRAINING task sets afterwards. */
  readonly wallMs: number;
  readonly drainWallMs: number;
  /** Wall-clock ms when the execution ended. */
  readonly endedAt: number;
}

export interface FlowResult {
  readonly steps: StepRecord[];
  /** (a), every episode not excused by a cutover or watch window (cutover.ts) and not in `degradedAfterBake`. */
  readonly violations: ProductionViolation[];
  /**
   * A flapping green (the plan's own fault) that degraded only after swap's bake passed: its health is the
   * application's from then on. Reported, not counted as problems; any other episode counts.
   */
  readonly degradedAfterBake: ProductionViolation[];
  /** Swap and rollback cutover windows (see cutover.ts), and the episodes each excused. */
  readonly cutovers: ReadonlyArray<{ readonly window: CutoverWindow; readonly excused: ProductionViolation[] }>;
  readonly injected: InjectedFault[];
  /** The plan's alarm fault, once it fired (oracles/faults/alarm-gate.ts). */
  readonly trippedAlarm?: TrippedAlarm;
  /** Every problem found, in words: `[step] problem` and `[production] violation`. */
  readonly problems: string[];
  readonly monitorStats: { readonly checks: number; readonly probes: number };
  readonly wallMs: number;
}

export interface FlowOptions {
  readonly injector: FaultInjector;
  readonly plan: FaultPlan;
  /** Commit deployed as green. @default 'f1a7000' */
  readonly commit?: string;
  /** Colour word of the green image. @default 'green' */
  readonly colour?: string;
  /** deploy-green's healthTimeoutSeconds (30 to 86400). @default 60 */
  readonly healthTimeoutSeconds?: number;
  /** deploy-green's failFastThreshold (1 to 200). @default - the stack's (3) */
  readonly failFastThreshold?: number;
  /** swap's bakeSeconds (0 to 86400). @default - the stack's default (5 minutes) */
  readonly bakeSeconds?: number;
  /** Steps to run, in order. @default all three */
  readonly machines?: readonly Machine[];
  /** Emulated seconds to keep watching production after the last step. @default 0 */
  readonly settleSeconds?: number;
  readonly monitor?: Omit<ProductionMonitorOptions, 'injector'>;
  /** Re-run a failed clean-up once, without faults. @default true */
  readonly rerunFailedCleanUp?: boolean;
  /**
   * Emulated seconds to wait after an execution for DRAINING task sets to disappear before the state is judged: a
   * deleted task set is DRAINING until its tasks stopped, and the state machines do not always wait for that.
   * @default 300
   */
  readonly drainSeconds?: number;
}

export async function runFlow(stack: LocalStack, options: FlowOptions): Promise<FlowResult> {
  const started = Date.now();
  const { injector, plan } = options;
  const steps: StepRecord[] = [];
  const callsBefore = stack.aws.server.callLog.entries().length;
  injector.arm(plan);
  const monitor = startProductionMonitor(stack, { ...options.monitor, injector });
  const alarmGate = plan.alarm && tripAlarmAtWatch(stack, injector, plan.alarm);
  // (c) for lifecycle hooks, on a stack deployed with the fault hooks (test/controller/support.ts): what each step
  // says about its hooks against what they did (a re-run is fault-free: every hook succeeds).
  const faultHooks = stack.aws.lambda.functions().some((f) => f.name === FAULT_HOOKS[0]?.functionName);
  const withHookTruth = (step: StepRecord): StepRecord => {
    if (!faultHooks) return step;
    const started = step.endedAt - step.wallMs;
    const untruths = hookTruthProblems(step.machine, step.result, step.states, {
      ...(!step.rerun && plan.hooks && { hooks: plan.hooks }),
      invokeFaulted: injector
        .injected()
        .some((f) => f.service === 'Lambda' && f.operation === 'Invoke' && f.at >= started && f.at <= step.endedAt),
      smokeTestMayFail: plan.green?.kind === 'flapping',
    });
    return untruths.length === 0 ? step : { ...step, untruths: [...step.untruths, ...untruths] };
  };
  try {
    for (const machine of options.machines ?? (['deployGreen', 'swap', 'cleanUp'] as const)) {
      const input =
        machine === 'deployGreen'
          ? {
              ...stack.service,
              image: greenImage(plan.green, options.colour ?? 'green'),
              commit: options.commit ?? 'f1a7000',
              healthTimeoutSeconds: options.healthTimeoutSeconds ?? 60,
              ...(options.failFastThreshold !== undefined && { failFastThreshold: options.failFastThreshold }),
              ...(plan.testScalePercent !== undefined && { testScalePercent: plan.testScalePercent }),
            }
          : machine === 'swap'
            ? {
                ...stack.service,
                ...(options.bakeSeconds !== undefined && { bakeSeconds: options.bakeSeconds }),
                ...(plan.trafficShift && { trafficShift: plan.trafficShift }),
              }
            : stack.service;
      const drainSeconds = options.drainSeconds ?? 300;
      const truth = { greenMayFlap: plan.green?.kind === 'flapping' };
      let step = withHookTruth(await runStep(stack, machine, input, false, drainSeconds, truth));
      steps.push(step);
      monitor.checkNow(`after ${machine}`);
      if (step.result.status !== 'SUCCEEDED' && machine === 'cleanUp' && options.rerunFailedCleanUp !== false) {
        injector.disarm();
        step = withHookTruth(await runStep(stack, machine, input, true, drainSeconds, truth));
        steps.push(step);
        monitor.checkNow(`after ${machine} re-run`);
      }
      if (step.result.status !== 'SUCCEEDED') break;
    }
    injector.disarm();
    if (options.settleSeconds) await stack.aws.clock.sleep(options.settleSeconds);
  } finally {
    injector.disarm();
    alarmGate?.stop();
  }
  const episodes = await monitor.stop();
  const [swapRole, rollbackRole] = await Promise.all(
    [stack.stateMachines.swap, stack.stateMachines.rollback].map((m) => roleOf(stack, m)),
  );
  const windows = cutoverWindows(
    stack.aws.server.callLog.entries().slice(callsBefore),
    productionRuleArn(stack),
    new Set([swapRole ?? '', rollbackRole ?? '']),
    new Set([swapRole ?? '']),
  );
  const cutovers = windows.map((window) => ({
    window,
    excused: episodes.filter((v) => excusingWindow(v, windows) === window),
  }));
  const bakePassed = steps.find((s) => s.machine === 'swap' && s.result.status === 'SUCCEEDED')?.endedAt;
  // A flapping green that degrades after its bake passed: the release is done, and what green does next is the app's
  // doing. ELBv2 fails open while targets are registered (no healthy target); ECS replaces a task that fails its health
  // checks, so for a moment green's group may have no target at all and production answers 503 (as on AWS).
  const degradedOnItsOwn = (v: ProductionViolation): boolean =>
    plan.green?.kind === 'flapping' &&
    (v.kind === 'production-no-healthy-target' || v.kind === 'production-http-failure') &&
    bakePassed !== undefined &&
    v.firstSeen >= bakePassed;
  const unexcused = episodes.filter((v) => excusingWindow(v, windows) === undefined);
  const violations = unexcused.filter((v) => !degradedOnItsOwn(v));
  const problems = [
    ...steps.flatMap((s) =>
      [...s.orphans.map((p) => `(b) ${p}`), ...s.untruths.map((p) => `(c) ${p}`)].map(
        (p) => `[${s.machine}${s.rerun ? ' re-run' : ''} ${s.result.status}] ${p}`,
      ),
    ),
    ...violations.map((v) => `[production] (a) ${v.kind}: ${v.message} (seen ${v.count}× from ${v.source})`),
    ...(alarmGate ? alarmGateProblems(steps, alarmGate) : []),
  ];
  const trippedAlarm = alarmGate?.tripped();
  return {
    steps,
    violations,
    degradedAfterBake: unexcused.filter(degradedOnItsOwn),
    cutovers,
    injected: injector.injected(),
    ...(trippedAlarm && { trippedAlarm }),
    problems,
    monitorStats: monitor.stats(),
    wallMs: Date.now() - started,
  };
}

/**
 * (c) for the plan's alarm fault (oracles/faults/fault-plan.ts, AlarmFault), judged on the step that made the read.
 * An alarm that watched another target group as it tripped (a previous green's, as swap's first watch begins) is
 * pointed at this green afresh: the step's outcome must not rest on it (its cause does not name it). One that watched
 * this green must keep the step from succeeding whenever the function's answer to that read decided something
 * ({@link decidedByTheRead}).
 */
function alarmGateProblems(steps: readonly StepRecord[], gate: AlarmGateFault): string[] {
  const error = gate.error();
  if (error !== undefined) return [`[alarm fault] could not put the alarm in ALARM: ${error}`];
  const tripped = gate.tripped();
  if (!tripped) return [];
  const during = steps.find((s) => tripped.at >= s.endedAt - s.wallMs && tripped.at <= s.endedAt);
  if (!during || during.rerun) return [];
  const at = `[${during.machine} ${during.result.status}] (c)`;
  if (tripped.onGreen !== true) {
    return (during.result.cause ?? '').includes(tripped.alarmName)
      ? [
          `${at} ${tripped.alarmName}, put in ALARM while it watched another target group, failed this ${during.machine}`,
        ]
      : [];
  }
  if (!decidedByTheRead(during, tripped, gate.reads())) return [];
  return during.result.status === 'SUCCEEDED'
    ? [
        `${at} ${during.machine} succeeded although the green watch read ${tripped.alarmName} in ALARM (read ${tripped.read})`,
      ]
    : [];
}

/**
 * Whether the function's answer to the read that tripped the alarm decided something for the step. clean-up reads the
 * alarms once, in its check. swap reads them as each watch begins (deciding while the watch's Task still waits) and
 * in the check as it ends (deciding always). A watch shorter than the function's set-up (wall milliseconds here) lets
 * the check run while the set-up still does, so a read during a check is the check's only if the watch's own read came
 * before it; otherwise the harness cannot tell them apart, and gives no verdict.
 */
function decidedByTheRead(step: StepRecord, tripped: TrippedAlarm, reads: readonly number[]): boolean {
  if (step.machine === 'cleanUp') return true;
  const windows = stateWindows(step.result.history);
  const t = tripped.atEmulated;
  const inside = (w: StateWindow): boolean => w.entered <= t && t <= w.exited;
  const check = windows.find((w) => w.name.startsWith('Check') && inside(w));
  if (check === undefined) return windows.some((w) => w.name.startsWith('Watch') && inside(w));
  const watchName = `Watch${check.name.slice('Check'.length)}`;
  const watch = windows.filter((w) => w.name === watchName && w.entered <= check.entered).at(-1);
  return watch !== undefined && reads.some((r) => r >= watch.entered && r < t);
}

interface StateWindow {
  readonly name: string;
  /** Emulated ms. */
  readonly entered: number;
  readonly exited: number;
}

/** Each state the execution entered, from its entry to its exit (or to the end of the history). */
function stateWindows(history: ExecutionResult['history']): StateWindow[] {
  const windows: StateWindow[] = [];
  const open = new Map<string, number>();
  const last = history.at(-1)?.timestamp?.getTime() ?? Infinity;
  for (const event of history) {
    const time = event.timestamp?.getTime() ?? 0;
    const entered = event.stateEnteredEventDetails?.name;
    if (entered !== undefined) open.set(entered, time);
    const exited = event.stateExitedEventDetails?.name;
    if (exited !== undefined && open.has(exited)) {
      windows.push({ name: exited, entered: open.get(exited) ?? time, exited: time });
      open.delete(exited);
    }
  }
  for (const [name, entered] of open) windows.push({ name, entered, exited: last });
  return windows;
}

function productionRuleArn(stack: LocalStack): string {
  const listener = stack.aws.elbv2.state().listeners.find((l) => l.port === 80);
  const rule = listener?.rules.find((r) => r.Priority === '1');
  if (!rule) throw new Error('No controller-owned production rule (priority 1 on port 80).');
  return rule.RuleArn as string;
}

async function roleOf(stack: LocalStack, stateMachineArn: string): Promise<string> {
  const described = await stack.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
  return described.roleArn ?? '';
}

async function runStep(
  stack: LocalStack,
  machine: Machine,
  input: unknown,
  rerun: boolean,
  drainSeconds: number,
  truth: TruthOptions,
): Promise<StepRecord> {
  const before = observe(stack);
  const scalesBefore = scalesOf(stack);
  const started = Date.now();
  const result = await runToEnd(stack, stack.stateMachines[machine], input);
  const ended = Date.now();
  await waitForDrained(stack, drainSeconds);
  const after = observe(stack);
  return {
    machine,
    rerun,
    result,
    states: statesEntered(result.history),
    before,
    after,
    orphans: expectsTidyState(machine, result) ? orphanProblems(after) : [],
    untruths: [
      ...truthProblems(machine, result, before, after, truth),
      ...scaleProblems(machine, result, scalesBefore, scalesOf(stack), roles(after).live),
    ],
    wallMs: ended - started,
    drainWallMs: Date.now() - ended,
    endedAt: ended,
  };
}

/** The scale of each of the service's task sets (not DRAINING), by ARN. */
function scalesOf(stack: LocalStack): TaskSetScales {
  const service = stack.aws.ecs.services().find((s) => s.name === stack.service.service);
  return Object.fromEntries(
    (service?.taskSets ?? []).filter((ts) => ts.status !== 'DRAINING').map((ts) => [ts.arn, ts.scale.value]),
  );
}

/** Waits (up to `seconds` emulated seconds) until no task set is DRAINING. */
export async function waitForDrained(stack: LocalStack, seconds: number): Promise<void> {
  const deadline = Date.now() + stack.aws.clock.wallMs(seconds);
  while (observe(stack).taskSets.some((ts) => ts.status === 'DRAINING') && Date.now() < deadline) {
    await stack.aws.clock.sleep(1);
  }
}

/**
 * Starts an execution, waits for its end in-process (local Step Functions says when it ended, as operator-flow's
 * runToEnd does) and then reads the result through the public API: DescribeExecution and the history, once. Polling
 * DescribeExecution every 10 ms instead made about half of a property case's API calls (test-side and unsigned, so
 * no fault plan counted them) and a large share of its CPU.
 */
async function runToEnd(stack: LocalStack, stateMachineArn: string, input: unknown): Promise<ExecutionResult> {
  const { executionArn } = await stack.sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  if (!executionArn) throw new Error(`StartExecution on ${stateMachineArn} returned no executionArn.`);
  await stack.aws.sfn.waitForExecution(executionArn);
  return endedExecution(stack.sfn, executionArn);
}
