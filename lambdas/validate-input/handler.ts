/**
 * Lambda entry point of validate-input, the first state of deploy-green. Payload: the execution input as it is.
 * Returns the normalized input; throws `BlueGreen.InvalidInput` (the Task's error) with every problem in the cause.
 */
import { validateDeployInput, type DeployInput } from './core';

export function handler(event: unknown): Promise<DeployInput> {
  try {
    return Promise.resolve(validateDeployInput(event));
  } catch (error) {
    return Promise.reject(error as Error);
  }
}
