import { runExecution, statesEntered } from '../../harness/demo/executions';
import type { LocalStack } from '../../harness/demo/local-stack';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import { startTestStack } from '../support/harness';

let stack: LocalStack;
let repo: string;
const deploy = (colour: string, smokeTest: Record<string, unknown>) =>
  runExecution(stack.sfn, stack.stateMachines.deployGreen, {
    ...stack.service,
    image: `${repo}:${colour}`,
    commit: 'c0ffee1',
    smokeTest,
  });

beforeAll(async () => {
  stack = await startTestStack();
  repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
});
afterAll(async () => stack?.close());

test('a passing smoke test runs against the test listener and deploy-green succeeds', async () => {
  const result = await deploy('green', { paths: ['/', '/healthz'], bodyPattern: 'green|ok' });
  expect(result.status).toBe('SUCCEEDED');
  const states = statesEntered(result.history);
  expect(states.indexOf('PointTestListenerAtGreen')).toBeLessThan(states.indexOf('SmokeTestGreen'));
  expect(await probe(stack.urls.test)).toMatchObject({ status: 200, colour: 'green' });
  expect((await runExecution(stack.sfn, stack.stateMachines.abort, stack.service)).status).toBe('SUCCEEDED');
});

test('a failing smoke test undoes the deployment and says which path failed', async () => {
  const before = observe(stack);
  const result = await deploy('orange', { paths: ['/'], bodyPattern: 'purple', attempts: 1 });
  expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.SmokeTestFailed']);
  expect(result.cause).toMatch(/\//);
  expect(result.cause).toMatch(/purple/);
  expect(result.cause).toMatch(/Undone/);
  expect(statesEntered(result.history)).toEqual(
    expect.arrayContaining(['UndoRestoreTestListener', 'UndoDeleteGreenTaskSet', 'UndoDeleteGreenTargetGroup']),
  );
  expect(observe(stack)).toMatchObject({
    taskSets: before.taskSets,
    production: before.production,
    test: before.test,
    extraRules: 0,
  });
  expect(observe(stack).targetGroups).toEqual([]);
});
