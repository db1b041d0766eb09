/** The CloudFormation errors local CloudFormation returns, with AWS's codes and messages (query protocol, HTTP 400). */
import { AwsError } from '../aws/service';

export const validationError = (message: string): AwsError => new AwsError('ValidationError', message);

/** DescribeStacks, UpdateStack, GetTemplate… of a stack that does not exist (or, by name, was deleted). */
export const stackNotFound = (nameOrId: string): AwsError =>
  validationError(`Stack with id ${nameOrId} does not exist`);

export const alreadyExists = (name: string): AwsError =>
  new AwsError('AlreadyExistsException', `Stack [${name}] already exists`);

export const noUpdates = (): AwsError => validationError('No updates are to be performed.');

/** UpdateStack while an operation runs, or in a state that cannot be updated (ROLLBACK_COMPLETE, …). */
export const cannotUpdate = (stackId: string, status: string): AwsError =>
  validationError(`Stack:${stackId} is in ${status} state and can not be updated.`);

export const insufficientCapabilities = (capability: string): AwsError =>
  new AwsError('InsufficientCapabilitiesException', `Requires capabilities : [${capability}]`);

export const templateFormatError = (message: string): AwsError => validationError(`Template format error: ${message}`);
