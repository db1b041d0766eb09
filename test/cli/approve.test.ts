import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ApprovalAlreadyCompletedException,
  CodePipelineClient,
  GetPipelineStateCommand,
  InvalidApprovalTokenException,
  PutApprovalResultCommand,
  type StageState,
} from '@aws-sdk/client-codepipeline';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { APPROVAL_ATTRIBUTE, APPROVAL_REJECTED, APPROVAL_SUPERSEDED } from '../../contract';
import { answeredText, approvableWayOn, approvalRefusal, waitingApprovalRefusal } from '../../cli/commands/approve';
import { readDeploymentItem } from '../../cli/commands/status';
import type { Context, StackInfo } from '../../cli/context';
import { expectUsageError } from './usage-error';
import { runInProcess } from './run-in-process';
import { describeStacks, PIPELINE_NAME, STACK_OUTPUTS } from './stack-fixture';

const cfn = mockClient(CloudFormationClient);
const pipeline = mockClient(CodePipelineClient);
const TOKEN = '0a1b2c3d-0000-4000-8000-123456789abc';

function stages(pending: string | undefined): StageState[] {
  return ['DeployGreen', 'ApproveSwap', 'Swap', 'ApproveCleanUp', 'CleanUp'].map((stageName) => ({
    stageName,
    latestExecution: { pipelineExecutionId: 'exec-42', status: stageName === pending ? 'InProgress' : 'Succeeded' },
    actionStates: [
      {
        actionName: stageName,
        latestExecution:
          stageName === pending
            ? { status: 'InProgress', token: TOKEN, lastStatusChange: new Date() }
            : { status: 'Succeeded' },
      },
    ],
  }));
}

beforeEach(() => {
  cfn.reset();
  pipeline.reset();
  cfn.on(DescribeStacksCommand).resolves(describeStacks({ ...STACK_OUTPUTS, PipelineName: PIPELINE_NAME }));
});

test('approve answers the pending ApproveSwap with its token and says which approval it answered', async () => {
  pipeline.on(GetPipelineStateCommand).resolves({ pipelineName: PIPELINE_NAME, stageStates: stages('ApproveSwap') });
  pipeline.on(PutApprovalResultCommand).resolves({ approvedAt: new Date() });
  const result = await runInProcess(['--local', 'approve', '--comment', 'looks good']);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toMatch(
    /^Approved ApproveSwap in pipeline EcsBlueGreen-Pipeline \(execution exec-42\): .*swap.*\n$/,
  );
  expect(pipeline.commandCalls(GetPipelineStateCommand)[0]?.args[0].input).toEqual({ name: 'EcsBlueGreen-Pipeline' });
  expect(pipeline.commandCalls(PutApprovalResultCommand).map((c) => c.args[0].input)).toEqual([
    {
      pipelineName: 'EcsBlueGreen-Pipeline',
      stageName: 'ApproveSwap',
      actionName: 'ApproveSwap',
      token: TOKEN,
      result: { status: 'Approved', summary: 'looks good' },
    },
  ]);
});

test('reject --stage answers the pending ApproveCleanUp as Rejected (which starts rollback)', async () => {
  pipeline.on(GetPipelineStateCommand).resolves({ stageStates: stages('ApproveCleanUp') });
  pipeline.on(PutApprovalResultCommand).resolves({});
  const result = await runInProcess(['reject', '--stage', 'ApproveCleanUp', '--local', '--json']);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ stageName: 'ApproveCleanUp', result: 'Rejected' });
  expect(pipeline.commandCalls(PutApprovalResultCommand)[0]?.args[0].input.result?.status).toBe('Rejected');
});

describe('reject never answers "whatever is pending"', () => {
  test('without --stage: exit 2, one line naming the pending stage, what rejecting it starts and the command', async () => {
    pipeline.on(GetPipelineStateCommand).resolves({ stageStates: stages('ApproveCleanUp') });
    const result = await runInProcess(['--local', 'reject'], { env: { npm_command: 'exec' } });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'bluegreen: reject starts rollback at ApproveCleanUp; say which approval: npx bluegreen --local reject --stage ApproveCleanUp\n',
    });
    expect(pipeline.commandCalls(PutApprovalResultCommand)).toHaveLength(0);
  });

  test('without --stage and nothing pending: exit 2, and it says --stage is needed', async () => {
    pipeline.on(GetPipelineStateCommand).resolves({ stageStates: stages(undefined) });
    const result = await runInProcess(['--local', 'reject']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^bluegreen: No manual approval is pending .*reject needs --stage NAME.*\n$/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('the race of the incident: --stage ApproveSwap when ApproveCleanUp is pending is refused, nothing answered', async () => {
    pipeline.on(GetPipelineStateCommand).resolves({ stageStates: stages('ApproveCleanUp') });
    const result = await runInProcess(['--local', 'reject', '--stage', 'ApproveSwap']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^bluegreen: ApproveSwap is not pending in pipeline EcsBlueGreen-Pipeline: ApproveCleanUp is; nothing was answered\./,
    );
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(pipeline.commandCalls(PutApprovalResultCommand)).toHaveLength(0);
  });

  test('approve --stage that is not pending is refused the same way', async () => {
    pipeline.on(GetPipelineStateCommand).resolves({ stageStates: stages('ApproveSwap') });
    const result = await runInProcess(['--local', 'approve', '--stage', 'ApproveCleanUp']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ApproveCleanUp is not pending .*ApproveSwap is/);
    expect(pipeline.commandCalls(PutApprovalResultCommand)).toHaveLength(0);
  });

  test('a pasted hint is checked like the real command: reject without --stage is a usage error at parse time', async () => {
    expect((await runInProcess(['--local', 'reject'], { parseOnly: true })).code).toBe(2);
    expect((await runInProcess(['--local', 'reject', '--stage', 'ApproveSwap'], { parseOnly: true })).code).toBe(0);
    expect((await runInProcess(['--local', 'approve'], { parseOnly: true })).code).toBe(0);
  });
});

test.each([
  [[], 'approve', undefined, /^No manual approval is pending in pipeline P; nothing to approve\.$/],
  [['ApproveSwap'], 'approve', undefined, undefined],
  [['ApproveSwap'], 'approve', 'ApproveSwap', undefined],
  [
    ['ApproveSwap'],
    'reject',
    undefined,
    /^reject starts abort at ApproveSwap; say which approval: bg reject --stage ApproveSwap$/,
  ],
  [['ApproveSwap'], 'reject', 'ApproveSwap', undefined],
  [
    ['ApproveSwap', 'ApproveCleanUp'],
    'approve',
    undefined,
    /^2 approvals are pending .*bg approve --stage ApproveSwap, or bg approve --stage ApproveCleanUp\.$/,
  ],
  [['ApproveSwap', 'ApproveCleanUp'], 'reject', 'ApproveCleanUp', undefined],
] as const)('approvalRefusal(%j, %s, --stage %s)', (pending, verb, stage, refusal) => {
  const result = approvalRefusal(
    pending.map((stageName) => ({ stageName })),
    verb === 'approve' ? 'Approved' : 'Rejected',
    stage,
    'P',
    (...args) => ['bg', ...args].join(' '),
  );
  if (refusal === undefined) expect(result).toBeUndefined();
  else expect(result).toMatch(refusal);
});

test('nothing pending: exit 2, one clear line, no PutApprovalResult', async () => {
  pipeline.on(GetPipelineStateCommand).resolves({ stageStates: stages(undefined) });
  const result = await runInProcess(['--local', 'approve']);
  expect(result).toEqual({
    code: 2,
    stdout: '',
    stderr: 'bluegreen: No manual approval is pending in pipeline EcsBlueGreen-Pipeline; nothing to approve.\n',
  });
  expect(pipeline.commandCalls(PutApprovalResultCommand)).toHaveLength(0);
});

test.each([
  [new ApprovalAlreadyCompletedException({ message: 'done', $metadata: {} }), /was already answered/],
  [new InvalidApprovalTokenException({ message: 'bad token', $metadata: {} }), /is no longer pending/],
])('an approval answered or superseded meanwhile is exit 2 with one line (%s)', async (error, line) => {
  pipeline.on(GetPipelineStateCommand).resolves({ stageStates: stages('ApproveSwap') });
  pipeline.on(PutApprovalResultCommand).rejects(error);
  const result = await runInProcess(['--local', 'approve']);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(line);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
});

test('a stack that does not exist: exit 2 before any pipeline call', async () => {
  const notFound = Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' });
  cfn.on(DescribeStacksCommand).rejects(notFound);
  const result = await runInProcess(['--local', '--stack', 'Nope', 'approve']);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^bluegreen: Stack Nope does not exist in us-east-1 at http:\/\/127\.0\.0\.1:4566/);
  expect(pipeline.calls()).toHaveLength(0);
});

const ddb = mockClient(DynamoDBClient);
const ecs = mockClient(ECSClient);
const sfn = mockClient(SFNClient);
afterAll(() => {
  for (const client of [ddb, ecs, sfn]) client.restore();
});

describe('a swap that waited on a task token (swapApprovalMode step-functions)', () => {
  const GREEN = 'arn:aws:ecs:us-east-1:123456789012:task-set/cluster/demo-app/ecs-svc/1234';
  const WAITER = 'arn:aws:states:us-east-1:123456789012:execution:EcsBlueGreen-swap:approval-1';
  beforeEach(() => {
    for (const client of [ddb, ecs, sfn]) client.reset();
    cfn.on(DescribeStacksCommand).resolves(describeStacks({ ...STACK_OUTPUTS, DeploymentTableName: 'records' }));
    ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [{ serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/cluster/demo-app' }] });
    ddb.on(GetItemCommand).resolves({
      Item: {
        record: { S: JSON.stringify({ phase: 'testing', green: { taskSetArn: GREEN, commit: 'abc1234' } }) },
        [APPROVAL_ATTRIBUTE]: {
          S: JSON.stringify({
            token: 'token-1',
            executionArn: WAITER,
            green: { taskSetArn: GREEN, commit: 'abc1234' },
            requestedAt: '2026-12-01T00:00:00Z',
            expiresAt: '2026-12-08T00:00:00Z',
          }),
        },
      },
    });
  });

  test('approve sends the green it is for to the waiting swap', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    sfn.on(SendTaskSuccessCommand).resolves({});
    const result = await runInProcess(['--local', 'approve']);
    expect(result.code).toBe(0);
    expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '{}')).toMatchObject({
      green: { taskSetArn: GREEN },
    });
  });

  test.each(['ABORTED', 'FAILED'] as const)(
    'a waiting swap that ended %s: exit 2, nothing sent, and the next commands that work now',
    async (status) => {
      sfn.on(DescribeExecutionCommand).resolves({ status });
      for (const verb of [['approve'], ['reject', '--stage', 'ApproveSwap']]) {
        const result = await runInProcess(['--local', ...verb]);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(`ended ${status}, so nothing waits for an answer`);
        expect(result.stderr).toContain("'bluegreen --local swap'");
        expect(result.stderr).toContain("'bluegreen --local abort'");
      }
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
      expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
    },
  );
});

describe('a clean-up waiting on a task token at ApproveCleanUp (swapApprovalMode step-functions)', () => {
  const GREEN = 'arn:aws:ecs:us-east-1:123456789012:task-set/cluster/demo-app/ecs-svc/2222';
  const BLUE = 'arn:aws:ecs:us-east-1:123456789012:task-set/cluster/demo-app/ecs-svc/1111';
  const WAITER = 'arn:aws:states:us-east-1:123456789012:execution:EcsBlueGreen-clean-up:approval-2';
  const swapped = { phase: 'swapped', live: { taskSetArn: GREEN, commit: 'c0ffee1' }, previous: { taskSetArn: BLUE } };
  const waiter = {
    stage: 'ApproveCleanUp',
    token: 'token-2',
    executionArn: WAITER,
    green: { taskSetArn: GREEN, commit: 'c0ffee1' },
    requestedAt: '2026-12-01T00:00:00Z',
    expiresAt: '2026-12-08T00:00:00Z',
  };
  /** The service's item: the record, and the waiter when one is kept. */
  const item = (record: object, approval: object | undefined = waiter) =>
    ddb.on(GetItemCommand).resolves({
      Item: {
        record: { S: JSON.stringify(record) },
        ...(approval !== undefined && { [APPROVAL_ATTRIBUTE]: { S: JSON.stringify(approval) } }),
      },
    });
  const answers = () => [...sfn.commandCalls(SendTaskSuccessCommand), ...sfn.commandCalls(SendTaskFailureCommand)];
  /** The command a message names after `marker`, as the user would paste it (without the `bluegreen` prefix). */
  const pasted = (text: string, marker: string): string[] => {
    const line = text.slice(text.indexOf(marker) + marker.length).trim();
    const words = line
      .replace(/['.]+$/, '')
      .replace(/^'/, '')
      .split(' ');
    expect(words.slice(0, 2)).toEqual(['bluegreen', '--local']);
    return words.slice(1);
  };
  beforeEach(() => {
    for (const client of [ddb, ecs, sfn]) client.reset();
    cfn
      .on(DescribeStacksCommand)
      .resolves(describeStacks({ ...STACK_OUTPUTS, DeploymentTableName: 'records', PipelineName: PIPELINE_NAME }));
    ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [{ serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/cluster/demo-app' }] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
    pipeline.on(GetPipelineStateCommand).resolves({ stageStates: stages(undefined) });
    item(swapped);
  });

  test('approve sends the green production serves to the waiting clean-up, and says it removes blue next', async () => {
    const result = await runInProcess(['--local', '--json', 'approve', '--comment', 'p99 fine']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      kind: 'step-functions',
      stageName: 'ApproveCleanUp',
      executionArn: WAITER,
      green: { taskSetArn: GREEN, commit: 'c0ffee1' },
      result: 'Approved',
      summary: 'p99 fine',
    });
    const [call] = sfn.commandCalls(SendTaskSuccessCommand);
    expect(call?.args[0].input.taskToken).toBe('token-2');
    expect(JSON.parse(call?.args[0].input.output ?? '{}')).toEqual({
      green: { taskSetArn: GREEN },
      comment: 'p99 fine',
    });
    expect(pipeline.commandCalls(PutApprovalResultCommand)).toHaveLength(0);
    const text = await runInProcess(['--local', 'approve', '--stage', 'ApproveCleanUp']);
    expect(text.stdout).toMatch(/^Approved the clean-up of blue, .*: clean-up execution \S+ removes blue next\.\n$/);
  });

  test.each([['approve'], ['reject']])(
    '%s --stage ApproveSwap is refused naming ApproveCleanUp, and the command it prints answers it',
    async (verb) => {
      const refused = await runInProcess(['--local', verb, '--stage', 'ApproveSwap']);
      expectUsageError(
        refused,
        /ApproveSwap is not pending: the clean-up of blue.* waits for approval \(ApproveCleanUp\)/,
      );
      expect(answers()).toHaveLength(0);
      const command = pasted(refused.stderr, 'To answer it:');
      expect(command).toEqual(['--local', verb, '--stage', 'ApproveCleanUp']);
      expect((await runInProcess(command)).code).toBe(0);
      expect(answers()).toHaveLength(1);
    },
  );

  test('reject needs --stage (it starts rollback); reject --stage ApproveCleanUp fails the waiter as rejected', async () => {
    const refused = await runInProcess(['--local', 'reject']);
    expectUsageError(refused, /^bluegreen: reject starts rollback at ApproveCleanUp; say which approval: /);
    expect(answers()).toHaveLength(0);
    const answered = await runInProcess(pasted(refused.stderr, 'say which approval:'));
    expect(answered.code).toBe(0);
    expect(answered.stdout).toMatch(/clean-up execution \S+ ends, and rollback runs \(production goes back to blue\)/);
    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'token-2', error: APPROVAL_REJECTED, cause: 'Rejected with the bluegreen CLI' },
    ]);
  });

  test('after a first release (no blue) rejecting rolls nothing back, and says so', async () => {
    item({ phase: 'swapped', live: { taskSetArn: GREEN } });
    const refused = await runInProcess(['--local', 'reject']);
    expectUsageError(refused, /nothing is rolled back/);
    const answered = await runInProcess(['--local', 'reject', '--stage', 'ApproveCleanUp']);
    expect(answered.code).toBe(0);
    expect(answered.stdout).not.toContain('rollback runs');
    expect(answered.stdout).toContain('nothing is rolled back');
  });

  test('a waiter that ended: exit 2, nothing sent, and the commands that move it on now are clean-up and rollback', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });
    const result = await runInProcess(['--local', 'approve']);
    expectUsageError(result, /No clean-up waits for approval: .* ended ABORTED/);
    expect(result.stderr).toContain("remove blue with 'bluegreen --local cleanup'");
    expect(result.stderr).toContain("go back with 'bluegreen --local rollback'");
    expect(result.stderr).not.toMatch(/bluegreen --local (swap|abort)/);
    expect(answers()).toHaveLength(0);
  });

  test('a waiter for a green production no longer serves (rolled back by hand) is ended as superseded, not answered', async () => {
    item({ phase: 'stable', live: { taskSetArn: BLUE } });
    const result = await runInProcess(['--local', 'approve']);
    expectUsageError(result, /No manual approval is pending .* The clean-up approval that waited .* is over/);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ taskToken: 'token-2', error: APPROVAL_SUPERSEDED }),
    ]);
    // Nothing is approvable in phase stable: no command to move anything on.
    expect(result.stderr).not.toMatch(/bluegreen --local (cleanup|rollback|swap|abort)/);
  });

  test('a clean-up approved already (it holds the lease and runs): exit 2, nothing sent, follow it instead', async () => {
    ddb.on(GetItemCommand).resolves({
      Item: {
        record: { S: JSON.stringify(swapped) },
        [APPROVAL_ATTRIBUTE]: { S: JSON.stringify(waiter) },
        lease: {
          M: {
            holder: { S: WAITER },
            machine: { S: 'clean-up' },
            operation: { S: 'removing the previous version' },
            since: { S: '2026-12-01T00:01:00Z' },
          },
        },
      },
    });
    for (const args of [['approve'], ['reject', '--stage', 'ApproveCleanUp'], ['approve', '--stage', 'ApproveSwap']]) {
      const result = await runInProcess(['--local', ...args]);
      expectUsageError(result, /^bluegreen: The clean-up approval was given already: clean-up \S+ runs now/);
      expect(pasted(result.stderr, 'Follow it with')).toEqual(['--local', 'watch', WAITER]);
    }
    expect(answers()).toHaveLength(0);
  });

  test('status reads a waiter that holds the lease as answered: it is not shown as waiting', async () => {
    const read = (lease?: string) => {
      ddb.on(GetItemCommand).resolves({
        Item: {
          record: { S: JSON.stringify(swapped) },
          [APPROVAL_ATTRIBUTE]: { S: JSON.stringify(waiter) },
          ...(lease !== undefined && {
            lease: {
              M: { holder: { S: lease }, machine: { S: 'clean-up' }, operation: { S: 'o' }, since: { S: 's' } },
            },
          }),
        },
      });
      const ctx = { config: () => ({ region: 'us-east-1' }) } as unknown as Context;
      const stack = { deploymentTable: 'records' } as unknown as StackInfo;
      return readDeploymentItem(ctx, stack, 'arn:service');
    };
    expect((await read())?.approval).toMatchObject({ current: true, answered: false });
    expect((await read(WAITER))?.approval).toMatchObject({ current: true, answered: true });
    // Another execution holding the lease (a rollback by hand) does not answer the waiter.
    expect((await read('arn:aws:states:us-east-1:123456789012:execution:Rollback:1'))?.approval).toMatchObject({
      answered: false,
    });
  });

  test('a waiter no longer current whose token had closed already (it was answered) is not said to be ended now', async () => {
    item({ phase: 'stable', live: { taskSetArn: GREEN } });
    sfn.on(SendTaskFailureCommand).rejects(Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' }));
    const result = await runInProcess(['--local', 'approve']);
    expectUsageError(result, /^bluegreen: No manual approval is pending in pipeline \S+; nothing to approve\.$/);
  });

  test('nothing waits but production serves green and blue still runs: the way on is clean-up or rollback', async () => {
    ddb.on(GetItemCommand).resolves({ Item: { record: { S: JSON.stringify(swapped) } } });
    const result = await runInProcess(['--local', 'approve']);
    expectUsageError(result, /No manual approval is pending/);
    expect(result.stderr).toContain('Production serves green c0ffee1');
    expect(result.stderr).toContain(
      "remove blue with 'bluegreen --local cleanup', or go back with 'bluegreen --local rollback'",
    );
    expect(result.stderr).not.toMatch(/bluegreen --local (swap|abort)/);
  });
});

describe('the refusals, pure', () => {
  const command = (...args: string[]) => ['bg', ...args].join(' ');
  const cleanUp = { stage: 'ApproveCleanUp' as const, green: { taskSetArn: 'arn:g', commit: 'c0ffee1' } };
  const swap = { stage: 'ApproveSwap' as const, green: { taskSetArn: 'arn:g' } };

  test.each([
    [cleanUp, 'Approved', undefined, false, undefined],
    [cleanUp, 'Approved', 'ApproveCleanUp', false, undefined],
    [cleanUp, 'Rejected', 'ApproveCleanUp', false, undefined],
    [
      cleanUp,
      'Approved',
      'ApproveSwap',
      false,
      /^ApproveSwap is not pending: .*\(ApproveCleanUp\).* bg approve --stage ApproveCleanUp$/,
    ],
    [cleanUp, 'Rejected', 'Nope', false, /^Nope is not pending: .* bg reject --stage ApproveCleanUp$/],
    [
      cleanUp,
      'Rejected',
      undefined,
      false,
      /^reject starts rollback at ApproveCleanUp; say which approval: bg reject --stage ApproveCleanUp$/,
    ],
    [
      cleanUp,
      'Rejected',
      undefined,
      true,
      /^reject ends the waiting clean-up .*nothing is rolled back.* bg reject --stage ApproveCleanUp$/,
    ],
    [
      swap,
      'Approved',
      'ApproveCleanUp',
      false,
      /^ApproveCleanUp is not pending: the swap of green .*\(ApproveSwap\).* bg approve --stage ApproveSwap$/,
    ],
    [
      swap,
      'Rejected',
      undefined,
      false,
      /^reject starts abort at ApproveSwap; say which approval: bg reject --stage ApproveSwap$/,
    ],
    [swap, 'Rejected', 'ApproveSwap', false, undefined],
  ] as const)(
    'waitingApprovalRefusal(%j, %s, --stage %s, first release %s)',
    (waiter, decision, stage, first, refusal) => {
      const result = waitingApprovalRefusal(waiter, decision, stage, first, command);
      if (refusal === undefined) expect(result).toBeUndefined();
      else expect(result).toMatch(refusal);
    },
  );

  test('the way on when nothing waits: by the record’s phase, and only what works in it', () => {
    const testing = { phase: 'testing', green: { taskSetArn: 'arn:g' } };
    expect(approvableWayOn(testing, undefined, command)).toMatch(/under test .*'bg swap'.*'bg abort'\.$/);
    const swapped = { phase: 'swapped', live: { taskSetArn: 'arn:g' }, previous: { taskSetArn: 'arn:b' } };
    expect(approvableWayOn(swapped, undefined, command)).toMatch(
      /^Production serves green \(task set arn:g\) and blue still runs, .*remove blue with 'bg cleanup', or go back with 'bg rollback'\.$/,
    );
    // A first release: there is no blue to go back to, so rollback is not offered.
    const first = approvableWayOn({ phase: 'swapped', live: { taskSetArn: 'arn:g' } }, undefined, command);
    expect(first).toContain("'bg cleanup'");
    expect(first).not.toContain('rollback');
    // An operation holds the lease: nothing else can start; status says what runs.
    expect(approvableWayOn(swapped, 'rollback', command)).toMatch(/rollback holds the lease: .*'bg status'\.$/);
    for (const phase of ['none', 'stable', 'deploying', 'baking', 'rolling-back']) {
      expect(approvableWayOn({ phase, live: { taskSetArn: 'arn:g' } }, undefined, command)).toBeUndefined();
    }
  });

  test('what an answer says it did, by stage and decision', () => {
    const waiter = { ...cleanUp, executionArn: 'arn:x' };
    expect(answeredText(waiter, 'Approved', false)).toMatch(/clean-up execution arn:x removes blue next\.$/);
    expect(answeredText(waiter, 'Rejected', false)).toMatch(
      /ends, and rollback runs \(production goes back to blue\)\.$/,
    );
    expect(answeredText(waiter, 'Approved', true)).toMatch(/closes the test listener next\.$/);
    const swapWaiter = { ...swap, executionArn: 'arn:s' };
    expect(answeredText(swapWaiter, 'Approved', false)).toMatch(/swap execution arn:s moves production next\.$/);
    expect(answeredText(swapWaiter, 'Rejected', false)).toMatch(/ends, and abort runs/);
  });
});
