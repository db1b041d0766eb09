import { App, Duration, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PropValidationError, type SwapApprovalMode } from '../../infra/lib';
import { BlueGreenStack } from './bluegreen-stack';

export const STACK_NAME = 'EcsBlueGreen';

/**
 * The app as `cdk synth` builds it (examples/demo/app.ts) and as local AWS synthesizes it (harness/deploy/synth.ts), so
 * both always see the same stack. Context: `testListenerAllowedCidrs` (comma-separated), `desiredCount`,
 * `swapApprovalMode` (`pipeline` or `step-functions`), `swapApprovalDays` and `cleanUpApprovalDays` (the approval
 * windows in whole days).
 */
export function createApp(app: App = new App()): { app: App; stack: BlueGreenStack } {
  const cidrs = app.node.tryGetContext('testListenerAllowedCidrs') as string | undefined;
  const desiredCount = wholeNumberContext(app, 'desiredCount', 'the number of tasks each version runs');
  const swapApprovalMode = app.node.tryGetContext('swapApprovalMode') as SwapApprovalMode | undefined;
  const swapApprovalDays = wholeNumberContext(app, 'swapApprovalDays', 'how many days the swap approval waits');
  const cleanUpApprovalDays = wholeNumberContext(
    app,
    'cleanUpApprovalDays',
    'how many days the clean-up approval waits',
  );
  // Environment-agnostic: deploys to the account and region of the caller's credentials (`cdk deploy --profile …`).
  const stack = new BlueGreenStack(app, STACK_NAME, {
    testListenerAllowedCidrs: cidrs ? cidrs.split(',').map((c) => c.trim()) : undefined,
    desiredCount,
    // The mode is checked by the prop (its error names the allowed values).
    ...(swapApprovalMode !== undefined && { swapApprovalMode }),
    ...(swapApprovalDays !== undefined && { swapApprovalTimeout: Duration.days(swapApprovalDays) }),
    ...(cleanUpApprovalDays !== undefined && { cleanUpApprovalTimeout: Duration.days(cleanUpApprovalDays) }),
  });
  // Security checks run on every synth, so a finding fails `cdk synth` and `cdk deploy` before anything is created.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

/**
 * A context value that must be a whole number (`-c desiredCount=3`); the range is checked by the prop it sets. Text
 * such as `abc` is refused naming the key and the fix, instead of reaching the prop as NaN.
 */
function wholeNumberContext(app: App, key: string, what: string): number | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,9}$/.test(value.trim())) return Number(value.trim());
  throw new PropValidationError(
    `Context ${key} is ${JSON.stringify(value)} but must be a whole number (${what}), e.g. -c ${key}=3.`,
  );
}
