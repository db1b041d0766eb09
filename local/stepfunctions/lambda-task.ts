/**
 * Runs an `arn:aws:states:::lambda:invoke` Task with a Lambda handler registered in-process, returning what the
 * optimized Lambda integration returns.
 */
import { isJsonObject } from './definition-walk';
import { jsonClone } from './json-clone';
import { LocalRuntimeError, TaskFailure } from './task-errors';

export type LocalLambda = (event: unknown) => Promise<unknown>;

/** `my-fn`, `my-fn:alias`, `123456789012:function:my-fn`, `arn:aws:lambda:…:function:my-fn:1` → `my-fn`. */
export function lambdaFunctionName(functionName: string): string {
  const afterFunction = functionName.includes(':function:') ? functionName.split(':function:')[1] : functionName;
  return (afterFunction ?? '').split(':')[0] ?? '';
}

function jsonRoundTrip(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

export async function invokeLocalLambda(
  lambdas: Readonly<Record<string, LocalLambda>>,
  parameters: unknown,
): Promise<unknown> {
  const functionName = isJsonObject(parameters) ? parameters['FunctionName'] : undefined;
  if (typeof functionName !== 'string') {
    throw new LocalRuntimeError('lambda:invoke needs a FunctionName string parameter');
  }
  const name = lambdaFunctionName(functionName);
  const handler = Object.hasOwn(lambdas, name) ? lambdas[name] : undefined;
  if (handler === undefined) {
    const registered = Object.keys(lambdas).join(', ') || 'none';
    throw new LocalRuntimeError(
      `Lambda function '${name}' is not registered with local Step Functions (registered: ${registered})`,
    );
  }
  // Lambda receives `{}` when invoked without a payload.
  const event = isJsonObject(parameters) && 'Payload' in parameters ? parameters['Payload'] : {};
  let payload: unknown;
  try {
    payload = await handler(jsonClone(event));
  } catch (error) {
    // As Lambda reports it: the error's type is the Step Functions error, and the cause is the runtime's error
    // payload as a JSON string ({"errorType","errorMessage","trace"}), which ASL unwraps with States.StringToJson.
    const errorType = error instanceof Error ? error.name : 'Error';
    const errorMessage = error instanceof Error ? error.message : String(error);
    const trace = error instanceof Error && error.stack !== undefined ? error.stack.split('\n') : [];
    throw new TaskFailure(errorType, JSON.stringify({ errorType, errorMessage, trace }));
  }
  return { Payload: jsonRoundTrip(payload), StatusCode: 200, ExecutedVersion: '$LATEST' };
}
