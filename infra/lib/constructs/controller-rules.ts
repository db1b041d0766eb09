import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { PropValidationError } from '../private/validate';
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

/** A listener rule condition in ELBv2's API shape (`{Field: 'host-header', HostHeaderConfig: {Values: […]}}`). */
export type RuleCondition = Readonly<Record<string, unknown>>;

/** Every request: the condition of a service that has its listeners to itself. */
export const EVERY_PATH: readonly RuleCondition[] = [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }];

export interface ControllerRulesProps {
  /** Makes the three rules (create-only custom resources, see ControllerOwnedListenerRule). */
  readonly provider: IControllerResourceProvider;
  /** Name of the service the rules route to; their ownership tags carry it. */
  readonly serviceName: string;
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly productionListener: elbv2.IApplicationListener;
  readonly testListener: elbv2.IApplicationListener;
  /** Which requests on the production listener are this service's (API shape). */
  readonly conditions: readonly RuleCondition[];
  /** Which requests on the test listener are this service's (API shape). */
  readonly testConditions: readonly RuleCondition[];
  /**
   * Priority of the production and test rules; the previous-version rule takes the next one. Unique per listener.
   */
  readonly priority: number;
  /** What production answers (503) before the first release. */
  readonly productionIdleMessage: string;
  /** The tasks' security group: the load balancer may reach it on the container port. */
  readonly taskSecurityGroup: ec2.ISecurityGroup;
  readonly containerPort: number;
}

/**
 * The listener rules the deployment state machines own (they switch them between target groups with ModifyRule):
 * one on the production listener, one on the test listener, and the test listener's previous-version rule. They are
 * created once, with a fixed response, so a fresh stack answers clearly before the first release, and no stack update
 * ever changes where they send traffic.
 */
export class ControllerRules extends Construct {
  public readonly productionRule: ControllerOwnedListenerRule;
  public readonly testRule: ControllerOwnedListenerRule;
  /**
   * Keeps the version production served before a swap attached to the load balancer until clean-up or rollback.
   * ELBv2 health-checks only target groups that some rule uses, so without it blue's targets would go `unused` the
   * moment production moves to green, and a swap undo or a rollback would send production to targets nobody has
   * checked. It sits behind the test rule (same conditions, plus a header), so it routes no request a tester sends
   * without that header: it exists for health.
   */
  public readonly previousVersionRule: ControllerOwnedListenerRule;

  constructor(scope: Construct, id: string, props: ControllerRulesProps) {
    super(scope, id);
    if (props.productionIdleMessage.length === 0 || props.productionIdleMessage.length > 1024) {
      throw new PropValidationError(
        `productionIdleMessage is ${props.productionIdleMessage.length} characters; ELBv2 fixed responses take 1 to 1024. Shorten it.`,
      );
    }
    // Created once by the controller's provider: an AWS::ElasticLoadBalancingV2::ListenerRule would get its template
    // action back on every update of the rule, sending production to the 503 while a version is live.
    const owned = (
      ruleId: string,
      listener: elbv2.IApplicationListener,
      priority: number,
      conditions: readonly RuleCondition[],
      idleMessage: string,
    ) =>
      new ControllerOwnedListenerRule(this, ruleId, {
        provider: props.provider,
        listenerArn: listener.listenerArn,
        priority,
        conditions: conditions.map((condition) => ({ ...condition })),
        idleMessage,
        serviceName: props.serviceName,
      });
    this.productionRule = owned(
      'ProductionRule',
      props.productionListener,
      props.priority,
      props.conditions,
      props.productionIdleMessage,
    );
    this.testRule = owned('TestRule', props.testListener, props.priority, props.testConditions, TEST_IDLE_MESSAGE);
    const previous: RuleCondition = {
      Field: 'http-header',
      HttpHeaderConfig: { HttpHeaderName: PREVIOUS_VERSION_HEADER, Values: ['previous'] },
    };
    // A service with the listeners to itself keeps the header alone (as before several services could share them).
    const sameAsEveryPath = JSON.stringify(props.testConditions) === JSON.stringify(EVERY_PATH);
    this.previousVersionRule = owned(
      'PreviousVersionRule',
      props.testListener,
      props.priority + 1,
      sameAsEveryPath ? [previous] : [...props.testConditions, previous],
      PREVIOUS_VERSION_IDLE_MESSAGE,
    );

    props.taskSecurityGroup.connections.allowFrom(
      props.loadBalancer,
      ec2.Port.tcp(props.containerPort),
      'Load balancer to tasks (traffic and health checks)',
    );
  }
}
