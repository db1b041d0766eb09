import { statesEntered } from '../../harness/demo/executions';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import { MACHINE_TEST_TIMEOUT, oneVersionLive, startMachineStack, succeed, type MachineStack } from './machine-stack';
import { describeInputRefusals } from './input-refusals';

/**
 * clean-up: after a swap, closes the test listener and removes the previous version (its task set, once drained, and
 * its target group); the live version is kept. Each case reaches its swap with the real deploy-green and swap first.
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

let ms: MachineStack;
beforeAll(async () => {
  ms = await startMachineStack();
});
afterAll(async () => ms?.close());

describe('after the first swap (no previous version)', () => {
  beforeAll(async () => {
    await succeed(ms, ['deployGreen', { ...ms.stack.service, image: `${ms.repo}:blue`, commit: 'b10e000' }], ['swap']);
  });

  test('closes the test listener and keeps the live task set', async () => {
    const { stack } = ms;
    const result = await ms.run('cleanUp');
    expect(result.status).toBe('SUCCEEDED');
    const view = observe(stack);
    expect(view.taskSets).toHaveLength(1);
    expect(view.test).toEqual({ kind: 'fixed', statusCode: '503' });
    expect(view.targetGroups).toHaveLength(1);
    expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
  });
});

describe('after a swap from blue to green (blue still runs)', () => {
  beforeAll(async () => {
    await oneVersionLive(ms);
    await succeed(ms, ['deployGreen', { ...ms.stack.service, image: `${ms.repo}:green`, commit: '9ee0a00' }], ['swap']);
  });

  test('blue and its target group are gone, nothing is left over', async () => {
    const { stack } = ms;
    const result = await ms.run('cleanUp');
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
});

describeInputRefusals(() => ms, 'cleanUp', { field: 'servce', meant: 'service' });
