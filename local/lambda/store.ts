/** The functions local Lambda can invoke, by name (one region and account: local AWS's). */
import type { LocalLambda } from '../stepfunctions/lambda-task';
import { functionArn } from './function-name';
import type { FunctionRecord } from './model';

/** CreateFunction's rule for a function name: 1-64 letters, digits, hyphens or underscores. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

export class FunctionStore {
  // A Map, so no name (`__proto__` included) can reach an object's prototype.
  private readonly functions = new Map<string, FunctionRecord>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** Adds the function, or replaces its code when it exists (an update of the function's code). */
  put(name: string, handler: LocalLambda): FunctionRecord {
    if (!NAME.test(name)) {
      throw new Error(
        `Cannot register Lambda function '${name}': a function name is 1-64 letters, digits, '-' or '_' (CreateFunction's rule).`,
      );
    }
    const record: FunctionRecord = { name, arn: functionArn(this.region, this.accountId, name), handler };
    this.functions.set(name, record);
    return record;
  }

  /** Removes the function; false when there was none of that name. */
  delete(name: string): boolean {
    return this.functions.delete(name);
  }

  get(name: string): FunctionRecord | undefined {
    return this.functions.get(name);
  }

  list(): FunctionRecord[] {
    return [...this.functions.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
