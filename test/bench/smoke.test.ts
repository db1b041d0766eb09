/**
 * A short, real version of `npm run bench`: desired count 1, one deployment under a small steady load on production.
 * A regression that drops or fails requests during the swap (or anywhere in the flow) fails CI here.
 */
import { benchDesiredCount, type BenchOptions } from '../../bench/run';

jest.setTimeout(120_000);

const options: BenchOptions = {
  runs: 1,
  desiredCounts: [1],
  timeScale: 0.05,
  connections: 10,
  testConnections: 5,
  baselineMs: 500,
  failure: false,
  failingImage: 'local/unhealthy:x',
};

test('production answers every request during deploy-green → swap → clean-up, and never flips back to blue', async () => {
  const result = await benchDesiredCount(1, options);
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
