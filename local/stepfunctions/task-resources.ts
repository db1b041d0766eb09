/**
 * What a Task's Resource means locally. Every Task gets a handler generated from its Resource; anything we cannot
 * run is rejected when the state machine is created, never left to the library's default (a real Lambda Invoke,
 * whose failure a `States.ALL` Catch would silently swallow).
 */
import { dynamoDbTaskForResource, type DynamoDbTask } from './dynamodb-task';
import { sdkActionForResource, type SdkAction } from './sdk-services';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
/** The callback pattern (callback-task.ts): invoke the Lambda, then wait for SendTaskSuccess/Failure with the token. */
export const LAMBDA_INVOKE_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

export type TaskResource =
  | { readonly kind: 'aws-sdk'; readonly sdk: SdkAction; readonly resourceType: string; readonly resource: string }
  | {
      readonly kind: 'dynamodb';
      readonly task: DynamoDbTask;
      readonly resourceType: 'dynamodb';
      readonly resource: string;
    }
  | { readonly kind: 'lambda'; readonly resourceType: 'lambda'; readonly resource: 'invoke' }
  | { readonly kind: 'lambda-callback'; readonly resourceType: 'lambda'; readonly resource: 'invoke.waitForTaskToken' };

/** True for the Task kinds whose Parameters must name a FunctionName (both Lambda integrations). */
export const isLambdaTask = (resource: TaskResource): boolean =>
  resource.kind === 'lambda' || resource.kind === 'lambda-callback';

export function parseTaskResource(resource: unknown): TaskResource | { readonly problem: string } {
  if (typeof resource !== 'string') return { problem: 'Resource must be a string' };
  if (resource === LAMBDA_INVOKE) return { kind: 'lambda', resourceType: 'lambda', resource: 'invoke' };
  if (resource === LAMBDA_INVOKE_CALLBACK) {
    return { kind: 'lambda-callback', resourceType: 'lambda', resource: 'invoke.waitForTaskToken' };
  }
  if (resource.endsWith('.waitForTaskToken')) {
    return {
      problem:
        `Resource '${resource}': local Step Functions runs the callback pattern (.waitForTaskToken) only for ` +
        `${LAMBDA_INVOKE_CALLBACK}; other integrations with .waitForTaskToken are not emulated`,
    };
  }
  if (resource.startsWith('arn:aws:states:::aws-sdk:')) {
    const sdk = sdkActionForResource(resource);
    if ('problem' in sdk) return sdk;
    // History events name the integration as AWS does: resourceType `aws-sdk:ecs`, resource `createTaskSet`.
    return { kind: 'aws-sdk', sdk, resourceType: `aws-sdk:${sdk.service.arnName}`, resource: sdk.action };
  }
  const dynamodb = dynamoDbTaskForResource(resource);
  if (dynamodb !== undefined) {
    if ('problem' in dynamodb) return dynamodb;
    // The optimized integration: resourceType `dynamodb`, resource `updateItem`.
    return { kind: 'dynamodb', task: dynamodb, resourceType: 'dynamodb', resource: dynamodb.action };
  }
  return {
    problem:
      `Resource '${resource}' is not supported by local Step Functions ` +
      '(supported: arn:aws:states:::aws-sdk:ecs:<action>, arn:aws:states:::aws-sdk:elasticloadbalancingv2:<action>, ' +
      `arn:aws:states:::aws-sdk:sfn:describeExecution, arn:aws:states:::aws-sdk:applicationautoscaling:putScalingPolicy, arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem, ${LAMBDA_INVOKE}, ${LAMBDA_INVOKE_CALLBACK})`,
  };
}
