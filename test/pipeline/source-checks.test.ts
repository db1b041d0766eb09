import { App, Stack } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import { PipelineSource, type CodeConnectionsSourceOptions } from '../../pipeline/pipeline-source';
import { branchProblem, checkedSource, connectionService, type SourceProps } from '../../pipeline/source-checks';
import { pipelineStack } from './pipeline-stack';

/**
 * The source props are checked when DeliveryPipeline is constructed: each error names the field, what is allowed and
 * the fix, and all problems are reported at once.
 */
const CONNECTION = 'arn:aws:codeconnections:us-east-1:123456789012:connection/0c7a5b62-3f1e-4d6a-9b8c-2d4e6f8a1b3c';
const repository = (): codecommit.IRepository =>
  codecommit.Repository.fromRepositoryName(new Stack(new App(), 'S'), 'Repo', 'app');
const connection = (options: Partial<CodeConnectionsSourceOptions>): SourceProps => ({
  source: PipelineSource.codeConnections({ connectionArn: CONNECTION, owner: 'octo-org', repo: 'app', ...options }),
});

test.each<[string, () => SourceProps, RegExp]>([
  [
    'a connection name instead of its ARN',
    () => connection({ connectionArn: 'my-github' }),
    /source\.connectionArn is 'my-github', but a connection ARN has the form arn:aws:codeconnections:<region>:<account>:connection\/<id> .* Fix: copy it from the console/,
  ],
  [
    'a host ARN',
    () => connection({ connectionArn: 'arn:aws:codeconnections:us-east-1:123456789012:host/ghes-1a2b3c4d' }),
    /source\.connectionArn .* That is a host ARN/,
  ],
  [
    'another service’s ARN',
    () => connection({ connectionArn: 'arn:aws:codecommit:us-east-1:123456789012:app' }),
    /source\.connectionArn is 'arn:aws:codecommit:/,
  ],
  ['an empty owner', () => connection({ owner: '' }), /source\.owner is '', but the owner is .* non-empty/],
  ['an owner with a trailing /', () => connection({ owner: 'octo-org/' }), /source\.owner is 'octo-org\/', .*'\/'/],
  [
    'owner/repo given as the repo',
    () => connection({ repo: 'octo-org/app' }),
    /source\.repo is 'octo-org\/app', but the repository name is .* without '\/'\. Fix: give only the name: owner 'octo-org', repo 'app'\./,
  ],
  ['an empty repo', () => connection({ repo: '' }), /source\.repo is '', but the repository name is non-empty/],
  [
    'a ref instead of a branch',
    () => connection({ branch: 'refs/heads/main' }),
    /source\.branch is 'refs\/heads\/main', but a branch name is given without 'refs\/heads\/'/,
  ],
  [
    'a branch with a space',
    () => connection({ branch: 'my branch' }),
    /source\.branch is 'my branch', but a branch name has no spaces/,
  ],
  [
    'a branch with ..',
    () => connection({ branch: 'a..b' }),
    /source\.branch is 'a\.\.b', but a branch name cannot contain '\.\.'/,
  ],
  [
    'a non-boolean triggerOnPush',
    () => connection({ triggerOnPush: 'no' as unknown as boolean }),
    /source\.triggerOnPush is 'no', but it is true or false/,
  ],
  [
    'source and sourceRepository together',
    () => ({ ...connection({}), sourceRepository: repository() }),
    /source and sourceRepository are both given, but the pipeline has one source\. Fix: give only source/,
  ],
  [
    'branch beside source',
    () => ({ ...connection({}), branch: 'main' }),
    /branch is 'main' beside source, but branch belongs to sourceRepository\. Fix: give the branch inside source/,
  ],
  ['no source at all', () => ({}), /source is missing\. Fix: give source: PipelineSource\.codeConnections/],
  [
    'an invalid branch with sourceRepository',
    () => ({ sourceRepository: repository(), branch: 'main.lock' }),
    /^DeliveryPipeline: branch is 'main\.lock', but no part of a branch name/,
  ],
  [
    'an unknown kind',
    () => ({ source: { kind: 'github' } as unknown as PipelineSource }),
    /source\.kind is 'github', but a source is 'codecommit' or 'codeconnections'/,
  ],
])('%s is refused, naming the field and the fix', (_name, props, message) => {
  expect(() => checkedSource(props())).toThrow(message);
});

test('every problem is reported at once', () => {
  expect(() => checkedSource(connection({ connectionArn: 'x', owner: '', repo: 'a/b', branch: '-x' }))).toThrow(
    /source\.connectionArn[\s\S]*\nsource\.owner[\s\S]*\nsource\.repo[\s\S]*\nsource\.branch/,
  );
});

test('DeliveryPipeline checks its source when constructed', () => {
  expect(() => pipelineStack(() => connection({ repo: 'octo-org/app' }))).toThrow(/source\.repo is 'octo-org\/app'/);
});

test.each(['main', 'release/1.2', 'feature/JIRA-12_x', 'v2.0', 'user@host', 'a.b/c-d'])(
  'branch %s is allowed',
  (branch) => {
    expect(branchProblem('source.branch', branch)).toBeUndefined();
  },
);

test.each([
  '',
  '-x',
  '/a',
  'a/',
  'a//b',
  '.a',
  'a/.b',
  'a.',
  'a.lock',
  'a@{1}',
  '@',
  'a~1',
  'a^',
  'a:b',
  'a?',
  'a*',
  'a[b',
  'a\\b',
  'a\tb',
])('branch %j is refused', (branch) => {
  expect(branchProblem('source.branch', branch)).toMatch(/^source\.branch is .*, but .* Fix: /);
});

test('valid sources pass: both ARN prefixes, other partitions, GitLab subgroups', () => {
  for (const connectionArn of [
    CONNECTION,
    'arn:aws:codestar-connections:eu-west-1:123456789012:connection/5e9d1c2b-7a4f-4b3e-8d6c-1f2a3b4c5d6e',
    'arn:aws-us-gov:codeconnections:us-gov-west-1:123456789012:connection/5e9d1c2b-7a4f-4b3e-8d6c-1f2a3b4c5d6e',
    'arn:aws-cn:codeconnections:cn-north-1:123456789012:connection/5e9d1c2b-7a4f-4b3e-8d6c-1f2a3b4c5d6e',
  ]) {
    expect(checkedSource(connection({ connectionArn, owner: 'group/sub', branch: 'release/1.2' }))).toMatchObject({
      kind: 'codeconnections',
      connectionArn,
    });
  }
  expect(connectionService(CONNECTION)).toBe('codeconnections');
  expect(connectionService('arn:aws:codestar-connections:eu-west-1:123456789012:connection/x-1')).toBe(
    'codestar-connections',
  );
});

test("sourceRepository alone is a CodeCommit source on 'main', or on its branch", () => {
  const repo = repository();
  expect(checkedSource({ sourceRepository: repo })).toEqual({ kind: 'codecommit', repository: repo, branch: 'main' });
  expect(checkedSource({ sourceRepository: repo, branch: 'release' })).toEqual({
    kind: 'codecommit',
    repository: repo,
    branch: 'release',
  });
});
