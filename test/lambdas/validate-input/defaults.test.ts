import { BlueGreenError } from '../../../lambdas/shared/errors';
import { validateDeployInput, validateServiceInput } from '../../../lambdas/validate-input/core';
import { handler } from '../../../lambdas/validate-input/handler';

/**
 * The stack's defaults CheckInputFields passes (deploy-green: health timeout, fail-fast threshold, test scale; swap:
 * bake time), as its definition substitutions write them: a field the input leaves out comes back with the default,
 * so the state machines need no states to choose it.
 */
const service = { cluster: 'EcsBlueGreen-Cluster', service: 'demo-app' };
const deploy = {
  ...service,
  commit: 'abcdef0',
  image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app:abcdef0',
};
const deployDefaults = { healthTimeoutSeconds: '600', failFastThreshold: '3', testScalePercent: '100' };

test('deploy-green: each field the input leaves out is the stack default, as a number', () => {
  expect(validateDeployInput(deploy, deployDefaults)).toEqual({
    ...deploy,
    healthTimeoutSeconds: 600,
    failFastThreshold: 3,
    testScalePercent: 100,
  });
});

test('deploy-green: a field the input gives is kept, the others defaulted', () => {
  expect(validateDeployInput({ ...deploy, healthTimeoutSeconds: 90, testScalePercent: 25 }, deployDefaults)).toEqual({
    ...deploy,
    healthTimeoutSeconds: 90,
    failFastThreshold: 3,
    testScalePercent: 25,
  });
});

test('without defaults (an older definition) the fields stay absent', () => {
  expect(validateDeployInput(deploy)).toEqual(deploy);
  expect(validateServiceInput('swap', service)).toEqual(service);
});

test('swap: bakeSeconds is the stack default unless given (0 included)', () => {
  expect(validateServiceInput('swap', service, { bakeSeconds: '300' })).toEqual({ ...service, bakeSeconds: 300 });
  expect(validateServiceInput('swap', { ...service, bakeSeconds: 0 }, { bakeSeconds: '300' })).toEqual({
    ...service,
    bakeSeconds: 0,
  });
});

test('the other machines take no bake default', () => {
  expect(validateServiceInput('clean-up', service, { bakeSeconds: '300' })).toEqual(service);
});

test.each(['', '1.5', '-1', 'ten', '${HealthTimeoutSeconds}'])(
  'a default %j that is not a whole number is a wiring error naming the field, not an input refusal',
  (text) => {
    let thrown: unknown;
    try {
      validateDeployInput(deploy, { ...deployDefaults, healthTimeoutSeconds: text });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(BlueGreenError);
    expect((thrown as Error).message).toContain('healthTimeoutSeconds');
  },
);

test('the handler passes the envelope defaults on (how deploy-green and swap invoke it)', async () => {
  await expect(handler({ machine: 'deploy-green', input: deploy, defaults: deployDefaults })).resolves.toEqual({
    ...deploy,
    healthTimeoutSeconds: 600,
    failFastThreshold: 3,
    testScalePercent: 100,
  });
  await expect(
    handler({ machine: 'swap', input: service, defaults: { trafficShift: 'all-at-once', bakeSeconds: '30' } }),
  ).resolves.toEqual({ ...service, bakeSeconds: 30 });
});
