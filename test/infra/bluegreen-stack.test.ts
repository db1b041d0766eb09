import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'aws-cdk-lib';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Match } from 'aws-cdk-lib/assertions';
import { PIPELINE_STAGES } from '../../pipeline/delivery-pipeline';
import { readAsl, STATE_MACHINE_NAMES } from '../../infra/lib/private/asl';
import { permissionsFor } from '../../infra/lib/private/state-machine-permissions';
import { synthStack } from './synth';

const { stack, template } = synthStack();
const resources = (type: string): Array<[string, { Properties: Record<string, unknown> }]> =>
  Object.entries(template.findResources(type)) as Array<[string, { Properties: Record<string, unknown> }]>;
type Declared = { Type: string; Properties?: Record<string, unknown>; DependsOn?: unknown };
const allResources = (): Array<[string, Declared]> =>
  Object.entries((template.toJSON() as { Resources: Record<string, Declared> }).Resources);

describe('ECS', () => {
  test('the service is created once by the controller (0 tasks, EXTERNAL): no AWS::ECS::Service for CloudFormation to update', () => {
    expect(resources('AWS::ECS::Service')).toEqual([]);
    const services = resources('Custom::BlueGreenService');
    expect(services).toHaveLength(1);
    expect(services[0]?.[1].Properties).toMatchObject({ ServiceName: 'demo-app', StackName: 'EcsBlueGreen' });
    // No property a stack update could resend: the count, task sets and primary belong to the controller.
    expect(Object.keys(services[0]?.[1].Properties ?? {}).sort()).toEqual(
      ['Cluster', 'ServiceName', 'ServiceToken', 'StackName'].sort(),
    );
  });

  test('every other resource waits for the CodeCommit repository (an account closed to CodeCommit fails first)', () => {
    const repository = resources('AWS::CodeCommit::Repository')[0]?.[0] as string;
    const all = allResources();
    const waiting = all.filter(
      ([id, r]) =>
        id === repository ||
        JSON.stringify(r.DependsOn ?? []).includes(repository) ||
        JSON.stringify(r.Properties ?? {}).includes(`"${repository}"`) ||
        r.Type === 'AWS::CDK::Metadata',
    );
    expect(all.filter(([id]) => !waiting.some(([w]) => w === id)).map(([id]) => id)).toEqual([]);
  });

  test('deploy-green receives the configured desired count', () => {
    const deployGreen = resources('AWS::StepFunctions::StateMachine').find(([id]) => id.includes('DeployGreen'));
    expect(deployGreen?.[1].Properties.DefinitionSubstitutions).toMatchObject({ DesiredCount: '2' });
    const custom = synthStack({ desiredCount: 5 }).template.findResources('AWS::StepFunctions::StateMachine');
    const subs = Object.values(custom).map(
      (r) =>
        (r as { Properties: { DefinitionSubstitutions: Record<string, string> } }).Properties.DefinitionSubstitutions,
    );
    expect(subs.some((s) => s.DesiredCount === '5')).toBe(true);
  });

  test('the VPC spans 2 AZs and ECR scans on push', () => {
    expect(resources('AWS::EC2::Subnet').length).toBe(4);
    template.hasResourceProperties('AWS::ECR::Repository', { ImageScanningConfiguration: { ScanOnPush: true } });
  });
});

describe('load balancer', () => {
  test('has a production listener on 80 and a test listener on 8080', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 8080, Protocol: 'HTTP' });
  });

  test('the controller-owned rules (production, test, previous version) answer a fixed response until a version is live', () => {
    expect(resources('AWS::ElasticLoadBalancingV2::ListenerRule')).toEqual([]);
    const rules = resources('Custom::BlueGreenListenerRule');
    expect(rules.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'LoadBalancerPreviousVersionRule',
      'LoadBalancerProductionRule',
      'LoadBalancerTestRule',
    ]);
    for (const [, rule] of rules) {
      expect(rule.Properties).toMatchObject({ IdleStatusCode: '503', IdleMessage: expect.any(String) });
    }
  });

  test('the previous-version rule sits behind the test rule, so it keeps a target group in use without routing to it', () => {
    const byId = Object.fromEntries(
      resources('Custom::BlueGreenListenerRule').map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r]),
    );
    const test = byId.LoadBalancerTestRule?.Properties;
    const previous = byId.LoadBalancerPreviousVersionRule?.Properties;
    expect(previous?.ListenerArn).toEqual(test?.ListenerArn);
    expect(Number(previous?.Priority)).toBeGreaterThan(Number(test?.Priority));
    expect(test?.Conditions).toEqual([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }]);
  });

  test('cdk destroy: the teardown is deleted after the service, the listeners and the owned rules', () => {
    const teardown = resources('Custom::BlueGreenTeardown');
    expect(teardown).toHaveLength(1);
    const id = teardown[0]?.[0] as string;
    // (Their permission policies wait too; each resource still outlives its own policy.)
    const dependents = allResources().filter(
      ([, r]) => r.Type !== 'AWS::IAM::Policy' && JSON.stringify(r.DependsOn ?? []).includes(`"${id}"`),
    );
    expect(dependents.map(([, r]) => r.Type).sort()).toEqual(
      [
        'AWS::ElasticLoadBalancingV2::Listener',
        'AWS::ElasticLoadBalancingV2::Listener',
        'Custom::BlueGreenListenerRule',
        'Custom::BlueGreenListenerRule',
        'Custom::BlueGreenListenerRule',
        'Custom::BlueGreenService',
      ].sort(),
    );
  });

  const ingressOf = (tmpl: typeof template): Array<Record<string, unknown>> =>
    Object.values(tmpl.findResources('AWS::EC2::SecurityGroup')).flatMap(
      (sg) =>
        (sg as { Properties: { SecurityGroupIngress?: Array<Record<string, unknown>> } }).Properties
          .SecurityGroupIngress ?? [],
    );

  // The smoke-test function reaches the internet-facing test listener through NAT (DeploymentFunctions adds it).
  const isSmokeTestRule = (rule: Record<string, unknown>): boolean =>
    String(rule.Description).startsWith('Test listener: smoke test');

  test('the test listener is open to the VPC CIDR only, never to the internet', () => {
    const testIngress = ingressOf(template).filter((rule) => rule.FromPort === 8080 && !isSmokeTestRule(rule));
    expect(testIngress).toHaveLength(1);
    expect(testIngress[0]?.CidrIp).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Vpc/), 'CidrBlock'] });
    const prodIngress = ingressOf(template).filter((rule) => rule.FromPort === 80);
    expect(prodIngress.map((r) => r.CidrIp)).toEqual(['0.0.0.0/0']);
  });

  test('testListenerAllowedCidrs replaces the VPC default', () => {
    const { template: custom } = synthStack({ testListenerAllowedCidrs: ['203.0.113.0/24', '198.51.100.7/32'] });
    const cidrs = ingressOf(custom)
      .filter((rule) => rule.FromPort === 8080 && !isSmokeTestRule(rule))
      .map((r) => r.CidrIp);
    expect(cidrs.sort()).toEqual(['198.51.100.7/32', '203.0.113.0/24']);
  });
});

describe('state machines', () => {
  const machines = resources('AWS::StepFunctions::StateMachine');

  test('there are exactly the three shipped state machines, each logging to CloudWatch with tracing', () => {
    expect(machines).toHaveLength(STATE_MACHINE_NAMES.length);
    for (const [, machine] of machines) {
      expect(machine.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
      expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    }
  });

  test('each deployed definition is its state-machines/*.asl.json file, and every placeholder has exactly one substitution', () => {
    for (const name of STATE_MACHINE_NAMES) {
      const construct = stack.stateMachines.byName[name];
      const [, machine] =
        machines.find(([id]) => id === stack.getLogicalId(construct.node.defaultChild as never)) ?? [];
      expect(machine).toBeDefined();
      const definition = readAsl(name);
      const placeholders = [...definition.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
      const substitutions = Object.keys(machine?.Properties.DefinitionSubstitutions as object);
      expect(substitutions.sort()).toEqual([...new Set(placeholders)].sort());
      // The definition is the file itself, byte for byte, as an S3 asset; CloudFormation applies DefinitionSubstitutions.
      const asset = construct.node.findChild('DefinitionBody') as s3assets.Asset;
      expect(machine?.Properties.DefinitionString).toBeUndefined();
      expect((machine?.Properties.DefinitionS3Location as { Key: unknown }).Key).toBe(asset.s3ObjectKey);
      expect(fs.readFileSync(path.join((stack.node.root as App).outdir, asset.assetPath), 'utf8')).toBe(definition);
    }
  });

  test('each role grants exactly the actions its definition calls', () => {
    for (const name of STATE_MACHINE_NAMES) {
      const role = stack.stateMachines.byName[name].role;
      const roleId = stack.getLogicalId(role.node.defaultChild as never);
      const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
        JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles).includes(roleId),
      );
      const granted = new Set(
        policies.flatMap((p) =>
          (
            p as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[] }> } } }
          ).Properties.PolicyDocument.Statement.flatMap((s) => [s.Action].flat()),
        ),
      );
      const expected = permissionsFor(JSON.parse(readAsl(name)), {
        partition: 'aws',
        region: 'r',
        account: 'a',
        clusterName: 'c',
        serviceName: 's',
        targetGroupNamePrefix: 'bg-s',
        taskDefinitionFamily: 'f',
        ruleArns: { ProdRuleArn: 'p', TestRuleArn: 't', PreviousRuleArn: 'v' },
        passableRoleArns: ['x'],
        listenerArns: { TestListenerArn: 'l' },
        listenerRulePatterns: { TestListenerArn: 'l/*' },
        stackName: 'st',
        deploymentTableArn: 'arn:aws:dynamodb:r:a:table/t',
        stateMachineNames: STATE_MACHINE_NAMES.map((n) => `st-${n}`),
      }).flatMap((s) => s.actions);
      if (/\$\{\w+FunctionArn\}/.test(readAsl(name))) expected.push('lambda:InvokeFunction');
      // What the role has beyond the definition's calls is only what Step Functions itself needs (logs, X-Ray).
      const extras = [...granted].filter((a) => !expected.includes(a));
      expect(extras.every((a) => /^(logs|xray):/.test(a))).toBe(true);
      for (const action of expected) expect(granted).toContain(action);
    }
  });

  test('ModifyRule is scoped to the rule each state machine changes', () => {
    const swapRole = stack.getLogicalId(stack.stateMachines.swap.role.node.defaultChild as never);
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p).includes(swapRole),
    );
    const statement = (
      policy as { Properties: { PolicyDocument: { Statement: Array<{ Action: unknown; Resource: unknown }> } } }
    ).Properties.PolicyDocument.Statement.find((s) => JSON.stringify(s.Action).includes('ModifyRule'));
    expect(JSON.stringify(statement?.Resource)).toContain('ProductionRule');
    expect(JSON.stringify(statement?.Resource)).not.toContain('TestRule');
  });
});

describe('pipeline', () => {
  test('is V2 with the nine stages in order and two manual approvals', () => {
    const [, pipeline] = resources('AWS::CodePipeline::Pipeline')[0] ?? [];
    expect(pipeline?.Properties.PipelineType).toBe('V2');
    const stages = pipeline?.Properties.Stages as Array<{
      Name: string;
      Actions: Array<{ ActionTypeId: { Category: string; Provider: string } }>;
    }>;
    expect(stages.map((s) => s.Name)).toEqual([...PIPELINE_STAGES]);
    const providers = stages.map((s) => s.Actions.map((a) => a.ActionTypeId.Provider).join());
    expect(providers).toEqual([
      'CodeCommit',
      'CodeBuild',
      'CodeBuild',
      'CodeBuild',
      'StepFunctions',
      'Manual',
      'StepFunctions',
      'Manual',
      'StepFunctions',
    ]);
  });

  test('the swap approval notifies an SNS topic and lasts up to 7 days', () => {
    const [, pipeline] = resources('AWS::CodePipeline::Pipeline')[0] ?? [];
    const approve = (
      pipeline?.Properties.Stages as Array<{ Name: string; Actions: Array<Record<string, unknown>> }>
    ).find((s) => s.Name === 'ApproveSwap');
    expect(approve?.Actions[0]).toMatchObject({
      Configuration: { NotificationArn: expect.anything() },
      TimeoutInMinutes: 7 * 24 * 60,
    });
  });

  test('swap and clean-up are started with the same minimal input a person uses', () => {
    const [, pipeline] = resources('AWS::CodePipeline::Pipeline')[0] ?? [];
    const stages = pipeline?.Properties.Stages as Array<{
      Name: string;
      Actions: Array<{ Configuration: { Input?: string; InputType?: string } }>;
    }>;
    for (const name of ['Swap', 'CleanUp']) {
      const config = stages.find((s) => s.Name === name)?.Actions[0]?.Configuration;
      expect(config?.InputType).toBe('Literal');
      // The literal input is JSON with two tokens (cluster, service) rendered by Fn::Join.
      expect(JSON.stringify(config?.Input)).toMatch(/\{\\"cluster\\":\\".*\\",\\"service\\":\\"demo-app\\"\}/);
    }
    const deploy = stages.find((s) => s.Name === 'DeployGreen')?.Actions[0]?.Configuration;
    expect(deploy?.InputType).toBe('FilePath');
    expect(deploy?.Input).toMatch(/deploy-input\.json$/);
  });

  test('the CodeCommit repository is seeded with demo-app/ so no manual push is needed', () => {
    template.hasResourceProperties('AWS::CodeCommit::Repository', {
      Code: { BranchName: 'main', S3: Match.anyValue() },
    });
  });
});

describe('storage and logs', () => {
  test('the artifact bucket is encrypted, private and SSL-only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: Match.anyValue(),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('every log group has a retention', () => {
    const groups = resources('AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(6);
    for (const [, group] of groups) expect(group.Properties.RetentionInDays).toEqual(expect.any(Number));
  });
});
