/**
 * The delivery pipeline of the synthesized stack, end to end in local AWS, answered with the bluegreen CLI as a child
 * process (`--local`): a release waits at ApproveSwap, `approve` lets the Swap stage run, `reject` at ApproveCleanUp
 * fails the execution and the template's EventBridge rule starts rollback, which puts production back on the
 * previous version. A push to the source branch then starts the pipeline through the template's source rule, and a
 * rejected ApproveSwap starts abort through the other rule. Local AWS runs 100× faster than real time.
 *
 * The same runs then check least privilege for the roles CodePipeline and EventBridge sign as (the pipeline's service
 * role, its action roles, the rule target roles), as test/local/iam/least-privilege.test.ts does for the state
 * machine roles: every call they signed is allowed by the template's policies, each role is trusted by whoever
 * assumed it, and every grant is used, or listed with the reason local AWS cannot exercise it.
 */
import { CodePipelineClient, GetPipelineStateCommand, PutApprovalResultCommand } from '@aws-sdk/client-codepipeline';
import { localClientConfig } from '../../../local/aws/client-config';
import { followExecution } from '../../../harness/demo/executions';
import type { LocalStack } from '../../../harness/demo/local-stack';
import { observe } from '../../../harness/demo/observe';
import { startLocalPipelineExecution, waitForApproval } from '../../../harness/demo/pipeline';
import { probe } from '../../../harness/demo/probe';
import { localEvent } from '../../../local/events/event-bus';
import { iamAuthorizer } from '../../../local/iam/enforce';
import { checkCalls, trusts, unusedGrants, type AssumingPrincipal } from '../../../local/iam/least-privilege';
import { AuthorizationRecord, localResourceTags } from '../../../local/iam/resource-tags';
import type { SourcedStatement } from '../../../local/iam/policy';
import {
  pipelineRoles,
  ruleTargetRoles,
  stateMachineRoles,
  trustedPrincipals,
  type PipelineRoles,
  controllerResourcesRole,
  greenWatchRole,
  lifecycleHooksRole,
  type RolePolicies,
  type RuleTargetRole,
  type StateMachineRole,
} from '../../../local/iam/template-policies';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../../local/local-aws';
import { runBin } from '../../cli/run-bin';
import { stackTemplate, startTestStack } from '../../support/harness';

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

/** Each call's authorizations with the tags its resource had then (aws:ResourceTag), for the replay below. */
const record = new AuthorizationRecord(
  { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT },
  { resourceTags: localResourceTags(() => (stack as LocalStack | undefined)?.aws) },
);

beforeAll(async () => {
  // Nothing is enforced (no roles given): the hook only records what each call was authorized with.
  stack = await startTestStack({
    authorize: iamAuthorizer(() => [], { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT }, { record }),
  });
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
  // status names the pending approval and when it expires: its start plus the action's timeout. This stack keeps
  // swapApprovalTimeout's default, 7 days, which is also CodePipeline's default, so this checks the path through local
  // CodePipeline end to end; the expiry of another timeout is test/cli/status-model.test.ts's (a stack with a
  // non-default timeout is not run here).
  const status = await cli('--json', 'status');
  expect(status.code).toBe(0);
  const [approval, ...others] = (JSON.parse(status.stdout) as { pendingApprovals: Array<Record<string, unknown>> })
    .pendingApprovals;
  expect(others).toEqual([]);
  expect(approval).toMatchObject({
    stageName: 'ApproveSwap',
    pipelineExecutionId: greenExecution,
    timeoutMinutes: 10_080,
  });
  expect(Date.parse(String(approval?.expiresAt)) - Date.parse(String(approval?.since))).toBe(10_080 * 60_000);
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
  const result = await cli('reject', '--stage', 'ApproveCleanUp', '--comment', 'errors after the swap');
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

/** A push to the branch the source action watches, as CodeCommit sends it to EventBridge. */
function pushToSourceBranch(commitId: string): void {
  const template = stackTemplate();
  const [repositoryId] =
    Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::CodeCommit::Repository') ?? [];
  const repository = stack.deployed.resources.get(repositoryId ?? '');
  const pipeline = Object.values(template.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline');
  const stages = (pipeline?.Properties?.Stages ?? []) as Array<{
    Actions: Array<{ Configuration?: { BranchName?: string } }>;
  }>;
  const branch = stages[0]?.Actions[0]?.Configuration?.BranchName;
  if (!repository?.attributes.Arn || !branch) throw new Error('The template has no CodeCommit source with a branch.');
  stack.aws.events.putEvent(
    localEvent({
      source: 'aws.codecommit',
      'detail-type': 'CodeCommit Repository State Change',
      account: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      resources: [repository.attributes.Arn],
      time: stack.aws.clock.now(),
      detail: {
        event: 'referenceUpdated',
        repositoryName: repository.attributes.Name,
        referenceType: 'branch',
        referenceName: branch,
        referenceFullName: `refs/heads/${branch}`,
        commitId,
      },
    }),
  );
}

test('a push starts the pipeline through the source rule; reject at ApproveSwap: the rule starts abort, green is gone', async () => {
  const before = stack.aws.events.deliveries().length;
  pushToSourceBranch('c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe');
  await stack.aws.events.settled();
  const [started] = stack.aws.events.deliveries().slice(before);
  expect(started).toMatchObject({ rule: expect.stringMatching(/SourceRepository/), outcome: { ok: true } });
  const id = started?.outcome.ok ? (started.outcome.pipelineExecutionId ?? '') : '';
  const { actionName, token } = await pending('ApproveSwap', id);
  await client.send(
    new PutApprovalResultCommand({
      pipelineName: stack.pipelineName,
      stageName: 'ApproveSwap',
      actionName,
      token,
      result: { status: 'Rejected', summary: 'not this one' },
    }),
  );
  expect(await stack.aws.codepipeline.waitForExecution(stack.pipelineName, id)).toBe('Failed');

  await stack.aws.events.settled();
  const deliveries = stack.aws.events.deliveries().slice(before + 1);
  expect(deliveries.map((d) => d.rule)).toEqual([expect.stringMatching(/OnSwapRejected/)]);
  const executionArn = deliveries[0]?.outcome.ok ? (deliveries[0].outcome.executionArn ?? '') : '';
  expect(executionArn).toContain(`:execution:${stack.stateMachines.abort.split(':').pop() ?? ''}:`);
  const abort = await followExecution(stack.sfn, executionArn, { pollMs: 50 });
  expect(abort).toMatchObject({ status: 'SUCCEEDED', output: expect.objectContaining({ changed: true }) });
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
  expect(observe(stack).taskSets).toEqual([expect.objectContaining({ arn: blueTaskSet, status: 'PRIMARY' })]);
});

/**
 * Grants of the pipeline's roles that these runs cannot use, each with the reason local AWS cannot exercise it: the
 * work is CodePipeline's own (artifacts, CodeCommit, CodeBuild, SNS), which the local emulator does not perform. Any
 * other unused grant fails the test, and so does an entry here that a run starts to use (the list stays true). There
 * are no KMS grants to explain: the artifact bucket is SSE-S3 and the approval topic uses the AWS managed key
 * alias/aws/sns, whose key policy lets the account's principals use it through SNS.
 */
const ARTIFACT_READ = ['s3:GetObject*', 's3:GetBucket*', 's3:List*'];
const ARTIFACT_READ_WRITE = [
  ...ARTIFACT_READ,
  's3:DeleteObject*',
  's3:PutObject',
  's3:PutObjectLegalHold',
  's3:PutObjectRetention',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
  's3:Abort*',
];
const ARTIFACTS = 'ArtifactBucket, ArtifactBucket/*';
const CODEBUILD = ['codebuild:BatchGetBuilds', 'codebuild:StartBuild', 'codebuild:StopBuild'];
const NOT_EXERCISED_LOCALLY: ReadonlyArray<{ role: string; grants: readonly string[]; why: string }> = [
  {
    role: 'DeliveryPipelineRole',
    grants: ARTIFACT_READ_WRITE.map((a) => `${a} on ${ARTIFACTS}`),
    why: "CodePipeline passes every stage's artifacts through the artifact bucket; local CodePipeline keeps no artifacts (nothing is fetched or built, and deploy-input.json comes from the pipeline's LocalBuild), and there is no local S3.",
  },
  {
    role: 'DeliveryPipelineRole',
    grants: ['SourceCodeCommit', 'BuildApp', 'BuildImage', 'PrepareDeployInput', 'ApproveSwap', 'ApproveCleanUp'].map(
      (action) => `sts:AssumeRole on DeliveryPipeline${action}CodePipelineActionRole`,
    ),
    why: 'CodePipeline assumes these action roles to call CodeCommit, CodeBuild and SNS; local CodePipeline succeeds source and build actions at once and sends no approval notification, so it never acts as them.',
  },
  {
    role: 'DeliveryPipelineSourceCodeCommitCodePipelineActionRole',
    grants: [
      ...ARTIFACT_READ_WRITE.map((a) => `${a} on ${ARTIFACTS}`),
      ...['GetBranch', 'GetCommit', 'UploadArchive', 'GetUploadArchiveStatus', 'CancelUploadArchive'].map(
        (a) => `codecommit:${a} on SourceRepository`,
      ),
    ],
    why: 'The CodeCommit source action reads the branch head and archives the commit into the artifact bucket; locally there is no CodeCommit and no artifact: the commit comes with the start of the execution.',
  },
  ...['BuildApp', 'BuildImage', 'PrepareDeployInput'].map((build) => ({
    role: `DeliveryPipeline${build}CodePipelineActionRole`,
    grants: CODEBUILD.map((a) => `${a} on DeliveryBuilds${build}`),
    why: 'CodePipeline starts the CodeBuild project, polls the build and stops it when the execution is stopped; local CodePipeline runs no builds.',
  })),
  {
    role: 'DeliveryPipelineDeployGreenCodePipelineActionRole',
    grants: ARTIFACT_READ.map((a) => `${a} on ${ARTIFACTS}`),
    why: 'The action reads its input file (InputType FilePath, deploy-input.json in the DeployInput artifact) from the artifact bucket; locally that file comes from the LocalBuild, not S3.',
  },
  ...['DeployGreen', 'Swap', 'CleanUp'].map((machine) => ({
    role: `DeliveryPipeline${machine}CodePipelineActionRole`,
    grants: [`states:DescribeStateMachine on StateMachines${machine}`],
    why: "CDK's StepFunctionInvokeAction grants it with StartExecution for CodePipeline's own look at the state machine (the action supports Standard and Express machines); local CodePipeline starts the Standard machines the stack deploys without describing them.",
  })),
  ...['ApproveSwap', 'ApproveCleanUp'].map((approval) => ({
    role: `DeliveryPipeline${approval}CodePipelineActionRole`,
    grants: ['sns:Publish on DeliveryApprovalTopic'],
    why: 'CodePipeline publishes the approval request to the topic; local CodePipeline sends no notification (no SNS locally).',
  })),
];

describe('least privilege of the pipeline and rule roles, on the runs above', () => {
  const scope = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT };
  let pipelines: PipelineRoles[];
  let rules: RuleTargetRole[];
  let machines: StateMachineRole[];
  /** Every role CodePipeline or EventBridge signs as, once each. */
  let judged: RolePolicies[];

  beforeAll(() => {
    const templateScope = { resources: stack.deployed.resources, ...scope };
    pipelines = pipelineRoles(stackTemplate(), templateScope);
    rules = ruleTargetRoles(stackTemplate(), templateScope);
    machines = stateMachineRoles(stackTemplate(), templateScope);
    const all = [...pipelines.flatMap((p) => [p.pipelineRole, ...p.actions]), ...rules];
    judged = [...new Map(all.map((r) => [r.roleArn, r])).values()];
  });

  /** Action role → the pipeline role that assumes it: CodePipeline signs an action's calls as its role. */
  const assumedBy = () =>
    new Map(pipelines.flatMap((p) => p.actions.map((a) => [a.roleArn, p.pipelineRole.roleArn] as const)));
  /** The runs' calls judged against `roles` and the state machine roles (they signed the flows' ECS/ELBv2 calls). */
  const check = (roles: readonly RolePolicies[] = judged) =>
    checkCalls(stack.aws.server.callLog.entries(), [...machines, ...roles], scope, [], assumedBy(), {
      authorizationsOf: record.of,
    });
  const signedBy = (role: RolePolicies) =>
    stack.aws.server.callLog
      .entries({ principal: role.roleArn })
      .map((c) => `${c.service} ${c.operation} ${JSON.stringify(c.input)}`);
  /** `DeliveryPipelineSwapCodePipelineActionRoleC07047B0` → `DeliveryPipelineSwapCodePipelineActionRole`. */
  const short = (logicalId: string): string => logicalId.replace(/[0-9A-F]{8}$/, '');
  /** A local ARN (or `ARN/*`, or a state machine's executions) → the logical id it belongs to, without its hash. */
  const readable = (resource: string): string => {
    const ids = [...stack.deployed.resources.entries()];
    const owner = (value: string) =>
      ids.find(([, r]) => r.ref === value || Object.values(r.attributes).includes(value))?.[0];
    const execution = /^(arn:aws:states:[^:]+:\d+):execution:([^:]+):\*$/.exec(resource);
    if (execution) return `executions of ${short(owner(`${execution[1]}:stateMachine:${execution[2]}`) ?? resource)}`;
    const objects = resource.endsWith('/*') ? owner(resource.slice(0, -2)) : undefined;
    if (objects !== undefined) return `${short(objects)}/*`;
    const id = owner(resource) ?? owner(resource.slice(resource.lastIndexOf(':') + 1));
    return id === undefined ? resource : short(id);
  };
  const unexplained = (roles: readonly RolePolicies[] = judged) => {
    const { authorized } = check(roles);
    return roles.flatMap((role) =>
      unusedGrants(
        role,
        authorized.filter((a) => a.role.roleArn === role.roleArn && a.decision === 'Allow').map((a) => a.request),
        { ignoreActionPrefixes: [] },
      ).map(
        (u) =>
          `${short(u.roleLogicalId)}: ${u.action} on ${u.resource.split(', ').map(readable).join(', ')}` +
          (u.kind === 'action' ? '' : ` (${u.kind})`),
      ),
    );
  };
  /** A copy of `judged` with the statements of one role (by logical id without its hash) changed. */
  const changed = (
    role: string,
    change: (statements: readonly SourcedStatement[]) => SourcedStatement[],
  ): RolePolicies[] =>
    judged.map((r) => (short(r.roleLogicalId) === role ? { ...r, statements: change(r.statements) } : r));

  test('local CodePipeline signs each Step Functions action as its role, EventBridge each target as its role', () => {
    const invokes = pipelines.flatMap((p) => p.actions).filter((a) => a.actionType === 'Invoke/AWS/StepFunctions');
    expect(invokes.map((a) => [a.actionName, a.stateMachineArn])).toEqual([
      ['DeployGreen', stack.stateMachines.deployGreen],
      ['Swap', stack.stateMachines.swap],
      ['CleanUp', stack.stateMachines.cleanUp],
    ]);
    for (const action of invokes) {
      expect(signedBy(action)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(`^SFN StartExecution \\{"stateMachineArn":"${action.stateMachineArn ?? ''}"`),
          expect.stringMatching(`^SFN DescribeExecution \\{"executionArn":"arn:aws:states:[^"]+:execution:`),
        ]),
      );
    }
    const pipelineArn = `arn:aws:codepipeline:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${stack.pipelineName}`;
    expect(rules.map((r) => r.targetArn).sort()).toEqual(
      [pipelineArn, stack.stateMachines.abort, stack.stateMachines.rollback].sort(),
    );
    // Each rule fired once in these runs, and its one call was signed as its target's role.
    for (const rule of rules) {
      const start =
        rule.targetArn === pipelineArn
          ? `CodePipeline StartPipelineExecution {"name":"${stack.pipelineName}"`
          : `SFN StartExecution {"stateMachineArn":"${rule.targetArn}"`;
      expect([short(rule.roleLogicalId), signedBy(rule)]).toEqual([
        short(rule.roleLogicalId),
        [expect.stringContaining(start)],
      ]);
    }
  });

  test('every call those roles signed is allowed by their policies, and each role trusts whoever assumed it', () => {
    // The controller-resources function signed CreateService and CreateRule while the stack was created: judged too.
    const controllerRole = controllerResourcesRole(stackTemplate(), { resources: stack.deployed.resources, ...scope });
    expect(signedBy(controllerRole)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ECS CreateService /),
        expect.stringMatching(/^Elastic Load Balancing v2 CreateRule /),
      ]),
    );
    // swap's green watch function signs its own calls during the pipeline's swap: judged too.
    const watchRole = greenWatchRole(stackTemplate(), { resources: stack.deployed.resources, ...scope });
    // The lifecycle-hook runner signs its Lambda Invoke of the hooks (the built-in smoke test): judged too.
    const hooksRole = lifecycleHooksRole(stackTemplate(), { resources: stack.deployed.resources, ...scope });
    const { violations, otherPrincipals, authorized } = check([...judged, controllerRole, watchRole, hooksRole]);
    expect(violations.map((v) => v.message)).toEqual([]);
    expect(otherPrincipals).toEqual([]);
    const denied = stack.aws.server.callLog
      .entries()
      .filter((c) => !c.outcome.ok && /AccessDenied/.test(c.outcome.errorCode));
    expect(denied).toEqual([]);
    const used = authorized.filter((a) => judged.includes(a.role)).map((a) => a.request.action);
    expect([...new Set(used)].sort()).toEqual([
      'codepipeline:StartPipelineExecution',
      'states:DescribeExecution',
      'states:StartExecution',
      'sts:AssumeRole',
    ]);

    const templateScope = { resources: stack.deployed.resources, ...scope };
    const trust = (role: RolePolicies, principal: AssumingPrincipal) => ({
      role: short(role.roleLogicalId),
      principal,
      trusted: trusts(trustedPrincipals(stackTemplate(), role.roleLogicalId, templateScope), principal),
    });
    const expected = (role: RolePolicies, principal: AssumingPrincipal) => ({
      role: short(role.roleLogicalId),
      principal,
      trusted: true,
    });
    const assumptions = [
      ...pipelines.flatMap((p) => [
        [p.pipelineRole, { service: 'codepipeline.amazonaws.com' }] as const,
        ...p.actions.map((a) => [a, { role: p.pipelineRole.roleArn }] as const),
      ]),
      ...rules.map((r) => [r, { service: 'events.amazonaws.com' }] as const),
    ];
    expect(assumptions.map(([role, principal]) => trust(role, principal))).toEqual(
      assumptions.map(([role, principal]) => expected(role, principal)),
    );
  });

  test('every grant those roles have is used, or listed with the reason local AWS cannot exercise it', () => {
    const explained = NOT_EXERCISED_LOCALLY.flatMap(({ role, grants }) => grants.map((g) => `${role}: ${g}`));
    expect(unexplained().sort()).toEqual(explained.sort());
  });

  test('the checks can fail: a missing action, a missing sts:AssumeRole, an extra grant, an untrusted principal', () => {
    const withoutDescribe = changed('DeliveryPipelineSwapCodePipelineActionRole', (statements) =>
      statements.filter((s) => s.statement.Action !== 'states:DescribeExecution'),
    );
    const describe = check(withoutDescribe).violations;
    expect(describe.length).toBeGreaterThan(0);
    expect(describe[0]?.message).toMatch(
      /^SFN DescribeExecution at .*: role DeliveryPipelineSwapCodePipelineActionRole\w+ would get AccessDenied \(no statement allows it\) for states:DescribeExecution on arn:aws:states:us-east-1:123456789012:execution:EcsBlueGreen-swap:[0-9a-f-]+$/,
    );

    const swapRole = pipelines[0]?.actions.find((a) => a.actionName === 'Swap')?.roleArn ?? '';
    const withoutAssume = changed('DeliveryPipelineRole', (statements) =>
      statements.filter((s) => s.statement.Resource !== swapRole),
    );
    expect(check(withoutAssume).violations.map((v) => [v.request.action, v.request.resource])).toEqual([
      ['sts:AssumeRole', swapRole],
    ]);

    const extra = changed('StateMachinesRollbackEventsRole', (statements) => [
      ...statements,
      {
        statement: { Effect: 'Allow', Action: 'states:StopExecution', Resource: stack.stateMachines.rollback },
        policy: 'AddedGrant',
        index: 0,
      },
    ]);
    expect(unexplained(extra)).toContain(
      'StateMachinesRollbackEventsRole: states:StopExecution on StateMachinesRollback',
    );

    expect(trusts({ aws: [], services: ['events.amazonaws.com'] }, { service: 'codepipeline.amazonaws.com' })).toBe(
      false,
    );
    expect(trusts({ aws: [swapRole], services: [] }, { role: swapRole.replace('Swap', 'CleanUp') })).toBe(false);
    expect(trusts({ aws: [`arn:aws:iam::${LOCAL_ACCOUNT}:root`], services: [] }, { role: swapRole })).toBe(true);
  });
});
