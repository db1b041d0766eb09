import type { FaultPlan } from '../../../local/faults/fault-plan';
import type { FlowResult, StepRecord } from '../../../local/invariants/flow';
import type { ProductionViolation } from '../../../local/invariants/production-monitor';

/**
 * State machine problems the fault scenarios found, not fixed yet. Each is shown by a `test.failing` scenario in
 * fault-scenarios.test.ts (named by `scenario`), which starts to fail (pass, in jest terms) once the state machines are
 * fixed: then delete the entry here and the `.failing`. Everything else the property test checks strictly; these
 * predicates are deliberately narrow so that they excuse only the exact symptom described.
 */
export interface KnownIssue {
  readonly id: string;
  readonly scenario: string;
  /** A production violation this issue explains. */
  readonly explainsViolation?: (v: ProductionViolation, flow: FlowResult, plan: FaultPlan) => boolean;
  /** A (b) or (c) problem of a step this issue explains. */
  readonly explainsStepProblem?: (step: StepRecord, problem: string) => boolean;
}

const ranSwap = (flow: FlowResult): boolean => flow.steps.some((s) => s.machine === 'swap');

export const KNOWN_ISSUES: readonly KnownIssue[] = [
  {
    id: 'swap-moves-production-before-primary',
    scenario: 'swap keeps production on a PRIMARY task set at every moment',
    // swap moves production and the primary task set in two calls (today PointProductionAtGreen, then
    // MakeGreenPrimary), so between them production forwards to an ACTIVE task set (green today; blue if the order
    // is reversed), and, when the second call fails, until the undo has run.
    explainsViolation: (v, flow) =>
      ranSwap(flow) && v.kind === 'production-not-primary' && /whose task set is ACTIVE$/.test(v.message),
  },
  {
    id: 'swap-undo-reattaches-blue-unchecked',
    scenario: 'a failed swap leaves production on healthy targets the whole time',
    // Consequence of the same ordering: while production points at green, blue's target group is used by no
    // listener, so its targets go `unused`; when the undo points production back, they are `initial` until the next
    // health check.
    explainsViolation: (v, flow) =>
      flow.steps.some((s) => s.machine === 'swap' && s.result.status === 'FAILED') &&
      v.kind === 'production-no-healthy-target' &&
      /\(\[("initial"|"unused")(,("initial"|"unused"))*\]\)$/.test(v.message),
  },
  {
    id: 'point-in-time-health-gate',
    scenario: 'a flapping green never leaves production without a healthy target',
    // deploy-green and swap accept green after ONE all-healthy observation; a green whose health flaps passes both
    // and then leaves production with no healthy target (the ALB fails open, so requests still succeed).
    explainsViolation: (v, flow, plan) => {
      if (plan.green?.kind !== 'flapping' || v.kind !== 'production-no-healthy-target') return false;
      const swap = flow.steps.find((s) => s.machine === 'swap' && s.result.status === 'SUCCEEDED');
      const green = swap?.before.test;
      return green?.kind === 'forward' && green.targetGroupArns.some((arn) => v.message.includes(nameOf(swap, arn)));
    },
  },
];

function nameOf(step: StepRecord | undefined, arn: string): string {
  return step?.before.targetGroups.find((tg) => tg.arn === arn)?.name ?? arn;
}

/** The problems of a flow that no known issue explains. */
export function unexplainedProblems(flow: FlowResult, plan: FaultPlan): string[] {
  const stepProblems = flow.steps.flatMap((s) => {
    const unexplained = (p: string) => !KNOWN_ISSUES.some((k) => k.explainsStepProblem?.(s, p));
    return [
      ...s.orphans.filter(unexplained).map((p) => `(b) ${p}`),
      ...s.untruths.filter(unexplained).map((p) => `(c) ${p}`),
    ].map((p) => `[${s.machine}${s.rerun ? ' re-run' : ''} ${s.result.status}] ${p}`);
  });
  const violations = flow.violations
    .filter((v) => !KNOWN_ISSUES.some((k) => k.explainsViolation?.(v, flow, plan)))
    .map((v) => `[production] (a) ${v.kind}: ${v.message} (seen ${v.count}× from ${v.source})`);
  return [...stepProblems, ...violations];
}
