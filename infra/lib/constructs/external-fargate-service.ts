import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { validateIntegerInRange, validateName } from '../private/validate';

export interface ExternalFargateServiceProps {
  readonly vpc: ec2.IVpc;
  /** Repository the app images are pushed to; the template task definition points at it. */
  readonly repository: ecr.IRepository;
  /**
   * Tasks each version runs once deployed. The controller owns this count: the service is created with 0 (nothing
   * runs before the first deployment) and deploy-green raises it to this value on the first deployment.
   * @default 2
   */
  readonly desiredCount?: number;
  /**
   * Name of the ECS service. It appears in ARNs, target group names and logs.
   * @default 'demo-app'
   */
  readonly serviceName?: string;
  /**
   * Name of the app container in the task definition; deploy-green replaces this container's image.
   * @default 'app'
   */
  readonly containerName?: string;
  /**
   * Port the app container listens on.
   * @default 80
   */
  readonly containerPort?: number;
  /**
   * How long the app's container logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * An ECS cluster and a Fargate service with the EXTERNAL deployment controller: ECS runs whatever task sets the
 * deployment state machines create, and the service itself carries no task definition or load balancer.
 */
export class ExternalFargateService extends Construct {
  public readonly cluster: ecs.Cluster;
  public readonly service: ecs.FargateService;
  /** The template every deployment copies (only the app container's image changes). */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** Security group every task set is launched with. */
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly desiredCount: number;
  /** The service name as a literal (the L2's serviceName is a token), for names derived from it. */
  public readonly serviceName: string;
  public readonly containerName: string;
  public readonly containerPort: number;

  constructor(scope: Construct, id: string, props: ExternalFargateServiceProps) {
    super(scope, id);
    this.desiredCount = props.desiredCount ?? 2;
    validateIntegerInRange(
      'desiredCount',
      this.desiredCount,
      1,
      1000,
      'It is the number of tasks each version runs; use at least 1 (2 or more for availability across AZs).',
    );
    const serviceName = props.serviceName ?? 'demo-app';
    this.serviceName = serviceName;
    validateName('serviceName', serviceName, 32, 'ECS service names feed target group names, which ELBv2 limits');
    this.containerName = props.containerName ?? 'app';
    validateName('containerName', this.containerName, 255, 'ECS limits container names to 255 characters');
    this.containerPort = props.containerPort ?? 80;
    validateIntegerInRange('containerPort', this.containerPort, 1, 65535, 'Use the port the app listens on.');

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', { cpu: 256, memoryLimitMiB: 512 });
    const logGroup = new logs.LogGroup(this, 'AppLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.taskDefinition.addContainer(this.containerName, {
      image: ecs.ContainerImage.fromEcrRepository(props.repository, 'latest'),
      portMappings: [{ containerPort: this.containerPort }],
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'app' }),
      essential: true,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: 'Tasks of every blue/green task set; reachable only from the load balancer',
      allowAllOutbound: true,
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      serviceName,
      taskDefinition: this.taskDefinition,
      deploymentController: { type: ecs.DeploymentControllerType.EXTERNAL },
      // 0 at creation: with EXTERNAL, tasks run only in task sets, so CloudFormation could never see a count > 0
      // become stable. deploy-green sets desiredCount on the first deployment (see IsServiceScaledToZero).
      desiredCount: 0,
      securityGroups: [this.securityGroup],
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
    });
    Validations.of(this.service).acknowledge({
      id: 'Annotation::@aws-cdk/aws-ecs:externalDeploymentController',
      reason:
        'Intended: with EXTERNAL, each task set carries its task definition and launch type, set by deploy-green.',
    });
  }
}
