import { RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BlueGreenController, type ServiceAutoScalingOptions } from '../../infra/lib';

/** One service behind the shared load balancer: its host name and its own test listener port. */
export interface SharedAlbService {
  /** Construct id and output prefix (`Web` → outputs `WebServiceName`, …). */
  readonly id: string;
  readonly serviceName: string;
  /** Production requests for this host go to the service. */
  readonly host: string;
  /** Its test listener's port: testers and the smoke test reach green there. */
  readonly testPort: number;
  /** Its rules' priority on the production listener (unique there). */
  readonly rulePriority: number;
  /**
   * Target tracking on its desired count, kept working through its deployments.
   * @default - none
   */
  readonly autoScaling?: ServiceAutoScalingOptions;
}

export const TWO_SERVICES: readonly SharedAlbService[] = [
  { id: 'Web', serviceName: 'web', host: 'web.example.com', testPort: 8081, rulePriority: 10 },
  {
    id: 'Api',
    serviceName: 'api',
    host: 'api.example.com',
    testPort: 8082,
    rulePriority: 20,
    autoScaling: { minCapacity: 1, maxCapacity: 6, targetRequestsPerTarget: 1000 },
  },
];

export interface TwoServicesStackProps extends StackProps {
  /** @default TWO_SERVICES */
  readonly services?: readonly SharedAlbService[];
  /**
   * Tasks each version of each service runs.
   * @default 2
   */
  readonly desiredCount?: number;
}

/**
 * Several services behind one Application Load Balancer, built only from the library's public API: a platform team's
 * VPC, cluster and load balancer, one production listener shared by host name, and a test listener per service. Each
 * service has its own BlueGreenController (its own state machines, record and lease, IAM scoped to its service,
 * target groups and rules), so services deploy independently and at the same time.
 */
export class TwoServicesStack extends Stack {
  public readonly controllers: readonly BlueGreenController[];

  constructor(scope: Construct, id: string, props: TwoServicesStackProps = {}) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      dropInvalidHeaderFields: true,
    });
    const notFound = elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' });
    const production = loadBalancer.addListener('Production', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: true,
      defaultAction: notFound,
    });
    Validations.of(loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason: 'An example: access logs need a bucket and cost per request; enable them for production services.',
    });
    Validations.of(loadBalancer.node.findChild('SecurityGroup')).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'The production listener (:80) is the public website; test listeners admit only the VPC.',
    });

    this.controllers = (props.services ?? TWO_SERVICES).map((service) => {
      const test = loadBalancer.addListener(`${service.id}Test`, {
        port: service.testPort,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: notFound,
      });
      test.connections.allowDefaultPortFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock), 'Test listener: VPC only');
      const repository = new ecr.Repository(this, `${service.id}Images`, {
        imageScanOnPush: true,
        imageTagMutability: ecr.TagMutability.IMMUTABLE,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const taskDefinition = new ecs.FargateTaskDefinition(this, `${service.id}Task`, {
        cpu: 256,
        memoryLimitMiB: 512,
      });
      taskDefinition.addContainer('app', {
        image: ecs.ContainerImage.fromEcrRepository(repository, 'latest'),
        portMappings: [{ containerPort: 80 }],
        logging: ecs.LogDrivers.awsLogs({
          logGroup: new logs.LogGroup(this, `${service.id}Logs`, { retention: logs.RetentionDays.ONE_MONTH }),
          streamPrefix: service.serviceName,
        }),
      });
      Validations.of(taskDefinition.obtainExecutionRole()).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:GetAuthorizationToken has no resource-level permissions; CDK grants it on *.',
      });
      const controller = new BlueGreenController(this, service.id, {
        cluster,
        loadBalancer,
        productionListener: production,
        testListener: test,
        taskDefinition,
        serviceName: service.serviceName,
        desiredCount: props.desiredCount,
        conditions: [elbv2.ListenerCondition.hostHeaders([service.host])],
        testConditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
        rulePriority: service.rulePriority,
        autoScaling: service.autoScaling,
      });
      controller.addOutput('ImageRepositoryUri', repository.repositoryUri);
      return controller;
    });
  }
}
