/**
 * The Lambda functions of the stack that local AWS runs in-process: the same handler modules the template's
 * functions bundle, found by the handler tag every bundled function carries (infra/lib/private/bundled-function.ts
 * HANDLER_TAG), wherever the function sits in the construct tree: one controller or several in a stack. Other functions
 * in the template (CDK's custom resource providers, …) have no local handler and stay named-only.
 */
import { HANDLER_TAG, handlerNameOf } from '../../infra/lib/private/bundled-function';
import { DEPLOYMENT_FUNCTION_ENTRIES } from '../../infra/lib/constructs/deployment-functions';
import { APPROVALS_ENTRY } from '../../infra/lib/constructs/approvals';
import { GREEN_WATCH_ENTRY } from '../../infra/lib/constructs/green-watch';
import { LIFECYCLE_HOOKS_ENTRY } from '../../infra/lib/constructs/lifecycle-hooks';
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
 * Handler tag value (the folder under lambdas/) -> the handler its function runs, made with the function's
 * environment (local AWS's endpoint, its role's credentials, its environment variables) as a Lambda runtime gives it.
 */
export const LOCAL_LAMBDA_HANDLERS: Readonly<Record<string, LocalLambdaFactory>> = {
  [handlerNameOf(DEPLOYMENT_FUNCTION_ENTRIES.validateInput)]: () => (event) => validateInput(event),
  [handlerNameOf(DEPLOYMENT_FUNCTION_ENTRIES.smokeTest)]: () => (event) => smokeTest(event),
  [handlerNameOf(GREEN_WATCH_ENTRY)]: (env) => createGreenWatchHandler(env),
  [handlerNameOf(LIFECYCLE_HOOKS_ENTRY)]: (env) => createLifecycleHooksHandler(env),
  [handlerNameOf(APPROVALS_ENTRY)]: (env) => createApprovalsHandler(env),
};

/**
 * Logical id prefix (construct path without the hash) -> the custom-resource handler its function runs. The
 * controller's provider is one per stack at the stack's root (BlueGreenController), so its logical id is the same in
 * every stack. Local
 * CloudFormation sends a custom resource (ServiceToken `{"Fn::GetAtt": [<function logical id>, "Arn"]}`) to the handler
 * of its function, signed as the function's execution role (its resolved `Role`), and waits for the handler's PUT to
 * the event's ResponseURL. `LocalCloudFormationFixture` is the test fixture (local/cloudformation/fixture-custom-resource.ts).
 */
export const LOCAL_CUSTOM_RESOURCE_HANDLERS: Readonly<Record<string, CustomResourceHandlerFactory>> = {
  LocalCloudFormationFixture: createFixtureHandler,
  // The controller's service, owned listener rules and teardown (infra/lib/constructs/controller-owned-resources.ts).
  [`${CONTROLLER_RESOURCES_ID}${CONTROLLER_RESOURCES_FUNCTION_ID}`]: (env) => createControllerResourcesHandler(env),
};

/** The local code of an AWS::Lambda::Function, by its handler tag, if it has any. */
export function localLambdaFor(
  _logicalId: string,
  tags: Readonly<Record<string, string>>,
): LocalLambdaFactory | undefined {
  const name = tags[HANDLER_TAG];
  return name !== undefined && Object.hasOwn(LOCAL_LAMBDA_HANDLERS, name) ? LOCAL_LAMBDA_HANDLERS[name] : undefined;
}

/** The local code of a template's AWS::Lambda::Function resource, by the handler tag it declares, if it has any. */
export function localLambdaOfResource(
  logicalId: string,
  resource: { readonly Properties?: Readonly<Record<string, unknown>> },
): LocalLambdaFactory | undefined {
  const tags = Array.isArray(resource.Properties?.Tags) ? (resource.Properties.Tags as unknown[]) : [];
  const declared = Object.fromEntries(
    tags.flatMap((tag) => {
      const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
      return typeof Key === 'string' && typeof Value === 'string' ? [[Key, Value]] : [];
    }),
  );
  return localLambdaFor(logicalId, declared);
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
