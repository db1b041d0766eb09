import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import { MACHINE_TEST_TIMEOUT, oneVersionLive, startMachineStack, succeed, type MachineStack } from './machine-stack';
import { describeInputRefusals } from './input-refusals';

/**
 * swap: production moves to the green under test, which becomes the primary task set; the version it replaced keeps
 * running for a rollback until clean-up. Each case deploys its green with the real deploy-green first.
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

let ms: MachineStack;
beforeAll(async () => {
  ms = await startMachineStack();
});
afterAll(async () => ms?.close());

describe('the first swap (nothing live yet)', () => {
  beforeAll(async () => {
    await succeed(ms, ['deployGreen', { ...ms.stack.service, image: `${ms.repo}:blue`, commit: 'b10e000' }]);
  });

  test('production serves it and it becomes primary', async () => {
    const { stack } = ms;
    const result = await ms.run('swap');
    expect(result.status).toBe('SUCCEEDED');
    const view = observe(stack);
    expect(view.taskSets).toEqual([expect.objectContaining({ status: 'PRIMARY' })]);
    expect(view.production).toEqual({ kind: 'forward', targetGroupArns: [view.taskSets[0]?.targetGroupArn] });
    expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
  });
});

describe('with a version live (blue) and a green under test', () => {
  beforeAll(async () => {
    await oneVersionLive(ms);
    await succeed(ms, ['deployGreen', { ...ms.stack.service, image: `${ms.repo}:green`, commit: '9ee0a00' }]);
  });

  test('production serves green, green is primary, blue still runs for a rollback', async () => {
    const { stack } = ms;
    const result = await ms.run('swap');
    expect(result.status).toBe('SUCCEEDED');
    const view = observe(stack);
    const primary = view.taskSets.find((ts) => ts.status === 'PRIMARY');
    expect(view.taskSets.map((ts) => ts.status).sort()).toEqual(['ACTIVE', 'PRIMARY']);
    expect(view.production).toEqual({ kind: 'forward', targetGroupArns: [primary?.targetGroupArn] });
    expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
  });
});

describeInputRefusals(() => ms, 'swap', { field: 'bakeSecnds', meant: 'bakeSeconds' });
