/** What every DynamoDB operation handler gets: the state and the caller. */
import type { CallContext } from '../aws/service';
import type { DynamoDbStore } from './store';

export type Input = Readonly<Record<string, unknown>>;

export interface OperationContext {
  readonly store: DynamoDbStore;
  readonly call: CallContext;
}

export type OperationHandler = (ctx: OperationContext, input: Input) => unknown;

/** Members the schema validation already typed; these readers only narrow them for TypeScript. */
export const str = (input: Input, member: string): string | undefined =>
  typeof input[member] === 'string' ? input[member] : undefined;

export const record = (input: Input, member: string): Readonly<Record<string, unknown>> | undefined => {
  const value = input[member];
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
};
