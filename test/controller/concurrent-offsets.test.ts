import fc from 'fast-check';
import { MACHINES, type Machine } from '../../oracles/invariants/state-checks';
import { moveTo, NATURAL, runPair } from './concurrency-support';
import { describeOperator, startOperatorStack, type OperatorStack } from './operator-support';

/**
 * Two state machines started at random offsets, over every ordered pair of the five (25, a machine with itself
 * included: re-running while the first still runs): B starts 0–60 emulated seconds after A, from the state where A or
 * B acts. While A changes things, B must fail fast with nothing changed; if it starts after A's last change it behaves
 * as a single run would; nothing is left behind (oracles/invariants/concurrency.ts), production stays healthy and no
 * decoy is touched.
 *
 * Ordered here (unlike the same-instant suite): with an offset, which machine runs first matters. CI: 2 random trials
 * per pair (OFFSET_RUNS overrides; 1 locally). In `npm test`: one random offset per pair takes ~12 s alone on 2 cores
 * (25 pairs, each preparing its start state and running two executions); OPERATOR_PLANS=0 skips the suite.
 */
const RUNS = Number(process.env.OFFSET_RUNS ?? (process.env.CI ? 2 : 1));
const SEED = 20261210;

const PAIRS: Array<[Machine, Machine]> = MACHINES.flatMap((a) => MACHINES.map((b): [Machine, Machine] => [a, b]));

describeOperator('two state machines started at random offsets', () => {
  let os: OperatorStack;
  beforeAll(async () => {
    os = await startOperatorStack();
  }, 300_000);
  afterAll(async () => os?.close());

  test.each(PAIRS)(
    `%s, then %s: at most one changes anything at a time (${RUNS} random offsets)`,
    async (a, b) => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 60 })),
          fc.constantFrom(NATURAL[a], NATURAL[b]),
          async (offset, state) => {
            await moveTo(os, state);
            const problems = await runPair(os, { a, b, offset });
            if (problems.length > 0) throw new Error(`from ${state}, B after ${offset} s:\n${problems.join('\n')}`);
          },
        ),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    },
    600_000,
  );
});
