import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { DEFAULT_SOURCE_BRANCH, type CodeConnectionsPipelineSource, type PipelineSource } from './pipeline-source';
import { connectionService } from './source-checks';

/** The Source stage's one action and the commit it read (for the builds' COMMIT_ID). */
export interface SourceStageAction {
  readonly action: codepipeline.IAction;
  readonly commitId: string;
}

/**
 * CDK's CodeStarConnectionsSourceAction grants its role `codestar-connections:UseConnection` on the connection ARN
 * (aws-cdk-lib 2.276.0, codestar-connections/source-action.js). Connections made since 1 July 2024 have
 * `arn:aws:codeconnections:…` ARNs, and "when specifying a resource in the IAM policy, the service prefix needs to
 * match that of the resource" (https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html): such a connection
 * needs `codeconnections:UseConnection`, which this adds, on that one ARN only. For a token ARN (prefix unknown until
 * deploy) it adds it too: each statement names only that ARN, and the one whose prefix does not match grants nothing.
 */
class ConnectionSourceAction extends actions.CodeStarConnectionsSourceAction {
  constructor(private readonly connection: CodeConnectionsPipelineSource & { readonly output: codepipeline.Artifact }) {
    super({
      actionName: 'CodeConnections',
      connectionArn: connection.connectionArn,
      owner: connection.owner,
      repo: connection.repo,
      branch: connection.branch ?? DEFAULT_SOURCE_BRANCH,
      triggerOnPush: connection.triggerOnPush,
      output: connection.output,
    });
  }

  protected override bound(
    scope: Construct,
    stage: codepipeline.IStage,
    options: codepipeline.ActionBindOptions,
  ): codepipeline.ActionConfig {
    const config = super.bound(scope, stage, options);
    if (connectionService(this.connection.connectionArn) !== 'codestar-connections') {
      options.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['codeconnections:UseConnection'],
          resources: [this.connection.connectionArn],
        }),
      );
    }
    return config;
  }
}

/** The Source action for a checked source (source-checks.ts), writing the repository's files to `output`. */
export function sourceStageAction(source: PipelineSource, output: codepipeline.Artifact): SourceStageAction {
  if (source.kind === 'codecommit') {
    const action = new actions.CodeCommitSourceAction({
      actionName: 'CodeCommit',
      repository: source.repository,
      branch: source.branch ?? DEFAULT_SOURCE_BRANCH,
      output,
    });
    return { action, commitId: action.variables.commitId };
  }
  const action = new ConnectionSourceAction({ ...source, output });
  return { action, commitId: action.variables.commitId };
}
