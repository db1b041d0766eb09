import { synthVariant } from '../support/harness';
import { DescribeExecutionCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { Duration } from 'aws-cdk-lib';
import {
  APPROVAL_EXPIRED,
  APPROVAL_REJECTED,
  APPROVED_GREEN_GONE,
  readWaitingApproval,
  type WaitingApproval,
} from '../../contract';
import { followExecution, runExecution, statesEntered, type ExecutionResult } from '../../harness/demo/executions';
import { startLocalStack, type LocalStack } from '../../harness/demo/local-stack';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import type { CfnTemplate } from '../../harness/deploy/deploy-template';
import { runInProcess } from '../cli/run-in-process';
import { userEnv } from '../cli/run-bin';
import { MACHINE_TEST_TIMEOUT } from './machine-stack';

/**
 * The swap approval as a Step Functions task-token wait (swapApprovalMode 'step-functions', contract/approvals.ts), on
 * local AWS with a stack synthesized in that mode: deploy-green starts a swap that waits; `bluegreen approve` moves
 * production to exactly that green; `bluegreen reject`, or no answer within the window, ends it and starts abort;
 * an approval whose green is no longer under test never moves production.
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

/** The window: 10 emulated minutes (6 s of wall time at the stack's time scale). */
const WINDOW = Duration.minutes(10);

function approvalTemplate(): CfnTemplate {
  return synthVariant(() => ({
    swapApprovalMode: 'step-functions',
    swapApprovalTimeout: WINDOW,
    bakeTime: Duration.seconds(10),
  }));
}

let stack: LocalStack;
let repo: string;
const run = (machine: keyof LocalStack['stateMachines'], input: Record<string, unknown> = {}) =>
  runExecution(stack.sfn, stack.stateMachines[machine], { ...stack.service, ...input });
async function succeed(result: Promise<ExecutionResult>): Promise<ExecutionResult> {
  const done = await result;
  if (done.status !== 'SUCCEEDED') throw new Error(`set-up ended ${done.status}: ${done.error} ${done.cause}`);
  return done;
}
const cli = (...args: string[]) =>
  runInProcess(['--local', '--endpoint-url', stack.aws.endpoint, ...args], {
    env: userEnv() as Record<string, string>,
  });

/** The waiting approval in the service's item, once the swap's wait has begun. */
async function waitingApproval(): Promise<WaitingApproval> {
  for (let i = 0; i < 400; i++) {
    // One service, one item: the approval beside its lease and record.
    const items = stack.aws.dynamodb.state().tables.flatMap((table) => table.items);
    const pending = items
      .map((item) => {
        const value = item['approval'];
        return value !== undefined && 'S' in value ? readWaitingApproval(value.S) : undefined;
      })
      .find((p) => p !== undefined);
    if (pending) return pending;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no swap approval started waiting');
}

/** deploy-green in step-functions mode: green under test, and the swap it started, waiting. */
async function deployAndWait(colour: string, commit: string) {
  const deployed = await succeed(run('deployGreen', { image: `${repo}:${colour}`, commit }));
  const output = deployed.output as { swapApproval?: { mode: string; swapExecutionArn?: string } };
  const swapExecutionArn = output.swapApproval?.swapExecutionArn ?? '';
  const pending = await waitingApproval();
  return { deployed, output, swapExecutionArn, pending };
}
const ended = (executionArn: string) => followExecution(stack.sfn, executionArn, { pollMs: 25 });

beforeAll(async () => {
  stack = await startLocalStack(approvalTemplate(), {
    timeScale: 0.01,
    ports: { api: 0, listeners: { 80: 0, 8080: 0 } },
  });
  repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
  // The first release goes live without waiting (a swap started by hand).
  await succeed(run('deployGreen', { image: `${repo}:blue`, commit: 'b1e0001' }));
  const firstWaiter = await waitingApproval();
  await succeed(run('swap'));
  await succeed(run('cleanUp'));
  // The waiter the first deploy-green started is now for a green no longer under test: approving it is refused.
  const stale = await cli('approve');
  expect(stale.code).toBe(2);
  const first = await ended(firstWaiter.executionArn);
  expect(first.status).toBe('FAILED');
});
afterAll(async () => stack?.close());

test('deploy-green starts a swap that waits; approve moves production to exactly that green', async () => {
  const { output, swapExecutionArn, pending } = await deployAndWait('green', 'c0ffee1');
  expect(output.swapApproval?.mode).toBe('step-functions');
  expect(pending.executionArn).toBe(swapExecutionArn);
  const described = await stack.sfn.send(new DescribeExecutionCommand({ executionArn: swapExecutionArn }));
  expect(described.status).toBe('RUNNING');
  // Waiting holds nothing: no lease, production still on blue.
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });

  // status shows the waiting approval and names approve and reject next.
  const status = await cli('status');
  expect(status.code).toBe(0);
  expect(status.stdout).toContain(`ApproveSwap (a task-token wait): swap ${swapExecutionArn} waits`);
  expect(status.stdout).toMatch(/Next: .*approve, or .*reject --stage ApproveSwap, or .*watch /);
  const answered = await cli('approve', '--comment', 'tested');
  expect(answered.code).toBe(0);
  const swap = await ended(swapExecutionArn);
  expect(swap.status).toBe('SUCCEEDED');
  // WasGreenApproved compares the approved green with the one under test (IsApprovedGreenUnderTest folded into it).
  expect(statesEntered(swap.history)).toEqual(expect.arrayContaining(['AwaitApproval', 'WasGreenApproved']));
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
  await succeed(run('cleanUp'));
});

test('reject ends the waiting swap and starts abort: green is discarded, production never moved', async () => {
  const before = await probe(stack.urls.production);
  const { swapExecutionArn, pending } = await deployAndWait('blue', 'b1e0002');
  const refused = await cli('reject');
  expect(refused.code).toBe(2);
  const answered = await cli('reject', '--stage', 'ApproveSwap', '--comment', 'layout broken');
  expect(answered.code).toBe(0);
  const swap = await ended(swapExecutionArn);
  expect({ status: swap.status, error: swap.error }).toEqual({ status: 'FAILED', error: APPROVAL_REJECTED });
  const abortArn = /execution (arn:\S+?)\)/.exec(swap.failure?.message ?? '')?.[1] ?? '';
  const abort = await ended(abortArn);
  expect(abort.status).toBe('SUCCEEDED');
  expect(observe(stack).taskSets.map((t) => t.arn)).not.toContain(pending.green.taskSetArn);
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: before.colour });
});

test('no answer within the window: the swap expires and abort runs', async () => {
  const { swapExecutionArn, pending } = await deployAndWait('blue', 'b1e0003');
  const swap = await ended(swapExecutionArn);
  expect({ status: swap.status, error: swap.error }).toEqual({ status: 'FAILED', error: APPROVAL_EXPIRED });
  const abortArn = /execution (arn:\S+?)\)/.exec(swap.failure?.message ?? '')?.[1] ?? '';
  expect((await ended(abortArn)).status).toBe('SUCCEEDED');
  expect(observe(stack).taskSets.map((t) => t.arn)).not.toContain(pending.green.taskSetArn);
});

test('an approval for a green replaced meanwhile never moves production to the new one', async () => {
  const first = await deployAndWait('green', 'c0ffee2');
  // The operator aborts and deploys another version by hand, then answers the old waiter directly.
  await succeed(run('abort'));
  const second = await deployAndWait('green', 'c0ffee3');
  expect(second.pending.executionArn).not.toBe(first.pending.executionArn);
  // The newer waiter replaced the older one, which ended without acting.
  const older = await ended(first.swapExecutionArn);
  expect(older.status).toBe('FAILED');
  expect(statesEntered(older.history)).not.toContain('AcquireLease');
  // Approved with a green other than the one under test, swap refuses before anything moves.
  await stack.sfn.send(
    new SendTaskSuccessCommand({
      taskToken: second.pending.token,
      output: JSON.stringify({ green: { taskSetArn: first.pending.green.taskSetArn } }),
    }),
  );
  const swap = await ended(second.swapExecutionArn);
  expect({ status: swap.status, error: swap.error }).toEqual({ status: 'FAILED', error: APPROVED_GREEN_GONE });
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
  expect(observe(stack).taskSets.map((t) => t.arn)).toContain(second.pending.green.taskSetArn);
  await succeed(run('abort'));
});

test('an approval that names no green (SendTaskSuccess by hand with {}) moves nothing', async () => {
  const before = await probe(stack.urls.production);
  const { swapExecutionArn, pending } = await deployAndWait('blue', 'b1e0004');
  await stack.sfn.send(new SendTaskSuccessCommand({ taskToken: pending.token, output: '{}' }));
  const swap = await ended(swapExecutionArn);
  expect({ status: swap.status, error: swap.error }).toEqual({ status: 'FAILED', error: APPROVED_GREEN_GONE });
  expect(statesEntered(swap.history)).toContain('RejectApprovalNamesNoGreen');
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: before.colour });
  expect(observe(stack).taskSets.map((t) => t.arn)).toContain(pending.green.taskSetArn);
  await succeed(run('abort'));
});
