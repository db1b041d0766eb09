/**
 * Lambda's restJson1 wire protocol for Invoke, as @aws-sdk/client-lambda speaks it: `POST
 * /2015-03-31/functions/{FunctionName}/invocations?Qualifier=…` with the payload as the raw body and the other members
 * in headers (`X-Amz-Invocation-Type`, `X-Amz-Log-Type`, `X-Amz-Client-Context`); the answer's status is the
 * StatusCode (200, 202, 204), the body the response payload, and `X-Amz-Function-Error`, `X-Amz-Log-Result`,
 * `X-Amz-Executed-Version` headers. Errors carry their code in `X-Amzn-ErrorType` and the shape's members in a JSON
 * body (errors.ts).
 */
import type { RestReply, RestRequest } from '../aws/server';
import type { AwsError } from '../aws/service';
import { LambdaError, unknownOperation } from './errors';
import type { InvokeInput, InvokeOutput } from './model';

/** The SigV4 signing name of Lambda requests (the SDK signs with service `lambda`). */
export const SIGNING_NAME = 'lambda';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** A request for local Lambda: signed for `lambda`, or unsigned on one of Lambda's paths (`/2015-03-31/…`). */
export function isLambdaRequest(request: RestRequest): boolean {
  return request.signingName === undefined
    ? request.path.startsWith('/2015-03-31/')
    : request.signingName === SIGNING_NAME;
}

const header = (request: RestRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** The operation a request names and its input members, or UnknownOperationException. */
export function decodeRequest(request: RestRequest): { operation: string; input: Record<string, unknown> } {
  const match = INVOKE_PATH.exec(request.path);
  if (request.method !== 'POST' || !match) throw unknownOperation(request.method, request.path);
  let functionName: string;
  try {
    functionName = decodeURIComponent(match[1] ?? '');
  } catch {
    throw unknownOperation(request.method, request.path);
  }
  const invocationType = header(request, 'x-amz-invocation-type');
  const logType = header(request, 'x-amz-log-type');
  const clientContext = header(request, 'x-amz-client-context');
  const qualifier = request.query.get('Qualifier') ?? undefined;
  const input: InvokeInput = {
    FunctionName: functionName,
    ...(invocationType !== undefined && { InvocationType: invocationType }),
    ...(logType !== undefined && { LogType: logType }),
    ...(clientContext !== undefined && { ClientContext: clientContext }),
    ...(qualifier !== undefined && { Qualifier: qualifier }),
    ...(request.body !== '' && { Payload: request.body }),
  };
  return { operation: 'Invoke', input: { ...input } };
}

export function encodeInvokeOutput(output: InvokeOutput, requestId: string): RestReply {
  return {
    status: output.StatusCode,
    contentType: 'application/json',
    body: output.StatusCode === 200 ? (output.Payload ?? '') : '',
    headers: {
      'x-amzn-requestid': requestId,
      ...(output.FunctionError !== undefined && { 'x-amz-function-error': output.FunctionError }),
      ...(output.LogResult !== undefined && { 'x-amz-log-result': output.LogResult }),
      ...(output.ExecutedVersion !== undefined && { 'x-amz-executed-version': output.ExecutedVersion }),
    },
  };
}

/**
 * An error as Lambda answers it. Errors from elsewhere in local AWS (IAM's AccessDeniedException, a fault plan's
 * throttling or 5xx) carry `Message`; AccessDeniedException is a 403 on Lambda, where the JSON protocols use 400.
 */
export function encodeError(error: AwsError, requestId: string): RestReply {
  const body =
    error instanceof LambdaError
      ? { ...(error.errorType && { Type: error.errorType }), [error.messageMember]: error.message }
      : { Message: error.message };
  return {
    status: error.code === 'AccessDeniedException' ? 403 : error.httpStatus,
    contentType: 'application/json',
    body: JSON.stringify(body),
    headers: { 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.code },
  };
}
