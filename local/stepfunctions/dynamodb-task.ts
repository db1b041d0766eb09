/**
 * Runs the optimized DynamoDB integration (`arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem`) through
 * the real @aws-sdk/client-dynamodb, pointed at local AWS and signed as the state machine's role, so validation,
 * least-privilege checks, fault injection and the call log apply as to every other call.
 *
 * What AWS does, and where it was checked:
 * - Parameters are the API's request members (PascalCase, as DynamoDB's own API is); only these four actions are
 *   optimized (docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html).
 * - Errors use the prefix `DynamoDB` (upper-case DB; the aws-sdk:dynamodb integration uses `DynamoDb`, same page).
 *   The result of a call is the API response JSON plus `SdkHttpMetadata` / `SdkResponseMetadata`, and the history
 *   names it resourceType `dynamodb`, resource `putItem` (snapshots recorded against AWS in localstack/localstack
 *   tests/aws/services/stepfunctions/v2/services/test_dynamodb_task_service.snapshot.json).
 * - A modelled error keeps its name (`DynamoDB.ConditionalCheckFailedException`, `DynamoDB.ResourceNotFoundException`);
 *   a ValidationException, which the DynamoDB model does not list, surfaces as `DynamoDB.AmazonDynamoDBException`,
 *   with the cause `<message> (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ValidationException;
 *   Request ID: …; Proxy: null)` (AWS-recorded snapshots in localstack/localstack tests/aws/services/stepfunctions/v2/
 *   error_handling/test_task_service_dynamodb.snapshot.json; AWS's own "control concurrency with DynamoDB" sample,
 *   aws-samples/aws-stepfunctions-examples sam/app-control-concurrency-with-dynamodb, catches
 *   `DynamoDB.ConditionalCheckFailedException` and `DynamoDB.AmazonDynamoDBException` the same way).
 * - That cause format is the AWS SDK for Java v1's, whose exception classes give the names: the errors it models for
 *   these operations keep their class name; everything else (ValidationException, ThrottlingException and other
 *   codes that v1 model does not know, unmodelled 5xx such as ServiceUnavailable) is the base class
 *   `AmazonDynamoDBException`. Which codes v1 models is our inference from the API reference of the four operations
 *   before 2024 (not verified against AWS for throttling): see MODELLED below and local/dynamodb/README.md.
 */
import * as dynamodb from '@aws-sdk/client-dynamodb';
import { accessKeyForRole } from '../aws/principal';
import type { SdkClientPool } from './sdk-client-pool';
import { fromSdkOutput, toSdkInput, UnknownParameterError } from './sdk-naming';
import { operationSchema, type OperationSchema } from './sdk-schema';
import { LocalRuntimeError, TaskFailure, withDroppedConnectionRetry } from './task-errors';

export const DYNAMODB_OPTIMIZED_ACTIONS = ['getItem', 'putItem', 'updateItem', 'deleteItem'] as const;
export type DynamoDbOptimizedAction = (typeof DYNAMODB_OPTIMIZED_ACTIONS)[number];

const DYNAMODB_RESOURCE = /^arn:aws:states:::dynamodb:([a-zA-Z]+)$/;

/** Error codes whose Java v1 exception class the optimized integration reports by name (code → class name). */
const MODELLED: ReadonlyMap<string, string> = new Map([
  ['ConditionalCheckFailedException', 'ConditionalCheckFailedException'],
  ['ResourceNotFoundException', 'ResourceNotFoundException'],
  ['ProvisionedThroughputExceededException', 'ProvisionedThroughputExceededException'],
  ['ItemCollectionSizeLimitExceededException', 'ItemCollectionSizeLimitExceededException'],
  ['TransactionConflictException', 'TransactionConflictException'],
  ['RequestLimitExceeded', 'RequestLimitExceededException'],
  ['InternalServerError', 'InternalServerErrorException'],
]);
const BASE_EXCEPTION = 'AmazonDynamoDBException';

export interface DynamoDbTask {
  readonly action: DynamoDbOptimizedAction;
  readonly operation: string;
  readonly schema: OperationSchema;
  readonly command: new (input: unknown) => unknown;
}

/** The optimized DynamoDB action a Resource names, or why it cannot be run (also on AWS). */
export function dynamoDbTaskForResource(resource: string): DynamoDbTask | { readonly problem: string } | undefined {
  const match = DYNAMODB_RESOURCE.exec(resource);
  if (!match) return undefined;
  const action = match[1] ?? '';
  if (!(DYNAMODB_OPTIMIZED_ACTIONS as readonly string[]).includes(action)) {
    return {
      problem:
        `'${resource}' is not an optimized DynamoDB integration (only ${DYNAMODB_OPTIMIZED_ACTIONS.join(', ')}; ` +
        'other actions need arn:aws:states:::aws-sdk:dynamodb:…, which local Step Functions does not emulate)',
    };
  }
  const operation = action.charAt(0).toUpperCase() + action.slice(1);
  const module = dynamodb as unknown as Readonly<Record<string, unknown>>;
  const schema = operationSchema(module, operation);
  const command = module[`${operation}Command`];
  if (!schema || typeof command !== 'function') return { problem: `DynamoDB has no API action '${action}'` };
  return {
    action: action as DynamoDbOptimizedAction,
    operation,
    schema,
    command: command as new (input: unknown) => unknown,
  };
}

export interface DynamoDbCallContext {
  readonly endpoint: string;
  readonly region: string;
  readonly roleArn: string;
  readonly abortSignal: AbortSignal;
  readonly clients: SdkClientPool;
}

/** Java-style header names, as SdkHttpMetadata shows them. */
const HEADER_NAMES: Readonly<Record<string, string>> = {
  connection: 'Connection',
  'content-length': 'Content-Length',
  'content-type': 'Content-Type',
  date: 'Date',
  server: 'Server',
  'x-amz-crc32': 'x-amz-crc32',
  'x-amzn-requestid': 'x-amzn-RequestId',
};

function sdkHttpMetadata(headers: Readonly<Record<string, string>>, status: number, requestId: string) {
  const named = Object.entries(headers)
    .filter(([name]) => name !== 'keep-alive')
    .map(([name, value]) => [HEADER_NAMES[name] ?? name, value] as const);
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(named.map(([name, value]) => [name, [value]])),
      HttpHeaders: Object.fromEntries(named),
      HttpStatusCode: status,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

interface ServiceErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
}

/** An SDK error → the Task error the optimized integration reports (see the file comment). */
export function dynamoDbTaskError(error: unknown): Error {
  const e = (error ?? {}) as ServiceErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const status = e.$metadata?.httpStatusCode;
  if (typeof status !== 'number') {
    return new LocalRuntimeError(`Calling dynamodb failed without a response from local AWS: ${message}`);
  }
  const code = typeof e.name === 'string' ? e.name : 'UnknownError';
  const errorName = MODELLED.get(code) ?? BASE_EXCEPTION;
  const details = `Service: AmazonDynamoDBv2; Status Code: ${status}; Error Code: ${code}; Request ID: ${e.$metadata?.requestId ?? ''}; Proxy: null`;
  return new TaskFailure(`DynamoDB.${errorName}`, `${message} (${details})`);
}

export async function callDynamoDbTask(
  task: DynamoDbTask,
  parameters: unknown,
  context: DynamoDbCallContext,
): Promise<unknown> {
  let input: unknown;
  try {
    input = toSdkInput(parameters ?? {}, task.schema.input);
  } catch (error) {
    if (error instanceof UnknownParameterError)
      throw new LocalRuntimeError(`dynamodb:${task.action}: ${error.message}`);
    throw error;
  }
  const client = context.clients.get(
    `dynamodb ${context.endpoint} ${context.region} ${context.roleArn}`,
    (requestHandler) =>
      new dynamodb.DynamoDBClient({
        endpoint: context.endpoint,
        region: context.region,
        credentials: { accessKeyId: accessKeyForRole(context.roleArn), secretAccessKey: 'local' },
        maxAttempts: 1,
        requestHandler,
      }),
  );
  let response: { headers: Record<string, string>; statusCode: number } | undefined;
  // A command per attempt (see withDroppedConnectionRetry), each capturing its own response; on the command, not the
  // (shared) client.
  const send = () => {
    const command = new task.command(input) as dynamodb.GetItemCommand;
    command.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        response = result.response as typeof response;
        return result;
      },
      { step: 'deserialize', name: 'localStepFunctionsResponseCapture' },
    );
    return client.send(command as never, { abortSignal: context.abortSignal }) as Promise<{
      $metadata: { httpStatusCode?: number; requestId?: string };
    }>;
  };
  try {
    const output = await withDroppedConnectionRetry('DynamoDB', task.action, send);
    const result = fromSdkOutput(output, task.schema.output) as Record<string, unknown>;
    return {
      ...result,
      ...sdkHttpMetadata(
        response?.headers ?? {},
        output.$metadata.httpStatusCode ?? 200,
        output.$metadata.requestId ?? '',
      ),
    };
  } catch (error) {
    if (error instanceof TaskFailure) throw error;
    throw dynamoDbTaskError(error);
  }
}
