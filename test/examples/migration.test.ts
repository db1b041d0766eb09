import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MIGRATION_HOST, MigrationStack, NEW_SERVICE, OLD_SERVICE } from '../../examples/migration/migration-stack';
import { testApp } from '../infra/synth';

function synth(app: App = testApp()): { stack: MigrationStack; template: Template } {
  const stack = new MigrationStack(app, 'Migration');
  return { stack, template: Template.fromStack(stack) };
}

test('synthesizes clean under cdk-nag AwsSolutions', () => {
  const app = testApp();
  synth(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  expect(() => app.synth()).not.toThrow();
});

test('both production rules are on one listener with the same conditions; the old one comes first', () => {
  const { template } = synth();
  const rules = Object.values(
    template.findResources('Custom::BlueGreenListenerRule', {
      Properties: { Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: [MIGRATION_HOST] } }] },
    }),
  ).map((r) => (r as { Properties: { ServiceName: string; Priority: string; ListenerArn: unknown } }).Properties);
  const priorities = Object.fromEntries(rules.map((r) => [r.ServiceName, Number(r.Priority)]));
  expect(priorities).toEqual({
    [OLD_SERVICE.serviceName]: OLD_SERVICE.rulePriority,
    [NEW_SERVICE.serviceName]: NEW_SERVICE.rulePriority,
  });
  expect(priorities[OLD_SERVICE.serviceName]).toBeLessThan(priorities[NEW_SERVICE.serviceName]!);
  expect(rules).toHaveLength(2);
  expect(rules[0]!.ListenerArn).toEqual(rules[1]!.ListenerArn);
});

test('each service has its own state machines, record, service and test listener; both run images of one repository', () => {
  const { stack, template } = synth();
  const json = template.toJSON() as { Outputs: Record<string, { Value: unknown }> };
  for (const service of [OLD_SERVICE, NEW_SERVICE]) {
    expect(json.Outputs[`${service.id}ServiceName`]?.Value).toBe(service.serviceName);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: `Migration-${service.serviceName}-deploy-green`,
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: service.testPort });
  }
  expect(Object.keys(template.findResources('Custom::BlueGreenService'))).toHaveLength(2);
  expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toHaveLength(2);
  expect(Object.keys(template.findResources('AWS::ECR::Repository'))).toHaveLength(1);
  expect(json.Outputs.OldImageRepositoryUri?.Value).toEqual(json.Outputs.NewImageRepositoryUri?.Value);
  expect(stack.oldController.serviceName).toBe(OLD_SERVICE.serviceName);
  expect(stack.newController.serviceName).toBe(NEW_SERVICE.serviceName);
});
