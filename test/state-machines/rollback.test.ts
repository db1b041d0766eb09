import { ElasticLoadBalancingV2Client, ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { statesEntered } from '../../harness/demo/executions';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import { localClientConfig } from '../../local/aws/client-config';
import { LOCAL_REGION } from '../../local/local-aws';
import { MACHINE_TEST_TIMEOUT, oneVersionLive, startMachineStack, succeed, type MachineStack } from './machine-stack';
import { describeInputRefusals } from './input-refusals';

/**
 * rollback: after a swap, and before clean-up removed the previous version (blue), puts production back on blue once
 * blue is health-checked again, makes blue primary and removes green. Every case starts from one version live (blue,
 * released with the real deploy-green, swap and clean-up) and reaches its swap with the real machines.
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

let ms: MachineStack;
beforeAll(async () => {
  ms = await startMachineStack();
  await oneVersionLive(ms);
});
afterAll(async () => ms?.close());
afterEach(async () => oneVersionLive(ms));

describe('with nothing to roll back', () => {
  test('rollback succeeds, says so and changes nothing', async () => {
    const before = observe(ms.stack);
    const rollback = await ms.run('rollback');
    expect(rollback.status).toBe('SUCCEEDED');
    expect(rollback.output).toMatchObject({ changed: false, message: expect.stringMatching(/^Nothing to roll back/) });
    expect(observe(ms.stack)).toEqual(before);
  });
});

describe('refusals', () => {
  test('before a swap, rollback is refused with NotSwapped and points to abort; nothing changes', async () => {
    expect((await ms.deploy('green', '9ee0a01')).status).toBe('SUCCEEDED');
    const before = observe(ms.stack);
    const result = await ms.run('rollback');
    expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.NotSwapped']);
    expect(result.failure).toMatchObject({ undone: 'nothing-changed', next: ['abort'] });
    expect(observe(ms.stack)).toEqual(before);
  });
});

describe('after a swap from blue to green', () => {
  beforeAll(async () => {
    await succeed(ms, ['deployGreen', { ...ms.stack.service, image: `${ms.repo}:green`, commit: '9ee0a02' }], ['swap']);
  });

  test('blue is health-checked again, production goes back to blue, blue is primary, green is removed; a re-run has nothing to do', async () => {
    const { stack } = ms;
    const before = observe(stack);
    const blue = before.taskSets.find((ts) => ts.status === 'ACTIVE');
    expect(await probe(stack.urls.production)).toMatchObject({ colour: 'green' });
    const result = await ms.run('rollback');
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

    const again = await ms.run('rollback');
    expect(again.status).toBe('SUCCEEDED');
    expect(again.output).toMatchObject({ changed: false });
  });
});

describe('re-run after an interruption', () => {
  test('a rollback interrupted after it pointed the test listener at blue finishes when re-run (not mistaken for a green under test)', async () => {
    const { stack } = ms;
    expect((await ms.deploy('teal', '7ea1000')).status).toBe('SUCCEEDED');
    expect((await ms.run('swap', { ...stack.service, bakeSeconds: 0 })).status).toBe('SUCCEEDED');
    const swapped = observe(stack);
    const blue = swapped.taskSets.find((ts) => ts.status === 'ACTIVE');
    expect(swapped.previous).toEqual({ kind: 'forward', targetGroupArns: [blue?.targetGroupArn] });
    // What rollback's first change does, as if the execution stopped right after it.
    const testRule = stack.aws.elbv2
      .state()
      .listeners.find((l) => l.port === 8080)
      ?.rules.find((r) => r.Priority === '1');
    const elb = new ElasticLoadBalancingV2Client(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
    await elb.send(
      new ModifyRuleCommand({
        RuleArn: testRule?.RuleArn as string,
        Actions: [
          { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue?.targetGroupArn, Weight: 1 }] } },
        ],
      }),
    );
    elb.destroy();
    const result = await ms.run('rollback');
    expect([result.status, result.error]).toEqual(['SUCCEEDED', undefined]);
    const view = observe(stack);
    expect(view.taskSets).toEqual([expect.objectContaining({ arn: blue?.arn, status: 'PRIMARY' })]);
    expect([view.production, view.test, view.previous]).toEqual([
      { kind: 'forward', targetGroupArns: [blue?.targetGroupArn] },
      { kind: 'fixed', statusCode: '503' },
      { kind: 'fixed', statusCode: '503' },
    ]);
  });
});

describeInputRefusals(() => ms, 'rollback', { field: 'clustr', meant: 'cluster' });
