import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BlueGreenStack, type BlueGreenStackProps } from '../../examples/demo/bluegreen-stack';

/**
 * An App that does not bundle the Lambda functions (CDK's `aws:cdk:bundling-stacks` context, as `cdk synth
 * --exclusively` uses): template assertions do not need the bundles, and esbuild costs ~1.5 s per function per synth.
 * The real bundling runs once per jest run in test/global-setup.ts (and in `npm start` / `cdk synth`).
 */
export function testApp(props: AppProps = {}): App {
  return new App({ ...props, context: { ...props.context, 'aws:cdk:bundling-stacks': [] } });
}

/** Synthesizes the real stack (as examples/demo/app.ts does) for template assertions. */
export function synthStack(props: BlueGreenStackProps = {}): { stack: BlueGreenStack; template: Template } {
  const app = testApp();
  const stack = new BlueGreenStack(app, 'EcsBlueGreen', props);
  return { stack, template: Template.fromStack(stack) };
}

/** Synthesizes with the cdk-nag AwsSolutions pack and returns what it reports (empty when every finding is acknowledged). */
export function nagFindings(props: BlueGreenStackProps = {}): string[] {
  const app = testApp();
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
