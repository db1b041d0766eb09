/**
 * Runs one operator plan: a flow over the five state machines (release: deploy-green → swap → clean-up; rollback:
 * deploy-green → swap → rollback; abort: deploy-green → abort) under API faults and lost responses, with an operator
 * who may stop one execution at a chosen state and then runs the documented recovery (oracles/faults/recovery.ts),
 * and an autoscaler that may change the desired count at any time. Every invariant is checked:
 *
 * (a) production forwards to a healthy PRIMARY version throughout (only cutover.ts's windows excused);
 * (b) nothing orphaned after every step that claims a tidy state;
 * (c) every status tells the truth;
 * (d) nothing the controller did not make (the decoys) is touched;
 * (e) after a rollback succeeds, production serves the version that was live before the swap;
 * (f) after the recovery, the flow ends in the clean healthy state it intends (one live version healthy behind
 *     production, the one the flow meant to leave live).
 */
import { DescribeStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { endedExecution, statesEntered, type ExecutionResult } from '../../harness/demo/executions';
import type { LocalStack } from '../../harness/demo/local-stack';
import { observe, type ServiceView } from '../../harness/demo/observe';
import { greenImage, type FaultInjector, type FaultPlan, type InjectedFault } from '../faults/fault-plan';
import type { LostResponseRecord } from '../faults/fault-plan';
import { armAutoscaler, armStop, type AutoscalerAction, type StopAt, type StopOutcome } from '../faults/operator';
import { followRefusal, RECOVERY } from '../faults/recovery';
import { cutoverWindows, excusingWindow } from './cutover';
import { decoyProblems, withoutDecoys, type Decoys } from './decoys';
import { waitForDrained } from './flow';
import { startProductionMonitor, type ProductionMonitorOptions, type ProductionViolation } from './production-monitor';
import { expectsTidyState, failureClaim, orphanProblems, roles, truthProblems, type Machine } from './state-checks';

export type FlowTemplate = 'release' | 'rollback' | 'abort';

export const TEMPLATES: Readonly<Record<FlowTemplate, readonly Machine[]>> = {
  release: ['deployGreen', 'swap', 'cleanUp'],
  rollback: ['deployGreen', 'swap', 'rollback'],
  abort: ['deployGreen', 'abort'],
};

export interface PlannedStop extends StopAt {
  /** Index of the stopped step in the template. */
  readonly step: number;
  /** The recovery command run after the stop: one of RECOVERY[machine].commands. */
  readonly recovery: Machine;
}

export interface OperatorPlan {
  readonly template: FlowTemplate;
  /** API faults and lost responses, armed from the start until a stop lands (the recovery runs fault-free). */
  readonly faults: FaultPlan;
  readonly stop?: PlannedStop;
  readonly autoscaler?: AutoscalerAction;
}

export interface OperatorStep {
  readonly machine: Machine;
  /**
   * `step` of the template, `recovery` after a stop, `follow`: the machine a refused recovery named (and the refused
   * one again, where the refusal says so), `re-run` of a step that failed part-way.
   */
  readonly kind: 'step' | 'recovery' | 'follow' | 're-run';
  readonly result: ExecutionResult;
  readonly states: string[];
  readonly before: ServiceView;
  readonly after: ServiceView;
  readonly problems: string[];
  /** Wall ms. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly stop?: StopOutcome;
}

export interface OperatorFlowResult {
  readonly steps: OperatorStep[];
  readonly problems: string[];
  readonly violations: ProductionViolation[];
  readonly injected: InjectedFault[];
  readonly lost: LostResponseRecord[];
  /** Whether the plan's stop landed (undefined: the plan has none). */
  readonly stopped?: boolean;
  /** Whether every step (and the recovery) succeeded, so (f) was checked. */
  readonly completed: boolean;
  readonly autoscaledAt?: number;
  readonly wallMs: number;
}

export interface OperatorFlowOptions {
  readonly injector: FaultInjector;
  readonly plan: OperatorPlan;
  readonly decoys?: Decoys;
  /** @default 'f1a7000' */
  readonly commit?: string;
  /** @default 60 */
  readonly healthTimeoutSeconds?: number;
  /** @default 20 */
  readonly bakeSeconds?: number;
  readonly monitor?: Omit<ProductionMonitorOptions, 'injector'>;
  /** @default 300 */
  readonly drainSeconds?: number;
  /** Emulated seconds (f) waits for the live version to be fully running and healthy. @default 120 */
  readonly settleSeconds?: number;
}

export function machineInput(
  stack: LocalStack,
  machine: Machine,
  options: { commit?: string; colour?: string; healthTimeoutSeconds?: number; bakeSeconds?: number } = {},
): Record<string, unknown> {
  if (machine === 'deployGreen') {
    return {
      ...stack.service,
      image: greenImage({ kind: 'healthy' }, options.colour ?? 'green'),
      commit: options.commit ?? 'f1a7000',
      healthTimeoutSeconds: options.healthTimeoutSeconds ?? 60,
    };
  }
  if (machine === 'swap') return { ...stack.service, bakeSeconds: options.bakeSeconds ?? 20 };
  return { ...stack.service };
}

export async function roleOf(stack: LocalStack, machine: Machine): Promise<string> {
  const described = await stack.sfn.send(
    new DescribeStateMachineCommand({ stateMachineArn: stack.stateMachines[machine] }),
  );
  return described.roleArn ?? '';
}

export async function runOperatorFlow(stack: LocalStack, options: OperatorFlowOptions): Promise<OperatorFlowResult> {
  const started = Date.now();
  const { injector, plan, decoys } = options;
  const callsBefore = stack.aws.server.callLog.entries().length;
  const view = () => withoutDecoys(observe(stack), decoys);
  const baseline = view();
  const baseLive = baseline.taskSets.find((ts) => ts.arn === roles(baseline).live);
  const steps: OperatorStep[] = [];
  const problems: string[] = [];
  const inputOptions = {
    commit: options.commit,
    healthTimeoutSeconds: options.healthTimeoutSeconds,
    bakeSeconds: options.bakeSeconds,
  };
  const drainSeconds = options.drainSeconds ?? 300;
  injector.arm(plan.faults);
  const monitor = startProductionMonitor(stack, { ...options.monitor, injector });
  const autoscaler = plan.autoscaler ? armAutoscaler(stack, plan.autoscaler) : undefined;
  let stopped: boolean | undefined = plan.stop ? false : undefined;
  // README: a deploy-green stopped before its green task set exists may leave green's target group; the next
  // clean-up, abort or rollback sweeps it. Until one of them has succeeded, (b) excuses a target group no task set
  // uses (the decoys are not in the view; (f) and the final (b) still require it gone).
  let unswept = false;
  const orphans = (after: ServiceView): string[] =>
    orphanProblems(after).filter((p) => !(unswept && / is used by no task set$/.test(p)));
  let completed = false;
  let abortedInstead = false;

  const run = async (machine: Machine, kind: OperatorStep['kind'], stop?: StopAt): Promise<OperatorStep> => {
    const before = view();
    const startedAt = Date.now();
    const armed = stop ? armStop(stack, injector, await roleOf(stack, machine), stop) : undefined;
    try {
      const result = await runToEnd(stack, machine, machineInput(stack, machine, inputOptions), (arn) =>
        armed?.bind(arn),
      );
      const endedAt = Date.now();
      const outcome = armed?.outcome();
      if (result.status !== 'ABORTED') await waitForDrained(stack, drainSeconds);
      const after = view();
      const viewedAt = Date.now();
      const scaled = autoscaler?.appliedAt();
      // Judged as of the snapshot, not the execution's end: an autoscaler acting while the drain wait runs changes
      // what `after` shows, through no fault of the machine (found by CI, seed 20261209 case 37 on a loaded runner).
      const capacityChanged = scaled !== undefined && scaled <= viewedAt;
      const judgedBefore = capacityChanged ? { ...before, desiredCount: after.desiredCount } : before;
      const stepProblems =
        result.status === 'ABORTED'
          ? []
          : [
              // A refusal that changed nothing leaves what was there: (b) applies only if that was tidy.
              ...(expectsTidyState(machine, result) && (result.status === 'SUCCEEDED' || orphans(before).length === 0)
                ? orphans(after).map((p) => `(b) ${p}`)
                : []),
              ...truthProblems(machine, result, judgedBefore, after, { capacityChanged }).map((p) => `(c) ${p}`),
            ];
      const step: OperatorStep = {
        machine,
        kind,
        result,
        states: statesEntered(result.history),
        before,
        after,
        problems: stepProblems,
        startedAt,
        endedAt,
        ...(outcome && { stop: outcome }),
      };
      steps.push(step);
      if (outcome?.stopped && machine === 'deployGreen') unswept = true;
      if (result.status === 'SUCCEEDED' && (machine === 'cleanUp' || machine === 'abort' || machine === 'rollback')) {
        unswept = false;
      }
      monitor.checkNow(`after ${machine}`);
      return step;
    } finally {
      armed?.dispose();
    }
  };

  try {
    const machines = TEMPLATES[plan.template];
    for (let i = 0; i < machines.length; i++) {
      const machine = machines[i] as Machine;
      const stop = plan.stop?.step === i ? plan.stop : undefined;
      let step = await run(machine, 'step', stop);
      if (stop && step.stop?.stopped) {
        stopped = true;
        injector.disarm();
        if (!RECOVERY[machine].commands.includes(stop.recovery)) {
          throw new Error(`${stop.recovery} is not a documented recovery of a stopped ${machine}.`);
        }
        step = await run(stop.recovery, 'recovery');
        // A refused recovery names the command that moves on: run it, then the refused machine again if it says so.
        const next = followRefusal(stop.recovery, step.result);
        if (next) {
          step = await run(next.run, 'follow');
          if (next.thenAgain && step.result.status === 'SUCCEEDED') step = await run(stop.recovery, 'follow');
        }
        if (step.result.status !== 'SUCCEEDED') {
          problems.push(
            `[recovery] the documented recovery of a ${machine} stopped at ${stop.state} (${stop.recovery}) ` +
              `ended ${step.result.status} ${step.result.error ?? ''}: ${step.result.cause ?? ''}`,
          );
          break;
        }
        // abort instead of a stopped deploy-green, rollback instead of a stopped swap: the flow ends there, back on the
        // version live before it.
        if (stop.recovery !== machine && (stop.recovery === 'abort' || stop.recovery === 'rollback')) {
          abortedInstead = true;
          completed = true;
          break;
        }
        if (i === machines.length - 1) completed = true;
        continue;
      }
      if (
        step.result.status !== 'SUCCEEDED' &&
        (machine === 'cleanUp' || machine === 'abort') &&
        failureClaim(step.result.cause) === 'partial'
      ) {
        injector.disarm();
        step = await run(machine, 're-run');
      }
      if (step.result.status !== 'SUCCEEDED') break;
      if (i === machines.length - 1) completed = true;
    }
  } finally {
    injector.disarm();
    await autoscaler?.dispose();
  }

  if (completed) {
    await waitForSettled(stack, options.settleSeconds ?? 120);
    const intended =
      plan.template === 'release' && !abortedInstead ? 'the new version' : 'the version live before the flow';
    problems.push(
      ...finalStateProblems(
        view(),
        intended === 'the new version' ? undefined : baseLive?.arn,
        baseLive?.arn,
        intended,
      ),
    );
  }
  for (const step of steps) {
    if (step.machine === 'rollback' && step.result.status === 'SUCCEEDED' && baseLive) {
      const production = step.after.production;
      if (production.kind !== 'forward' || production.targetGroupArns.join() !== baseLive.targetGroupArn) {
        problems.push(
          `[rollback SUCCEEDED] (e) production forwards to ${JSON.stringify(production)}, not to the version live before the swap (${baseLive.targetGroupArn})`,
        );
      }
    }
  }
  const episodes = await monitor.stop();
  const calls = stack.aws.server.callLog.entries().slice(callsBefore);
  const [swapRole, rollbackRole] = await Promise.all([roleOf(stack, 'swap'), roleOf(stack, 'rollback')]);
  const windows = cutoverWindows(
    calls,
    productionRuleArn(stack),
    new Set([swapRole, rollbackRole]),
    new Set([swapRole]),
  );
  const violations = episodes.filter((v) => excusingWindow(v, windows) === undefined);
  if (decoys) problems.push(...(await decoyProblems(stack, decoys, calls)).map((p) => `[decoys] (d) ${p}`));
  return {
    steps,
    problems: [
      ...steps.flatMap((s) =>
        s.problems.map((p) => `[${s.machine}${s.kind === 'step' ? '' : ` ${s.kind}`} ${s.result.status}] ${p}`),
      ),
      ...problems,
      ...violations.map((v) => `[production] (a) ${v.kind}: ${v.message} (seen ${v.count}× from ${v.source})`),
    ],
    violations,
    injected: injector.injected(),
    lost: injector.lostResponses(),
    ...(stopped !== undefined && { stopped }),
    completed,
    ...(autoscaler?.appliedAt() !== undefined && { autoscaledAt: autoscaler.appliedAt() }),
    wallMs: Date.now() - started,
  };
}

/**
 * (f) One live version, healthy behind production, nothing else: `expectedLive` is the task set that must be live
 * (undefined: any task set other than `notLive`, i.e. the newly released one).
 */
export function finalStateProblems(
  view: ServiceView,
  expectedLive: string | undefined,
  previousLive: string | undefined,
  intended: string,
): string[] {
  const problems: string[] = [];
  const live = view.taskSets.find((ts) => ts.arn === roles(view).live);
  if (!live) return [`[final] (f) nothing is live; ${intended} should be`];
  if (expectedLive !== undefined && live.arn !== expectedLive) {
    problems.push(`[final] (f) task set ${live.arn} is live, not ${intended}`);
  }
  if (expectedLive === undefined && live.arn === previousLive) {
    problems.push(`[final] (f) the version live before the flow is still live, not ${intended}`);
  }
  if (view.taskSets.length !== 1) problems.push(`[final] (f) ${view.taskSets.length} task sets, not one`);
  if (view.test.kind !== 'fixed') problems.push('[final] (f) the test listener still forwards');
  if (view.previous.kind !== 'fixed') problems.push('[final] (f) the previous-version rule still forwards');
  problems.push(...orphanProblems(view).map((p) => `[final] (b) ${p}`));
  const states = view.targetGroups.find((tg) => tg.arn === live.targetGroupArn)?.states ?? [];
  if (!(live.runningCount === live.computedDesiredCount && live.computedDesiredCount > 0)) {
    problems.push(`[final] (f) the live version runs ${live.runningCount} of ${live.computedDesiredCount} tasks`);
  }
  if (states.length !== live.computedDesiredCount || states.some((s) => s !== 'healthy')) {
    problems.push(`[final] (f) the live version's targets are ${JSON.stringify(states)}`);
  }
  return problems;
}

/** Waits (up to `seconds` emulated seconds) until the live version runs every desired task, all healthy. */
export async function waitForSettled(stack: LocalStack, seconds: number): Promise<void> {
  const deadline = Date.now() + stack.aws.clock.wallMs(seconds);
  while (Date.now() < deadline) {
    const view = observe(stack);
    const live = view.taskSets.find((ts) => ts.arn === roles(view).live);
    const states = view.targetGroups.find((tg) => tg.arn === live?.targetGroupArn)?.states ?? [];
    const settled =
      live !== undefined &&
      live.computedDesiredCount > 0 &&
      live.runningCount === live.computedDesiredCount &&
      states.length === live.computedDesiredCount &&
      states.every((s) => s === 'healthy') &&
      !view.taskSets.some((ts) => ts.status === 'DRAINING');
    if (settled) return;
    await stack.aws.clock.sleep(1);
  }
}

export function productionRuleArn(stack: LocalStack): string {
  const listener = stack.aws.elbv2.state().listeners.find((l) => l.port === 80);
  const rule = listener?.rules.find((r) => r.Priority === '1');
  if (!rule) throw new Error('No controller-owned production rule (priority 1 on port 80).');
  return rule.RuleArn as string;
}

/** Starts an execution, tells `onStarted` its ARN, and waits for its end (in-process, no polling). */
export async function runToEnd(
  stack: LocalStack,
  machine: Machine,
  input: unknown,
  onStarted: (executionArn: string) => void = () => undefined,
): Promise<ExecutionResult> {
  const { executionArn } = await stack.sfn.send(
    new StartExecutionCommand({ stateMachineArn: stack.stateMachines[machine], input: JSON.stringify(input) }),
  );
  if (!executionArn) throw new Error('StartExecution returned no executionArn.');
  onStarted(executionArn);
  return resultOf(stack, executionArn);
}

/** Waits for an execution's end and reads its status and history through the SFN API. */
export async function resultOf(stack: LocalStack, executionArn: string): Promise<ExecutionResult> {
  await stack.aws.sfn.waitForExecution(executionArn);
  return endedExecution(stack.sfn, executionArn);
}
