import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BlueGreenStack } from './bluegreen-stack';

export const STACK_NAME = 'EcsBlueGreen';

/**
 * The app as `cdk synth` builds it (infra/bin/app.ts) and as local AWS synthesizes it (harness/deploy/synth.ts), so
 * both always see the same stack. Context: `testListenerAllowedCidrs` (comma-separated), `desiredCount`.
 */
export function createApp(app: App = new App()): { app: App; stack: BlueGreenStack } {
  const cidrs = app.node.tryGetContext('testListenerAllowedCidrs') as string | undefined;
  const desiredCount = app.node.tryGetContext('desiredCount') as string | number | undefined;
  // Environment-agnostic: deploys to the account and region of the caller's credentials (`cdk deploy --profile …`).
  const stack = new BlueGreenStack(app, STACK_NAME, {
    testListenerAllowedCidrs: cidrs ? cidrs.split(',').map((c) => c.trim()) : undefined,
    desiredCount: desiredCount === undefined ? undefined : Number(desiredCount),
  });
  // Security checks run on every synth, so a finding fails `cdk synth` and `cdk deploy` before anything is created.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
