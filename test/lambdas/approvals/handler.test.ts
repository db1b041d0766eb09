import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  SendTaskFailureCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { APPROVAL_REJECTED, APPROVAL_SUPERSEDED, type WaitingApproval } from '../../../contract';
import { derivedExecutionName, executionArnOf } from '../../../lambdas/approvals/core';
import { createHandler } from '../../../lambdas/approvals/handler';

const ddb = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);
const SERVICE = 'arn:aws:ecs:us-east-1:123456789012:service/c/app';
const MACHINE = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:S-${name}`;
const CLEAN_UP = 'arn:aws:states:us-east-1:123456789012:execution:S-clean-up:approval-1';
const GREEN = { taskSetArn: 'arn:aws:ecs:us-east-1:123456789012:task-set/c/app/ecs-svc/2', commit: 'c0ffee1' };
const BLUE = { taskSetArn: 'arn:aws:ecs:us-east-1:123456789012:task-set/c/app/ecs-svc/1' };
const handler = createHandler({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  variables: { DEPLOYMENT_TABLE: 'table', SERVICE_ARN: SERVICE },
});

const waiting: WaitingApproval = {
  stage: 'ApproveCleanUp',
  token: 'token-1',
  executionArn: CLEAN_UP,
  green: GREEN,
  requestedAt: '2026-12-02T10:00:00.000Z',
  expiresAt: '2026-12-09T10:00:00.000Z',
};
const swapped = JSON.stringify({ phase: 'swapped', live: GREEN, previous: BLUE });
const item = (record: string, approval?: WaitingApproval) => ({
  Item: {
    service: { S: SERVICE },
    record: { S: record },
    ...(approval !== undefined && { approval: { S: JSON.stringify(approval) } }),
  },
});
const withdraw = (extra: Record<string, unknown> = {}) => ({
  action: 'withdraw',
  stage: 'ApproveCleanUp',
  cluster: 'c',
  service: 'app',
  executionArn: CLEAN_UP,
  error: APPROVAL_REJECTED,
  cause: 'broken',
  rejectStateMachineArn: MACHINE('rollback'),
  ...extra,
});
/** A clean-up waiter's request as its AwaitApproval sends it. */
const cleanUpRequest = {
  action: 'request',
  stage: 'ApproveCleanUp',
  token: 't',
  executionArn: CLEAN_UP,
  now: '2026-12-02T10:00:00.000Z',
  timeoutSeconds: 600,
};
const rollbackArn = executionArnOf(MACHINE('rollback'), derivedExecutionName('rejected', CLEAN_UP));

beforeEach(() => {
  ddb.reset();
  sfn.reset();
});

describe('withdraw', () => {
  it('starts rollback before it forgets the token, so a lost answer leaves one or the other to find', async () => {
    ddb.on(GetItemCommand).resolves(item(swapped, waiting));
    ddb.on(UpdateItemCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: rollbackArn, startDate: new Date() });
    const answer = await handler(withdraw());
    expect(answer).toMatchObject({ startedExecutionArn: rollbackArn, abortExecutionArn: rollbackArn });
    const started = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(started).toMatchObject({
      stateMachineArn: MACHINE('rollback'),
      name: derivedExecutionName('rejected', CLEAN_UP),
    });
    const removed = ddb.commandCalls(UpdateItemCommand)[0];
    expect(removed?.args[0].input.UpdateExpression).toBe('REMOVE #approval');
    // The start came before the removal (each client's calls go through its send).
    const start = sfn.send.getCalls().find((c) => c.args[0] instanceof StartExecutionCommand);
    const remove = ddb.send.getCalls().find((c) => c.args[0] instanceof UpdateItemCommand);
    expect(start !== undefined && remove !== undefined && start.calledBefore(remove)).toBe(true);
  });

  it('retried after its answer was lost (the token already forgotten): names the rollback its first attempt started', async () => {
    ddb.on(GetItemCommand).resolves(item(swapped));
    sfn
      .on(DescribeExecutionCommand, { executionArn: rollbackArn })
      .resolves({ executionArn: rollbackArn, status: 'RUNNING' });
    const answer = (await handler(withdraw())) as { startedExecutionArn: string | null; message: string };
    expect(answer.startedExecutionArn).toBe(rollbackArn);
    expect(answer.message).toContain(`Rollback was started (execution ${rollbackArn})`);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it('replaced by a newer waiter: starts nothing, and says so', async () => {
    ddb.on(GetItemCommand).resolves(item(swapped, { ...waiting, executionArn: 'other', token: 'token-2' }));
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }));
    const answer = (await handler(withdraw())) as { startedExecutionArn: string | null; message: string };
    expect(answer.startedExecutionArn).toBeNull();
    expect(answer.message).toContain('Nothing was rolled back: another approval had replaced this one.');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('after a first release (no blue in the record) starts no rollback', async () => {
    ddb
      .on(GetItemCommand)
      .resolves(item(JSON.stringify({ phase: 'swapped', live: GREEN, previous: { found: false } }), waiting));
    ddb.on(UpdateItemCommand).resolves({});
    const answer = (await handler(withdraw())) as { startedExecutionArn: string | null; message: string };
    expect(answer.startedExecutionArn).toBeNull();
    expect(answer.message).toContain('this was the first release');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('a request from a definition older than the clean-up approval (abortStateMachineArn, no stage) is a swap’s, answered in both shapes', async () => {
    const swap = 'arn:aws:states:us-east-1:123456789012:execution:S-swap:1';
    const swapWaiting: WaitingApproval = { ...waiting, stage: 'ApproveSwap', executionArn: swap };
    const { stage: _stage, ...oldItem } = swapWaiting;
    ddb.on(GetItemCommand).resolves({
      Item: {
        record: { S: JSON.stringify({ phase: 'testing', green: GREEN }) },
        approval: { S: JSON.stringify(oldItem) },
      },
    });
    ddb.on(UpdateItemCommand).resolves({});
    const abortArn = executionArnOf(MACHINE('abort'), derivedExecutionName('rejected', swap));
    sfn.on(StartExecutionCommand).resolves({ executionArn: abortArn, startDate: new Date() });
    const answer = await handler({
      action: 'withdraw',
      cluster: 'c',
      service: 'app',
      executionArn: swap,
      error: APPROVAL_REJECTED,
      cause: 'no',
      abortStateMachineArn: MACHINE('abort'),
    });
    // The old swap definition's ResultSelector reads $.Payload.abortExecutionArn.
    expect(answer).toMatchObject({ abortExecutionArn: abortArn, startedExecutionArn: abortArn });
  });
});

describe('start and request', () => {
  it('answers a start in both shapes (an old deploy-green reads swapExecutionArn)', async () => {
    const name = derivedExecutionName('approval', 'arn:dg');
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: executionArnOf(MACHINE('swap'), name), startDate: new Date() });
    const answer = await handler({
      action: 'start',
      cluster: 'c',
      service: 'app',
      deployGreenExecutionArn: 'arn:dg',
      swapStateMachineArn: MACHINE('swap'),
    });
    expect(answer).toEqual({
      executionArn: executionArnOf(MACHINE('swap'), name),
      swapExecutionArn: executionArnOf(MACHINE('swap'), name),
    });
    // A swap's start reads nothing first: every deploy-green records a new green, so no waiter is kept.
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '')).toEqual({
      cluster: 'c',
      service: 'app',
      awaitApproval: true,
    });
  });

  it('a start that finds a waiter of its stage still waiting for the current version names it and starts none', async () => {
    const start = {
      action: 'start',
      stage: 'ApproveCleanUp',
      cluster: 'c',
      service: 'app',
      fromExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:S-swap:again',
      stateMachineArn: MACHINE('clean-up'),
    };
    ddb.on(GetItemCommand).resolves(item(swapped, waiting));
    sfn.on(DescribeExecutionCommand, { executionArn: CLEAN_UP }).resolves({ status: 'RUNNING' });
    expect(await handler(start)).toEqual({ executionArn: CLEAN_UP, swapExecutionArn: CLEAN_UP });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    // One that has ended, or waits for a version no longer current, is not kept: a new one starts.
    for (const [record, status] of [
      [swapped, 'ABORTED'],
      [JSON.stringify({ phase: 'swapped', live: BLUE, previous: GREEN }), 'RUNNING'],
    ] as const) {
      sfn.reset();
      ddb.on(GetItemCommand).resolves(item(record, waiting));
      sfn.on(DescribeExecutionCommand).resolves({ status });
      sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:new', startDate: new Date() });
      expect(await handler(start)).toEqual({ executionArn: 'arn:new', swapExecutionArn: 'arn:new' });
    }
  });

  it('a clean-up waiter keeps its token for the green production serves, and fails the one it replaces', async () => {
    const swapWaiting: WaitingApproval = { ...waiting, stage: 'ApproveSwap', token: 'old', executionArn: 'swap-1' };
    ddb.on(GetItemCommand).resolves(item(swapped, swapWaiting));
    ddb.on(UpdateItemCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
    await handler({
      action: 'request',
      stage: 'ApproveCleanUp',
      token: 'new',
      executionArn: CLEAN_UP,
      now: '2026-12-02T10:00:00.000Z',
      timeoutSeconds: 600,
    });
    const kept = JSON.parse(
      String(ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':approval']?.S),
    ) as WaitingApproval;
    expect(kept).toMatchObject({ stage: 'ApproveCleanUp', token: 'new', green: GREEN });
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({
      taskToken: 'old',
      error: APPROVAL_SUPERSEDED,
    });
  });

  it('a clean-up waiter with nothing swapped fails NothingToApprove, keeping nothing', async () => {
    ddb.on(GetItemCommand).resolves(item(JSON.stringify({ phase: 'stable', live: GREEN })));
    await expect(handler(cleanUpRequest)).rejects.toMatchObject({ name: 'BlueGreen.NothingToApprove' });
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it('a conditional write that loses to a newer record is retried from a fresh read', async () => {
    ddb.on(GetItemCommand).resolves(item(swapped));
    ddb
      .on(UpdateItemCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'changed', $metadata: {} }))
      .resolves({});
    await handler(cleanUpRequest);
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(2);
  });
});
