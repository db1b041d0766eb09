import { Token } from 'aws-cdk-lib';
import type * as codecommit from 'aws-cdk-lib/aws-codecommit';
import { DEFAULT_SOURCE_BRANCH, PipelineSource } from './pipeline-source';

/** The DeliveryPipeline props that say where the source is: the `source` union, or the older `sourceRepository`. */
export interface SourceProps {
  readonly source?: PipelineSource;
  readonly sourceRepository?: codecommit.IRepository;
  readonly branch?: string;
}

/**
 * `arn:<partition>:<codeconnections|codestar-connections>:<region>:<account>:connection/<id>`. Both service prefixes
 * name the same kind of resource: connections made since 1 July 2024 carry `codeconnections`, older ones
 * `codestar-connections` (https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html).
 */
const CONNECTION_ARN =
  /^arn:aws(?:-[a-z]+)*:(codeconnections|codestar-connections):[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:connection\/[A-Za-z0-9-]+$/;

/** The service prefix of a connection ARN, or undefined when it is a token (known only at deploy time). */
export function connectionService(arn: string): 'codeconnections' | 'codestar-connections' | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  const service = CONNECTION_ARN.exec(arn)?.[1];
  return service === 'codeconnections' || service === 'codestar-connections' ? service : undefined;
}

const shown = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : String(value));

/**
 * Why `value` cannot be a Git branch name (the rules of `git check-ref-format --branch`), or undefined when it can.
 * A token (known only at deploy time) passes.
 */
export function branchProblem(field: string, value: unknown): string | undefined {
  if (typeof value === 'string' && Token.isUnresolved(value)) return undefined;
  const rule = ((): string | undefined => {
    if (typeof value !== 'string' || value.length === 0) return 'a branch name is a non-empty string';
    // eslint-disable-next-line no-control-regex -- control characters are what this rule refuses
    if (/[\x00-\x20\x7f~^:?*[\\]/.test(value))
      return 'a branch name has no spaces, control characters or any of ~ ^ : ? * [ \\';
    if (value.includes('..')) return "a branch name cannot contain '..'";
    if (value.includes('@{')) return "a branch name cannot contain '@{'";
    if (value === '@') return "a branch name cannot be '@'";
    if (value.startsWith('-')) return "a branch name cannot start with '-'";
    if (value.startsWith('/') || value.endsWith('/') || value.includes('//'))
      return "a branch name cannot start or end with '/' or contain '//'";
    if (value.endsWith('.')) return "a branch name cannot end with '.'";
    if (value.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock')))
      return "no part of a branch name (between '/') may start with '.' or end with '.lock'";
    if (value.startsWith('refs/')) return "a branch name is given without 'refs/heads/'";
    return undefined;
  })();
  return rule === undefined
    ? undefined
    : `${field} is ${shown(value)}, but ${rule}. Fix: give the branch as \`git branch\` lists it, e.g. 'main'.`;
}

function connectionArnProblem(field: string, value: unknown): string | undefined {
  if (typeof value === 'string' && (Token.isUnresolved(value) || CONNECTION_ARN.test(value))) return undefined;
  const hint =
    typeof value === 'string' && /:host\//.test(value)
      ? ' That is a host ARN (GitHub Enterprise Server, GitLab self-managed): give the connection made on that host.'
      : '';
  return (
    `${field} is ${shown(value)}, but a connection ARN has the form ` +
    `arn:aws:codeconnections:<region>:<account>:connection/<id> (or arn:aws:codestar-connections:… for a connection ` +
    `made before July 2024).${hint} Fix: copy it from the console (Developer Tools > Settings > Connections) or from ` +
    '`aws codeconnections list-connections`.'
  );
}

/** `owner` may be a GitLab group path (`group/subgroup`): '/'-separated parts, none empty or padded. */
function ownerProblem(field: string, value: unknown): string | undefined {
  if (typeof value === 'string' && Token.isUnresolved(value)) return undefined;
  if (typeof value === 'string' && value.split('/').every((part) => /^\S+$/.test(part))) return undefined;
  return (
    `${field} is ${shown(value)}, but the owner is the user or organization before the repository name, non-empty, ` +
    "without spaces and without a leading, trailing or doubled '/' (a GitLab subgroup is 'group/subgroup'). " +
    "Fix: for https://github.com/octo-org/app give owner 'octo-org' and repo 'app'."
  );
}

function repoProblem(field: string, value: unknown): string | undefined {
  if (typeof value === 'string' && Token.isUnresolved(value)) return undefined;
  if (typeof value === 'string' && /^[^\s/]+$/.test(value)) return undefined;
  const fix =
    typeof value === 'string' && value.includes('/')
      ? ` Fix: give only the name: owner '${value.slice(0, value.lastIndexOf('/'))}', repo '${value.slice(value.lastIndexOf('/') + 1)}'.`
      : " Fix: for https://github.com/octo-org/app give repo 'app'.";
  return `${field} is ${shown(value)}, but the repository name is non-empty, without spaces and without '/'.${fix}`;
}

function problemsOf(source: PipelineSource): string[] {
  const kind: unknown = (source as { kind?: unknown }).kind;
  if (kind === 'codecommit') {
    const { repository, branch } = source as { repository?: unknown; branch?: unknown };
    return [
      repository === undefined
        ? 'source.repository is missing. Fix: PipelineSource.codeCommit(repository, { branch }).'
        : undefined,
      branch === undefined ? undefined : branchProblem('source.branch', branch),
    ].filter((p): p is string => p !== undefined);
  }
  if (kind === 'codeconnections') {
    const s = source as unknown as Record<string, unknown>;
    return [
      connectionArnProblem('source.connectionArn', s.connectionArn),
      ownerProblem('source.owner', s.owner),
      repoProblem('source.repo', s.repo),
      s.branch === undefined ? undefined : branchProblem('source.branch', s.branch),
      s.triggerOnPush === undefined || typeof s.triggerOnPush === 'boolean'
        ? undefined
        : `source.triggerOnPush is ${shown(s.triggerOnPush)}, but it is true or false. Fix: omit it (pushes start the pipeline) or give false.`,
    ].filter((p): p is string => p !== undefined);
  }
  return [
    `source.kind is ${shown(kind)}, but a source is 'codecommit' or 'codeconnections'. ` +
      'Fix: build it with PipelineSource.codeCommit(repository, { branch }) or PipelineSource.codeConnections({ connectionArn, owner, repo, branch }).',
  ];
}

/**
 * The source the props describe, checked: `source`, or `sourceRepository` (+ `branch`) as a CodeCommit source. Throws
 * one Error listing every problem, each naming its field, what is allowed and the fix.
 */
export function checkedSource(props: SourceProps): PipelineSource {
  const problems: string[] = [];
  let source: PipelineSource | undefined;
  if (props.source !== undefined && props.sourceRepository !== undefined) {
    problems.push(
      'source and sourceRepository are both given, but the pipeline has one source. ' +
        'Fix: give only source (PipelineSource.codeCommit(repository) for a CodeCommit repository).',
    );
  } else if (props.source !== undefined) {
    if (props.branch !== undefined) {
      problems.push(
        `branch is '${props.branch}' beside source, but branch belongs to sourceRepository. ` +
          'Fix: give the branch inside source: PipelineSource.codeConnections({ …, branch }) or PipelineSource.codeCommit(repository, { branch }).',
      );
    }
    problems.push(...problemsOf(props.source));
    source = props.source;
  } else if (props.sourceRepository !== undefined) {
    if (props.branch !== undefined) {
      const problem = branchProblem('branch', props.branch);
      if (problem !== undefined) problems.push(problem);
    }
    source = PipelineSource.codeCommit(props.sourceRepository, { branch: props.branch ?? DEFAULT_SOURCE_BRANCH });
  } else {
    problems.push(
      'source is missing. Fix: give source: PipelineSource.codeConnections({ connectionArn, owner, repo, branch }) ' +
        '(GitHub, GitLab, Bitbucket) or PipelineSource.codeCommit(repository, { branch }).',
    );
  }
  if (problems.length > 0 || source === undefined) {
    throw new Error(`DeliveryPipeline: ${problems.join('\n')}`);
  }
  return source;
}
