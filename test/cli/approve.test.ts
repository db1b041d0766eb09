import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ApprovalAlreadyCompletedException,
  CodePipelineClient,
  GetPipelineStateCommand,
  InvalidApprovalTokenException,
  PutApprovalResultCommand,
  type StageState,
} from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import { runInProcess } from './run-in-process';

const cfn = mockClient(CloudFormationClient);
const pipeline = mockClient(CodePipelineClient);
const TOKEN = '0a1b2c3d-0000-4000-8000-123456789abc';

const outputs: Record<string, string> = {
  ProductionUrl: 'http://alb.example/',
  TestUrl: 'http://alb.example:8080/',
  ClusterName: 'cluster',
  ServiceName: 'demo-app',
  DeployGreenStateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:DeployGreen',
  SwapStateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Swap',
  CleanUpStateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:CleanUp',
  RollbackStateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Rollback',
  AbortStateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Abort',
  PipelineName: 'EcsBlueGreen-Pipeline',
};

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
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'EcsBlueGreen',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
});

test('approve answers the pending ApproveSwap with its token and says which approval it answered', async () => {
  pipeline
    .on(GetPipelineStateCommand)
    .resolves({ pipelineName: outputs.PipelineName, stageStates: stages('ApproveSwap') });
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

test('reject answers the pending ApproveCleanUp as Rejected (which starts rollback)', async () => {
  pipeline.on(GetPipelineStateCommand).resolves({ stageStates: stages('ApproveCleanUp') });
  pipeline.on(PutApprovalResultCommand).resolves({});
  const result = await runInProcess(['reject', '--local', '--json']);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ stageName: 'ApproveCleanUp', result: 'Rejected' });
  expect(pipeline.commandCalls(PutApprovalResultCommand)[0]?.args[0].input.result?.status).toBe('Rejected');
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
