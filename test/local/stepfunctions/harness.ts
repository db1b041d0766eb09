/** Shared helpers for the local Step Functions tests: create a state machine, run it to the end, read history. */
import type { ExecutionSnapshot } from '../../../local/stepfunctions/execution';
import type { StepFunctionsService } from '../../../local/stepfunctions/service';

export const CTX = { region: 'us-east-1', accountId: '123456789012' } as const;
export const ROLE = 'arn:aws:iam::123456789012:role/deployer';

export async function createMachine(
  sfn: StepFunctionsService,
  name: string,
  definition: unknown,
  roleArn = ROLE,
): Promise<string> {
  const created = (await sfn.invoke(
    'CreateStateMachine',
    { name, definition: JSON.stringify(definition), roleArn },
    CTX,
  )) as {
    stateMachineArn: string;
  };
  return created.stateMachineArn;
}

export async function start(
  sfn: StepFunctionsService,
  stateMachineArn: string,
  input: unknown = {},
  name?: string,
): Promise<string> {
  const started = (await sfn.invoke(
    'StartExecution',
    { stateMachineArn, input: JSON.stringify(input), ...(name !== undefined && { name }) },
    CTX,
  )) as { executionArn: string };
  return started.executionArn;
}

export async function runToEnd(
  sfn: StepFunctionsService,
  stateMachineArn: string,
  input: unknown = {},
): Promise<ExecutionSnapshot> {
  return sfn.waitForExecution(await start(sfn, stateMachineArn, input));
}

export function eventTypes(snapshot: ExecutionSnapshot): string[] {
  return snapshot.history.map((e) => e.type);
}

export function outputOf(snapshot: ExecutionSnapshot): unknown {
  return snapshot.output === undefined ? undefined : JSON.parse(snapshot.output);
}

/** Rejections of `invoke` as `{ code, message }`, for asserting AWS error codes. */
export async function awsErrorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error('expected the call to fail');
}
