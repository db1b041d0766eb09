/**
 * The Lambda functions of the stack that local AWS runs in-process: the same handler modules the template's
 * functions bundle, found by the logical id CDK gives each function of DeploymentFunctions. Other functions in the
 * template (CDK's custom resource providers, …) have no local handler and stay named-only.
 */
import { DEPLOYMENT_FUNCTION_IDS, DEPLOYMENT_FUNCTIONS_ID } from '../../infra/lib/constructs/deployment-functions';
import { DEPLOYMENT_STATE_MACHINES_ID } from '../../infra/lib/constructs/deployment-state-machines';
import { APPROVALS_FUNCTION_ID, APPROVALS_ID } from '../../infra/lib/constructs/approvals';
import { GREEN_WATCH_FUNCTION_ID, GREEN_WATCH_ID } from '../../infra/lib/constructs/green-watch';
import { LIFECYCLE_HOOKS_FUNCTION_ID, LIFECYCLE_HOOKS_ID } from '../../infra/lib/constructs/lifecycle-hooks';
import {
  CONTROLLER_RESOURCES_FUNCTION_ID,
  CONTROLLER_RESOURCES_ID,
} from '../../infra/lib/constructs/controller-owned-resources';
import { createHandler as createApprovalsHandler } from '../../lambdas/approvals/handler';
import { createHandler as createControllerResourcesHandler } from '../../lambdas/controller-resources/handler';
import { createHandler as createGreenWatchHandler } from '../../lambdas/green-watch/handler';
import { createHandler as createLifecycleHooksHandler } from '../../lambdas/lifecycle-hooks/handler';
import { handler as smokeTest } from '../../lambdas/smoke-test/handler';
import { handler as validateInput } from '../../lambdas/validate-input/handler';
import type { CustomResourceHandlerFactory } from '../../local/cloudformation/custom-resource-event';
import type { LocalFunctionCode, LocalLambdaFactory } from '../../local/cloudformation/environment';
import { createHandler as createFixtureHandler } from '../../local/cloudformation/fixture-custom-resource';

/**
 * Logical id prefix (construct path without the hash) -> the handler its function runs, made with the function's
 * environment (local AWS's endpoint, its role's credentials, its environment variables) as a Lambda runtime gives it.
 */
export const LOCAL_LAMBDA_HANDLERS: Readonly<Record<string, LocalLambdaFactory>> = {
  [`${DEPLOYMENT_FUNCTIONS_ID}${DEPLOYMENT_FUNCTION_IDS.validateInput}`]: () => (event) => validateInput(event),
  [`${DEPLOYMENT_FUNCTIONS_ID}${DEPLOYMENT_FUNCTION_IDS.smokeTest}`]: () => (event) => smokeTest(event),
  [`${DEPLOYMENT_STATE_MACHINES_ID}${GREEN_WATCH_ID}${GREEN_WATCH_FUNCTION_ID}`]: (env) => createGreenWatchHandler(env),
  [`${DEPLOYMENT_STATE_MACHINES_ID}${LIFECYCLE_HOOKS_ID}${LIFECYCLE_HOOKS_FUNCTION_ID}`]: (env) =>
    createLifecycleHooksHandler(env),
  [`${DEPLOYMENT_STATE_MACHINES_ID}${APPROVALS_ID}${APPROVALS_FUNCTION_ID}`]: (env) => createApprovalsHandler(env),
};

/**
 * Logical id prefix (construct path without the hash) -> the custom-resource handler its function runs. Local
 * CloudFormation sends a custom resource (ServiceToken `{"Fn::GetAtt": [<function logical id>, "Arn"]}`) to the handler
 * of its function, signed as the function's execution role (its resolved `Role`), and waits for the handler's PUT to
 * the event's ResponseURL. `LocalCloudFormationFixture` is the test fixture (local/cloudformation/fixture-custom-resource.ts).
 */
export const LOCAL_CUSTOM_RESOURCE_HANDLERS: Readonly<Record<string, CustomResourceHandlerFactory>> = {
  LocalCloudFormationFixture: createFixtureHandler,
  // The controller's service, owned listener rules and teardown (infra/lib/constructs/controller-owned-resources.ts).
  [`${CONTROLLER_RESOURCES_ID}${CONTROLLER_RESOURCES_FUNCTION_ID}`]: (env) => createControllerResourcesHandler(env),
};

/** The local code of an AWS::Lambda::Function, by its logical id (`<prefix><8 hex hash>`), if it has any. */
export function localLambdaFor(logicalId: string): LocalLambdaFactory | undefined {
  const match = /^(.+)[0-9A-F]{8}$/.exec(logicalId);
  const prefix = match?.[1];
  return prefix !== undefined && Object.hasOwn(LOCAL_LAMBDA_HANDLERS, prefix)
    ? LOCAL_LAMBDA_HANDLERS[prefix]
    : undefined;
}

/** The local custom-resource handler factory of an AWS::Lambda::Function, by its logical id, if it has one. */
export function localCustomResourceHandlerFor(logicalId: string): CustomResourceHandlerFactory | undefined {
  const prefix = /^(.+)[0-9A-F]{8}$/.exec(logicalId)?.[1];
  return prefix !== undefined && Object.hasOwn(LOCAL_CUSTOM_RESOURCE_HANDLERS, prefix)
    ? LOCAL_CUSTOM_RESOURCE_HANDLERS[prefix]
    : undefined;
}

/** This stack's function code, as local AWS takes it (`startLocalAwsStack({ functions })`, `deployTemplate`). */
export const LOCAL_FUNCTION_CODE: LocalFunctionCode = {
  lambdaFor: localLambdaFor,
  customResourceHandlerFor: localCustomResourceHandlerFor,
};
