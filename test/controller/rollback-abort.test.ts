import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { localClientConfig } from '../../local/aws/client-config';
import { runExecution, statesEntered } from '../../harness/demo/executions';
import { LOCAL_REGION } from '../../local/local-aws';
import type { LocalStack } from '../../harness/demo/local-stack';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import { startTestStack } from '../support/harness';

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

test('a rollback interrupted after it pointed the test listener at blue finishes when re-run (not mistaken for a green under test)', async () => {
  expect((await deploy('teal', '7ea1000')).status).toBe('SUCCEEDED');
  expect((await run('swap', { ...stack.service, bakeSeconds: 0 })).status).toBe('SUCCEEDED');
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
  const result = await run('rollback');
  expect([result.status, result.error]).toEqual(['SUCCEEDED', undefined]);
  const view = observe(stack);
  expect(view.taskSets).toEqual([expect.objectContaining({ arn: blue?.arn, status: 'PRIMARY' })]);
  expect([view.production, view.test, view.previous]).toEqual([
    { kind: 'forward', targetGroupArns: [blue?.targetGroupArn] },
    { kind: 'fixed', statusCode: '503' },
    { kind: 'fixed', statusCode: '503' },
  ]);
});

test('the orphan sweep reads every page: a green target group left past the first 100 is removed, others kept', async () => {
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
    const abort = await run('abort');
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
