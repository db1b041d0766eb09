/**
 * CloudWatch's errors with their query-protocol codes (the codes the AWS CLI shows and the SDK puts in `Code`; the
 * JSON protocol names the matching error shape, see local/aws/protocols/service-protocols.ts). All are client faults.
 */
import { AwsError } from '../aws/service';

export const invalidParameterValue = (message: string): AwsError => new AwsError('InvalidParameterValue', message);

export const invalidParameterCombination = (message: string): AwsError =>
  new AwsError('InvalidParameterCombination', message);

export const missingParameter = (message: string): AwsError => new AwsError('MissingParameter', message);

export const resourceNotFound = (message: string): AwsError => new AwsError('ResourceNotFound', message, 404);

export const limitExceeded = (message: string): AwsError => new AwsError('LimitExceeded', message);

export const invalidNextToken = (): AwsError => new AwsError('InvalidNextToken', 'The NextToken is not valid.');

export const invalidFormat = (message: string): AwsError => new AwsError('InvalidFormat', message);

export const validationError = (message: string): AwsError => new AwsError('ValidationError', message);

/**
 * The framework's constraint checks (lengths, ranges, list sizes) that the SDK schema does not carry: one
 * ValidationError listing every violation, worded as AWS words them.
 */
export class Constraints {
  private readonly messages: string[] = [];

  length(value: string | undefined, path: string, min: number, max: number): this {
    if (value === undefined) return this;
    if (value.length < min) {
      this.messages.push(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`,
      );
    } else if (value.length > max) {
      this.messages.push(
        `Value at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
    }
    return this;
  }

  count(value: readonly unknown[] | undefined, path: string, max: number, min = 0): this {
    if (value === undefined) return this;
    if (value.length > max) {
      this.messages.push(
        `Value at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
    } else if (value.length < min) {
      this.messages.push(
        `Value at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`,
      );
    }
    return this;
  }

  atLeast(value: number | undefined, path: string, min: number): this {
    if (value !== undefined && value < min) {
      this.messages.push(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
      );
    }
    return this;
  }

  atMost(value: number | undefined, path: string, max: number): this {
    if (value !== undefined && value > max) {
      this.messages.push(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      );
    }
    return this;
  }

  pattern(value: string | undefined, path: string, pattern: RegExp, shown: string): this {
    if (value !== undefined && !pattern.test(value)) {
      this.messages.push(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${shown}`,
      );
    }
    return this;
  }

  /** Throws ValidationError when anything failed. */
  check(): void {
    const n = this.messages.length;
    if (n === 0) return;
    throw new AwsError(
      'ValidationError',
      `${n} validation error${n === 1 ? '' : 's'} detected: ${this.messages.join('; ')}`,
    );
  }
}
