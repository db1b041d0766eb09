/**
 * SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat (Step Functions API reference). The request has already been
 * validated against the SDK's schema (members and types); the length constraints the model states are checked here,
 * answered as AWS's validation layer answers them (ValidationException; `output`, `error` and `cause` are sensitive
 * members, so their values are not echoed).
 */
import { AwsError } from '../aws/service';
import type { CallbackRegistry } from './callback-task';
import { TaskFailure } from './task-errors';

/** taskToken: Minimum length of 1, maximum length of 2048. */
const TOKEN_MAX_LENGTH = 2048;
/** output: Maximum length of 262144 (bytes in UTF-8). */
const OUTPUT_MAX_BYTES = 262144;
/** error: Maximum length of 256; cause: maximum length of 32768. */
const ERROR_MAX_LENGTH = 256;
const CAUSE_MAX_LENGTH = 32768;

function constraint(member: string, rule: string, value?: string): AwsError {
  const shown = value === undefined ? '' : `'${value}' `;
  return new AwsError(
    'ValidationException',
    `1 validation error detected: Value ${shown}at '${member}' failed to satisfy constraint: ${rule}`,
  );
}

function taskToken(input: Record<string, unknown>): string {
  const token = typeof input['taskToken'] === 'string' ? input['taskToken'] : '';
  if (token.length < 1) throw constraint('taskToken', 'Member must have length greater than or equal to 1', token);
  if (token.length > TOKEN_MAX_LENGTH) {
    throw constraint('taskToken', `Member must have length less than or equal to ${TOKEN_MAX_LENGTH}`, token);
  }
  return token;
}

function maxLength(input: Record<string, unknown>, member: string, max: number): string | undefined {
  const value = input[member];
  if (typeof value !== 'string') return undefined;
  if (value.length > max) throw constraint(member, `Member must have length less than or equal to ${max}`);
  return value;
}

export function callbackOperations(registry: CallbackRegistry) {
  return {
    SendTaskSuccess(input: Record<string, unknown>): Record<string, never> {
      const token = taskToken(input);
      const output = typeof input['output'] === 'string' ? input['output'] : '';
      if (Buffer.byteLength(output, 'utf8') > OUTPUT_MAX_BYTES) {
        throw constraint('output', `Member must have length less than or equal to ${OUTPUT_MAX_BYTES}`);
      }
      const task = registry.openTask(token);
      let parsed: unknown;
      try {
        parsed = JSON.parse(output);
      } catch (error) {
        throw new AwsError('InvalidOutput', `Invalid Output: '${(error as Error).message}'`);
      }
      task.succeed(parsed);
      return {};
    },

    SendTaskFailure(input: Record<string, unknown>): Record<string, never> {
      const token = taskToken(input);
      const error = maxLength(input, 'error', ERROR_MAX_LENGTH);
      const cause = maxLength(input, 'cause', CAUSE_MAX_LENGTH);
      // Retry and Catch match the error by name; a failure sent without one has the empty name.
      registry.openTask(token).fail(new TaskFailure(error ?? '', cause ?? ''));
      return {};
    },

    SendTaskHeartbeat(input: Record<string, unknown>): Record<string, never> {
      registry.openTask(taskToken(input)).heartbeat();
      return {};
    },
  };
}
