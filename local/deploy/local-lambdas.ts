/**
 * The Lambda functions of the stack that local AWS runs in-process: the same handler modules the template's
 * functions bundle, found by the logical id CDK gives each function of DeploymentFunctions. Other functions in the
 * template (CDK's custom resource providers, …) have no local handler and stay named-only.
 */
import { DEPLOYMENT_FUNCTION_IDS, DEPLOYMENT_FUNCTIONS_ID } from '../../infra/lib/constructs/deployment-functions';
import { handler as smokeTest } from '../../lambdas/smoke-test/handler';
import { handler as validateInput } from '../../lambdas/validate-input/handler';
import type { LocalLambda } from '../stepfunctions/lambda-task';

/** Logical id prefix (construct path without the hash) -> the handler its function runs. */
export const LOCAL_LAMBDA_HANDLERS: Readonly<Record<string, LocalLambda>> = {
  [`${DEPLOYMENT_FUNCTIONS_ID}${DEPLOYMENT_FUNCTION_IDS.validateInput}`]: (event) => validateInput(event),
  [`${DEPLOYMENT_FUNCTIONS_ID}${DEPLOYMENT_FUNCTION_IDS.smokeTest}`]: (event) => smokeTest(event),
};

/** The local handler of an AWS::Lambda::Function, by its logical id (`<prefix><8 hex hash>`), if it has one. */
export function localLambdaFor(logicalId: string): LocalLambda | undefined {
  const match = /^(.+)[0-9A-F]{8}$/.exec(logicalId);
  const prefix = match?.[1];
  return prefix !== undefined && Object.hasOwn(LOCAL_LAMBDA_HANDLERS, prefix)
    ? LOCAL_LAMBDA_HANDLERS[prefix]
    : undefined;
}
