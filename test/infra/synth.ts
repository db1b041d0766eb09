import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BlueGreenStack, type BlueGreenStackProps } from '../../infra/lib/bluegreen-stack';

/** Synthesizes the real stack (as infra/bin/app.ts does) for template assertions. */
export function synthStack(props: BlueGreenStackProps = {}): { stack: BlueGreenStack; template: Template } {
  const app = new App();
  const stack = new BlueGreenStack(app, 'EcsBlueGreen', props);
  return { stack, template: Template.fromStack(stack) };
}

/** Synthesizes with the cdk-nag AwsSolutions pack and returns what it reports (empty when every finding is acknowledged). */
export function nagFindings(props: BlueGreenStackProps = {}): string[] {
  const app = new App();
  new BlueGreenStack(app, 'EcsBlueGreen', props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
    return [];
  } catch (error) {
    return String((error as Error).message)
      .split('\n')
      .filter((line) => /AwsSolutions-|Acknowledge with/.test(line));
  }
}
