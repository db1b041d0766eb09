/**
 * Application Auto Scaling's errors (the API reference's, as @aws-sdk/client-application-auto-scaling models them).
 * All are client faults with HTTP 400; each message names the member, the allowed values and the fix.
 */
import { AwsError } from '../aws/service';

export const validation = (message: string): AwsError => new AwsError('ValidationException', message);

export const objectNotFound = (message: string): AwsError => new AwsError('ObjectNotFoundException', message);

export const limitExceeded = (message: string): AwsError => new AwsError('LimitExceededException', message);

export const invalidNextToken = (): AwsError =>
  new AwsError('InvalidNextTokenException', 'The NextToken is not valid: pass the NextToken of the previous answer.');

/**
 * The framework's constraint checks that the SDK schema does not carry (lengths, ranges, patterns): one
 * ValidationException listing every violation, in the wording of AWS's framework.
 */
export class Constraints {
  private readonly problems: string[] = [];

  length(value: string | undefined, member: string, min: number, max: number): this {
    if (value !== undefined && (value.length < min || value.length > max)) {
      this.problems.push(
        `Value '${value.length > 64 ? `${value.slice(0, 64)}…` : value}' at '${member}' failed to satisfy constraint: ` +
          `Member must have length between ${min} and ${max}`,
      );
    }
    return this;
  }

  range(value: number | undefined, member: string, min: number, max: number): this {
    if (value !== undefined && (!(value >= min) || !(value <= max))) {
      this.problems.push(
        `Value '${value}' at '${member}' failed to satisfy constraint: Member must be between ${min} and ${max}`,
      );
    }
    return this;
  }

  pattern(value: string | undefined, member: string, pattern: RegExp, shown: string): this {
    if (value !== undefined && !pattern.test(value)) {
      this.problems.push(
        `Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${shown}`,
      );
    }
    return this;
  }

  /** Throws ValidationException when anything failed. */
  check(): void {
    const n = this.problems.length;
    if (n === 0) return;
    throw validation(`${n} validation error${n === 1 ? '' : 's'} detected: ${this.problems.join('; ')}`);
  }
}
