import { Template } from 'aws-cdk-lib/assertions';
import { PIPELINE_STAGES } from '../../pipeline/delivery-pipeline';
import { PipelineSource, type CodeConnectionsSourceOptions } from '../../pipeline/pipeline-source';
import { codeCommitRepository, nagFindings, pipelineStack, type SourceProps } from './pipeline-stack';

/**
 * DeliveryPipeline's `source: PipelineSource.codeConnections(…)`: the Source stage is a CodeStarSourceConnection
 * action on that connection, repository and branch, writing the same artifact the CodeCommit action wrote, so every
 * later stage is unchanged; its role may use that one connection and nothing else.
 */
const CONNECTION = 'arn:aws:codeconnections:us-east-1:123456789012:connection/0c7a5b62-3f1e-4d6a-9b8c-2d4e6f8a1b3c';
const OLD_CONNECTION =
  'arn:aws:codestar-connections:us-east-1:123456789012:connection/5e9d1c2b-7a4f-4b3e-8d6c-1f2a3b4c5d6e';

const connection =
  (options: Partial<CodeConnectionsSourceOptions> = {}) =>
  (): SourceProps => ({
    source: PipelineSource.codeConnections({ connectionArn: CONNECTION, owner: 'octo-org', repo: 'app', ...options }),
  });
const legacyCodeCommit = (branch?: string) => (stack: Parameters<typeof codeCommitRepository>[0]) => ({
  sourceRepository: codeCommitRepository(stack),
  ...(branch !== undefined ? { branch } : {}),
});

interface CfnStage {
  readonly Name: string;
  readonly Actions: ReadonlyArray<Record<string, unknown>>;
}
function templateOf(source: Parameters<typeof pipelineStack>[0]): Template {
  return Template.fromStack(pipelineStack(source).stack);
}
function stagesOf(template: Template): CfnStage[] {
  const pipelines = Object.values(template.findResources('AWS::CodePipeline::Pipeline'));
  expect(pipelines).toHaveLength(1);
  return (pipelines[0] as { Properties: { Stages: CfnStage[] } }).Properties.Stages;
}

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
}
/** Every IAM statement that names a connections action, with the logical id of the policy it is in. */
function connectionStatements(template: Template): Array<{ policy: string; statement: Statement }> {
  return Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([policy, resource]) =>
    (
      resource as { Properties: { PolicyDocument: { Statement: Statement[] } } }
    ).Properties.PolicyDocument.Statement.filter((statement) =>
      [statement.Action].flat().some((action) => /^(codestar-connections|codeconnections):/.test(action)),
    ).map((statement) => ({ policy, statement })),
  );
}

test('the Source action is CodeStarSourceConnection on the connection, owner/repo and branch, writing the Source artifact', () => {
  const [source, buildApp] = stagesOf(templateOf(connection({ branch: 'release' })));
  expect(source).toEqual({
    Name: 'Source',
    Actions: [
      expect.objectContaining({
        Name: 'CodeConnections',
        ActionTypeId: { Category: 'Source', Owner: 'AWS', Provider: 'CodeStarSourceConnection', Version: '1' },
        Configuration: { ConnectionArn: CONNECTION, FullRepositoryId: 'octo-org/app', BranchName: 'release' },
        OutputArtifacts: [{ Name: 'Source' }],
      }),
    ],
  });
  expect(buildApp?.Actions[0]).toMatchObject({ InputArtifacts: [{ Name: 'Source' }] });
});

test("the branch defaults to 'main'; pushes start the pipeline unless triggerOnPush is false", () => {
  const config = (source: () => SourceProps) =>
    stagesOf(templateOf(source))[0]?.Actions[0]?.Configuration as Record<string, unknown>;
  expect(config(connection())).toEqual({
    ConnectionArn: CONNECTION,
    FullRepositoryId: 'octo-org/app',
    BranchName: 'main',
  });
  expect(config(connection({ triggerOnPush: false }))).toMatchObject({ DetectChanges: false });
  expect(config(connection({ triggerOnPush: true }))).toMatchObject({ DetectChanges: true });
});

test('a GitLab project in a subgroup: the owner is the group path', () => {
  const action = stagesOf(templateOf(connection({ owner: 'platform/web' })))[0]?.Actions[0];
  expect(action?.Configuration).toMatchObject({ FullRepositoryId: 'platform/web/app' });
});

test('every stage after Source is the same as with CodeCommit, but for the namespace COMMIT_ID is read from', () => {
  const withCodeCommit = stagesOf(templateOf(legacyCodeCommit()));
  const withConnection = stagesOf(templateOf(connection()));
  expect(withConnection.map((s) => s.Name)).toEqual([...PIPELINE_STAGES]);
  const sameNamespace = (stages: CfnStage[], namespace: string) =>
    JSON.parse(JSON.stringify(stages.slice(1)).replaceAll(namespace, '<source>')) as unknown;
  expect(JSON.stringify(withConnection)).toContain('#{Source_CodeConnections_NS.CommitId}');
  expect(sameNamespace(withConnection, 'Source_CodeConnections_NS')).toEqual(
    sameNamespace(withCodeCommit, 'Source_CodeCommit_NS'),
  );
});

test('only the Source action role may use a connection, and only this one (codeconnections:UseConnection for a codeconnections ARN)', () => {
  const statements = connectionStatements(templateOf(connection()));
  expect(new Set(statements.map((s) => s.policy))).toEqual(
    new Set([expect.stringMatching(/^DeliveryPipelineSourceCodeConnectionsCodePipelineActionRoleDefaultPolicy/)]),
  );
  expect(statements.map((s) => s.statement)).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ Action: 'codeconnections:UseConnection', Resource: CONNECTION }),
    ]),
  );
  for (const { statement } of statements) {
    expect(
      [statement.Action].flat().every((a) => /^(codestar-connections|codeconnections):UseConnection$/.test(a)),
    ).toBe(true);
    expect(statement.Resource).toBe(CONNECTION);
  }
});

test('a codestar-connections ARN (made before July 2024) gets codestar-connections:UseConnection on it, nothing else', () => {
  const statements = connectionStatements(templateOf(connection({ connectionArn: OLD_CONNECTION })));
  expect(statements.map((s) => s.statement)).toEqual([
    expect.objectContaining({ Action: 'codestar-connections:UseConnection', Resource: OLD_CONNECTION }),
  ]);
});

test('the CodeCommit source is the same template whether given as sourceRepository + branch or as source', () => {
  const legacy = templateOf(legacyCodeCommit('release')).toJSON();
  const union = templateOf((stack) => ({
    source: PipelineSource.codeCommit(codeCommitRepository(stack), { branch: 'release' }),
  })).toJSON();
  expect(union).toEqual(legacy);
  const action = stagesOf(templateOf(legacyCodeCommit('release')))[0]?.Actions[0];
  expect(action).toMatchObject({
    Name: 'CodeCommit',
    ActionTypeId: { Provider: 'CodeCommit' },
    Configuration: { RepositoryName: 'app', BranchName: 'release' },
  });
  expect(connectionStatements(templateOf(legacyCodeCommit()))).toEqual([]);
});

test('cdk-nag AwsSolutions: a connection source adds no finding the CodeCommit source did not have', () => {
  // Source action paths differ only by the action's name; the real stack acknowledges the artifact-bucket findings
  // for every role in `delivery.actionRoles` (infra/lib/nag-suppressions.ts), which includes this one.
  const normalized = (findings: string[]) => findings.map((f) => f.replace(/\/Source\/\w+\//, '/Source/<action>/'));
  const codeCommit = normalized(nagFindings(legacyCodeCommit()));
  const viaConnection = normalized(nagFindings(connection()));
  expect(codeCommit.length).toBeGreaterThan(0); // the comparison is meaningful: nag ran and reported
  expect(viaConnection.filter((f) => !codeCommit.includes(f))).toEqual([]);
  expect(viaConnection.filter((f) => f.includes('/Source/'))).toEqual(codeCommit.filter((f) => f.includes('/Source/')));
  const { delivery } = pipelineStack(connection());
  expect(delivery.actionRoles.map((r) => r.role.node.path)).toContain(
    'PipelineOnly/Delivery/Pipeline/Source/CodeConnections/CodePipelineActionRole',
  );
});
