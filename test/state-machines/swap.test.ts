import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { localClientConfig } from '../../local/aws/client-config';
import { LOCAL_REGION } from '../../local/local-aws';
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

describe('before production moves: live state is checked against the deployment record', () => {
  const elb = () => new ElasticLoadBalancingV2Client(localClientConfig(ms.stack.aws.endpoint, LOCAL_REGION));
  /** Every target healthy and every task set steady (later cases compare the whole view before and after). */
  const settled = async (): Promise<void> => {
    const quiet = () => {
      const view = observe(ms.stack);
      return (
        view.targetGroups.every((tg) => tg.states.every((state) => state === 'healthy')) &&
        view.taskSets.every((ts) => ts.stabilityStatus === 'STEADY_STATE')
      );
    };
    while (!quiet()) await ms.stack.aws.clock.sleep(1);
  };

  test('blue with no healthy target: refused (LiveNotHealthy, next status); allowUnhealthyBlue goes ahead', async () => {
    await oneVersionLive(ms);
    await succeed(ms, ['deployGreen', { ...ms.stack.service, image: `${ms.repo}:green`, commit: '9ee0b01' }]);
    const blueGroup = observe(ms.stack).production;
    const blueTg = blueGroup.kind === 'forward' ? blueGroup.targetGroupArns[0] : undefined;
    if (!blueTg) throw new Error('no live blue');
    // Blue's targets taken out of its target group by hand: nothing healthy to go back to.
    const client = elb();
    const { TargetHealthDescriptions = [] } = await client.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: blueTg }),
    );
    const targets = TargetHealthDescriptions.map((d) => ({ Id: d.Target?.Id ?? '', Port: d.Target?.Port }));
    await client.send(new DeregisterTargetsCommand({ TargetGroupArn: blueTg, Targets: targets }));
    const before = observe(ms.stack);
    const refused = await ms.run('swap');
    expect([refused.status, refused.error]).toEqual(['FAILED', 'BlueGreen.LiveNotHealthy']);
    expect(refused.failure).toMatchObject({ undone: 'nothing-changed', next: ['status'] });
    expect(refused.failure?.message).toMatch(/allowUnhealthyBlue: true/);
    expect(observe(ms.stack).production).toEqual(before.production);
    const forced = await ms.run('swap', { ...ms.stack.service, allowUnhealthyBlue: true, bakeSeconds: 0 });
    expect([forced.status, forced.error]).toEqual(['SUCCEEDED', undefined]);
    expect(await probe(ms.stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
    // Put back as it was, and wait until ELBv2 reads them healthy again (later cases compare target states).
    await client.send(new RegisterTargetsCommand({ TargetGroupArn: blueTg, Targets: targets }));
    client.destroy();
    await settled();
  });

  test('production changed by hand since deploy-green recorded it: refused as record drift, nothing moved', async () => {
    await oneVersionLive(ms);
    await succeed(ms, ['deployGreen', { ...ms.stack.service, image: `${ms.repo}:green`, commit: '9ee0b02' }]);
    const prodRule = ms.stack.aws.elbv2
      .state()
      .listeners.find((l) => l.port === 80)
      ?.rules.find((r) => r.Priority === '1')?.RuleArn as string;
    const live = observe(ms.stack).production;
    const client = elb();
    // Someone points production at a fixed response behind the controller's back.
    await client.send(
      new ModifyRuleCommand({
        RuleArn: prodRule,
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain' } }],
      }),
    );
    const refused = await ms.run('swap');
    expect([refused.status, refused.error]).toEqual(['FAILED', 'BlueGreen.RecordDrift']);
    expect(refused.failure).toMatchObject({ undone: 'nothing-changed' });
    expect(observe(ms.stack).production).toEqual({ kind: 'fixed', statusCode: '503' });
    // Put back as it was (the baseline of the next case).
    if (live.kind === 'forward') {
      await client.send(
        new ModifyRuleCommand({
          RuleArn: prodRule,
          Actions: [{ Type: 'forward', TargetGroupArn: live.targetGroupArns[0] }],
        }),
      );
    }
    client.destroy();
    await settled();
  });
});

describeInputRefusals(() => ms, 'swap', { field: 'bakeSecnds', meant: 'bakeSeconds' });
