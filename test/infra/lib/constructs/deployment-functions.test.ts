import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import {
  DeploymentFunctions,
  type DeploymentFunctionsProps,
} from '../../../../infra/lib/constructs/deployment-functions';
import { synthStack } from '../../synth';

/** The real stack, as cdk synth builds it. */
const { stack, template } = synthStack();
const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as never);
const fnProps = (construct: { node: { defaultChild?: unknown } }): Record<string, unknown> =>
  (template.toJSON() as { Resources: Record<string, { Properties: Record<string, unknown> }> }).Resources[
    logicalId(construct)
  ]?.Properties ?? {};

describe('DeploymentFunctions in the stack', () => {
  const functions = stack.controller.functions;

  test('both are bundled Node.js 20 functions with X-Ray tracing and source maps', () => {
    for (const fn of [functions.validateInput, functions.smokeTest]) {
      expect(fnProps(fn)).toMatchObject({
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
    }
  });

  test('each logs to its own log group, kept 3 months', () => {
    for (const fn of [functions.validateInput, functions.smokeTest]) {
      const ref = (fnProps(fn).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(template.toJSON().Resources[ref]).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 90 },
      });
    }
  });

  test('validate-input runs outside the VPC; smoke-test in the private subnets with its own security group', () => {
    expect(fnProps(functions.validateInput).VpcConfig).toBeUndefined();
    const vpcConfig = fnProps(functions.smokeTest).VpcConfig as {
      SubnetIds: Array<{ Ref: string }>;
      SecurityGroupIds: unknown[];
    };
    expect(vpcConfig.SubnetIds.map((s) => s.Ref).sort()).toEqual(
      stack.controller.cluster.vpc.privateSubnets.map((s) => logicalId(s)).sort(),
    );
    expect(vpcConfig.SecurityGroupIds).toEqual([
      { 'Fn::GetAtt': [logicalId(functions.smokeTestSecurityGroup), 'GroupId'] },
    ]);
  });

  test('the smoke test may only send HTTP to the test listener port, and the test listener admits it via NAT', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('smoke test'),
      SecurityGroupEgress: [
        { CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, Description: Match.anyValue() },
      ],
    });
    const albGroup = template.toJSON().Resources[logicalId(stack.service.loadBalancer.connections.securityGroups[0]!)];
    const ingress = (albGroup.Properties.SecurityGroupIngress as Array<Record<string, unknown>>).filter(
      (rule) => rule.FromPort === 8080,
    );
    expect(ingress).toContainEqual(
      expect.objectContaining({
        CidrIp: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/EIP/), 'PublicIp'] }, '/32']] },
        IpProtocol: 'tcp',
        ToPort: 8080,
      }),
    );
    expect(ingress.map((r) => r.CidrIp)).not.toContain('0.0.0.0/0');
  });

  test('the roles carry no AWS managed policy: only their log group, X-Ray and (smoke test) network interfaces', () => {
    for (const role of Object.values(functions.roles)) {
      expect(template.toJSON().Resources[logicalId(role)].Properties.ManagedPolicyArns).toBeUndefined();
    }
    const statements = (role: keyof typeof functions.roles): Array<{ Action: string | string[] }> =>
      Object.values(template.findResources('AWS::IAM::Policy'))
        .filter(
          (p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: logicalId(functions.roles[role]) }]),
        )
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>);
    const actions = (role: keyof typeof functions.roles): string[] =>
      statements(role)
        .flatMap((s) => s.Action)
        .sort();
    expect(actions('validateInput')).toEqual(
      ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'].sort(),
    );
    expect(actions('smokeTest')).toEqual(
      expect.arrayContaining(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']),
    );
  });
});

describe('DeploymentFunctions props', () => {
  function make(props: Partial<DeploymentFunctionsProps> = {}, vpcProps: ec2.VpcProps = { maxAzs: 2, natGateways: 1 }) {
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', vpcProps);
    const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc, internetFacing: true });
    const testListener = loadBalancer.addListener('Test', {
      port: 8080,
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(404),
    });
    const functions = new DeploymentFunctions(stack, 'Functions', { vpc, testListener, testPort: 8080, ...props });
    return { stack, functions };
  }

  test('logRetention and smokeTestTimeout are applied', () => {
    const { stack, functions } = make({
      logRetention: logs.RetentionDays.ONE_WEEK,
      smokeTestTimeout: Duration.minutes(5),
    });
    const t = Template.fromStack(stack);
    t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    expect(functions.smokeTest.timeout?.toSeconds()).toBe(300);
  });

  test('explicit smokeTestSourceCidrs replace the NAT addresses on the test listener', () => {
    const { stack, functions } = make({ smokeTestSourceCidrs: ['203.0.113.10/32'] });
    expect(functions.smokeTestSourceCidrs).toEqual(['203.0.113.10/32']);
    const cidrs = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup')).flatMap((sg) =>
      ((sg.Properties.SecurityGroupIngress ?? []) as Array<Record<string, unknown>>)
        .filter((rule) => String(rule.Description).includes('smoke test'))
        .map((rule) => rule.CidrIp),
    );
    expect(cidrs).toEqual(['203.0.113.10/32']);
  });

  test.each([
    [
      { smokeTestTimeout: Duration.seconds(5) },
      /smokeTestTimeout \(seconds\) is 5, but it must be a whole number from 10 to 900/,
    ],
    [{ smokeTestTimeout: Duration.minutes(16) }, /smokeTestTimeout \(seconds\) is 960/],
    [
      { smokeTestSourceCidrs: ['0.0.0.0/0'] },
      /smokeTestSourceCidrs contains '0.0.0.0\/0', which opens the test listener/,
    ],
    [{ smokeTestSourceCidrs: ['nat'] }, /smokeTestSourceCidrs contains 'nat', which is not an IPv4 CIDR block/],
  ])('rejects %j, naming the value and the fix', (props, message) => {
    expect(() => make(props as Partial<DeploymentFunctionsProps>)).toThrow(message);
  });

  test('without NAT gateways it asks for smokeTestSourceCidrs', () => {
    expect(() =>
      make(
        {},
        {
          maxAzs: 2,
          natGateways: 0,
          subnetConfiguration: [
            { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
            { name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
          ],
        },
      ),
    ).toThrow(
      /smokeTestSourceCidrs is not set and vpc .* has no NAT gateway Elastic IP.*smokeTestSourceCidrs: \['203\.0\.113\.10\/32'\]/,
    );
  });
});
