import * as path from 'path';
import { CfnOutput, CfnResource, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import {
  BlueGreenFargateService,
  BlueGreenPipeline,
  PipelineSource,
  type BlueGreenFargateServiceProps,
  type BlueGreenController,
} from '../../infra/lib';

/** The app the demo deploys; the source repository is seeded with it. */
export const DEMO_APP_DIR = path.join(__dirname, '..', '..', 'demo-app');

export interface BlueGreenStackProps
  extends
    StackProps,
    Omit<BlueGreenFargateServiceProps, 'serviceName' | 'removalPolicy' | 'vpc' | 'cluster' | 'imageRepository'> {
  /**
   * Name of the ECS service.
   * @default 'demo-app'
   */
  readonly serviceName?: string;
  /**
   * Branch of the CodeCommit repository that the pipeline deploys.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * Whether `cdk destroy` also deletes the image repository and artifact bucket with their contents. Keep the
   * default for a demo; set false for a production service whose images must outlive the stack.
   * @default true
   */
  readonly destroyDataWithStack?: boolean;
}

/**
 * The demo: one service from the VPC to the pipeline, built only from the library's public API (infra/lib/index.ts).
 * The service construct's id is `Default`, so every resource keeps the logical id it had when this stack was built
 * from the internal constructs: an existing deployment updates in place, nothing is replaced.
 */
export class BlueGreenStack extends Stack {
  public readonly service: BlueGreenFargateService;
  public readonly controller: BlueGreenController;
  public readonly pipeline: BlueGreenPipeline;

  constructor(scope: Construct, id: string, props: BlueGreenStackProps = {}) {
    super(scope, id, props);
    const destroyData = props.destroyDataWithStack ?? true;
    const removalPolicy = destroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const { branch, destroyDataWithStack: _destroy, ...serviceProps } = props;

    const sourceRepository = new codecommit.Repository(this, 'SourceRepository', {
      repositoryName: `${this.stackName}-app`.toLowerCase(),
      description: 'The app deployed blue/green: push to the pipeline branch to release a new green.',
      // Seeded with demo-app/ at creation, so the first pipeline run deploys it without any manual git push.
      code: codecommit.Code.fromDirectory(DEMO_APP_DIR, branch ?? 'main'),
    });
    const artifactBucket = new s3.Bucket(this, 'ArtifactBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(7) }],
      removalPolicy,
      autoDeleteObjects: destroyData,
    });

    this.service = new BlueGreenFargateService(this, 'Default', {
      ...serviceProps,
      serviceName: props.serviceName ?? 'demo-app',
      removalPolicy,
    });
    this.controller = this.service.controller;
    this.pipeline = new BlueGreenPipeline(this, 'Delivery', {
      controller: this.controller,
      source: PipelineSource.codeCommit(sourceRepository, { branch: branch ?? 'main' }),
      imageRepository: this.service.imageRepository,
      artifactBucket,
    });

    // Output IDs are public API: the bluegreen CLI and the README's commands read them. The controller, the service and
    // the pipeline add theirs (ProductionUrl, …, ImageRepositoryUri, PipelineName); these two are the demo's.
    new CfnOutput(this, 'SourceRepositoryCloneUrl', { value: sourceRepository.repositoryCloneUrlGrc });
    new CfnOutput(this, 'ArtifactBucketName', { value: artifactBucket.bucketName });

    createSourceRepositoryFirst(this, sourceRepository);
  }

  /** The five state machines, the deployment record and the green watch. */
  get stateMachines(): BlueGreenController['stateMachines'] {
    return this.controller.stateMachines;
  }
}

/**
 * CodeCommit is closed to new customers (README, "CodeCommit"): in an account that never used it, CloudFormation cannot
 * create the repository. Every other resource waits for it, so such an account fails in seconds with CodeCommit's own
 * message and nothing else is created (no NAT gateway, load balancer or pipeline half-made and rolled back). Resources
 * that already reference the repository wait for it anyway and get no redundant DependsOn.
 */
function createSourceRepositoryFirst(stack: Stack, repository: codecommit.Repository): void {
  const first = repository.node.defaultChild as CfnResource;
  const logicalId = stack.resolve(first.logicalId) as string;
  for (const child of stack.node.findAll()) {
    if (!(child instanceof CfnResource) || child === first || child.cfnResourceType === 'AWS::CDK::Metadata') continue;
    const declared = JSON.stringify(
      stack.resolve((child as unknown as { _toCloudFormation(): unknown })._toCloudFormation()),
    );
    if (declared.includes(`"${logicalId}"`)) continue;
    child.addResourceDependency(first);
  }
}
