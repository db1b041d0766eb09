/**
 * The stack-update matrix (issue 10): after a release, with production under load, the stack is updated once for each
 * change a platform team makes with `cdk deploy`, applied with local CloudFormation's update semantics (which resend
 * an AWS::ECS::Service's DesiredCount and a ListenerRule's Actions whenever the resource changes, as AWS does). Pass:
 * 0 production errors, the same desired count and the same primary task set throughout.
 *
 * The same matrix on the landed design (CloudFormation owned the service with DesiredCount 0 and the three rules with
 * their fixed 503) must fail: that is the control showing this test can see the hazard.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Tags } from 'aws-cdk-lib';
import { CloudFormationClient, DescribeStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { BlueGreenStack, type BlueGreenStackProps } from '../../examples/demo/bluegreen-stack';
import { STACK_NAME } from '../../examples/demo/create-app';
import { testApp } from './synth';
import { RESOURCE_TYPES } from '../../lambdas/controller-resources/properties';
import { localClientConfig } from '../../local/aws/client-config';
import type { CfnTemplate } from '../../harness/deploy/deploy-template';
import { inlineStateMachineDefinitions } from '../../harness/deploy/state-machine-assets';
import { startLocalStack, type LocalStack } from '../../harness/demo/local-stack';
import { observe, type ServiceView } from '../../harness/demo/observe';
import { FaultInjector } from '../../oracles/faults/fault-plan';
import { runFlow } from '../../oracles/invariants/flow';
import { startProductionMonitor } from '../../oracles/invariants/production-monitor';
import { LOCAL_REGION } from '../../local/local-aws';

type Variant = { readonly name: string; readonly props: BlueGreenStackProps; readonly tagService?: boolean };

/** Each change once, cumulatively: update i applies exactly change i on top of the ones before. */
const CHANGES: ReadonlyArray<Variant> = [
  { name: 'a tag on the service', props: {}, tagService: true },
  { name: 'the 503 text', props: { productionIdleMessage: 'Down for maintenance: back at 10:00 UTC.' } },
  { name: 'the test CIDRs', props: { testListenerAllowedCidrs: ['10.0.0.0/16', '192.0.2.0/24'] } },
  { name: 'desiredCount', props: { desiredCount: 5 } },
  { name: 'healthCheck', props: { healthCheck: { path: '/ready', intervalSeconds: 15 } } },
  { name: 'bakeTime', props: { bakeTime: Duration.minutes(2) } },
  { name: 'the task CPU and memory', props: { taskSize: { cpu: 512, memoryLimitMiB: 1024 } } },
  { name: 'the container port of the template task definition', props: { containerPort: 8080 } },
  // The running count (2: desiredCount applies to the first release only) is inside both ranges, so registering the
  // target must not move it. (A minCapacity above it raises it: Application Auto Scaling's documented behaviour.)
  {
    name: 'autoscaling added',
    props: { autoScaling: { minCapacity: 2, maxCapacity: 8, targetRequestsPerTarget: 1000 } },
  },
  {
    name: "autoscaling's range and target",
    props: { autoScaling: { minCapacity: 1, maxCapacity: 10, targetRequestsPerTarget: 500 } },
  },
];

/** Synthesizes the stack as `cdk synth` would, with these props (and a tag on the service's construct). */
function synth(props: BlueGreenStackProps, tagService: boolean): CfnTemplate {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'matrix-cdk-out-'));
  const app = testApp({ outdir });
  const stack = new BlueGreenStack(app, STACK_NAME, props);
  if (tagService) {
    // The service's constructs: the cluster, template task definition and app logs, the task security group and the
    // service itself.
    for (const scope of [stack.service.node.findChild('App'), stack.controller.node.findChild('App')]) {
      Tags.of(scope).add('team', 'payments');
    }
  }
  const assembly = app.synth();
  const template = inlineStateMachineDefinitions(
    JSON.parse(
      fs.readFileSync(path.join(outdir, assembly.getStackByName(STACK_NAME).templateFile), 'utf8'),
    ) as CfnTemplate,
    outdir,
  );
  fs.rmSync(outdir, { recursive: true, force: true });
  return template;
}

/** The templates of the matrix: the base, then one per change (cumulative). */
function matrixTemplates(): { base: CfnTemplate; steps: Array<{ name: string; template: CfnTemplate }> } {
  const base = synth({}, false);
  let props: BlueGreenStackProps = {};
  let tagService = false;
  const steps = CHANGES.map((change) => {
    props = { ...props, ...change.props };
    tagService ||= change.tagService === true;
    return { name: change.name, template: synth(props, tagService) };
  });
  return { base, steps };
}

/**
 * The landed design, rebuilt from a template of this one: CloudFormation owns the service (AWS::ECS::Service with
 * DesiredCount 0, as infra/lib/constructs/external-fargate-service.ts had it) and the three rules
 * (AWS::ElasticLoadBalancingV2::ListenerRule with their fixed responses). `serviceTags` are the tags the landed
 * construct would have put on the service resource.
 */
function landedDesign(template: CfnTemplate, serviceTags: Array<{ Key: string; Value: string }> = []): CfnTemplate {
  const resources: CfnTemplate['Resources'] = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === RESOURCE_TYPES.service) {
      resources[id] = {
        Type: 'AWS::ECS::Service',
        Properties: {
          Cluster: props.Cluster,
          ServiceName: props.ServiceName,
          DesiredCount: 0,
          DeploymentController: { Type: 'EXTERNAL' },
          ...(serviceTags.length > 0 && { Tags: serviceTags }),
        },
        ...(resource.DependsOn !== undefined && { DependsOn: resource.DependsOn }),
      };
    } else if (resource.Type === RESOURCE_TYPES.listenerRule) {
      resources[id] = {
        Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
        Properties: {
          ListenerArn: props.ListenerArn,
          Priority: Number(props.Priority),
          Conditions: props.Conditions,
          Actions: [
            {
              Type: 'fixed-response',
              FixedResponseConfig: {
                StatusCode: props.IdleStatusCode,
                ContentType: 'text/plain',
                MessageBody: props.IdleMessage,
              },
            },
          ],
        },
        ...(resource.DependsOn !== undefined && { DependsOn: resource.DependsOn }),
      };
    } else {
      resources[id] = resource;
    }
  }
  return { ...template, Resources: resources };
}

const primaryOf = (view: ServiceView): string | undefined => view.taskSets.find((t) => t.status === 'PRIMARY')?.arn;

interface StepOutcome {
  readonly name: string;
  readonly status: string;
  readonly desiredCount: [number, number];
  readonly primary: [string | undefined, string | undefined];
  readonly production: [string, string];
  /** What the production monitor saw go wrong during the update (kind: message), if anything. */
  readonly productionErrors: readonly string[];
}

/** A local stack of `template` with one healthy release live (1 task per version, for speed). */
async function releasedStack(template: CfnTemplate): Promise<LocalStack> {
  const injector = new FaultInjector();
  const stack = await startLocalStack(template, {
    timeScale: 0.01,
    ports: { api: 0, listeners: { 80: 0, 8080: 0 } },
    faults: injector,
  });
  const flow = await runFlow(stack, { injector, plan: {}, commit: 'b1ee000', colour: 'blue', bakeSeconds: 0 });
  const failed = flow.steps.find((s) => s.result.status !== 'SUCCEEDED');
  if (failed) throw new Error(`The release failed at ${failed.machine}: ${failed.result.error} ${failed.result.cause}`);
  return stack;
}

/** Updates the running stack to each template in turn, under production load; what each update did. */
async function applyUpdates(
  stack: LocalStack,
  steps: ReadonlyArray<{ name: string; template: CfnTemplate }>,
): Promise<{ outcomes: StepOutcome[]; probes: number }> {
  const cfn = new CloudFormationClient(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
  const monitor = startProductionMonitor(stack, { pollMs: 5, probeGapMs: 1 });
  const outcomes: StepOutcome[] = [];
  try {
    for (const step of steps) {
      const before = observe(stack);
      const errorsBefore = monitor.violations().length;
      await cfn.send(
        new UpdateStackCommand({
          StackName: STACK_NAME,
          TemplateBody: JSON.stringify(step.template),
          Capabilities: ['CAPABILITY_IAM'],
        }),
      );
      const status = await waitForUpdate(cfn);
      monitor.checkNow(`after ${step.name}`);
      const after = observe(stack);
      const rule = (v: ServiceView): string => JSON.stringify(v.production);
      outcomes.push({
        name: step.name,
        status,
        desiredCount: [before.desiredCount, after.desiredCount],
        primary: [primaryOf(before), primaryOf(after)],
        production: [rule(before), rule(after)],
        productionErrors: monitor
          .violations()
          .slice(errorsBefore)
          .map((v) => `${v.kind}: ${v.message}`),
      });
    }
  } finally {
    await monitor.stop();
    cfn.destroy();
  }
  return { outcomes, probes: monitor.stats().probes };
}

async function waitForUpdate(cfn: CloudFormationClient): Promise<string> {
  for (;;) {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: STACK_NAME }));
    const status = Stacks?.[0]?.StackStatus ?? 'UNKNOWN';
    if (!status.endsWith('_IN_PROGRESS')) return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('stack-update matrix', () => {
  let templates: ReturnType<typeof matrixTemplates>;
  beforeAll(() => {
    templates = matrixTemplates();
  }, 180_000);

  test('no update moves live traffic, changes the desired count or the primary task set', async () => {
    const stack = await releasedStack(templates.base);
    try {
      const { outcomes, probes } = await applyUpdates(stack, templates.steps);
      expect(probes).toBeGreaterThan(0);
      for (const outcome of outcomes) {
        expect({ name: outcome.name, status: outcome.status }).toEqual({
          name: outcome.name,
          status: 'UPDATE_COMPLETE',
        });
        expect({ name: outcome.name, productionErrors: outcome.productionErrors }).toEqual({
          name: outcome.name,
          productionErrors: [],
        });
        expect({ name: outcome.name, desired: outcome.desiredCount[1] }).toEqual({
          name: outcome.name,
          desired: outcome.desiredCount[0],
        });
        expect({ name: outcome.name, primary: outcome.primary[1] }).toEqual({
          name: outcome.name,
          primary: outcome.primary[0],
        });
        expect({ name: outcome.name, production: outcome.production[1] }).toEqual({
          name: outcome.name,
          production: outcome.production[0],
        });
      }
      expect(outcomes[0]?.primary[0]).toBeDefined();
    } finally {
      await stack.close();
    }
  }, 300_000);

  test('control: on the landed design, a tag on the service scales every task set to 0 and a new 503 text resets production', async () => {
    const landed = landedDesign(templates.base);
    const stack = await releasedStack(landed);
    try {
      const tagged = landedDesign(templates.base, [{ Key: 'team', Value: 'payments' }]);
      const newText = landedDesign(templates.steps[1]?.template ?? templates.base, [
        { Key: 'team', Value: 'payments' },
      ]);
      const { outcomes } = await applyUpdates(stack, [
        { name: 'a tag on the service', template: tagged },
        { name: 'the 503 text', template: newText },
      ]);
      const [tag, text] = outcomes;
      expect(tag?.desiredCount[0]).toBeGreaterThan(0);
      expect(tag?.desiredCount[1]).toBe(0);
      expect(tag?.productionErrors.length).toBeGreaterThan(0);
      expect(text?.production[1]).toBe(JSON.stringify({ kind: 'fixed', statusCode: '503' }));
    } finally {
      await stack.close();
    }
  }, 300_000);
});
