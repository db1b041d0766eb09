import { runExecution, statesEntered } from '../../../local/demo/executions';
import type { LocalStack } from '../../../local/demo/local-stack';
import { observe } from '../../../local/demo/observe';
import { probe } from '../../../local/demo/probe';
import { startTestStack } from './harness';

let stack: LocalStack;
let repo: string;
type Machine = keyof LocalStack['stateMachines'];
const run = (machine: Machine, input: Record<string, unknown> = stack.service) =>
  runExecution(stack.sfn, stack.stateMachines[machine], input);
const deploy = (colour: string, commit: string) =>
  run('deployGreen', { ...stack.service, image: `${repo}:${colour}`, commit });

beforeAll(async () => {
  stack = await startTestStack();
  repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
  for (const [machine, input] of [
    ['deployGreen', { ...stack.service, image: `${repo}:blue`, commit: 'b10e000' }],
    ['swap', stack.service],
    ['cleanUp', stack.service],
  ] as Array<[Machine, Record<string, unknown>]>) {
    expect((await run(machine, input)).status).toBe('SUCCEEDED');
  }
});
afterAll(async () => stack?.close());

test('with nothing to do, abort and rollback succeed and say so', async () => {
  const before = observe(stack);
  const abort = await run('abort');
  expect(abort.status).toBe('SUCCEEDED');
  expect(abort.output).toMatchObject({ changed: false, message: expect.stringMatching(/^Nothing to abort/) });
  const rollback = await run('rollback');
  expect(rollback.status).toBe('SUCCEEDED');
  expect(rollback.output).toMatchObject({ changed: false, message: expect.stringMatching(/^Nothing to roll back/) });
  expect(observe(stack)).toEqual(before);
});

test('rollback before a swap is refused and points to abort; nothing changes', async () => {
  expect((await deploy('green', '9ee0a01')).status).toBe('SUCCEEDED');
  const before = observe(stack);
  const result = await run('rollback');
  expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.NotSwapped']);
  expect(result.cause).toMatch(/Run abort/);
  expect(observe(stack)).toEqual(before);
});

test('abort discards green and leaves blue untouched; a second abort has nothing to do', async () => {
  const before = observe(stack);
  const blue = before.taskSets.find((ts) => ts.status === 'PRIMARY');
  const result = await run('abort');
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toMatchObject({ changed: true });
  const view = observe(stack);
  expect(view.taskSets).toEqual([
    expect.objectContaining({ arn: blue?.arn, status: 'PRIMARY', stabilityStatus: 'STEADY_STATE' }),
  ]);
  expect(view.production).toEqual(before.production);
  expect(view.test).toEqual({ kind: 'fixed', statusCode: '503' });
  expect(view.targetGroups.map((tg) => tg.arn)).toEqual([blue?.targetGroupArn]);
  expect(view.extraRules).toBe(0);
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
  expect((await run('abort')).output).toMatchObject({ changed: false });
});

test('abort after a swap is refused and points to rollback', async () => {
  expect((await deploy('green', '9ee0a02')).status).toBe('SUCCEEDED');
  expect((await run('swap')).status).toBe('SUCCEEDED');
  const before = observe(stack);
  const result = await run('abort');
  expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.AlreadySwapped']);
  expect(result.cause).toMatch(/Run rollback/);
  expect(observe(stack)).toEqual(before);
});

test('rollback after a swap: blue health-checked again, production back on blue, blue primary, green removed', async () => {
  const before = observe(stack);
  const blue = before.taskSets.find((ts) => ts.status === 'ACTIVE');
  expect(await probe(stack.urls.production)).toMatchObject({ colour: 'green' });
  const result = await run('rollback');
  expect(result.status).toBe('SUCCEEDED');
  const states = statesEntered(result.history);
  // Blue is checked healthy before production moves, then made primary, then green is removed.
  const order = [
    'PointTestListenerAtPrevious',
    'DescribePreviousTargetHealth',
    'PointProductionAtPrevious',
    'MakePreviousPrimary',
    'DeleteOldTaskSet',
    'DeleteOldTargetGroup',
  ];
  const positions = order.map((name) => states.indexOf(name));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);

  const view = observe(stack);
  expect(view.taskSets).toEqual([expect.objectContaining({ arn: blue?.arn, status: 'PRIMARY' })]);
  expect(view.production).toEqual({ kind: 'forward', targetGroupArns: [blue?.targetGroupArn] });
  expect(view.test).toEqual({ kind: 'fixed', statusCode: '503' });
  expect(view.targetGroups.map((tg) => tg.arn)).toEqual([blue?.targetGroupArn]);
  expect(view.extraRules).toBe(0);
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });

  const again = await run('rollback');
  expect(again.status).toBe('SUCCEEDED');
  expect(again.output).toMatchObject({ changed: false });
});
