/**
 * Encodes AWS JSON 1.0/1.1 responses. Timestamps go out as epoch seconds (what the JSON protocols use); errors carry
 * the code both in `__type` and in the `x-amzn-errortype` header, which is where the SDK reads it from first, plus any
 * modelled members of the error (DynamoDB's ConditionalCheckFailedException carries `Item`).
 */
import type { AwsError } from '../service';

export function jsonResultBody(result: unknown): string {
  return JSON.stringify(result ?? {}, function replacer(this: Record<string, unknown>, key: string, value: unknown) {
    // JSON.stringify calls toJSON before the replacer, so look at the original value.
    const original = this[key];
    return original instanceof Date ? original.getTime() / 1000 : value;
  });
}

export function jsonErrorBody(error: AwsError): string {
  const members = (error as { readonly wireMembers?: Readonly<Record<string, unknown>> }).wireMembers;
  return JSON.stringify({ __type: error.code, message: error.message, ...members });
}
