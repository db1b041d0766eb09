import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundledFunctionProps, tagHandler } from '../private/bundled-function';
import { PropValidationError, validateCidrList, validateIntegerInRange } from '../private/validate';

/**
 * Construct ids of the functions. Their CloudFormation logical ids are `<construct id><function id><8 hex>`, which is
 * how local AWS (harness/deploy/local-lambdas.ts) recognizes them in the template and runs the same handlers in-process.
 */
export const DEPLOYMENT_FUNCTION_IDS = { validateInput: 'ValidateInput', smokeTest: 'SmokeTest' } as const;
/** The id BlueGreenController gives this construct. */
export const DEPLOYMENT_FUNCTIONS_ID = 'DeploymentFunctions';

/** Handler source of each function, relative to the repository root. */
export const DEPLOYMENT_FUNCTION_ENTRIES = {
  validateInput: 'lambdas/validate-input/handler.ts',
  smokeTest: 'lambdas/smoke-test/handler.ts',
} as const;

export interface DeploymentFunctionsProps {
  readonly vpc: ec2.IVpc;
  /** The smoke test calls this listener; this construct allows the smoke test's traffic to reach it. */
  readonly testListener: elbv2.IApplicationListener;
  /** The test listener's port: the smoke test's only egress. */
  readonly testPort: number;
  /**
   * Retention of both functions' logs.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Longest a smoke test may run (Lambda timeout). Requests stop a few seconds before it, so a slow green is
   * reported as a failed smoke test rather than cut off.
   * @default Duration.minutes(2)
   */
  readonly smokeTestTimeout?: Duration;
  /**
   * Public IPv4 CIDRs the smoke test's requests come from when they reach the test listener. The load balancer is
   * internet-facing, so its DNS name resolves to public addresses and the requests leave the private subnets through
   * NAT: the load balancer sees the NAT gateways' Elastic IPs, not the function's VPC address.
   * @default - the Elastic IP of each NAT gateway that `vpc` created (an ec2.Vpc with natGateways >= 1)
   */
  readonly smokeTestSourceCidrs?: readonly string[];
}

/**
 * The Lambda functions the state machines invoke: validate-input (the first state of every one of them,
 * CheckInputFields) and smoke-test (deploy-green, after the test listener points at green). Both are bundled from lambdas/ with the local esbuild (never Docker), log to their own log group
 * with retention, and are traced with X-Ray. Smoke-test runs in the VPC's private subnets.
 */
export class DeploymentFunctions extends Construct {
  public readonly validateInput: nodejs.NodejsFunction;
  public readonly smokeTest: nodejs.NodejsFunction;
  /** Security group of the smoke-test function: egress to the test listener port only. */
  public readonly smokeTestSecurityGroup: ec2.SecurityGroup;
  /** Where the test listener admits the smoke test from (see smokeTestSourceCidrs). */
  public readonly smokeTestSourceCidrs: readonly string[];
  /** Roles of the two functions, by function id; each grants only its log group, X-Ray and (smoke test) ENIs. */
  public readonly roles: Readonly<Record<'validateInput' | 'smokeTest', iam.Role>>;

  constructor(scope: Construct, id: string, props: DeploymentFunctionsProps) {
    super(scope, id);
    const smokeTestTimeoutSeconds = (props.smokeTestTimeout ?? Duration.minutes(2)).toSeconds();
    validateIntegerInRange(
      'smokeTestTimeout (seconds)',
      smokeTestTimeoutSeconds,
      10,
      900,
      'Lambda allows up to 15 minutes; give a Duration from 10 seconds to 15 minutes, long enough for every path and retry.',
    );
    if (props.smokeTestSourceCidrs !== undefined) {
      validateCidrList('smokeTestSourceCidrs', props.smokeTestSourceCidrs);
    }
    this.smokeTestSourceCidrs = props.smokeTestSourceCidrs ?? natGatewayCidrs(props.vpc);

    const retention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const make = (
      functionId: string,
      entry: string,
      description: string,
      options: Partial<nodejs.NodejsFunctionProps>,
    ): { fn: nodejs.NodejsFunction; role: iam.Role } => {
      const logGroup = new logs.LogGroup(this, `${functionId}Logs`, { retention });
      // An own role instead of CDK's default one: the AWS managed policies would allow writing to every log group.
      const role = new iam.Role(this, `${functionId}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `ecs-bluegreen ${functionId}: its log group and X-Ray only`,
      });
      logGroup.grantWrite(role);
      const fn = new nodejs.NodejsFunction(this, functionId, {
        ...bundledFunctionProps(entry),
        description,
        role,
        logGroup,
        ...options,
      });
      tagHandler(fn, entry);
      return { fn, role };
    };

    const validate = make(
      DEPLOYMENT_FUNCTION_IDS.validateInput,
      DEPLOYMENT_FUNCTION_ENTRIES.validateInput,
      'ecs-bluegreen: checks the deploy-green input and names every invalid field',
      { timeout: Duration.seconds(10) },
    );

    const testPort = props.testPort;
    this.smokeTestSecurityGroup = new ec2.SecurityGroup(this, 'SmokeTestSecurityGroup', {
      vpc: props.vpc,
      description: `ecs-bluegreen smoke test: HTTP to the test listener (:${testPort}) only`,
      allowAllOutbound: false,
    });
    // The internet-facing load balancer's addresses are public and change, so egress is by port, not by address.
    this.smokeTestSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(testPort),
      `Smoke test to the test listener (:${testPort}) of the internet-facing load balancer`,
    );
    for (const cidr of this.smokeTestSourceCidrs) {
      props.testListener.connections.allowDefaultPortFrom(ec2.Peer.ipv4(cidr), 'Test listener: smoke test (via NAT)');
    }
    const smoke = make(
      DEPLOYMENT_FUNCTION_IDS.smokeTest,
      DEPLOYMENT_FUNCTION_ENTRIES.smokeTest,
      'ecs-bluegreen: GETs smoke-test paths on the test listener once it serves green',
      {
        timeout: Duration.seconds(smokeTestTimeoutSeconds),
        vpc: props.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [this.smokeTestSecurityGroup],
      },
    );
    // Lambda creates and removes the function's network interfaces with these; EC2 scopes none of them usefully.
    smoke.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        resources: ['*'],
      }),
    );

    this.validateInput = validate.fn;
    this.smokeTest = smoke.fn;
    this.roles = { validateInput: validate.role, smokeTest: smoke.role };
    acknowledgeNagFindings(this);
  }

  /** Lets `grantee` (a state machine) invoke both functions, and nothing else. */
  grantInvoke(grantee: iam.IGrantable): void {
    this.validateInput.grantInvoke(grantee);
    this.smokeTest.grantInvoke(grantee);
  }
}

/**
 * cdk-nag findings on these functions that are accepted, each with its reason (kept here rather than in
 * a stack-wide list, so they travel with the construct). Acknowledgments are exact finding ids.
 */
function acknowledgeNagFindings(functions: DeploymentFunctions): void {
  const ack = (scope: Construct, id: string, reason: string): void => Validations.of(scope).acknowledge({ id, reason });
  ack(
    functions.roles.validateInput,
    'AwsSolutions-IAM5[Resource::*]',
    'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level permissions; logs are granted on the function’s own log group only.',
  );
  ack(
    functions.roles.smokeTest,
    'AwsSolutions-IAM5[Resource::*]',
    'X-Ray tracing and the network-interface actions Lambda needs to run a function in a VPC (ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DeleteNetworkInterface, …) have no useful resource-level permissions; Lambda creates the interfaces at run time.',
  );
}

/** `<EIP>/32` for each NAT gateway an ec2.Vpc made in its public subnets. */
function natGatewayCidrs(vpc: ec2.IVpc): string[] {
  const cidrs = vpc.publicSubnets.flatMap((subnet) => {
    const eip = subnet.node.tryFindChild('EIP');
    return eip instanceof ec2.CfnEIP ? [`${eip.attrPublicIp}/32`] : [];
  });
  if (cidrs.length === 0) {
    throw new PropValidationError(
      `smokeTestSourceCidrs is not set and vpc ${vpc.node.path} has no NAT gateway Elastic IP this construct can find ` +
        '(an imported VPC, NAT instances, or natGateways: 0). The smoke test reaches the internet-facing test listener ' +
        "through NAT, so give the NAT's public addresses, for example smokeTestSourceCidrs: ['203.0.113.10/32'].",
    );
  }
  return cidrs;
}
