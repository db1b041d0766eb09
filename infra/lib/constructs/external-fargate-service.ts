import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { validateIntegerInRange, validateName } from '../private/validate';
import { ControllerOwnedService, type IControllerResourceProvider } from './controller-owned-resources';

export interface ExternalFargateServiceProps {
  readonly vpc: ec2.IVpc;
  /** Repository the app images are pushed to; the template task definition points at it. */
  readonly repository: ecr.IRepository;
  /** Makes the service (a create-only custom resource, see ControllerOwnedService). */
  readonly provider: IControllerResourceProvider;
  /**
   * Tasks the first release runs. The service is created with 0 (nothing runs before the first deployment); the
   * first deploy-green sets this count, and from then on the count belongs to the operator's scaling: no stack update
   * and no later deployment changes it.
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
   * CPU units of the template task definition (Fargate: 256, 512, 1024, 2048, 4096, 8192 or 16384). Each release
   * copies the template, so a change applies from the next deploy-green; running versions keep theirs.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Memory (MiB) of the template task definition; it must be a Fargate combination with `cpu`.
   * @default 512
   */
  readonly memoryLimitMiB?: number;
  /**
   * How long the app's container logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * An ECS cluster and a service with the EXTERNAL deployment controller: ECS runs whatever Fargate task sets the
 * deployment state machines create, and the service itself carries no task definition or load balancer. The service
 * is created with 0 tasks through a create-only custom resource, so no stack update can change its desired count.
 */
export class ExternalFargateService extends Construct {
  public readonly cluster: ecs.Cluster;
  /** The ECS service, created once by the controller's provider; CloudFormation never updates it. */
  public readonly service: ControllerOwnedService;
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

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: props.cpu ?? 256,
      memoryLimitMiB: props.memoryLimitMiB ?? 512,
    });
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

    // Not an AWS::ECS::Service: CloudFormation would resend its DesiredCount on every update of the resource, and
    // without one it creates the service with 1 task, which an EXTERNAL service without task sets never reaches.
    this.service = new ControllerOwnedService(this, 'Service', {
      provider: props.provider,
      clusterName: this.cluster.clusterName,
      serviceName,
    });
  }
}
