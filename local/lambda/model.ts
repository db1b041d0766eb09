/**
 * What local Lambda keeps: the functions it can invoke (name, ARN, in-process handler) and the limits of Invoke, as
 * the Lambda API reference and the Lambda quotas page state them.
 */
import type { LocalLambda } from '../stepfunctions/lambda-task';

export interface FunctionRecord {
  /** The function's name (`GreenWatchFunction`): 1-64 letters, digits, `-` or `_`. */
  readonly name: string;
  /** `arn:aws:lambda:REGION:ACCOUNT:function:NAME`, unqualified. */
  readonly arn: string;
  /** The function's code, run in process: the event in, the response (any JSON value) out. */
  readonly handler: LocalLambda;
}

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';
export const INVOCATION_TYPES: readonly InvocationType[] = ['Event', 'RequestResponse', 'DryRun'];

export type LogType = 'None' | 'Tail';
export const LOG_TYPES: readonly LogType[] = ['None', 'Tail'];

/** The only version local Lambda has: every function is its unpublished `$LATEST`. */
export const LATEST = '$LATEST';

/** Largest request payload of a synchronous invocation (RequestResponse, DryRun): 6 MB (6,291,456 bytes). */
export const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;

/**
 * Largest request payload of an asynchronous invocation (Event): 1 MB, as the Invoke API reference of the SDK in use
 * (@aws-sdk/client-lambda 3.1164.0) states ("For asynchronous invocations, the maximum payload size is 1 MB"); it was
 * 256 KB (262,144 bytes) until 2025. Taken as 1,048,576 bytes, the binary megabyte the old limit also used.
 */
export const ASYNC_PAYLOAD_LIMIT = 1024 * 1024;

/** Largest response payload of a synchronous invocation, as the Lambda runtime API enforces it (6 MB + 100 bytes). */
export const RESPONSE_PAYLOAD_LIMIT = 6 * 1024 * 1024 + 100;

/** `X-Amz-Log-Result` carries the last 4 KB of the invocation's log. */
export const LOG_TAIL_BYTES = 4 * 1024;

/** The Invoke input as the wire layer decodes it (header, path and query members named as in the API reference). */
export interface InvokeInput {
  readonly FunctionName: string;
  readonly InvocationType?: string;
  readonly LogType?: string;
  readonly ClientContext?: string;
  readonly Qualifier?: string;
  /** The request body as text; absent when the request has no body. */
  readonly Payload?: string;
}

/** The Invoke output: the HTTP status and headers it is answered with, and the response payload (JSON text). */
export interface InvokeOutput {
  readonly StatusCode: 200 | 202 | 204;
  readonly FunctionError?: 'Unhandled';
  /** Base64 of the last 4 KB of the invocation's log (LogType Tail, synchronous invocations only). */
  readonly LogResult?: string;
  readonly ExecutedVersion?: string;
  readonly Payload?: string;
}
