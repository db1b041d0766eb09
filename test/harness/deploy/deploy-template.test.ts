import * as net from 'net';
import { CodePipelineClient, GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { readAsl, STATE_MACHINE_NAMES } from '../../../infra/lib/private/asl';
import { PIPELINE_STAGES } from '../../../pipeline/delivery-pipeline';
import { localClientConfig } from '../../../local/aws/client-config';
import { deployTemplate, EMULATED_TYPES, NAMED_ONLY_TYPES } from '../../../harness/deploy/deploy-template';
import { isCustomResourceType } from '../../../local/cloudformation/resource-types';
import { localCustomResourceHandlerFor } from '../../../harness/deploy/local-lambdas';
import { resolveValue, substituteDefinition, UnresolvableError } from '../../../local/cloudformation/cfn-resolver';
import type { LocalStack } from '../../../harness/demo/local-stack';
import { startLocalAwsStack } from '../../../local/local-aws';
import { stackTemplate, startTestStack } from '../../support/harness';

describe('the local set-up follows the synthesized stack', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.close());

  test('every resource type of the stack is either created locally or deliberately only named', () => {
    const resources = Object.values(stackTemplate().Resources);
    for (const { Type: type, Properties: props } of resources) {
      // A custom resource is created by its function's local handler (harness/deploy/local-lambdas.ts).
      const token = (props?.ServiceToken as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
      const custom = isCustomResourceType(type) && token !== undefined && localCustomResourceHandlerFor(token[0]);
      expect([
        type,
        NAMED_ONLY_TYPES.has(type) || (EMULATED_TYPES as readonly string[]).includes(type) || Boolean(custom),
      ]).toEqual([type, true]);
    }
  });

  test('the local state machines run the shipped files byte for byte, with the stack’s substitutions', () => {
    const template = stackTemplate();
    const machines = Object.entries(template.Resources).filter(
      ([, r]) => r.Type === 'AWS::StepFunctions::StateMachine',
    );
    expect(machines).toHaveLength(STATE_MACHINE_NAMES.length);
    const files = STATE_MACHINE_NAMES.map(readAsl);
    for (const [id, resource] of machines) {
      const props = resource.Properties as {
        DefinitionString: string;
        DefinitionSubstitutions: Record<string, unknown>;
      };
      expect(files).toContain(props.DefinitionString);
      const local = stack.deployed.definitions[id] ?? '';
      const substitutions = stack.deployed.substitutions[id] ?? {};
      // Exactly CloudFormation's Fn::Sub of the file: same keys as the template, values resolved to local ARNs/URLs.
      expect(Object.keys(substitutions).sort()).toEqual(Object.keys(props.DefinitionSubstitutions).sort());
      expect(local).toBe(substituteDefinition(props.DefinitionString, substitutions));
      expect(local).not.toMatch(/\$\{\w+\}/);
    }
  });

  test('listeners, rules, the EXTERNAL service and its desired count match the template', () => {
    const elb = stack.aws.elbv2.state();
    expect(elb.listeners.map((l) => l.port).sort((a, b) => a - b)).toEqual([80, 8080]);
    // Rules are the template's ListenerRule resources and the controller-owned rules its custom resources create.
    const templateRules = Object.values(stackTemplate().Resources).filter(
      (r) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule' || r.Type === 'Custom::BlueGreenListenerRule',
    );
    expect(elb.listeners.flatMap((l) => l.rules.filter((r) => r.IsDefault !== true))).toHaveLength(
      templateRules.length,
    );
    const service = stack.aws.ecs.state().services[0];
    expect(service).toMatchObject({ name: 'demo-app', desiredCount: 0 });
  });

  test('the pipeline is created in local CodePipeline from the template’s stages, with local ARNs and URLs', async () => {
    const [id] =
      Object.entries(stackTemplate().Resources).find(([, r]) => r.Type === 'AWS::CodePipeline::Pipeline') ?? [];
    expect(stack.pipelineName).toBe(`EcsBlueGreen-${id}`);
    expect(stack.deployed.outputs.PipelineName).toBe(stack.pipelineName);
    const client = new CodePipelineClient(localClientConfig(stack.aws.endpoint, 'us-east-1'));
    const { pipeline } = await client
      .send(new GetPipelineCommand({ name: stack.pipelineName }))
      .finally(() => client.destroy());
    expect(pipeline?.stages?.map((s) => s.name)).toEqual([...PIPELINE_STAGES]);
    const action = (stage: string) => pipeline?.stages?.find((s) => s.name === stage)?.actions?.[0];
    expect(action('Source')?.configuration?.PollForSourceChanges).toBe('false');
    expect(action('DeployGreen')?.configuration).toEqual({
      StateMachineArn: stack.stateMachines.deployGreen,
      InputType: 'FilePath',
      Input: 'deploy-input.json',
    });
    expect(JSON.parse(action('Swap')?.configuration?.Input ?? '')).toEqual(stack.service);
    expect(action('CleanUp')?.configuration?.StateMachineArn).toBe(stack.stateMachines.cleanUp);
    expect(action('ApproveSwap')).toMatchObject({
      actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' },
      timeoutInMinutes: 10080,
      configuration: expect.objectContaining({ ExternalEntityLink: stack.urls.test }),
    });
    expect(action('ApproveCleanUp')?.configuration?.ExternalEntityLink).toBe(stack.urls.production);
  });

  test('the EventBridge rules are on the local event bus: a rejected approval starts abort or rollback', () => {
    const rules = stack.aws.events.rules();
    const onRejected = (stage: string) =>
      rules.find((r) => JSON.stringify(r.eventPattern).includes(`"stage":["${stage}"]`));
    for (const [stage, machine] of [
      ['ApproveSwap', stack.stateMachines.abort],
      ['ApproveCleanUp', stack.stateMachines.rollback],
    ] as const) {
      const rule = onRejected(stage);
      expect(rule?.eventPattern).toEqual({
        source: ['aws.codepipeline'],
        'detail-type': ['CodePipeline Action Execution State Change'],
        detail: { pipeline: [stack.pipelineName], stage: [stage], action: [stage], state: ['FAILED'] },
      });
      expect(rule?.targets).toEqual([
        {
          id: 'Target0',
          arn: machine,
          roleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\//),
          input: JSON.stringify(stack.service),
        },
      ]);
    }
  });

  test('a stack with EventBridge rules needs local AWS’s event bus', async () => {
    await expect(
      deployTemplate(stackTemplate(), {
        endpoint: 'http://127.0.0.1:9',
        region: 'us-east-1',
        accountId: '123456789012',
        listenerUrl: () => '',
        registerLambda: () => undefined,
      }),
    ).rejects.toThrow(/EventBridge rules \(.*OnSwapRejected.*\) but http:\/\/127\.0\.0\.1:9 has no local event bus/);
  });

  test('a resource type local AWS does not know fails the deploy and names it', async () => {
    const template = stackTemplate();
    const drifted = {
      ...template,
      Resources: { ...template.Resources, NewThing: { Type: 'AWS::SQS::Queue', Properties: {} } },
    };
    await expect(
      deployTemplate(drifted, {
        endpoint: stack.aws.endpoint,
        region: 'us-east-1',
        accountId: '123456789012',
        listenerUrl: () => '',
      }),
    ).rejects.toThrow(/NewThing \(AWS::SQS::Queue\).*Add each to EMULATED_TYPES/);
  });
});

describe('cfn-resolver', () => {
  const ctx = {
    resources: new Map([
      ['Repo', { ref: 'demo-app', attributes: { Arn: 'arn:aws:ecr:us-east-1:123456789012:repository/demo-app' } }],
    ]),
    region: 'us-east-1',
    accountId: '123456789012',
  };
  test('resolves Ref, GetAtt, Join, Select, Split and pseudo parameters', () => {
    const uri = {
      'Fn::Join': [
        '',
        [
          { 'Fn::Select': [4, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Repo', 'Arn'] }] }] },
          '.dkr.ecr.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/',
          { Ref: 'Repo' },
        ],
      ],
    };
    expect(resolveValue(uri, ctx)).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app');
  });
  test('fails loudly on what it cannot resolve', () => {
    expect(() => resolveValue({ Ref: 'Missing' }, ctx)).toThrow(UnresolvableError);
    expect(() => resolveValue({ 'Fn::ImportValue': 'x' }, ctx)).toThrow(
      /Fn::ImportValue, which local AWS does not resolve/,
    );
    expect(() => substituteDefinition('{"a":"${B}"}', {})).toThrow(/\$\{B\}/);
  });
});

describe('ports', () => {
  const occupy = async (): Promise<{ port: number; close: () => Promise<void> }> => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
  };

  test('a taken API port names the port and the option that changes it', async () => {
    const taken = await occupy();
    try {
      await expect(
        startLocalAwsStack({
          ports: { api: taken.port, listeners: { 80: 0, 8080: 0 } },
          portOptions: { api: '--port' },
        }),
      ).rejects.toThrow(
        `Port ${taken.port} on 127.0.0.1 is already in use. Free it, or choose another port with --port.`,
      );
    } finally {
      await taken.close();
    }
  });

  test('a taken listener port names the port and its option', async () => {
    const taken = await occupy();
    try {
      await expect(
        startTestStack({
          ports: { api: 0, listeners: { 80: 0, 8080: taken.port } },
          portOptions: { listeners: { 8080: '--test-port' } },
        }),
      ).rejects.toThrow(new RegExp(`Port ${taken.port} .* --test-port`));
    } finally {
      await taken.close();
    }
  });
});
