import { Duration } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { approvalWindowProblem, type SwapApprovalMode } from '../contract';
import { ApprovalOutcomes } from './approval-outcomes';
import { BuildProjects } from './build-projects';
import type { PipelineSource } from './pipeline-source';
import { sourceStageAction } from './source-action';
import { checkedSource } from './source-checks';

/** Stage names, in order. They are public API: users and the CLI find approvals by these names. */
export const PIPELINE_STAGES = [
  'Source',
  'BuildApp',
  'BuildImage',
  'PrepareDeployInput',
  'DeployGreen',
  'ApproveSwap',
  'Swap',
  'ApproveCleanUp',
  'CleanUp',
] as const;

/** The five state machines of a controller, by key (contract/machines.ts): what the pipeline's actions start. */
export interface DeploymentStateMachineRefs {
  readonly deployGreen: sfn.IStateMachine;
  readonly swap: sfn.IStateMachine;
  readonly cleanUp: sfn.IStateMachine;
  readonly rollback: sfn.IStateMachine;
  readonly abort: sfn.IStateMachine;
}

export interface DeliveryPipelineProps {
  /**
   * Where the Source stage reads the app: `PipelineSource.codeConnections({ connectionArn, owner, repo, branch })`
   * (GitHub, GitHub Enterprise Server, GitLab, Bitbucket) or `PipelineSource.codeCommit(repository, { branch })`.
   * Give this or `sourceRepository`, not both.
   * @default - `sourceRepository` on `branch`
   */
  readonly source?: PipelineSource;
  /**
   * A CodeCommit repository as the source: the older form of `source: PipelineSource.codeCommit(repository, { branch })`.
   * @default - none; then `source` is required
   */
  readonly sourceRepository?: codecommit.IRepository;
  readonly imageRepository: ecr.IRepository;
  readonly artifactBucket: s3.IBucket;
  readonly stateMachines: DeploymentStateMachineRefs;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly serviceArn: string;
  readonly taskDefinitionFamily: string;
  readonly containerName: string;
  readonly taskRoleArns: readonly string[];
  readonly testUrl: string;
  readonly productionUrl: string;
  /**
   * Branch of `sourceRepository` whose pushes start the pipeline (with `source`, give the branch inside it).
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * How long green may be tested before the swap approval expires: CodePipeline allows 5 minutes to 60 days
   * (86,400 minutes). Longer test windows: start the state machines yourself (Step Functions executions last a year).
   * @default Duration.days(7)
   */
  readonly swapApprovalTimeout?: Duration;
  /**
   * How long production may serve green with blue still running before the clean-up approval expires (which rolls
   * back, as a rejection does): 5 minutes to 60 days.
   * @default Duration.days(7)
   */
  readonly cleanUpApprovalTimeout?: Duration;
  /**
   * Where testers approve the swap (contract/approvals.ts). `pipeline`: the stages ApproveSwap, Swap, ApproveCleanUp
   * and CleanUp. `step-functions`: the pipeline ends at DeployGreen, whose success starts a swap that waits for
   * `bluegreen approve` (a task-token wait, up to 330 days); clean-up is then run with `bluegreen clean-up`.
   * @default 'pipeline'
   */
  readonly swapApprovalMode?: SwapApprovalMode;
}

/**
 * CodePipeline (V2): source, build app, build image, prepare input, deploy-green, approve swap, swap, approve
 * clean-up, clean-up. The Step Functions actions pass the same minimal input a person would start them with.
 */
export class DeliveryPipeline extends Construct {
  public readonly pipeline: codepipeline.Pipeline;
  /** Subscribe to this topic to hear when an approval waits. */
  public readonly approvalTopic: sns.Topic;
  public readonly builds: BuildProjects;
  /** Rejecting the swap approval aborts; rejecting the clean-up approval rolls back (`pipeline` mode only). */
  public readonly approvalOutcomes?: ApprovalOutcomes;
  /** The role CodePipeline creates for each action, with the state machine the action starts (if any). */
  public readonly actionRoles: ReadonlyArray<{ readonly role: iam.IRole; readonly stateMachine?: sfn.IStateMachine }>;

  constructor(scope: Construct, id: string, props: DeliveryPipelineProps) {
    super(scope, id);
    const approvalsInPipeline = (props.swapApprovalMode ?? 'pipeline') === 'pipeline';
    const swapTimeout = props.swapApprovalTimeout ?? Duration.days(7);
    const problem = approvalWindowProblem(
      props.swapApprovalMode ?? 'pipeline',
      swapTimeout.toSeconds({ integral: false }),
      swapTimeout.toHumanString(),
    );
    if (problem !== undefined) throw new Error(problem);
    const cleanUpTimeout = props.cleanUpApprovalTimeout ?? Duration.days(7);
    const cleanUpProblem = approvalWindowProblem(
      props.swapApprovalMode ?? 'pipeline',
      cleanUpTimeout.toSeconds({ integral: false }),
      cleanUpTimeout.toHumanString(),
      'cleanUpApprovalTimeout',
    );
    if (cleanUpProblem !== undefined) throw new Error(cleanUpProblem);
    const pipelineSource = checkedSource(props);
    const serviceInput = { cluster: props.clusterName, service: props.serviceName };

    this.approvalTopic = new sns.Topic(this, 'ApprovalTopic', {
      displayName: `Blue/green approvals for ${props.serviceName}`,
      masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });
    const builds = (this.builds = new BuildProjects(this, 'Builds', {
      imageRepository: props.imageRepository,
      deployTarget: {
        clusterName: props.clusterName,
        serviceName: props.serviceName,
        serviceArn: props.serviceArn,
        taskDefinitionFamily: props.taskDefinitionFamily,
        containerName: props.containerName,
        taskRoleArns: props.taskRoleArns,
      },
    }));

    const source = new codepipeline.Artifact('Source');
    const app = new codepipeline.Artifact('App');
    const image = new codepipeline.Artifact('Image');
    const deployInput = new codepipeline.Artifact('DeployInput');
    // Either kind of source writes the same artifact, so every later stage reads it unchanged.
    const sourceAction = sourceStageAction(pipelineSource, source);
    const commitEnv = { COMMIT_ID: { value: sourceAction.commitId } };

    // Approval and release stages, in `pipeline` mode only (the task-token mode waits inside swap instead).
    // Built only in that mode: ManualApprovalAction checks its timeout on construction (5 minutes to 60 days).
    const approvalAndReleaseStages = (): codepipeline.StageProps[] => [
      {
        stageName: 'ApproveSwap',
        actions: [
          new actions.ManualApprovalAction({
            actionName: 'ApproveSwap',
            notificationTopic: this.approvalTopic,
            externalEntityLink: props.testUrl,
            additionalInformation: `Green is live on the test listener (${props.testUrl}). Approve to send production traffic to it; reject to discard it.`,
            timeout: swapTimeout,
          }),
        ],
      },
      {
        stageName: 'Swap',
        actions: [
          new actions.StepFunctionInvokeAction({
            actionName: 'Swap',
            stateMachine: props.stateMachines.swap,
            stateMachineInput: actions.StateMachineInput.literal(serviceInput),
          }),
        ],
      },
      {
        stageName: 'ApproveCleanUp',
        actions: [
          new actions.ManualApprovalAction({
            actionName: 'ApproveCleanUp',
            notificationTopic: this.approvalTopic,
            externalEntityLink: props.productionUrl,
            additionalInformation: `Production (${props.productionUrl}) now serves green while blue still runs. Approve to remove blue; until then a rollback is instant.`,
            timeout: cleanUpTimeout,
          }),
        ],
      },
      {
        stageName: 'CleanUp',
        actions: [
          new actions.StepFunctionInvokeAction({
            actionName: 'CleanUp',
            stateMachine: props.stateMachines.cleanUp,
            stateMachineInput: actions.StateMachineInput.literal(serviceInput),
          }),
        ],
      },
    ];
    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: props.artifactBucket,
      restartExecutionOnUpdate: false,
      stages: [
        { stageName: 'Source', actions: [sourceAction.action] },
        {
          stageName: 'BuildApp',
          actions: [
            new actions.CodeBuildAction({
              actionName: 'BuildApp',
              project: builds.buildApp,
              input: source,
              outputs: [app],
              environmentVariables: commitEnv,
            }),
          ],
        },
        {
          stageName: 'BuildImage',
          actions: [
            new actions.CodeBuildAction({
              actionName: 'BuildImage',
              project: builds.buildImage,
              input: app,
              outputs: [image],
              environmentVariables: commitEnv,
            }),
          ],
        },
        {
          stageName: 'PrepareDeployInput',
          actions: [
            new actions.CodeBuildAction({
              actionName: 'PrepareDeployInput',
              project: builds.prepareDeployInput,
              input: source,
              extraInputs: [image],
              outputs: [deployInput],
              environmentVariables: commitEnv,
            }),
          ],
        },
        {
          stageName: 'DeployGreen',
          actions: [
            new actions.StepFunctionInvokeAction({
              actionName: 'DeployGreen',
              stateMachine: props.stateMachines.deployGreen,
              // The documented form: a path inside the input artifact (StateMachineInput.filePath would render
              // `DeployInput::deploy-input.json`, which the action reference does not document).
              stateMachineInput: { input: 'deploy-input.json', inputArtifact: deployInput, inputType: 'FilePath' },
            }),
          ],
        },
        ...(approvalsInPipeline ? approvalAndReleaseStages() : []),
      ],
    });

    if (approvalsInPipeline) {
      this.approvalOutcomes = new ApprovalOutcomes(this, 'ApprovalOutcomes', {
        pipeline: this.pipeline,
        abort: props.stateMachines.abort,
        rollback: props.stateMachines.rollback,
        serviceInput,
      });
    }

    const invoked: Record<string, sfn.IStateMachine> = {
      DeployGreen: props.stateMachines.deployGreen,
      Swap: props.stateMachines.swap,
      CleanUp: props.stateMachines.cleanUp,
    };
    this.actionRoles = this.pipeline.node
      .findAll()
      .filter((c): c is iam.Role => c instanceof iam.Role && c.node.id === 'CodePipelineActionRole')
      .map((role) => ({ role, stateMachine: invoked[role.node.scope?.node.id ?? ''] }));
  }
}
