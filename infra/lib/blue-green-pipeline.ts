import { Duration, RemovalPolicy, Stack, Token, Validations, type CfnElement } from 'aws-cdk-lib';
import type * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';
import { SERVICE_OUTPUT_KEYS } from '../../contract';
import { DeliveryPipeline } from '../../pipeline/delivery-pipeline';
import type { PipelineSource } from '../../pipeline/pipeline-source';
import type { IBlueGreenController } from './blue-green-controller';

export interface BlueGreenPipelineProps {
  /** The controller whose state machines the pipeline starts. */
  readonly controller: IBlueGreenController;
  /**
   * Where the app's source is read: `PipelineSource.codeConnections({ connectionArn, owner, repo, branch })` (GitHub,
   * GitLab, Bitbucket; for accounts where CodeCommit is not available) or `PipelineSource.codeCommit(repository)`.
   */
  readonly source: PipelineSource;
  /** Where the build pushes the image (tagged with the commit). */
  readonly imageRepository: ecr.IRepository;
  /**
   * Bucket of the pipeline's artifacts.
   * @default - a new bucket: S3-managed encryption, TLS only, no public access, versioned, objects expire after 30 days
   */
  readonly artifactBucket?: s3.IBucket;
}

/**
 * A CodePipeline that builds each pushed commit's image and deploys it with the controller: Source → BuildApp →
 * BuildImage → PrepareDeployInput → DeployGreen, then (with the controller's `swapApprovalMode: 'pipeline'`) the
 * ApproveSwap, Swap, ApproveCleanUp and CleanUp stages. Rejecting an approval aborts or rolls back. Stage names are
 * public API (the CLI finds approvals by them); so are construct ids: the pipeline is `Default` inside this construct.
 */
export class BlueGreenPipeline extends Construct {
  public readonly pipeline: codepipeline.Pipeline;
  /** Subscribe to this topic to hear when an approval waits. */
  public readonly approvalTopic: sns.ITopic;
  public readonly artifactBucket: s3.IBucket;
  /** The pipeline with its builds and action roles. */
  public readonly delivery: DeliveryPipeline;

  constructor(scope: Construct, id: string, props: BlueGreenPipelineProps) {
    super(scope, id);
    const { controller } = props;
    this.artifactBucket =
      props.artifactBucket ??
      new s3.Bucket(this, 'ArtifactBucket', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        versioned: true,
        lifecycleRules: [{ expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(7) }],
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.delivery = new DeliveryPipeline(this, 'Default', {
      source: props.source,
      imageRepository: props.imageRepository,
      artifactBucket: this.artifactBucket,
      stateMachines: controller.stateMachines,
      clusterName: controller.cluster.clusterName,
      serviceName: controller.serviceName,
      serviceArn: controller.serviceArn,
      taskDefinitionFamily: controller.taskDefinition.family,
      containerName: controller.containerName,
      taskRoleArns: [
        controller.taskDefinition.taskRole.roleArn,
        controller.taskDefinition.obtainExecutionRole().roleArn,
      ],
      testUrl: controller.testUrl,
      productionUrl: controller.productionUrl,
      swapApprovalTimeout: controller.swapApprovalTimeout,
      cleanUpApprovalTimeout: controller.cleanUpApprovalTimeout,
      swapApprovalMode: controller.swapApprovalMode,
    });
    this.pipeline = this.delivery.pipeline;
    this.approvalTopic = this.delivery.approvalTopic;
    acknowledgePipelineFindings(this.delivery, this.artifactBucket);
    controller.addOutput(SERVICE_OUTPUT_KEYS.pipeline, this.pipeline.pipelineName);
    controller.addOutput(SERVICE_OUTPUT_KEYS.approvalTopic, this.approvalTopic.topicArn);
  }
}

/**
 * cdk-nag AwsSolutions findings on the pipeline's CDK-generated grants that are accepted, each with its reason. cdk-nag
 * v3 matches acknowledgments by exact finding id.
 */
function acknowledgePipelineFindings(delivery: DeliveryPipeline, artifactBucket: s3.IBucket): void {
  const stack = Stack.of(delivery);
  const ack = (scope: IConstruct, reason: string, ...ids: string[]): void => {
    for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
  };
  const logicalId = (element: IConstruct): string => stack.getLogicalId(element.node.defaultChild as CfnElement);
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const arn = (service: string, resource: string): string =>
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:${service}:${region}:${account}:${resource}]`;
  const bucketObjects = `AwsSolutions-IAM5[Resource::<${logicalId(artifactBucket)}.Arn>/*]`;
  const s3Actions = ['Abort*', 'DeleteObject*', 'GetBucket*', 'GetObject*', 'List*'].map(
    (a) => `AwsSolutions-IAM5[Action::s3:${a}]`,
  );
  const ARTIFACTS =
    'CDK grants pipeline roles read/write on objects of the artifact bucket only (s3:GetObject* etc. on <bucket>/*); objects are per-execution and unnamed in advance.';
  if (artifactBucket instanceof s3.Bucket) {
    ack(
      artifactBucket,
      'Pipeline artifacts are transient build outputs read only by the pipeline roles; server access logs add cost without an audit need here.',
      'AwsSolutions-S1',
    );
  }
  const projects: codebuild.PipelineProject[] = [
    delivery.builds.buildApp,
    delivery.builds.buildImage,
    delivery.builds.prepareDeployInput,
  ];
  for (const project of projects) {
    const projectRef = `<${logicalId(project)}>`;
    ack(
      project,
      'Build outputs are stored in the artifact bucket, encrypted with S3-managed keys; a customer KMS key would not change who can read them.',
      'AwsSolutions-CB4',
    );
    ack(project.role as IConstruct, ARTIFACTS, ...s3Actions, bucketObjects);
    ack(
      project.role as IConstruct,
      'CodeBuild creates report groups and log streams named after the project at run time.',
      arn('codebuild', `report-group/${projectRef}-*`),
      arn('logs', `log-group:/aws/codebuild/${projectRef}:*`),
    );
  }
  ack(
    delivery.builds.buildImage.role as IConstruct,
    'ecr:GetAuthorizationToken (docker login) has no resource-level permissions.',
    'AwsSolutions-IAM5[Resource::*]',
  );
  ack(
    delivery.builds.prepareDeployInput.role as IConstruct,
    'ecs:DescribeTaskDefinition and ecs:RegisterTaskDefinition have no resource-level permissions.',
    'AwsSolutions-IAM5[Resource::*]',
  );
  ack(delivery.pipeline.role, ARTIFACTS, ...s3Actions, bucketObjects);
  for (const actionRole of delivery.actionRoles) {
    ack(actionRole.role as iam.IRole, ARTIFACTS, ...s3Actions, bucketObjects);
    if (actionRole.stateMachine) {
      const machineRef = JSON.stringify(stack.resolve(actionRole.stateMachine.stateMachineArn));
      const part = (i: number): string => `{"Fn::Select":[${i},{"Fn::Split":[":",${machineRef}]}]}`;
      ack(
        actionRole.role,
        'The pipeline polls executions it starts; execution names are generated per run, so the ARN ends in a wildcard under this state machine.',
        `AwsSolutions-IAM5[Resource::arn:${part(1)}:states:${part(3)}:${part(4)}:execution:${part(6)}:*]`,
      );
    }
  }
}
