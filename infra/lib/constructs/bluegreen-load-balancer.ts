import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { PropValidationError, validateCidrList, validateIntegerInRange } from '../private/validate';
import { ControllerOwnedListenerRule, type IControllerResourceProvider } from './controller-owned-resources';

/** What the controller-owned rules answer while they forward nowhere. The clean-up state machine uses the same text. */
export const PRODUCTION_IDLE_MESSAGE =
  'No version is live yet: approve the swap of the first deployment to release it.';
export const TEST_IDLE_MESSAGE =
  'No green deployment is under test. Push a commit or start deploy-green to create one.';
export const PREVIOUS_VERSION_IDLE_MESSAGE =
  'No previous version is kept: nothing was swapped since the last clean-up.';
/** Header of the previous-version rule on the test listener (see `previousVersionRule`). */
export const PREVIOUS_VERSION_HEADER = 'X-Bluegreen-Version';

export interface BlueGreenLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  /** Makes the three rules the state machines own (create-only custom resources, see ControllerOwnedListenerRule). */
  readonly provider: IControllerResourceProvider;
  /** Name of the service the rules route to; their ownership tags carry it. */
  readonly serviceName: string;
  /**
   * What production answers (503) before the first release. Changing it later changes nothing live: the rule keeps
   * whatever the controller set.
   * @default PRODUCTION_IDLE_MESSAGE
   */
  readonly productionIdleMessage?: string;
  /** Security group of the tasks; the load balancer is allowed to reach them on the container port. */
  readonly taskSecurityGroup: ec2.ISecurityGroup;
  readonly containerPort: number;
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
}

/**
 * An internet-facing ALB with a production listener and a restricted test listener. Each listener has one rule that
 * the deployment state machines own (they switch it between target groups with ModifyRule), and the test listener a
 * third, the previous-version rule; the rules start with a fixed response so a fresh stack answers clearly before the
 * first release.
 */
export class BlueGreenLoadBalancer extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly productionListener: elbv2.ApplicationListener;
  public readonly testListener: elbv2.ApplicationListener;
  public readonly productionRule: ControllerOwnedListenerRule;
  public readonly testRule: ControllerOwnedListenerRule;
  /**
   * Keeps the version production served before a swap attached to the load balancer until clean-up or rollback.
   * ELBv2 health-checks only target groups that some rule uses, so without it blue's targets would go `unused` the
   * moment production moves to green, and a swap undo or a rollback would send production to targets nobody has
   * checked. It sits behind the test rule (priority 1, every path), so it routes no request: it exists for health.
   */
  public readonly previousVersionRule: ControllerOwnedListenerRule;
  public readonly productionPort: number;
  public readonly testPort: number;

  constructor(scope: Construct, id: string, props: BlueGreenLoadBalancerProps) {
    super(scope, id);
    this.productionPort = props.productionPort ?? 80;
    this.testPort = props.testPort ?? 8080;
    validateIntegerInRange('productionPort', this.productionPort, 1, 65535, 'Use a TCP port such as 80.');
    validateIntegerInRange('testPort', this.testPort, 1, 65535, 'Use a TCP port such as 8080.');
    if (this.productionPort === this.testPort) {
      throw new Error(
        `productionPort and testPort are both ${this.testPort}; they must differ so testers never reach production by accident. Use e.g. 80 and 8080.`,
      );
    }
    if (props.testListenerAllowedCidrs !== undefined) {
      validateCidrList('testListenerAllowedCidrs', props.testListenerAllowedCidrs);
    }

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: true,
      dropInvalidHeaderFields: true,
    });

    this.productionListener = this.loadBalancer.addListener('ProductionListener', {
      port: this.productionPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: true,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' }),
    });
    this.testListener = this.loadBalancer.addListener('TestListener', {
      port: this.testPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' }),
    });
    const testPeers = props.testListenerAllowedCidrs ?? [];
    if (testPeers.length === 0) {
      this.testListener.connections.allowDefaultPortFrom(
        ec2.Peer.ipv4(props.vpc.vpcCidrBlock),
        'Test listener: VPC only',
      );
    }
    for (const cidr of testPeers) {
      this.testListener.connections.allowDefaultPortFrom(ec2.Peer.ipv4(cidr), `Test listener: ${cidr}`);
    }

    // Created once by the controller's provider: an AWS::ElasticLoadBalancingV2::ListenerRule would get its template
    // action back on every update of the rule, sending production to the 503 while a version is live.
    const owned = (
      ruleId: string,
      listener: elbv2.ApplicationListener,
      priority: number,
      conditions: Array<Record<string, unknown>>,
      idleMessage: string,
    ) =>
      new ControllerOwnedListenerRule(this, ruleId, {
        provider: props.provider,
        listenerArn: listener.listenerArn,
        priority,
        conditions,
        idleMessage,
        serviceName: props.serviceName,
      });
    const everyPath = [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }];
    const productionIdleMessage = props.productionIdleMessage ?? PRODUCTION_IDLE_MESSAGE;
    if (productionIdleMessage.length === 0 || productionIdleMessage.length > 1024) {
      throw new PropValidationError(
        `productionIdleMessage is ${productionIdleMessage.length} characters; ELBv2 fixed responses take 1 to 1024. Shorten it.`,
      );
    }
    this.productionRule = owned('ProductionRule', this.productionListener, 1, everyPath, productionIdleMessage);
    this.testRule = owned('TestRule', this.testListener, 1, everyPath, TEST_IDLE_MESSAGE);
    this.previousVersionRule = owned(
      'PreviousVersionRule',
      this.testListener,
      2,
      [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: PREVIOUS_VERSION_HEADER, Values: ['previous'] } }],
      PREVIOUS_VERSION_IDLE_MESSAGE,
    );

    props.taskSecurityGroup.connections.allowFrom(
      this.loadBalancer,
      ec2.Port.tcp(props.containerPort),
      'Load balancer to tasks (traffic and health checks)',
    );
  }

  get productionUrl(): string {
    return `http://${this.loadBalancer.loadBalancerDnsName}${this.productionPort === 80 ? '' : `:${this.productionPort}`}/`;
  }

  get testUrl(): string {
    return `http://${this.loadBalancer.loadBalancerDnsName}:${this.testPort}/`;
  }
}
