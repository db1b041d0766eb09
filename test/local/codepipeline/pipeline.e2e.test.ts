/**
 * The delivery pipeline of the synthesized stack, end to end in local AWS, answered with the bluegreen CLI as a child
 * process (`--local`): a release waits at ApproveSwap, `approve` lets the Swap stage run, `reject` at ApproveCleanUp
 * fails the execution and the template's EventBridge rule starts rollback, which puts production back on the
 * previous version. Local AWS runs 100× faster than real time.
 */
import { CodePipelineClient, GetPipelineStateCommand, PutApprovalResultCommand } from '@aws-sdk/client-codepipeline';
import { localClientConfig } from '../../../local/deploy/client-config';
import { followExecution } from '../../../local/demo/executions';
import type { LocalStack } from '../../../local/demo/local-stack';
import { observe } from '../../../local/demo/observe';
import { startLocalPipelineExecution, waitForApproval } from '../../../local/demo/pipeline';
import { probe } from '../../../local/demo/probe';
import { runBin } from '../../cli/run-bin';
import { startTestStack } from '../demo/harness';

jest.setTimeout(120_000);

let stack: LocalStack;
let client: CodePipelineClient;
let repo: string;
let blueTaskSet: string | undefined;
let greenExecution: string;

/** The CLI against this local AWS, as a user runs it against `npm start -- --keep`. */
const cli = (...args: string[]) => runBin(['--local', '--endpoint-url', stack.aws.endpoint, ...args]);
const pending = (stageName: string, id: string) =>
  waitForApproval(stack.aws.endpoint, stack.pipelineName, stageName, id);
const stageState = async (stageName: string) =>
  (await client.send(new GetPipelineStateCommand({ name: stack.pipelineName }))).stageStates?.find(
    (s) => s.stageName === stageName,
  );

beforeAll(async () => {
  stack = await startTestStack();
  client = new CodePipelineClient(localClientConfig(stack.aws.endpoint, 'us-east-1'));
  repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
});
afterAll(async () => {
  client?.destroy();
  await stack?.close();
});

test('approve with nothing pending: exit 2, one line on stderr, nothing answered', async () => {
  const result = await cli('approve');
  expect(result).toEqual({
    code: 2,
    stdout: '',
    stderr: `bluegreen: No manual approval is pending in pipeline ${stack.pipelineName}; nothing to approve.\n`,
  });
  expect(stack.aws.server.callLog.entries({ operation: 'PutApprovalResult' })).toHaveLength(0);
});

test('the first release runs the whole pipeline: blue serves production', async () => {
  const id = startLocalPipelineExecution(stack, { image: `${repo}:blue` });
  for (const stageName of ['ApproveSwap', 'ApproveCleanUp']) {
    const { actionName, token } = await pending(stageName, id);
    await client.send(
      new PutApprovalResultCommand({
        pipelineName: stack.pipelineName,
        stageName,
        actionName,
        token,
        result: { status: 'Approved', summary: 'first release' },
      }),
    );
  }
  expect(await stack.aws.codepipeline.waitForExecution(stack.pipelineName, id)).toBe('Succeeded');
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
  blueTaskSet = observe(stack).taskSets.find((ts) => ts.status === 'PRIMARY')?.arn;
  expect(blueTaskSet).toBeDefined();
});

test('approve --local answers the pending ApproveSwap: the Swap stage moves production to green', async () => {
  greenExecution = startLocalPipelineExecution(stack, { image: `${repo}:green` });
  await pending('ApproveSwap', greenExecution);
  expect(await probe(stack.urls.test)).toMatchObject({ status: 200, colour: 'green' });
  expect(await probe(stack.urls.production)).toMatchObject({ colour: 'blue' });

  const result = await cli('approve', '--comment', 'green looks good');
  expect(result).toEqual({
    code: 0,
    stderr: '',
    stdout: `Approved ApproveSwap in pipeline ${stack.pipelineName} (execution ${greenExecution}): the Swap stage (swap) runs next.\n`,
  });
  await pending('ApproveCleanUp', greenExecution);
  expect((await stageState('ApproveSwap'))?.actionStates?.[0]?.latestExecution).toMatchObject({
    status: 'Succeeded',
    summary: 'green looks good',
  });
  expect((await stageState('Swap'))?.latestExecution).toEqual({
    pipelineExecutionId: greenExecution,
    status: 'Succeeded',
  });
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
});

test('reject --local at ApproveCleanUp: the execution fails, the rule starts rollback, production is blue again', async () => {
  const result = await cli('reject', '--comment', 'errors after the swap');
  expect(result).toEqual({
    code: 0,
    stderr: '',
    stdout: `Rejected ApproveCleanUp in pipeline ${stack.pipelineName} (execution ${greenExecution}): rollback runs (production goes back).\n`,
  });
  expect(await stack.aws.codepipeline.waitForExecution(stack.pipelineName, greenExecution)).toBe('Failed');
  expect((await stageState('ApproveCleanUp'))?.actionStates?.[0]?.latestExecution).toMatchObject({
    status: 'Failed',
    summary: 'errors after the swap',
  });
  // Clean-up never ran for green: its stage still shows the first release.
  expect((await stageState('CleanUp'))?.latestExecution?.pipelineExecutionId).not.toBe(greenExecution);

  // The template's OnCleanUpRejected rule (and only it) started rollback, with the rule's input and role.
  await stack.aws.events.settled();
  const deliveries = stack.aws.events.deliveries();
  expect(deliveries.map((d) => d.rule)).toEqual([expect.stringMatching(/OnCleanUpRejected/)]);
  const [delivery] = deliveries;
  expect(JSON.parse(delivery?.input ?? '')).toEqual(stack.service);
  const executionArn = delivery?.outcome.ok ? (delivery.outcome.executionArn ?? '') : '';
  const rollbackName = stack.stateMachines.rollback.split(':').pop() ?? '';
  expect(executionArn).toContain(`:execution:${rollbackName}:`);
  const start = stack.aws.server.callLog
    .entries({ operation: 'StartExecution' })
    .find((c) => c.input.stateMachineArn === stack.stateMachines.rollback);
  expect(start?.principal).toMatch(/:role\/StateMachinesRollbackEventsRole/);

  const rollback = await followExecution(stack.sfn, executionArn, { pollMs: 50 });
  expect(rollback).toMatchObject({ status: 'SUCCEEDED', output: expect.objectContaining({ changed: true }) });
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
  expect(observe(stack).taskSets.find((ts) => ts.status === 'PRIMARY')?.arn).toBe(blueTaskSet);
});
