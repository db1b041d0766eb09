import { RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BlueGreenController } from '../../infra/lib';

/** One of the two services of the migration: its own test listener port and its production rule's priority. */
export interface MigrationService {
  /** Construct id and output prefix (`Old` → outputs `OldServiceName`, …). */
  readonly id: string;
  readonly serviceName: string;
  /** Its test listener's port: testers and the smoke test reach its green there. */
  readonly testPort: number;
  /** Its production rule's priority on the shared production listener (the smaller number wins). */
  readonly rulePriority: number;
}

/** The host production answers: both services' production rules have this one condition. */
export const MIGRATION_HOST = 'www.example.com';

/**
 * The service being moved. Its production rule has the smaller priority, so it answers every production request
 * until the cut-over.
 */
export const OLD_SERVICE: MigrationService = { id: 'Old', serviceName: 'web', testPort: 8081, rulePriority: 10 };

/** The controller's new service: the same conditions at a larger priority, so it answers nothing until the cut-over. */
export const NEW_SERVICE: MigrationService = {
  id: 'New',
  serviceName: 'web-bluegreen',
  testPort: 8082,
  rulePriority: 20,
};

export interface MigrationStackProps extends StackProps {
  /**
   * Tasks each version of each service runs.
   * @default 2
   */
  readonly desiredCount?: number;
}

/**
 * The README's "Moving an existing service onto the controller", built only from the library's public API: an existing
 * service and a new BlueGreenController service side by side on one Application Load Balancer, both behind the same
 * production listener with the same conditions (host `MIGRATION_HOST`), the old service's rule first (priority 10),
 * the new one's after it (priority 20), and a test listener each. Both run images from one repository (the app's).
 * The cut-over is one listener rule change: delete the old service's production rule (or give it a priority after
 * the new one's); the way back is to restore it.
 *
 * The old service is modelled, not real: a real one is a rolling-update (ECS deployment controller) or CodeDeploy
 * service whose tasks ECS registers in its target group, and local AWS runs only EXTERNAL services and makes target
 * groups only through their API (no AWS::ElasticLoadBalancingV2::TargetGroup, AWS::ECS::TaskSet or ECS/CODE_DEPLOY
 * deployment controller). So the old service here is itself a BlueGreenController service released once: what the
 * cut-over depends on is the same, a production rule at the smaller priority forwarding to a target group of running,
 * healthy tasks. What this does not show is how a rolling or CodeDeploy service reacts to losing its rule (it keeps
 * its tasks, and CodeDeploy's deployment group must be deleted before its rule; see the README).
 */
export class MigrationStack extends Stack {
  /** The old service's stand-in (see the class comment). */
  public readonly oldController: BlueGreenController;
  /** The new service: the one the operator keeps. */
  public readonly newController: BlueGreenController;

  constructor(scope: Construct, id: string, props: MigrationStackProps = {}) {
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
    // The app's images: the old service runs one of them, and the new service releases the same ones.
    const repository = new ecr.Repository(this, 'Images', {
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const controllerFor = (service: MigrationService): BlueGreenController => {
      const test = loadBalancer.addListener(`${service.id}Test`, {
        port: service.testPort,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: notFound,
      });
      test.connections.allowDefaultPortFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock), 'Test listener: VPC only');
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
        // The same conditions for both services: which of them answers is decided by priority alone.
        conditions: [elbv2.ListenerCondition.hostHeaders([MIGRATION_HOST])],
        testConditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
        rulePriority: service.rulePriority,
      });
      controller.addOutput('ImageRepositoryUri', repository.repositoryUri);
      return controller;
    };
    this.oldController = controllerFor(OLD_SERVICE);
    this.newController = controllerFor(NEW_SERVICE);
  }
}
