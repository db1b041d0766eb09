/**
 * Encodes AWS JSON 1.0/1.1 responses. Timestamps go out as epoch seconds (what the JSON protocols use); errors carry
 * the code both in `__type` and in the `x-amzn-errortype` header, which is where the SDK reads it from first, plus any
 * modelled members of the error (DynamoDB's ConditionalCheckFailedException carries `Item`).
 */
import type { AwsError } from '../service';

export function jsonResultBody(result: unknown): string {
  // No replacer function: JSON.stringify would call it for every key of every response, which cost more than the
  // encoding itself for the small responses; the Dates are converted beforehand instead.
  return JSON.stringify(withEpochSeconds(result ?? {}));
}

/**
 * `value` with every Date in its plain objects and arrays replaced by its epoch seconds; the same object wherever it
 * holds no Date (no copy). Other objects are left to JSON.stringify as they are (their toJSON, if any).
 */
function withEpochSeconds(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const converted = withEpochSeconds(item);
      if (converted !== item) (copy ??= value.slice())[i] = converted;
    }
    return copy ?? value;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key];
    const converted = withEpochSeconds(member);
    if (converted !== member) (copy ??= { ...(value as Record<string, unknown>) })[key] = converted;
  }
  return copy ?? value;
}

export function jsonErrorBody(error: AwsError): string {
  const members = (error as { readonly wireMembers?: Readonly<Record<string, unknown>> }).wireMembers;
  return JSON.stringify({ __type: error.code, message: error.message, ...members });
}

/**
 * The error of a query-compatible JSON service: `__type` names the error shape, `x-amzn-query-error` carries the query
 * code and fault (`InvalidParameterValue;Sender`), as AWS answers the SDK's `x-amzn-query-mode` requests.
 */
export function queryCompatibleJsonError(
  error: AwsError,
  compatible: { readonly namespace: string; readonly errorShapes: Readonly<Record<string, string>> },
): { body: string; headers: Record<string, string> } {
  const shape = compatible.errorShapes[error.code] ?? error.code;
  return {
    body: JSON.stringify({ __type: `${compatible.namespace}#${shape}`, message: error.message }),
    headers: {
      'x-amzn-query-error': `${error.code};${error.fault === 'server' ? 'Receiver' : 'Sender'}`,
      'x-amzn-errortype': shape,
    },
  };
}
