import * as path from 'path';
import { MACHINE_KEYS, MACHINES, type SwapApprovalMode, type TrafficShift } from '../../contract';
import { CfnOutput, CfnResource, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DeliveryPipeline } from '../../pipeline/delivery-pipeline';
import { BlueGreenLoadBalancer } from './constructs/bluegreen-load-balancer';
import {
  CONTROLLER_RESOURCES_ID,
  ControllerResourceProvider,
  ControllerTeardown,
} from './constructs/controller-owned-resources';
import { DeploymentFunctions, DEPLOYMENT_FUNCTIONS_ID } from './constructs/deployment-functions';
import {
  DEPLOYMENT_STATE_MACHINES_ID,
  DeploymentStateMachines,
  type GreenHealthCheckOptions,
} from './constructs/deployment-state-machines';
import { ExternalFargateService } from './constructs/external-fargate-service';
import type { LifecycleHook } from './constructs/lifecycle-hooks';
import { applyNagSuppressions } from './nag-suppressions';

export const DEMO_APP_DIR = path.join(__dirname, '..', '..', 'demo-app');

export interface BlueGreenStackProps extends StackProps {
  /**
   * Tasks each version runs; the controller owns the service's desired count.
   * @default 2
   */
  readonly desiredCount?: number;
  /**
   * Name of the ECS service.
   * @default 'demo-app'
   */
  readonly serviceName?: string;
  /**
   * IPv4 CIDR blocks that may reach the test listener (:8080).
   * @default - the VPC's CIDR only
   */
  readonly testListenerAllowedCidrs?: readonly string[];
  /**
   * How long deploy-green waits for green to become healthy before it undoes itself.
   * @default Duration.minutes(10)
   */
  readonly healthTimeout?: Duration;
  /**
   * How many of green's tasks may stop on their own (or health polls in a row find a green target answering its health
   * check with the wrong status code) before
   * deploy-green stops waiting and undoes itself: 1 to 200, like ECS's deployment circuit breaker (minimum 3).
   * @default 3
   */
  readonly failFastThreshold?: number;
  /**
   * Green's size while it is only under test, in percent of the service's desired count (like Argo Rollouts'
   * `previewReplicaCount`); swap scales it to 100 % and waits until it is fully healthy before production moves. 1 to
   * 100.
   * @default 100
   */
  readonly testScalePercent?: number;
  /**
   * How long swap watches green under production traffic before the swap counts; green turning unhealthy in that
   * time sends production back to blue automatically. 0 turns the watch off.
   * @default Duration.minutes(5)
   */
  readonly bakeTime?: Duration;
  /**
   * How swap moves production from blue to green unless its input says otherwise (`trafficShift`): all at once, a
   * canary (`{type: 'canary', percent: 10, intervalSeconds: 300}`: 10 % for 5 minutes, then all), linear
   * (`{type: 'linear', percent: 10, intervalSeconds: 60}`: 10 % more every minute) or custom steps
   * (`{type: 'steps', steps: [{percent: 5, seconds: 60}, {percent: 25, seconds: 300}]}`). Limits as ECS's built-in
   * blue/green: linear 3-100 %, canary 0.1-100 %, each step 0-1440 minutes. Production forwards by weight to both
   * versions during the steps; green turning unhealthy sends it back to blue alone.
   * @default - all at once
   */
  readonly trafficShift?: TrafficShift;
  /**
   * Your own CloudWatch metric alarms (by name) that swap watches beside its built-in ones (green's 5XX count, response
   * time p99 and healthy hosts) during each traffic-shift step and the bake: one going to ALARM sends production back
   * to blue within seconds of the state change. Composite alarms are not supported (reading them needs
   * cloudwatch:DescribeAlarms on `*`). Each must exist when swap runs; 1-255 characters
   * each, at most 97 (one DescribeAlarms reads 100 names, 3 are built in) and short enough together for the
   * alarm rule's event pattern (EventBridge's default quota: 2,048 characters).
   * @default [] (the built-in alarms only)
   */
  readonly bakeAlarmNames?: readonly string[];
  /**
   * Your lifecycle hooks: Lambda functions answering ECS's hook protocol, or state machines, run at POST_SCALE_UP,
   * POST_TEST_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT or PRE_BLUE_REMOVAL (contract/lifecycle-hooks.ts).
   * @default [] (the built-in smoke test only)
   */
  readonly lifecycleHooks?: readonly LifecycleHook[];
  /**
   * How long the swap approval waits for testers: 5 minutes to 60 days with `swapApprovalMode: 'pipeline'`
   * (CodePipeline's limits), up to 330 days with `'step-functions'`.
   * @default Duration.days(7)
   */
  readonly swapApprovalTimeout?: Duration;
  /**
   * Where testers approve the swap (contract/approvals.ts). `pipeline`: CodePipeline's manual approval ApproveSwap,
   * then the Swap, ApproveCleanUp and CleanUp stages. `step-functions`: a Step Functions task-token wait inside swap,
   * for test windows beyond CodePipeline's 60 days: every successful deploy-green starts a swap that waits for
   * `bluegreen approve` (reject, or no answer within the window: abort runs); the pipeline ends at DeployGreen and
   * clean-up is run with `bluegreen clean-up`.
   * @default 'pipeline'
   */
  readonly swapApprovalMode?: SwapApprovalMode;
  /** @default - '/healthz' every 10 s, 2 successes / 2 failures */
  readonly healthCheck?: GreenHealthCheckOptions;
  /**
   * What production answers (503) before the first release. Changing it later changes nothing live.
   * @default PRODUCTION_IDLE_MESSAGE
   */
  readonly productionIdleMessage?: string;
  /**
   * CPU units and memory (MiB) of the template task definition; each release copies them.
   * @default - 256 CPU units, 512 MiB
   */
  readonly taskSize?: { readonly cpu: number; readonly memoryLimitMiB: number };
  /**
   * Port the app container listens on.
   * @default 80
   */
  readonly containerPort?: number;
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

/** Everything a blue/green ECS service needs, from the VPC to the pipeline. */
export class BlueGreenStack extends Stack {
  public readonly app: ExternalFargateService;
  /** Creates the service and the controller-owned rules once, and tears down what the controller made. */
  public readonly controllerResources: ControllerResourceProvider;
  /** Deletes the controller's target groups on `cdk destroy`, after everything that uses them. */
  public readonly teardown: ControllerTeardown;
  public readonly loadBalancer: BlueGreenLoadBalancer;
  public readonly stateMachines: DeploymentStateMachines;
  /** validate-input and smoke-test, invoked by deploy-green. */
  public readonly deploymentFunctions: DeploymentFunctions;
  public readonly delivery: DeliveryPipeline;

  constructor(scope: Construct, id: string, props: BlueGreenStackProps = {}) {
    super(scope, id, props);
    const destroyData = props.destroyDataWithStack ?? true;
    const removalPolicy = destroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      flowLogs: {
        Rejected: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'VpcFlowLogs', { retention: logs.RetentionDays.ONE_MONTH }),
          ),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
    });

    const imageRepository = new ecr.Repository(this, 'ImageRepository', {
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      lifecycleRules: [{ description: 'Keep the 30 newest images', maxImageCount: 30 }],
      removalPolicy,
      emptyOnDelete: destroyData,
    });

    const sourceRepository = new codecommit.Repository(this, 'SourceRepository', {
      repositoryName: `${this.stackName}-app`.toLowerCase(),
      description: 'The app deployed blue/green: push to the pipeline branch to release a new green.',
      // Seeded with demo-app/ at creation, so the first pipeline run deploys it without any manual git push.
      code: codecommit.Code.fromDirectory(DEMO_APP_DIR, props.branch ?? 'main'),
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

    // The service and the rules the controller owns are created once through this provider: no stack update can
    // change the desired count, the primary task set or where a rule sends traffic.
    this.controllerResources = new ControllerResourceProvider(this, CONTROLLER_RESOURCES_ID);
    this.app = new ExternalFargateService(this, 'App', {
      vpc,
      repository: imageRepository,
      provider: this.controllerResources,
      desiredCount: props.desiredCount,
      serviceName: props.serviceName,
      containerPort: props.containerPort,
      cpu: props.taskSize?.cpu,
      memoryLimitMiB: props.taskSize?.memoryLimitMiB,
    });
    this.loadBalancer = new BlueGreenLoadBalancer(this, 'LoadBalancer', {
      vpc,
      provider: this.controllerResources,
      serviceName: this.app.serviceName,
      taskSecurityGroup: this.app.securityGroup,
      containerPort: this.app.containerPort,
      testListenerAllowedCidrs: props.testListenerAllowedCidrs,
      productionIdleMessage: props.productionIdleMessage,
    });
    this.deploymentFunctions = new DeploymentFunctions(this, DEPLOYMENT_FUNCTIONS_ID, {
      vpc,
      loadBalancer: this.loadBalancer,
    });
    this.stateMachines = new DeploymentStateMachines(this, DEPLOYMENT_STATE_MACHINES_ID, {
      functions: this.deploymentFunctions,
      app: this.app,
      loadBalancer: this.loadBalancer,
      vpc,
      imageRepositoryUri: imageRepository.repositoryUri,
      healthTimeout: props.healthTimeout,
      failFastThreshold: props.failFastThreshold,
      testScalePercent: props.testScalePercent,
      bakeTime: props.bakeTime,
      trafficShift: props.trafficShift,
      bakeAlarmNames: props.bakeAlarmNames,
      lifecycleHooks: props.lifecycleHooks,
      healthCheck: props.healthCheck,
      swapApprovalMode: props.swapApprovalMode,
      swapApprovalTimeout: props.swapApprovalTimeout,
    });
    // `cdk destroy` removes the target groups the controller made; it runs after everything that uses them is gone.
    this.teardown = new ControllerTeardown(this, 'ControllerTeardown', {
      provider: this.controllerResources,
      serviceName: this.app.serviceName,
      targetGroupNamePrefix: this.stateMachines.targetGroupNamePrefix,
      alarmNames: this.stateMachines.greenWatch.builtInAlarmNames,
    });
    for (const dependent of [
      this.app.service,
      this.loadBalancer.productionListener,
      this.loadBalancer.testListener,
      this.loadBalancer.productionRule,
      this.loadBalancer.testRule,
      this.loadBalancer.previousVersionRule,
    ]) {
      this.teardown.mustOutlive(dependent);
    }
    this.delivery = new DeliveryPipeline(this, 'Delivery', {
      sourceRepository,
      imageRepository,
      artifactBucket,
      stateMachines: this.stateMachines,
      clusterName: this.app.cluster.clusterName,
      serviceName: this.app.serviceName,
      serviceArn: this.app.service.serviceArn,
      taskDefinitionFamily: this.app.taskDefinition.family,
      containerName: this.app.containerName,
      taskRoleArns: [this.app.taskDefinition.taskRole.roleArn, this.app.taskDefinition.obtainExecutionRole().roleArn],
      testUrl: this.loadBalancer.testUrl,
      productionUrl: this.loadBalancer.productionUrl,
      branch: props.branch,
      swapApprovalTimeout: props.swapApprovalTimeout,
      swapApprovalMode: props.swapApprovalMode,
    });

    // Output IDs are public API: the bluegreen CLI and the README's commands read them.
    const outputs: Record<string, string> = {
      ProductionUrl: this.loadBalancer.productionUrl,
      TestUrl: this.loadBalancer.testUrl,
      ClusterName: this.app.cluster.clusterName,
      ServiceName: this.app.serviceName,
      ...Object.fromEntries(
        MACHINE_KEYS.map((key) => [MACHINES[key].outputKey, this.stateMachines[key].stateMachineArn]),
      ),
      DeploymentTableName: this.stateMachines.deploymentTable.tableName,
      // The controller-owned rules, so the CLI reads them by ARN instead of guessing a listener port and priority.
      ProductionRuleArn: this.loadBalancer.productionRule.ruleArn,
      TestRuleArn: this.loadBalancer.testRule.ruleArn,
      PipelineName: this.delivery.pipeline.pipelineName,
      ApprovalTopicArn: this.delivery.approvalTopic.topicArn,
      SourceRepositoryCloneUrl: sourceRepository.repositoryCloneUrlGrc,
      ImageRepositoryUri: imageRepository.repositoryUri,
      ArtifactBucketName: artifactBucket.bucketName,
    };
    for (const [name, value] of Object.entries(outputs)) new CfnOutput(this, name, { value });

    createSourceRepositoryFirst(this, sourceRepository);
    applyNagSuppressions(this, artifactBucket);
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
