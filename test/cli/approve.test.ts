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
import { APPROVAL_ATTRIBUTE } from '../../contract';
import { approvalRefusal } from '../../cli/commands/approve';
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

describe('a swap that waited on a task token (swapApprovalMode step-functions)', () => {
  const ddb = mockClient(DynamoDBClient);
  const ecs = mockClient(ECSClient);
  const sfn = mockClient(SFNClient);
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
  afterAll(() => {
    for (const client of [ddb, ecs, sfn]) client.restore();
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
