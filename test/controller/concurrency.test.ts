import { runExecution, statesEntered } from '../../harness/demo/executions';
import type { LocalStack } from '../../harness/demo/local-stack';
import { observe } from '../../harness/demo/observe';
import { startTestStack } from '../support/harness';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.close());

test('two deploy-green executions started in the same instant: exactly one proceeds, the other touches nothing', async () => {
  const repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
  const start = (colour: string, commit: string) =>
    runExecution(stack.sfn, stack.stateMachines.deployGreen, { ...stack.service, image: `${repo}:${colour}`, commit });
  const results = await Promise.all([start('blue', 'aaaaaaa'), start('green', 'bbbbbbb')]);

  const winners = results.filter((r) => r.status === 'SUCCEEDED');
  const losers = results.filter((r) => r.status === 'FAILED');
  expect(winners).toHaveLength(1);
  expect(losers).toHaveLength(1);
  const [loser] = losers;
  const [winner] = winners;
  expect(loser?.error).toBe('BlueGreen.OperationInProgress');
  // The cause names the execution that holds the service's lease, and the commands to wait for it or stop it.
  expect(loser?.cause).toContain(winner?.executionArn ?? 'no winner');
  expect(loser?.failure?.message).toMatch(/bluegreen watch .*stop-execution/);
  expect(loser?.failure).toMatchObject({ undone: 'nothing-changed', holder: winner?.executionArn });
  expect(loser?.failure?.next[0]).toBe('wait');
  const loserStates = statesEntered(loser?.history ?? []);
  // Both passed the input checks; the lease (a conditional write) decided, before anything was read or changed.
  expect(loserStates).toContain('AcquireLease');
  expect(loserStates).toContain('DescribeLeaseHolder');
  expect(loserStates).not.toContain('DescribeService');
  for (const creating of ['CreateGreenTargetGroup', 'RegisterGreenTaskDefinition', 'CreateGreenTaskSet']) {
    expect(loserStates).not.toContain(creating);
  }

  const view = observe(stack);
  expect(view.taskSets).toHaveLength(1);
  expect(view.targetGroups).toHaveLength(1);
  expect(view.extraRules).toBe(0);
  expect(view.test).toEqual({ kind: 'forward', targetGroupArns: [view.taskSets[0]?.targetGroupArn] });
});
