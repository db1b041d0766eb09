import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { statesEntered } from '../../harness/demo/executions';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import { localClientConfig } from '../../local/aws/client-config';
import { LOCAL_REGION } from '../../local/local-aws';
import { MACHINE_TEST_TIMEOUT, oneVersionLive, startMachineStack, type MachineStack } from './machine-stack';
import { describeInputRefusals } from './input-refusals';

/**
 * abort: before a swap, discards the green under test (its task set, target group and the test listener's route)
 * and leaves the live version untouched; with no green it sweeps target groups an interrupted run left behind. Every
 * case starts from one version live (blue, released with the real deploy-green, swap and clean-up).
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

let ms: MachineStack;
beforeAll(async () => {
  ms = await startMachineStack();
  await oneVersionLive(ms);
});
afterAll(async () => ms?.close());
afterEach(async () => oneVersionLive(ms));

describe('with nothing to abort', () => {
  test('abort succeeds, says so and changes nothing', async () => {
    const before = observe(ms.stack);
    const abort = await ms.run('abort');
    expect(abort.status).toBe('SUCCEEDED');
    expect(abort.output).toMatchObject({ changed: false, message: expect.stringMatching(/^Nothing to abort/) });
    expect(observe(ms.stack)).toEqual(before);
  });
});

describe('with a green under test', () => {
  test('abort discards green and leaves blue untouched; a second abort has nothing to do', async () => {
    const { stack } = ms;
    expect((await ms.deploy('green', '9ee0a01')).status).toBe('SUCCEEDED');
    const before = observe(stack);
    const blue = before.taskSets.find((ts) => ts.status === 'PRIMARY');
    const result = await ms.run('abort');
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
    expect((await ms.run('abort')).output).toMatchObject({ changed: false });
  });
});

describe('refusals', () => {
  test('after a swap, abort is refused with AlreadySwapped and points to rollback; nothing changes', async () => {
    expect((await ms.deploy('green', '9ee0a02')).status).toBe('SUCCEEDED');
    expect((await ms.run('swap')).status).toBe('SUCCEEDED');
    const before = observe(ms.stack);
    const result = await ms.run('abort');
    expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.AlreadySwapped']);
    expect(result.failure).toMatchObject({ undone: 'nothing-changed', next: ['rollback', 'clean-up'] });
    expect(observe(ms.stack)).toEqual(before);
  });
});

describe('the orphan sweep (no green)', () => {
  test('reads every page: a green target group left past the first 100 is removed, others kept', async () => {
    const { stack } = ms;
    const elb = new ElasticLoadBalancingV2Client(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
    const live = observe(stack).targetGroups[0]?.name ?? '';
    const prefix = live.slice(0, live.lastIndexOf('-'));
    const stackName = Object.values(stack.deployed.substitutions).find((s) => s.StackName)?.StackName ?? '';
    const ownerTags = [
      { Key: 'bluegreen:stack', Value: stackName },
      { Key: 'bluegreen:service', Value: stack.service.service },
    ];
    const create = async (name: string, tags = ownerTags.slice(0, 0)) =>
      (
        await elb.send(
          new CreateTargetGroupCommand({
            Name: name,
            Protocol: 'HTTP',
            Port: 80,
            VpcId: 'vpc-1',
            TargetType: 'ip',
            ...(tags.length > 0 ? { Tags: tags } : {}),
          }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn ?? '';
    try {
      // Someone else's 150 groups first, so the orphan (ours: owner tags, used by nothing) lands on the second page.
      const others: string[] = [];
      for (let i = 0; i < 150; i++) others.push(await create(`other-team-${i}`));
      // Look-alikes by name that the controller never made: no owner tags, or another stack's.
      others.push(await create(`${prefix}-canary`));
      others.push(await create(`${prefix}-v2-1a2b3c4d`));
      others.push(
        await create(`${prefix}-0ther000`, [
          { Key: 'bluegreen:stack', Value: 'AnotherStack' },
          { Key: 'bluegreen:service', Value: stack.service.service },
        ]),
      );
      const orphan = await create(`${prefix}-0rphan00`, ownerTags);
      const abort = await ms.run('abort');
      expect({ status: abort.status, cause: abort.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
      expect(statesEntered(abort.history).filter((s) => s === 'SweepNextPage')).toHaveLength(1);
      // The status tells the truth: something was deleted, so it does not say "Nothing was changed".
      expect(abort.output).toMatchObject({
        changed: true,
        message: expect.stringMatching(/interrupted run left behind/),
      });
      const names = stack.aws.elbv2.state().targetGroups.map((tg) => tg.arn);
      expect(names).not.toContain(orphan);
      expect(others.filter((arn) => !names.includes(arn))).toEqual([]);
      for (const arn of others) await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    } finally {
      elb.destroy();
    }
  });
});

describeInputRefusals(() => ms, 'abort', { field: 'Service', meant: 'service' });
