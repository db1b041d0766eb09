/**
 * Local CodePipeline through the real SDK client: pipeline structure checks, executions through source, build,
 * Step Functions and manual approval actions, approval tokens and their errors, SUPERSEDED ordering, expiry, and the
 * EventBridge events a rejected approval sends. Small state machines stand in for the stack's.
 */
import {
  CodePipelineClient,
  CreatePipelineCommand,
  DeletePipelineCommand,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  PutApprovalResultCommand,
  StartPipelineExecutionCommand,
  type ActionCategory,
  type ActionTypeId,
  type PipelineDeclaration,
} from '@aws-sdk/client-codepipeline';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { localClientConfig } from '../../../local/aws/client-config';
import { waitForApproval } from '../../../harness/demo/pipeline';
import type { LocalEvent } from '../../../local/events/event-bus';
import { startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';

const ACCOUNT = '123456789012';
const role = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const UNKNOWN_TOKEN = '00000000-0000-4000-8000-000000000000';

let aws: RunningLocalAws;
let pipelines: CodePipelineClient;
let sfn: SFNClient;
const machines: Record<'echo' | 'fail', string> = { echo: '', fail: '' };
const events: LocalEvent[] = [];

async function createMachines(client: SFNClient): Promise<Record<'echo' | 'fail', string>> {
  const create = async (name: string, definition: object): Promise<string> =>
    (
      await client.send(
        new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: role('machine') }),
      )
    ).stateMachineArn ?? '';
  return {
    echo: await create('Echo', { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } }),
    fail: await create('Broken', {
      StartAt: 'Fail',
      States: { Fail: { Type: 'Fail', Error: 'Demo.Broken', Cause: 'it always fails' } },
    }),
  };
}

const type = (category: ActionCategory, provider: string): ActionTypeId => ({
  category,
  owner: 'AWS',
  provider,
  version: '1',
});

/** Source → Build → Deploy (FilePath input) → Approve → Finish (Literal input). */
function declaration(
  name: string,
  options: { deployMachine?: string; finishMachine?: string; approvalMinutes?: number; input?: string } = {},
) {
  return {
    name,
    roleArn: role('pipeline'),
    artifactStore: { type: 'S3', location: 'bucket' },
    pipelineType: 'V2',
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'CodeCommit',
            actionTypeId: type('Source', 'CodeCommit'),
            configuration: { RepositoryName: 'repo', BranchName: 'main' },
            outputArtifacts: [{ name: 'Source' }],
          },
        ],
      },
      {
        name: 'Build',
        actions: [
          {
            name: 'Build',
            actionTypeId: type('Build', 'CodeBuild'),
            configuration: { ProjectName: 'build' },
            inputArtifacts: [{ name: 'Source' }],
            outputArtifacts: [{ name: 'Input' }],
          },
        ],
      },
      {
        name: 'Deploy',
        actions: [
          {
            name: 'Deploy',
            actionTypeId: type('Invoke', 'StepFunctions'),
            configuration: {
              StateMachineArn: options.deployMachine ?? machines.echo,
              InputType: 'FilePath',
              Input: options.input ?? 'input.json',
            },
            inputArtifacts: [{ name: 'Input' }],
            roleArn: role('deploy-action'),
          },
        ],
      },
      {
        name: 'Approve',
        actions: [
          {
            name: 'Approve',
            actionTypeId: type('Approval', 'Manual'),
            ...(options.approvalMinutes !== undefined && { timeoutInMinutes: options.approvalMinutes }),
          },
        ],
      },
      {
        name: 'Finish',
        actions: [
          {
            name: 'Finish',
            actionTypeId: type('Invoke', 'StepFunctions'),
            configuration: { StateMachineArn: options.finishMachine ?? machines.echo, Input: '{"finished":true}' },
            roleArn: role('finish-action'),
          },
        ],
      },
    ],
  } satisfies PipelineDeclaration;
}

let counter = 0;
/** A new pipeline whose local build writes input.json with the commit and image. */
async function newPipeline(options: Parameters<typeof declaration>[1] = {}, target = aws): Promise<string> {
  const name = `pipeline-${++counter}`;
  const client = new CodePipelineClient(localClientConfig(target.endpoint, 'us-east-1'));
  try {
    await client.send(new CreatePipelineCommand({ pipeline: declaration(name, options) }));
  } finally {
    client.destroy();
  }
  target.codepipeline.setLocalBuild(name, (file, source) =>
    file.artifact === 'Input' && file.path === 'input.json' ? JSON.stringify(source) : undefined,
  );
  return name;
}

async function state(name: string) {
  const { stageStates } = await pipelines.send(new GetPipelineStateCommand({ name }));
  const stage = (stageName: string) => stageStates?.find((s) => s.stageName === stageName);
  return { stageStates, stage, action: (stageName: string) => stage(stageName)?.actionStates?.[0]?.latestExecution };
}

const approve = (pipelineName: string, token: string, status: 'Approved' | 'Rejected' = 'Approved', summary = 'ok') =>
  pipelines.send(
    new PutApprovalResultCommand({
      pipelineName,
      stageName: 'Approve',
      actionName: 'Approve',
      token,
      result: { status, summary },
    }),
  );

beforeAll(async () => {
  aws = await startLocalAwsStack({ ports: { api: 0, listeners: {} }, timeScale: 0.01 });
  pipelines = new CodePipelineClient(localClientConfig(aws.endpoint, 'us-east-1'));
  sfn = new SFNClient(localClientConfig(aws.endpoint, 'us-east-1'));
  Object.assign(machines, await createMachines(sfn));
  // Record every event local CodePipeline sends to EventBridge.
  const put = aws.events.putEvent.bind(aws.events);
  aws.events.putEvent = (event) => {
    events.push(event);
    put(event);
  };
});
afterAll(async () => {
  pipelines?.destroy();
  sfn?.destroy();
  await aws?.close();
});

describe('CreatePipeline and GetPipeline', () => {
  test('stores the declaration as version 1; GetPipeline returns it with its ARN', async () => {
    const name = await newPipeline();
    const { pipeline, metadata } = await pipelines.send(new GetPipelineCommand({ name }));
    expect(pipeline).toMatchObject({ name, version: 1, stages: declaration(name).stages });
    expect(metadata?.pipelineArn).toBe(`arn:aws:codepipeline:us-east-1:${ACCOUNT}:${name}`);
    await expect(pipelines.send(new CreatePipelineCommand({ pipeline: declaration(name) }))).rejects.toMatchObject({
      name: 'PipelineNameInUseException',
    });
  });

  test.each([
    [
      'an action type local CodePipeline does not run',
      (d: PipelineDeclaration) => {
        const deploy = d.stages?.[2]?.actions?.[0];
        if (deploy) deploy.actionTypeId = type('Deploy', 'ECS');
      },
      'InvalidActionDeclarationException',
      /does not run Deploy\/AWS\/ECS actions/,
    ],
    [
      'a build action in the first stage',
      (d: PipelineDeclaration) => {
        const build = d.stages?.[1]?.actions?.[0];
        if (build) d.stages?.[0]?.actions?.push({ ...build, name: 'Build', inputArtifacts: [] });
      },
      'InvalidStructureException',
      /first stage .* only source actions/,
    ],
    [
      'an input artifact nothing produced before',
      (d: PipelineDeclaration) => {
        const build = d.stages?.[1]?.actions?.[0];
        if (build) build.inputArtifacts = [{ name: 'Missing' }];
      },
      'InvalidStructureException',
      /Input artifact 'Missing'/,
    ],
    [
      'a FilePath input without an input artifact',
      (d: PipelineDeclaration) => {
        const deploy = d.stages?.[2]?.actions?.[0];
        if (deploy) deploy.inputArtifacts = [];
      },
      'InvalidActionDeclarationException',
      /FilePath needs exactly one input artifact/,
    ],
    [
      'an approval timeout over 60 days',
      (d: PipelineDeclaration) => {
        const approval = d.stages?.[3]?.actions?.[0];
        if (approval) approval.timeoutInMinutes = 86401;
      },
      'InvalidActionDeclarationException',
      /timeoutInMinutes must be from 5 to 86400/,
    ],
    [
      'a name outside the allowed characters',
      (d: PipelineDeclaration) => (d.name = 'has space'),
      'ValidationException',
      /pipeline\.name/,
    ],
  ])('refuses %s', async (_what, change, code, message) => {
    const pipeline: PipelineDeclaration = structuredClone(declaration(`bad-${++counter}`));
    change(pipeline);
    const error = await pipelines.send(new CreatePipelineCommand({ pipeline })).catch((e: Error) => e);
    expect(error).toMatchObject({ name: code, message: expect.stringMatching(message) });
  });

  test('request validation from the SDK schema: a missing required member is a ValidationException', async () => {
    const { roleArn: _roleArn, ...withoutRole } = declaration('no-role');
    await expect(
      pipelines.send(new CreatePipelineCommand({ pipeline: withoutRole as PipelineDeclaration })),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/pipeline\.roleArn/) });
  });

  test('operations local CodePipeline does not have are UnknownOperationException', async () => {
    await expect(pipelines.send(new DeletePipelineCommand({ name: 'x' }))).rejects.toMatchObject({
      name: 'UnknownOperationException',
    });
  });
});

describe('an execution', () => {
  test('runs source and build at once, the state machine with the built file, then waits for approval', async () => {
    const name = await newPipeline();
    const before = await state(name);
    expect(before.stageStates?.map((s) => [s.stageName, s.latestExecution])).toEqual([
      ['Source', undefined],
      ['Build', undefined],
      ['Deploy', undefined],
      ['Approve', undefined],
      ['Finish', undefined],
    ]);
    const { pipelineExecutionId } = await pipelines.send(
      new StartPipelineExecutionCommand({
        name,
        sourceRevisions: [{ actionName: 'CodeCommit', revisionType: 'COMMIT_ID', revisionValue: 'abc1234' }],
      }),
    );
    const pending = await waitForApproval(aws.endpoint, name, 'Approve', pipelineExecutionId);
    expect(pending).toEqual({
      stageName: 'Approve',
      actionName: 'Approve',
      token: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      pipelineExecutionId,
    });
    const now = await state(name);
    expect(now.stage('Source')?.actionStates?.[0]?.currentRevision?.revisionId).toBe('abc1234');
    for (const stage of ['Source', 'Build', 'Deploy']) {
      expect(now.stage(stage)?.latestExecution).toEqual({ pipelineExecutionId, status: 'Succeeded' });
    }
    expect(now.stage('Approve')?.latestExecution).toEqual({ pipelineExecutionId, status: 'InProgress' });
    expect(now.stage('Finish')?.latestExecution).toBeUndefined();
    // The Deploy action started the state machine with the file the local build wrote, signed as its role.
    const deployArn = now.action('Deploy')?.externalExecutionId ?? '';
    expect(deployArn).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:Echo:[0-9a-f-]{36}$/);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: deployArn }));
    expect(JSON.parse(described.input ?? '')).toEqual({ commit: 'abc1234' });
    const start = aws.server.callLog
      .entries({ operation: 'StartExecution' })
      .find((c) => c.input.input === described.input);
    expect(start?.principal).toBe(role('deploy-action'));

    // Approving lets it go on; the answer is visible at once, with its summary and no token any more.
    const { approvedAt } = await approve(name, pending.token, 'Approved', 'looks good');
    expect(approvedAt).toBeInstanceOf(Date);
    expect((await state(name)).action('Approve')).toMatchObject({ status: 'Succeeded', summary: 'looks good' });
    expect((await state(name)).action('Approve')?.token).toBeUndefined();
    expect(await aws.codepipeline.waitForExecution(name, pipelineExecutionId ?? '')).toBe('Succeeded');
    const { pipelineExecution } = await pipelines.send(
      new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId }),
    );
    expect(pipelineExecution).toMatchObject({
      status: 'Succeeded',
      artifactRevisions: [{ name: 'Source', revisionId: 'abc1234' }],
      trigger: { triggerType: 'StartPipelineExecution' },
      executionMode: 'SUPERSEDED',
    });
    expect((await state(name)).action('Finish')?.status).toBe('Succeeded');
    // Every state change went to EventBridge.
    const mine = events.filter((e) => e.detail['execution-id'] === pipelineExecutionId);
    expect(
      mine
        .filter((e) => e['detail-type'] === 'CodePipeline Pipeline Execution State Change')
        .map((e) => e.detail.state),
    ).toEqual(['STARTED', 'SUCCEEDED']);
    expect(
      mine
        .filter(
          (e) => e['detail-type'] === 'CodePipeline Action Execution State Change' && e.detail.action === 'Approve',
        )
        .map((e) => [e.detail.state, e.detail.type]),
    ).toEqual([
      ['STARTED', { owner: 'AWS', category: 'Approval', provider: 'Manual', version: '1' }],
      ['SUCCEEDED', { owner: 'AWS', category: 'Approval', provider: 'Manual', version: '1' }],
    ]);
  });

  test('a failed state machine fails the action with its error and cause, and the execution', async () => {
    const name = await newPipeline({ deployMachine: machines.fail });
    const id = aws.codepipeline.startExecution(name);
    expect(await aws.codepipeline.waitForExecution(name, id)).toBe('Failed');
    const now = await state(name);
    expect(now.action('Deploy')).toMatchObject({
      status: 'Failed',
      errorDetails: {
        code: 'JobFailed',
        message: expect.stringMatching(/ended FAILED: Demo\.Broken: it always fails$/),
      },
    });
    expect(now.stage('Deploy')?.latestExecution?.status).toBe('Failed');
    expect(now.stage('Approve')?.latestExecution).toBeUndefined();
    const { pipelineExecutionSummaries } = await pipelines.send(
      new ListPipelineExecutionsCommand({ pipelineName: name }),
    );
    expect(pipelineExecutionSummaries?.[0]).toMatchObject({
      pipelineExecutionId: id,
      status: 'Failed',
      statusSummary: expect.stringMatching(/^Deploy\/Deploy: Execution .* ended FAILED/),
    });
  });

  test('an input file no local build provides fails the action and says so', async () => {
    const name = await newPipeline();
    aws.codepipeline.setLocalBuild(name, () => undefined);
    const id = aws.codepipeline.startExecution(name);
    expect(await aws.codepipeline.waitForExecution(name, id)).toBe('Failed');
    expect((await state(name)).action('Deploy')?.summary).toMatch(/Input file input\.json is not in artifact Input/);
  });

  test("the FilePath input is a path in the input artifact, as AWS documents it: 'Artifact::path' is a file no build has", async () => {
    const name = await newPipeline({ input: 'Input::input.json' });
    const id = aws.codepipeline.startExecution(name);
    expect(await aws.codepipeline.waitForExecution(name, id)).toBe('Failed');
    expect((await state(name)).action('Deploy')?.summary).toMatch(
      /Input file Input::input\.json is not in artifact Input/,
    );
  });

  test('StartPipelineExecution: a clientRequestToken retried returns the same execution; bad overrides are refused', async () => {
    const name = await newPipeline();
    const first = await pipelines.send(new StartPipelineExecutionCommand({ name, clientRequestToken: 'retry-me' }));
    const again = await pipelines.send(new StartPipelineExecutionCommand({ name, clientRequestToken: 'retry-me' }));
    expect(again.pipelineExecutionId).toBe(first.pipelineExecutionId);
    await expect(
      pipelines.send(new StartPipelineExecutionCommand({ name, variables: [{ name: 'x', value: '1' }] })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/declares no variable 'x'/),
    });
    await expect(
      pipelines.send(
        new StartPipelineExecutionCommand({
          name,
          sourceRevisions: [{ actionName: 'Build', revisionType: 'COMMIT_ID', revisionValue: 'abc1234' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/not a source action/) });
    await expect(pipelines.send(new StartPipelineExecutionCommand({ name: 'nope' }))).rejects.toMatchObject({
      name: 'PipelineNotFoundException',
      message: "Account '123456789012' does not have a pipeline with name 'nope'",
    });
    await expect(
      pipelines.send(new GetPipelineExecutionCommand({ pipelineName: name, pipelineExecutionId: UNKNOWN_TOKEN })),
    ).rejects.toMatchObject({ name: 'PipelineExecutionNotFoundException' });
  });
});

describe('PutApprovalResult', () => {
  test('with no approval pending, any token is InvalidApprovalTokenException', async () => {
    const name = await newPipeline();
    await expect(approve(name, UNKNOWN_TOKEN)).rejects.toMatchObject({ name: 'InvalidApprovalTokenException' });
  });

  test('names, token format, wrong token, answer, then the same token again', async () => {
    const name = await newPipeline();
    const id = aws.codepipeline.startExecution(name);
    const { token } = await waitForApproval(aws.endpoint, name, 'Approve', id);
    const put = (fields: Partial<{ pipelineName: string; stageName: string; actionName: string; token: string }>) =>
      pipelines.send(
        new PutApprovalResultCommand({
          pipelineName: name,
          stageName: 'Approve',
          actionName: 'Approve',
          token,
          result: { status: 'Approved', summary: 'x' },
          ...fields,
        }),
      );
    await expect(put({ pipelineName: 'nope' })).rejects.toMatchObject({ name: 'PipelineNotFoundException' });
    await expect(put({ stageName: 'Nope' })).rejects.toMatchObject({ name: 'StageNotFoundException' });
    await expect(put({ actionName: 'Nope' })).rejects.toMatchObject({ name: 'ActionNotFoundException' });
    await expect(put({ token: 'not-a-token' })).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/at 'token' failed to satisfy constraint/),
    });
    await expect(put({ token: UNKNOWN_TOKEN })).rejects.toMatchObject({ name: 'InvalidApprovalTokenException' });
    // The token belongs to Approve/Approve, not to another action of the pipeline.
    await expect(put({ stageName: 'Deploy', actionName: 'Deploy' })).rejects.toMatchObject({
      name: 'InvalidApprovalTokenException',
    });
    expect((await state(name)).action('Approve')).toMatchObject({ status: 'InProgress', token });
    await put({});
    await expect(put({})).rejects.toMatchObject({ name: 'ApprovalAlreadyCompletedException' });
    expect(await aws.codepipeline.waitForExecution(name, id)).toBe('Succeeded');
  });

  test('Rejected fails the action, the stage and the execution; the FAILED event starts the rule target', async () => {
    const name = await newPipeline();
    aws.events.putRule({
      name: `${name}-on-reject`,
      eventPattern: {
        source: ['aws.codepipeline'],
        'detail-type': ['CodePipeline Action Execution State Change'],
        detail: { pipeline: [name], stage: ['Approve'], action: ['Approve'], state: ['FAILED'] },
      },
      targets: [{ id: 'Target0', arn: machines.echo, roleArn: role('events'), input: '{"undo":true}' }],
    });
    const id = aws.codepipeline.startExecution(name);
    const { token } = await waitForApproval(aws.endpoint, name, 'Approve', id);
    await approve(name, token, 'Rejected', 'not this one');
    expect(await aws.codepipeline.waitForExecution(name, id)).toBe('Failed');
    const now = await state(name);
    expect(now.action('Approve')).toMatchObject({ status: 'Failed', summary: 'not this one' });
    expect(now.stage('Approve')?.latestExecution?.status).toBe('Failed');
    expect(now.stage('Finish')?.latestExecution).toBeUndefined();
    await aws.events.settled();
    const delivery = aws.events.deliveries().find((d) => d.rule === `${name}-on-reject`);
    expect(delivery).toMatchObject({ input: '{"undo":true}', outcome: { ok: true } });
    const executionArn = delivery?.outcome.ok ? (delivery.outcome.executionArn ?? '') : '';
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).input).toBe('{"undo":true}');
    const start = aws.server.callLog.entries({ operation: 'StartExecution', principal: role('events') });
    expect(start).toHaveLength(1);
  });
});

describe('SUPERSEDED mode', () => {
  test('one execution per stage; a newer execution waiting to enter supersedes the one waiting before it', async () => {
    const name = await newPipeline();
    const first = aws.codepipeline.startExecution(name);
    const { token } = await waitForApproval(aws.endpoint, name, 'Approve', first);
    const second = aws.codepipeline.startExecution(name);
    const inbound = async (): Promise<string | undefined> =>
      (await state(name)).stage('Approve')?.inboundExecution?.pipelineExecutionId;
    while ((await inbound()) !== second) await new Promise((r) => setTimeout(r, 20));
    const third = aws.codepipeline.startExecution(name);
    expect(await aws.codepipeline.waitForExecution(name, second)).toBe('Superseded');
    expect(await inbound()).toBe(third);
    await approve(name, token);
    expect(await aws.codepipeline.waitForExecution(name, first)).toBe('Succeeded');
    // The third enters the approval stage once the first has left it, with a token of its own.
    const next = await waitForApproval(aws.endpoint, name, 'Approve', third);
    expect(next.token).not.toBe(token);
    await approve(name, next.token);
    expect(await aws.codepipeline.waitForExecution(name, third)).toBe('Succeeded');
    const { pipelineExecutionSummaries } = await pipelines.send(
      new ListPipelineExecutionsCommand({ pipelineName: name }),
    );
    expect(pipelineExecutionSummaries?.map((e) => [e.pipelineExecutionId, e.status])).toEqual([
      [third, 'Succeeded'],
      [second, 'Superseded'],
      [first, 'Succeeded'],
    ]);
    const page = await pipelines.send(new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: 2 }));
    expect(page.pipelineExecutionSummaries).toHaveLength(2);
    const rest = await pipelines.send(
      new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: 2, nextToken: page.nextToken }),
    );
    expect(rest.pipelineExecutionSummaries?.map((e) => e.pipelineExecutionId)).toEqual([first]);
  });
});

test('an approval nobody answers expires after its timeout (emulated time): Failed, and its token is no longer valid', async () => {
  // 5 emulated minutes last 150 ms here.
  const fast = await startLocalAwsStack({ ports: { api: 0, listeners: {} }, timeScale: 0.0005 });
  const client = new CodePipelineClient(localClientConfig(fast.endpoint, 'us-east-1'));
  try {
    const sfnClient = new SFNClient(localClientConfig(fast.endpoint, 'us-east-1'));
    const { echo } = await createMachines(sfnClient);
    sfnClient.destroy();
    const name = await newPipeline({ approvalMinutes: 5, deployMachine: echo, finishMachine: echo }, fast);
    const id = fast.codepipeline.startExecution(name);
    const { token } = await waitForApproval(fast.endpoint, name, 'Approve', id, { pollMs: 10 });
    expect(await fast.codepipeline.waitForExecution(name, id)).toBe('Failed');
    const { stageStates } = await client.send(new GetPipelineStateCommand({ name }));
    expect(stageStates?.find((s) => s.stageName === 'Approve')?.actionStates?.[0]?.latestExecution).toMatchObject({
      status: 'Failed',
      summary: 'The approval request expired: no answer within 5 minutes.',
    });
    await expect(
      client.send(
        new PutApprovalResultCommand({
          pipelineName: name,
          stageName: 'Approve',
          actionName: 'Approve',
          token,
          result: { status: 'Approved', summary: 'too late' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidApprovalTokenException' });
  } finally {
    client.destroy();
    await fast.close();
  }
});
