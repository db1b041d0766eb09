/**
 * A short, real version of `npm run bench`: desired count 1, one deployment under a small steady load on production,
 * then one green crash during swap's bake, then a version failing 5 % of production's requests. A regression that drops
 * or fails requests during the swap (or anywhere in the flow), or a bake that no longer moves production back to blue
 * after green dies or starts failing requests, fails CI here.
 */
import { GREEN_UNHEALTHY_AFTER_SWAP } from '../../bench/crash';
import { benchDesiredCount, type BenchOptions, type DesiredCountResult } from '../../bench/run';

// Generous: on a busy 2-core machine the whole run (synth, flow, crash) has taken over 2 minutes; normally ~20 s.
jest.setTimeout(240_000);

const options: BenchOptions = {
  runs: 1,
  desiredCounts: [1],
  timeScale: 0.05,
  connections: 10,
  testConnections: 5,
  baselineMs: 500,
  failure: false,
  failingImage: 'local/unhealthy:x',
  crash: true,
  // The per-step share of a traffic shift is a figure of `npm run bench`, not something the smoke test asserts.
  shift: false,
  // About 10 s: deploy-green, swap until the 5XX alarm's period closes (at most 60 emulated s = 3 wall s), abort.
  badVersion: true,
};

let result: DesiredCountResult;
beforeAll(async () => {
  result = await benchDesiredCount(1, options);
});

test('production answers every request during deploy-green → swap → clean-up, and never flips back to blue', () => {
  const [flow] = result.flows;
  if (!flow) throw new Error('the bench produced no run');
  const { swap, whole } = flow.production;
  // The load really ran through the swap, and both versions answered.
  expect(swap.requests).toBeGreaterThan(0);
  expect(flow.cutover.greenFirstMs).toBeGreaterThanOrEqual(0);
  expect({ non2xx: swap.non2xx, connectionErrors: swap.connectionErrors }).toEqual({ non2xx: 0, connectionErrors: 0 });
  expect({ non2xx: whole.non2xx, connectionErrors: whole.connectionErrors }).toEqual({
    non2xx: 0,
    connectionErrors: 0,
  });
  expect(flow.cutover.violations).toBe(0);
  expect(flow.test.other).toBe(0);
});

test("green killed during swap's bake: the bake undoes the swap and production ends on blue", () => {
  const [crash] = result.crashes;
  if (!crash) throw new Error('the bench produced no crash run');
  // Outcomes only, no timing: the next bake poll comes one Wait after the kill, long before the killed targets'
  // deregistration delay (30 emulated s) ends, so it always sees them draining.
  expect({ status: crash.swapStatus, error: crash.swapError, productionOnBlue: crash.productionOnBlue }).toEqual({
    status: 'FAILED',
    error: GREEN_UNHEALTHY_AFTER_SWAP,
    productionOnBlue: true,
  });
  // The crash was real (production failed requests after it) and blue answered afterwards.
  expect(crash.killedTasks).toBe(1);
  expect(crash.untilBlue.non2xx + crash.untilBlue.connectionErrors).toBeGreaterThan(0);
  expect(Number.isFinite(crash.killToFirstBlueWallMs)).toBe(true);
  expect(crash.beforeKill.non2xx).toBe(0);
});

test("a version failing 5 % of production's requests: swap's bake moves production back to blue, and blue answers", () => {
  const [bad] = result.badVersions;
  if (!bad) throw new Error('the bench produced no bad-version run');
  // Outcomes only, no timing: the alarm's period may close at any moment of the bake, and a starved runner is slow.
  expect({ status: bad.swapStatus, error: bad.swapError, productionOnBlue: bad.productionOnBlue }).toEqual({
    status: 'FAILED',
    error: GREEN_UNHEALTHY_AFTER_SWAP,
    productionOnBlue: true,
  });
  // The bad version really served production and failed some of it; blue answered before it and after it, without
  // failing.
  expect(bad.badVersionAnswers).toBeGreaterThan(0);
  expect(bad.failedUntilBlueOnly).toBeGreaterThan(0);
  expect(Number.isFinite(bad.firstErrorToFirstBlueWallMs)).toBe(true);
  expect(bad.beforeSwap.non2xx + bad.beforeSwap.connectionErrors).toBe(0);
  expect(bad.afterBlueOnly.non2xx + bad.afterBlueOnly.connectionErrors).toBe(0);
});
