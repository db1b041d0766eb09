import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BlueGreenController } from '../../infra/lib';
import { TWO_SERVICES, TwoServicesStack } from '../../examples/two-services/two-services-stack';
import { testApp } from '../infra/synth';

function synth(app: App = testApp()): { stack: TwoServicesStack; template: Template } {
  const stack = new TwoServicesStack(app, 'TwoServices');
  return { stack, template: Template.fromStack(stack) };
}

test('synthesizes clean under cdk-nag AwsSolutions', () => {
  const app = testApp();
  synth(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  expect(() => app.synth()).not.toThrow();
});

test('each service has its own five state machines, record, service and rules; the CLI finds each by prefix', () => {
  const { template } = synth();
  const json = template.toJSON() as { Outputs: Record<string, { Value: unknown }> };
  for (const service of TWO_SERVICES) {
    expect(json.Outputs[`${service.id}ServiceName`]?.Value).toBe(service.serviceName);
    for (const machine of ['deploy-green', 'swap', 'clean-up', 'rollback', 'abort']) {
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: `TwoServices-${service.serviceName}-${machine}`,
      });
    }
    template.hasResourceProperties('Custom::BlueGreenListenerRule', {
      ServiceName: service.serviceName,
      Priority: String(service.rulePriority),
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: [service.host] } }],
    });
  }
  expect(Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))).toHaveLength(10);
  expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toHaveLength(2);
  expect(Object.keys(template.findResources('Custom::BlueGreenService'))).toHaveLength(2);
  // One custom resource provider for the stack.
  const providers = Object.values(template.findResources('AWS::Lambda::Function')).filter((fn) =>
    JSON.stringify(fn).includes('controller-resources'),
  );
  expect(providers).toHaveLength(1);
});

test('a second service on a listener priority the first one uses is refused at synth, naming both', () => {
  const app = testApp();
  expect(
    () =>
      new TwoServicesStack(app, 'Clash', {
        services: [TWO_SERVICES[0]!, { ...TWO_SERVICES[1]!, rulePriority: TWO_SERVICES[0]!.rulePriority }],
      }),
  ).toThrow(
    /Clash\/Api's production rule \(priority 10 on listener Clash\/LoadBalancer\/Production\) and Clash\/Web's production rule \(priority 10 .*\) are the same: rulePriority: give each service/,
  );
});

test('two controllers with one service name on a cluster, or one state machine prefix, are refused at synth', () => {
  expect(
    () =>
      new TwoServicesStack(testApp(), 'SameName', {
        services: [TWO_SERVICES[0]!, { ...TWO_SERVICES[1]!, serviceName: TWO_SERVICES[0]!.serviceName }],
      }),
  ).toThrow(
    /SameName\/Api's service 'web' in cluster SameName\/Cluster and SameName\/Web's .* are the same: serviceName/,
  );
  const app = testApp();
  const stack = new TwoServicesStack(app, 'SamePrefix', { services: [TWO_SERVICES[0]!] });
  const web = stack.controllers[0]!;
  expect(
    () =>
      new BlueGreenController(stack, 'Other', {
        cluster: web.cluster,
        loadBalancer: stack.node.findChild('LoadBalancer') as elbv2.ApplicationLoadBalancer,
        productionListener: stack.node
          .findChild('LoadBalancer')
          .node.findChild('Production') as elbv2.ApplicationListener,
        testListener: stack.node.findChild('LoadBalancer').node.findChild('WebTest') as elbv2.ApplicationListener,
        taskDefinition: web.taskDefinition,
        serviceName: 'other',
        rulePriority: 40,
        stateMachineNamePrefix: 'SamePrefix-web',
      }),
  ).toThrow(/state machine names \(SamePrefix-web-…\) and .* are the same: stateMachineNamePrefix/);
});

test('fits CloudFormation’s limits with room to spare: 1 MB of template, 500 resources', () => {
  // The five definitions are S3 assets (each controller's template would otherwise carry ~450 KB of them).
  const { template } = synth();
  const json = template.toJSON() as { Resources: Record<string, unknown> };
  const bytes = Buffer.byteLength(JSON.stringify(json));
  const perService = bytes / TWO_SERVICES.length;
  expect(bytes).toBeLessThan(1_048_576);
  // At this size a stack holds at least 6 services before either limit.
  expect(Math.floor(1_048_576 / perService)).toBeGreaterThanOrEqual(6);
  expect(Math.floor(500 / (Object.keys(json.Resources).length / TWO_SERVICES.length))).toBeGreaterThanOrEqual(5);
});
