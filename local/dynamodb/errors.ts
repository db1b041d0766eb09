/**
 * The DynamoDB errors the emulator throws, with AWS's codes and messages (see README.md for which messages are
 * verified). All are client faults (HTTP 400) on the JSON 1.0 protocol. A ConditionalCheckFailedException may carry
 * the item (ReturnValuesOnConditionCheckFailure = ALL_OLD) as an extra member of the error body, as on AWS.
 */
import { AwsError } from '../aws/service';
import type { Item } from './model';

/** An AwsError with extra members in its JSON body (local/aws/protocols/json-response.ts writes them). */
export class DynamoDbError extends AwsError {
  constructor(
    code: string,
    message: string,
    readonly wireMembers?: Readonly<Record<string, unknown>>,
  ) {
    super(code, message, 400);
  }
}

export const validation = (message: string): AwsError => new DynamoDbError('ValidationException', message);

/** A feature of the DynamoDB API the emulator does not implement: refused, never silently ignored. */
export const notSupportedLocally = (what: string): AwsError =>
  validation(`${what} is not supported locally (local/dynamodb/README.md lists what is emulated)`);

/** Item operations on a missing table (message verified: Step Functions' TaskFailed cause on AWS). */
export const resourceNotFound = (): AwsError =>
  new DynamoDbError('ResourceNotFoundException', 'Requested resource not found');

/** DescribeTable/DeleteTable on a missing table. */
export const tableNotFound = (name: string): AwsError =>
  new DynamoDbError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);

export const tableExists = (name: string): AwsError =>
  new DynamoDbError('ResourceInUseException', `Table already exists: ${name}`);

export const conditionalCheckFailed = (item: Item | undefined): AwsError =>
  new DynamoDbError('ConditionalCheckFailedException', 'The conditional request failed', item && { Item: item });

export const accessDenied = (principal: string, action: string, resource: string): AwsError =>
  new DynamoDbError(
    'AccessDeniedException',
    `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
  );
