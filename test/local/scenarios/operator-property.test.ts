import fc from 'fast-check';
import { operatorPlanArbitrary, type Pilots } from '../../../local/faults/operator-plan';
import { runOperatorFlow, type OperatorPlan } from '../../../local/invariants/operator-flow';
import {
  describeOperator,
  restoreOperatorBaseline,
  runPilots,
  startOperatorStack,
  type OperatorStack,
} from './operator-support';

/**
 * The operator property: random plans over all five state machines (release, rollback and abort flows) with API
 * faults, lost responses (applied, then answered with a 5xx), an operator who stops one execution at a random state
 * it enters and runs the documented recovery (local/faults/recovery.ts), and an autoscaler changing the desired count
 * at a random time. Every invariant holds (local/invariants/operator-flow.ts: a–f), and decoys the controller did not
 * make are never touched.
 *
 * Together with the API-fault property (property.test.ts, 200 plans in CI) CI checks 300 plans: 100 here (OPERATOR_RUNS
 * overrides; 10 locally). Opt-in (OPERATOR_PLANS=1) until the state machines take the per-service lease.
 */
const RUNS = Number(process.env.OPERATOR_RUNS ?? (process.env.CI ? 100 : 10));
const SEED = 20261209;

describeOperator('operator plans over the five state machines', () => {
  let os: OperatorStack;
  let pilots: Pilots;
  beforeAll(async () => {
    os = await startOperatorStack();
    pilots = await runPilots(os);
  }, 300_000);
  afterAll(async () => os?.close());

  test(`stops with the documented recovery, lost responses and an autoscaler keep every invariant (${RUNS} plans, seed ${SEED})`, async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(operatorPlanArbitrary(pilots), async (plan: OperatorPlan) => {
        const problems = await runCase(os, plan);
        if (problems.length > 0) throw new Error(problems.join('\n'));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    if (process.env.PROPERTY_TIMINGS) {
      const ms = Date.now() - started;
      process.stdout.write(`operator property: ${RUNS} plans in ${ms} ms (${Math.round(ms / RUNS)} ms each)\n`);
    }
  }, 600_000);
});

async function runCase(os: OperatorStack, plan: OperatorPlan): Promise<string[]> {
  const flow = await runOperatorFlow(os.stack, {
    injector: os.injector,
    plan,
    decoys: os.decoys,
    bakeSeconds: 20,
    monitor: { pollMs: 10, probeGapMs: 25 },
  });
  await restoreOperatorBaseline(os);
  if (flow.problems.length === 0) return [];
  const steps = flow.steps.map(
    (s) =>
      `${s.machine}${s.kind === 'step' ? '' : ` ${s.kind}`}: ${s.result.status} ${s.result.error ?? ''}` +
      (s.stop?.stopped ? ` (stopped at ${s.stop.atCall})` : ''),
  );
  return [
    `plan ${JSON.stringify(plan)}`,
    ...flow.problems,
    `steps: ${steps.join('; ')}`,
    `injected: ${JSON.stringify(flow.injected.map((f) => `${f.operation}#${f.n} ${f.wireCode}`))}`,
    `lost responses: ${JSON.stringify(flow.lost.map((f) => `${f.operation}#${f.n} ${f.answer}`))}`,
  ];
}
