import type * as codecommit from 'aws-cdk-lib/aws-codecommit';

/** A CodeCommit repository in this account and Region. */
export interface CodeCommitPipelineSource {
  readonly kind: 'codecommit';
  readonly repository: codecommit.IRepository;
  /**
   * Branch whose pushes start the pipeline.
   * @default 'main'
   */
  readonly branch?: string;
}

/** What a CodeConnections source needs (GitHub, GitHub Enterprise Server, GitLab, Bitbucket through a connection). */
export interface CodeConnectionsSourceOptions {
  /**
   * The connection's ARN, `arn:aws:codeconnections:<region>:<account>:connection/<id>` (connections made since July
   * 2024) or `arn:aws:codestar-connections:…` (older ones). The connection must be AVAILABLE: one made by the API or
   * CloudFormation stays PENDING until someone completes the handshake in the console.
   */
  readonly connectionArn: string;
  /**
   * The user or organization that owns the repository (the part before the repository name). For a GitLab project
   * in a subgroup, the whole group path: `group/subgroup`.
   */
  readonly owner: string;
  /** The repository's name, without the owner. */
  readonly repo: string;
  /**
   * Branch whose pushes start the pipeline.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * Whether a push to the branch starts the pipeline (the action's DetectChanges). With false, only a manual
   * release (`aws codepipeline start-pipeline-execution`) runs it.
   * @default true
   */
  readonly triggerOnPush?: boolean;
}

/** A repository reached through an AWS CodeConnections (formerly CodeStar Connections) connection. */
export interface CodeConnectionsPipelineSource extends CodeConnectionsSourceOptions {
  readonly kind: 'codeconnections';
}

/** Where the pipeline's Source stage reads the app from. Build one with `PipelineSource.codeCommit` or `.codeConnections`. */
export type PipelineSource = CodeCommitPipelineSource | CodeConnectionsPipelineSource;

/** The two kinds of source, by name. */
export const PipelineSource = {
  /** A CodeCommit repository; `branch` defaults to 'main'. */
  codeCommit: (repository: codecommit.IRepository, options: { readonly branch?: string } = {}): PipelineSource => ({
    kind: 'codecommit',
    repository,
    ...(options.branch !== undefined ? { branch: options.branch } : {}),
  }),
  /** A GitHub, GitHub Enterprise Server, GitLab or Bitbucket repository through a CodeConnections connection. */
  codeConnections: (options: CodeConnectionsSourceOptions): PipelineSource => ({ kind: 'codeconnections', ...options }),
} as const;

/** The Source stage's default branch, for both kinds. */
export const DEFAULT_SOURCE_BRANCH = 'main';
