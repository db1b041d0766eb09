import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * What the deployment state machines control: one ECS service with the EXTERNAL deployment controller. The internal
 * constructs take this interface, not the construct that made the service, so the controller works on a cluster,
 * VPC and task definition it did not create.
 */
export interface ControlledService {
  readonly cluster: ecs.ICluster;
  /** The VPC green target groups are created in (the tasks' VPC). */
  readonly vpc: ec2.IVpc;
  /** A literal name: target group names, alarm names, IAM scopes and ownership tags derive from it. */
  readonly serviceName: string;
  readonly serviceArn: string;
  /** Tasks the first release runs; from then on the count belongs to the operator's scaling. */
  readonly desiredCount: number;
  /** The template each deploy-green copies, replacing only the app container's image. */
  readonly taskDefinition: ecs.TaskDefinition;
  readonly containerName: string;
  readonly containerPort: number;
  /** Every task set is launched with this security group, in these subnets. */
  readonly securityGroup: ec2.ISecurityGroup;
  readonly subnetIds: readonly string[];
}

/** Where the controlled service's traffic comes from: the rules the state machines switch between versions. */
export interface ControlledRouting {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly testListener: elbv2.IApplicationListener;
  readonly productionRuleArn: string;
  readonly testRuleArn: string;
  /** The test listener's rule that keeps the previous version health-checked until clean-up. */
  readonly previousVersionRuleArn: string;
  readonly productionUrl: string;
  readonly testUrl: string;
}

/** The functions every state machine invokes: validate-input first, and the smoke test (a lifecycle hook). */
export interface ControllerFunctions {
  readonly validateInput: lambda.IFunction;
  readonly smokeTest: lambda.IFunction;
}
