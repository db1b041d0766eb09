import { runExecution, statesEntered } from '../../harness/demo/executions';
import type { LocalStack } from '../../harness/demo/local-stack';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import { startTestStack } from '../support/harness';

/**
 * The shipped state machines, deployed from the synthesized template, run against local AWS: first release, then a
 * second deployment beside it. After every step we assert what the emulator holds and what the URLs really serve.
 */
let stack: LocalStack;
let repo: string;

beforeAll(async () => {
  stack = await startTestStack();
  repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
});
afterAll(async () => stack?.close());

const run = (machine: 'deployGreen' | 'swap' | 'cleanUp', input: Record<string, unknown>) =>
  runExecution(stack.sfn, stack.stateMachines[machine], input);

test('a fresh stack answers with clear fixed responses and runs nothing', async () => {
  const view = observe(stack);
  expect(view.desiredCount).toBe(0);
  expect(view.taskSets).toEqual([]);
  expect(view.production).toEqual({ kind: 'fixed', statusCode: '503' });
  expect(view.test).toEqual({ kind: 'fixed', statusCode: '503' });
  expect((await probe(stack.urls.production)).body).toMatch(/No version is live yet/);
  expect((await probe(stack.urls.test)).body).toMatch(/No green deployment is under test/);
});

test('first deploy-green: sets the desired count, waits for health, then opens the test listener only', async () => {
  const result = await run('deployGreen', { ...stack.service, image: `${repo}:blue`, commit: 'b10e000' });
  expect(result.status).toBe('SUCCEEDED');
  const states = statesEntered(result.history);
  expect(states).toContain('SetServiceDesiredCount');
  // The test rule moves only after the health gate passed.
  expect(states.lastIndexOf('IsGreenHealthy')).toBeLessThan(states.indexOf('PointTestListenerAtGreen'));

  const view = observe(stack);
  expect(view.desiredCount).toBe(2);
  expect(view.taskSets).toHaveLength(1);
  const [green] = view.taskSets;
  expect(green).toMatchObject({
    status: 'ACTIVE',
    stabilityStatus: 'STEADY_STATE',
    runningCount: 2,
    computedDesiredCount: 2,
  });
  expect(view.test).toEqual({ kind: 'forward', targetGroupArns: [green?.targetGroupArn] });
  expect(view.production).toEqual({ kind: 'fixed', statusCode: '503' });
  expect(view.extraRules).toBe(0);
  expect(view.targetGroups.find((tg) => tg.arn === green?.targetGroupArn)?.states).toEqual(['healthy', 'healthy']);
  expect(view.targetGroups.map((tg) => tg.name)).toEqual([expect.stringMatching(/^bg-demo-app-[0-9a-f]{8}$/)]);

  expect(await probe(stack.urls.test)).toMatchObject({ status: 200, colour: 'blue' });
  expect((await probe(stack.urls.production)).status).toBe(503);
});

test('first swap: production serves it and it becomes primary', async () => {
  const result = await run('swap', stack.service);
  expect(result.status).toBe('SUCCEEDED');
  const view = observe(stack);
  expect(view.taskSets).toEqual([expect.objectContaining({ status: 'PRIMARY' })]);
  expect(view.production).toEqual({ kind: 'forward', targetGroupArns: [view.taskSets[0]?.targetGroupArn] });
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
});

test('first clean-up: closes the test listener and keeps the live task set', async () => {
  const result = await run('cleanUp', stack.service);
  expect(result.status).toBe('SUCCEEDED');
  const view = observe(stack);
  expect(view.taskSets).toHaveLength(1);
  expect(view.test).toEqual({ kind: 'fixed', statusCode: '503' });
  expect(view.targetGroups).toHaveLength(1);
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
});

test('second deploy-green: green runs beside blue; test serves green while production still serves blue', async () => {
  const blue = observe(stack).taskSets[0];
  const result = await run('deployGreen', { ...stack.service, image: `${repo}:green`, commit: '9ee0a00' });
  expect(result.status).toBe('SUCCEEDED');
  expect(statesEntered(result.history)).not.toContain('SetServiceDesiredCount');
  const view = observe(stack);
  expect(view.taskSets).toHaveLength(2);
  const green = view.taskSets.find((ts) => ts.arn !== blue?.arn);
  expect(view.taskSets.find((ts) => ts.arn === blue?.arn)?.status).toBe('PRIMARY');
  expect(green).toMatchObject({ status: 'ACTIVE', stabilityStatus: 'STEADY_STATE', runningCount: 2 });
  expect(view.production).toEqual({ kind: 'forward', targetGroupArns: [blue?.targetGroupArn] });
  expect(view.test).toEqual({ kind: 'forward', targetGroupArns: [green?.targetGroupArn] });
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
  expect(await probe(stack.urls.test)).toMatchObject({ status: 200, colour: 'green' });
});

test('a second deploy-green while green exists fails fast and touches nothing', async () => {
  const before = observe(stack);
  const result = await run('deployGreen', { ...stack.service, image: `${repo}:orange`, commit: 'abc1234' });
  expect(result.status).toBe('FAILED');
  expect(result.error).toBe('BlueGreen.DeploymentInProgress');
  expect(result.cause).toMatch(/Nothing was changed/);
  expect(statesEntered(result.history)).not.toContain('CreateGreenTargetGroup');
  expect(observe(stack)).toEqual(before);
});

test('second swap: production serves green, green is primary, blue still runs for a rollback', async () => {
  const result = await run('swap', stack.service);
  expect(result.status).toBe('SUCCEEDED');
  const view = observe(stack);
  const primary = view.taskSets.find((ts) => ts.status === 'PRIMARY');
  expect(view.taskSets.map((ts) => ts.status).sort()).toEqual(['ACTIVE', 'PRIMARY']);
  expect(view.production).toEqual({ kind: 'forward', targetGroupArns: [primary?.targetGroupArn] });
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
});

test('second clean-up: blue and its target group are gone, nothing is left over', async () => {
  const result = await run('cleanUp', stack.service);
  expect(result.status).toBe('SUCCEEDED');
  expect(statesEntered(result.history)).toEqual(
    expect.arrayContaining(['DeleteOldTaskSet', 'WaitForDrain', 'DeleteOldTargetGroup']),
  );
  const view = observe(stack);
  expect(view.taskSets).toEqual([expect.objectContaining({ status: 'PRIMARY', stabilityStatus: 'STEADY_STATE' })]);
  expect(view.targetGroups.map((tg) => tg.arn)).toEqual([view.taskSets[0]?.targetGroupArn]);
  expect(view.test).toEqual({ kind: 'fixed', statusCode: '503' });
  expect(view.extraRules).toBe(0);
  expect(stack.aws.ecs.state().tasks.filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(2);
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
  expect((await probe(stack.urls.test)).status).toBe(503);
});

test('bad input names the field and changes nothing', async () => {
  const before = observe(stack);
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ ...stack.service, commit: 'abc1234' }, /image and taskDefinition are both missing but exactly one is required/],
    [{ ...stack.service, image: `${repo}:x` }, /commit is missing but must be 7-40 hexadecimal characters/],
    [
      { ...stack.service, image: 'Not An Image', commit: 'xyz' },
      /commit is 'xyz' but must be 7-40 hexadecimal.*image is 'Not An Image' but must be a container image URI/,
    ],
    [{ ...stack.service, image: `${repo}:x`, commit: 'abc1234', healthTimeoutSeconds: 5 }, /healthTimeoutSeconds/],
    [
      { cluster: stack.service.cluster, service: 'nope', image: `${repo}:x`, commit: 'abc1234' },
      /Input field service is nope/,
    ],
  ];
  for (const [input, cause] of cases) {
    const result = await run('deployGreen', input);
    expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.InvalidInput']);
    expect(result.cause).toMatch(cause);
  }
  expect(observe(stack)).toEqual(before);
});
