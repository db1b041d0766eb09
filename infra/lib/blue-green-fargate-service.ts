import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SERVICE_OUTPUT_KEYS } from '../../contract';
import { BlueGreenController } from './blue-green-controller';
import type { BlueGreenDeploymentOptions } from './controller-options';
import { validateCidrList, validateIntegerInRange } from './private/validate';

export interface BlueGreenFargateServiceProps extends BlueGreenDeploymentOptions {
  /**
   * Name of the ECS service (1-32 letters, digits and hyphens: it feeds target group names, which ELBv2 limits).
   */
  readonly serviceName: string;
  /**
   * The VPC of the cluster and load balancer.
   * @default - a 2-AZ VPC with one NAT gateway, and flow logs of rejected traffic kept for a month
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The cluster the service runs in; it must be in `vpc`.
   * @default - a new cluster with Container Insights
   */
  readonly cluster?: ecs.ICluster;
  /**
   * Where the app's images are pushed; the template task definition points at its `latest` tag, and each release
   * at the image its input names.
   * @default - a new repository with immutable tags, scan on push, keeping the 30 newest images
   */
  readonly imageRepository?: ecr.IRepository;
  /**
   * What happens to the image repository this construct creates when the stack is deleted (DESTROY also empties it).
   * Keep RETAIN for a production service whose images must outlive the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Name of the app container in the template task definition; deploy-green replaces this container's image.
   * @default 'app'
   */
  readonly containerName?: string;
  /**
   * Port the app container listens on.
   * @default 80
   */
  readonly containerPort?: number;
  /**
   * CPU units and memory (MiB) of the template task definition (a Fargate combination); each release copies them.
   * @default - 256 CPU units, 512 MiB
   */
  readonly taskSize?: { readonly cpu: number; readonly memoryLimitMiB: number };
  /**
   * IPv4 CIDR blocks allowed to reach the test listener. Green versions are unreleased, so this never defaults to
   * the internet, and 0.0.0.0/0 is rejected.
   * @default - the VPC's CIDR block only
   */
  readonly testListenerAllowedCidrs?: readonly string[];
  /**
   * Port of the production listener.
   * @default 80
   */
  readonly productionPort?: number;
  /**
   * Port of the test listener.
   * @default 8080
   */
  readonly testPort?: number;
  /**
   * How long the app container's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly appLogRetention?: logs.RetentionDays;
}

/**
 * Batteries included: a VPC, a cluster, an image repository, a template Fargate task definition and an
 * internet-facing Application Load Balancer with a production and a restricted test listener, all optional to bring
 * your own, and a BlueGreenController that deploys to them.
 *
 * Construct ids are public API. The children are `Vpc`, `VpcFlowLogs`, `ImageRepository`, `App` (the cluster, the
 * template task definition and its log group), `LoadBalancer` (the load balancer and its listeners) and the
 * controller, whose id is `Default`: its resources' logical ids are those a BlueGreenController would have in this
 * construct's place.
 */
export class BlueGreenFargateService extends Construct {
  public readonly vpc: ec2.IVpc;
  public readonly cluster: ecs.ICluster;
  public readonly imageRepository: ecr.IRepository;
  /** The template every deployment copies (only the app container's image changes). */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly productionListener: elbv2.ApplicationListener;
  public readonly testListener: elbv2.ApplicationListener;
  public readonly controller: BlueGreenController;

  constructor(scope: Construct, id: string, props: BlueGreenFargateServiceProps) {
    super(scope, id);
    const productionPort = props.productionPort ?? 80;
    const testPort = props.testPort ?? 8080;
    validateIntegerInRange('productionPort', productionPort, 1, 65535, 'Use a TCP port such as 80.');
    validateIntegerInRange('testPort', testPort, 1, 65535, 'Use a TCP port such as 8080.');
    if (productionPort === testPort) {
      throw new Error(
        `productionPort and testPort are both ${testPort}; they must differ so testers never reach production by accident. Use e.g. 80 and 8080.`,
      );
    }
    if (props.testListenerAllowedCidrs !== undefined) {
      validateCidrList('testListenerAllowedCidrs', props.testListenerAllowedCidrs);
    }
    const containerName = props.containerName ?? 'app';
    const containerPort = props.containerPort ?? 80;
    validateIntegerInRange('containerPort', containerPort, 1, 65535, 'Use the port the app listens on.');

    this.vpc = props.vpc ?? props.cluster?.vpc ?? this.defaultVpc();
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.imageRepository =
      props.imageRepository ??
      new ecr.Repository(this, 'ImageRepository', {
        imageScanOnPush: true,
        imageTagMutability: ecr.TagMutability.IMMUTABLE,
        lifecycleRules: [{ description: 'Keep the 30 newest images', maxImageCount: 30 }],
        removalPolicy,
        emptyOnDelete: removalPolicy === RemovalPolicy.DESTROY,
      });

    const app = new Construct(this, 'App');
    this.cluster =
      props.cluster ??
      new ecs.Cluster(app, 'Cluster', { vpc: this.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    this.taskDefinition = new ecs.FargateTaskDefinition(app, 'TaskDefinition', {
      cpu: props.taskSize?.cpu ?? 256,
      memoryLimitMiB: props.taskSize?.memoryLimitMiB ?? 512,
    });
    const logGroup = new logs.LogGroup(app, 'AppLogs', {
      retention: props.appLogRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.taskDefinition.addContainer(containerName, {
      image: ecs.ContainerImage.fromEcrRepository(this.imageRepository, 'latest'),
      portMappings: [{ containerPort }],
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'app' }),
      essential: true,
    });

    const network = new Construct(this, 'LoadBalancer');
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(network, 'LoadBalancer', {
      vpc: this.vpc,
      internetFacing: true,
      dropInvalidHeaderFields: true,
    });
    const notFound = elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' });
    this.productionListener = this.loadBalancer.addListener('ProductionListener', {
      port: productionPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: true,
      defaultAction: notFound,
    });
    this.testListener = this.loadBalancer.addListener('TestListener', {
      port: testPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: notFound,
    });
    const testPeers = props.testListenerAllowedCidrs ?? [];
    if (testPeers.length === 0) {
      this.testListener.connections.allowDefaultPortFrom(
        ec2.Peer.ipv4(this.vpc.vpcCidrBlock),
        'Test listener: VPC only',
      );
    }
    for (const cidr of testPeers) {
      this.testListener.connections.allowDefaultPortFrom(ec2.Peer.ipv4(cidr), `Test listener: ${cidr}`);
    }
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason:
        'Access logs need a bucket and cost per request; enable them for production services (ALB attribute access_logs.s3.enabled).',
    });
    Validations.of(this.loadBalancer.node.findChild('SecurityGroup')).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: `The production listener (:${productionPort}) is the public website and must accept the internet. The test listener (:${testPort}) is restricted to testListenerAllowedCidrs (VPC CIDR by default).`,
    });
    Validations.of(this.taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken has no resource-level permissions (IAM service authorization reference); CDK grants it on *.',
    });

    const { vpc: _vpc, cluster: _cluster, imageRepository: _repository, ...options } = props;
    this.controller = new BlueGreenController(this, 'Default', {
      ...options,
      cluster: this.cluster,
      loadBalancer: this.loadBalancer,
      productionListener: this.productionListener,
      testListener: this.testListener,
      taskDefinition: this.taskDefinition,
      containerName,
      containerPort,
    });
    this.controller.addOutput(SERVICE_OUTPUT_KEYS.imageRepository, this.imageRepository.repositoryUri);
  }

  private defaultVpc(): ec2.IVpc {
    return new ec2.Vpc(this, 'Vpc', {
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
  }
}
