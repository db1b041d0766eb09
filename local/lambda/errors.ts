/**
 * Lambda's errors as its restJson1 API answers them: the code in `X-Amzn-ErrorType`, the HTTP status the SDK model
 * gives the error shape, and a body with the shape's members: `Type` (`User` for a caller's mistake, `Service` for
 * Lambda's own) and the message, named `Message` or `message` as each shape names it (ResourceNotFoundException and
 * ServiceException say `Message`, most others `message`).
 */
import { AwsError } from '../aws/service';
import { ASYNC_PAYLOAD_LIMIT, SYNC_PAYLOAD_LIMIT } from './model';

export class LambdaError extends AwsError {
  constructor(
    code: string,
    message: string,
    httpStatus: number,
    /** The body member that carries the message. */
    readonly messageMember: 'Message' | 'message',
    /** The shape's `Type` member, when the shape has one. */
    readonly errorType?: 'User' | 'Service',
  ) {
    super(code, message, httpStatus);
  }
}

/** The function (or the version or alias named) does not exist: 404, `Function not found: ARN`. */
export const resourceNotFound = (arn: string): LambdaError =>
  new LambdaError('ResourceNotFoundException', `Function not found: ${arn}`, 404, 'Message', 'User');

/** The payload is not JSON. The text after the last colon is V8's parser message, where AWS gives Jackson's. */
export const invalidRequestContent = (detail: string): LambdaError =>
  new LambdaError(
    'InvalidRequestContentException',
    `Could not parse request body into json: Could not parse payload into json: ${detail}`,
    400,
    'message',
    'User',
  );

export const invalidParameterValue = (message: string): LambdaError =>
  new LambdaError('InvalidParameterValueException', message, 400, 'message', 'User');

/**
 * A payload over the invocation type's limit: 413. AWS answers `RequestEntityTooLargeException`, not the SDK model's
 * `RequestTooLargeException` shape (aws/aws-sdk#45), with these messages; the SDK then throws a LambdaServiceException
 * of that name, as it does against AWS.
 */
export const requestTooLarge = (bytes: number, invocationType: 'sync' | 'Event'): LambdaError =>
  invocationType === 'Event'
    ? new LambdaError(
        'RequestEntityTooLargeException',
        `${bytes} byte payload is too large for the Event invocation type (limit ${ASYNC_PAYLOAD_LIMIT} bytes)`,
        413,
        'message',
        'User',
      )
    : new LambdaError(
        'RequestEntityTooLargeException',
        `Request must be smaller than ${SYNC_PAYLOAD_LIMIT} bytes for the InvokeFunction operation`,
        413,
        'message',
        'User',
      );

/** The framework's constraint check (lengths, patterns, enums): `1 validation error detected: …`. */
export const validationError = (messages: readonly string[]): LambdaError =>
  new LambdaError(
    'ValidationException',
    `${messages.length} validation error${messages.length === 1 ? '' : 's'} detected: ${messages.join('; ')}`,
    400,
    'message',
  );

/** A request to a path local Lambda has no operation for. */
export const unknownOperation = (method: string, path: string): LambdaError =>
  new LambdaError(
    'UnknownOperationException',
    `Local Lambda has no operation at ${method} ${path}: only Invoke (POST /2015-03-31/functions/{FunctionName}/invocations) is emulated`,
    400,
    'message',
  );

/** Lambda's own failure (local Lambda closed while the call ran). */
export const serviceException = (message: string): LambdaError =>
  new LambdaError('ServiceException', message, 500, 'Message', 'Service');
