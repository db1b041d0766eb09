/**
 * Invoke (API reference "Invoke"): resolves the function from any FunctionName form, checks the request as Lambda
 * does, and runs the function's in-process handler the way Lambda's Node.js runtime reports it: a handler that throws
 * still answers 200, with `X-Amz-Function-Error: Unhandled` and the runtime's error payload
 * (`{"errorType","errorMessage","trace"}`).
 */
import { randomUUID } from 'node:crypto';
import type { CallContext } from '../aws/service';
import {
  invalidParameterValue,
  invalidRequestContent,
  requestTooLarge,
  resourceNotFound,
  validationError,
} from './errors';
import {
  FUNCTION_NAME_MAX_LENGTH,
  FUNCTION_NAME_PATTERN,
  functionArn,
  isValidQualifier,
  parseFunctionName,
  QUALIFIER_MAX_LENGTH,
  QUALIFIER_PATTERN,
} from './function-name';
import {
  ASYNC_PAYLOAD_LIMIT,
  INVOCATION_TYPES,
  LATEST,
  LOG_TAIL_BYTES,
  LOG_TYPES,
  RESPONSE_PAYLOAD_LIMIT,
  SYNC_PAYLOAD_LIMIT,
  type FunctionRecord,
  type InvocationType,
  type InvokeInput,
  type InvokeOutput,
} from './model';
import type { FunctionStore } from './store';

export interface InvokeDeps {
  readonly store: FunctionStore;
  /** Starts an Event invocation after the caller has its answer; local Lambda keeps track of it. */
  readonly runInBackground: (run: () => Promise<void>) => void;
}

/** The runtime's error payload for what a handler threw (Lambda's Node.js runtime: name, message, stack lines). */
export interface FunctionErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

export function functionErrorPayload(thrown: unknown): FunctionErrorPayload {
  if (thrown instanceof Error) {
    return {
      errorType: thrown.name,
      errorMessage: thrown.message,
      trace: thrown.stack === undefined ? [] : thrown.stack.split('\n'),
    };
  }
  // Not an Error (a thrown string, number, object): the runtime names its JavaScript type.
  return { errorType: typeof thrown, errorMessage: String(thrown), trace: [] };
}

/**
 * The framework's checks of the members' constraints (pattern, length, enum), all reported at once: before the call
 * is authorized (local/aws/server.ts runs them through the service's `validate`) and again by `invoke`.
 */
export function checkConstraints(input: InvokeInput): void {
  const messages: string[] = [];
  const { FunctionName: name, Qualifier: qualifier, InvocationType: invocationType, LogType: logType } = input;
  if (name.length > FUNCTION_NAME_MAX_LENGTH) {
    messages.push(
      `Value '${name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to ${FUNCTION_NAME_MAX_LENGTH}`,
    );
  } else if (name.length === 0 || !parseFunctionName(name)) {
    messages.push(
      `Value '${name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
    );
  }
  if (qualifier !== undefined) {
    if (qualifier.length > QUALIFIER_MAX_LENGTH || qualifier.length === 0) {
      messages.push(
        `Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must have length ${qualifier.length === 0 ? 'greater than or equal to 1' : `less than or equal to ${QUALIFIER_MAX_LENGTH}`}`,
      );
    } else if (!isValidQualifier(qualifier)) {
      messages.push(
        `Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ${QUALIFIER_PATTERN}`,
      );
    }
  }
  if (invocationType !== undefined && !(INVOCATION_TYPES as readonly string[]).includes(invocationType)) {
    messages.push(
      `Value '${invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [${INVOCATION_TYPES.join(', ')}]`,
    );
  }
  if (logType !== undefined && !(LOG_TYPES as readonly string[]).includes(logType)) {
    messages.push(
      `Value '${logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [${LOG_TYPES.join(', ')}]`,
    );
  }
  if (messages.length > 0) throw validationError(messages);
}

/** The function the call names, at `$LATEST` (the only version local functions have). */
function resolveFunction(input: InvokeInput, deps: InvokeDeps, ctx: CallContext): FunctionRecord {
  const ref = parseFunctionName(input.FunctionName);
  if (!ref) throw new Error('unreachable: the name was checked against the pattern');
  if (ref.qualifier !== undefined && input.Qualifier !== undefined && ref.qualifier !== input.Qualifier) {
    throw invalidParameterValue('The derived qualifier from the function name does not match the specified qualifier.');
  }
  const qualifier = ref.qualifier ?? input.Qualifier;
  const region = ref.region ?? ctx.region;
  const accountId = ref.accountId ?? ctx.accountId;
  const record = region === ctx.region && accountId === ctx.accountId ? deps.store.get(ref.name) : undefined;
  if (!record || (qualifier !== undefined && qualifier !== LATEST)) {
    throw resourceNotFound(functionArn(region, accountId, ref.name, qualifier));
  }
  return record;
}

/** The event the handler gets: the payload parsed (a fresh value per invocation), `{}` without one. */
function parsePayload(payload: string | undefined): unknown {
  if (payload === undefined || payload === '') return {};
  try {
    return JSON.parse(payload) as unknown;
  } catch (error) {
    throw invalidRequestContent((error as Error).message);
  }
}

/** The invocation's log as Lambda writes it around a function: START, the runtime's error line, END, REPORT. */
function logOf(requestId: string, started: number, error: FunctionErrorPayload | undefined): string {
  const duration = (performance.now() - started).toFixed(2);
  return [
    `START RequestId: ${requestId} Version: ${LATEST}`,
    ...(error ? [`${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(error)}`] : []),
    `END RequestId: ${requestId}`,
    `REPORT RequestId: ${requestId}\tDuration: ${duration} ms\t`,
    '',
  ].join('\n');
}

/** Base64 of the last 4 KB of the log, as `X-Amz-Log-Result` carries it. */
function logTail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString('base64');
}

/** Runs the handler; the response payload as JSON text, or the runtime's error payload when it throws. */
async function run(record: FunctionRecord, event: unknown): Promise<{ payload: string; error?: FunctionErrorPayload }> {
  let result: unknown;
  try {
    result = await record.handler(event);
  } catch (thrown) {
    const error = functionErrorPayload(thrown);
    return { payload: JSON.stringify(error), error };
  }
  let payload: string;
  try {
    // The runtime answers `null` for a handler that returns nothing.
    payload = JSON.stringify(result) ?? 'null';
  } catch (thrown) {
    const error: FunctionErrorPayload = {
      errorType: 'Runtime.MarshalError',
      errorMessage: `Unable to stringify response body: ${(thrown as Error).message}`,
      trace: [],
    };
    return { payload: JSON.stringify(error), error };
  }
  if (Buffer.byteLength(payload, 'utf8') > RESPONSE_PAYLOAD_LIMIT) {
    const error: FunctionErrorPayload = {
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: `Response payload size exceeded maximum allowed payload size (${RESPONSE_PAYLOAD_LIMIT} bytes).`,
      trace: [],
    };
    return { payload: JSON.stringify({ errorMessage: error.errorMessage, errorType: error.errorType }), error };
  }
  return { payload };
}

export async function invoke(input: InvokeInput, deps: InvokeDeps, ctx: CallContext): Promise<InvokeOutput> {
  checkConstraints(input);
  const invocationType = (input.InvocationType ?? 'RequestResponse') as InvocationType;
  const bytes = input.Payload === undefined ? 0 : Buffer.byteLength(input.Payload, 'utf8');
  if (invocationType === 'Event' ? bytes > ASYNC_PAYLOAD_LIMIT : bytes > SYNC_PAYLOAD_LIMIT) {
    throw requestTooLarge(bytes, invocationType === 'Event' ? 'Event' : 'sync');
  }
  const event = parsePayload(input.Payload);
  const record = resolveFunction(input, deps, ctx);
  switch (invocationType) {
    case 'DryRun':
      // The request is valid, the function exists and the caller may invoke it (the authorize hook ran before).
      return { StatusCode: 204 };
    case 'Event':
      deps.runInBackground(async () => {
        await run(record, event);
      });
      return { StatusCode: 202 };
    case 'RequestResponse': {
      const requestId = randomUUID();
      const started = performance.now();
      const { payload, error } = await run(record, event);
      return {
        StatusCode: 200,
        ...(error && { FunctionError: 'Unhandled' as const }),
        ...(input.LogType === 'Tail' && { LogResult: logTail(logOf(requestId, started, error)) }),
        ExecutedVersion: LATEST,
        Payload: payload,
      };
    }
  }
}
