import { demoSteps, runDemo, type DemoRun } from '../../harness/demo/run-demo';
import type { LocalStack } from '../../harness/demo/local-stack';
import { startTestStack } from '../support/harness';

/**
 * `npm start`'s story, run as shipped (harness/demo/run-demo.ts), on local AWS at half its time scale: the release
 * flow succeeds, then the safety steps fail exactly as they are meant to (a crashing green undone by deploy-green, a
 * degrading green moved back by swap's bake, then discarded by the abort swap names next), and production answered
 * every request from the first release to the end with a 2xx, except while the degrading green was being moved back
 * (ECS replaces its failing tasks, so production may answer 503 until swap's green watch reacts; counted apart).
 */
jest.setTimeout(300_000);

let stack: LocalStack;
let run: DemoRun;
beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.05 });
  run = await runDemo(stack, demoSteps(stack, 'local/demo-app'), { line: () => undefined });
});
afterAll(async () => stack?.close());

test('every step ends as it must, and production answered every request with a 2xx but while green degraded', () => {
  expect(run.ok).toBe(true);
  expect(run.production.requests).toBeGreaterThan(0);
  expect(run.production.non2xx).toBe(0);
});

test('the safety steps: the crashing green is undone, the degrading one moved back, then aborted', () => {
  const outcomes = run.results.map((r) => [r.status, r.error, r.failure?.undone, r.failure?.next]);
  expect(outcomes.slice(6)).toEqual([
    ['FAILED', expect.stringMatching(/^BlueGreen\./), 'everything', ['deploy-green']],
    ['SUCCEEDED', undefined, undefined, undefined],
    ['FAILED', 'BlueGreen.GreenUnhealthyAfterSwap', 'everything', ['abort', 'swap']],
    ['SUCCEEDED', undefined, undefined, undefined],
  ]);
});
