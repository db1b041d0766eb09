/**
 * Runs an `arn:aws:states:::aws-sdk:<service>:<action>` Task: the real SDK v3 client, pointed at local AWS and signed
 * as the state machine's role, with Step Functions' naming on both sides.
 */
import { accessKeyForRole } from '../aws/principal';
import type { SdkClientPool } from './sdk-client-pool';
import { fromSdkOutput, toSdkInput, UnknownParameterError } from './sdk-naming';
import type { SdkAction } from './sdk-services';
import { LocalRuntimeError, TaskFailure, taskErrorFromSdk, withDroppedConnectionRetry } from './task-errors';

export interface SdkCallContext {
  readonly endpoint: string;
  readonly region: string;
  readonly roleArn: string;
  readonly abortSignal: AbortSignal;
  /** Where the client for this service, endpoint and role is kept between calls. */
  readonly clients: SdkClientPool;
}

export async function callSdkAction(sdk: SdkAction, parameters: unknown, context: SdkCallContext): Promise<unknown> {
  let input: unknown;
  try {
    input = toSdkInput(parameters ?? {}, sdk.schema.input);
  } catch (error) {
    if (error instanceof UnknownParameterError) {
      throw new LocalRuntimeError(`${sdk.service.arnName}:${sdk.action}: ${error.message}`);
    }
    throw error;
  }
  const client = context.clients.get(
    `${sdk.service.arnName} ${context.endpoint} ${context.region} ${context.roleArn}`,
    (requestHandler) =>
      sdk.service.createClient({
        endpoint: context.endpoint,
        region: context.region,
        credentials: { accessKeyId: accessKeyForRole(context.roleArn), secretAccessKey: 'local' },
        maxAttempts: 1,
        requestHandler,
      }),
  );
  try {
    const output = await withDroppedConnectionRetry(sdk.service.errorPrefix, sdk.action, () =>
      client.send(new sdk.command(input), { abortSignal: context.abortSignal }),
    );
    return fromSdkOutput(output, sdk.schema.output);
  } catch (error) {
    if (error instanceof TaskFailure) throw error;
    throw taskErrorFromSdk(sdk.service, error);
  }
}
