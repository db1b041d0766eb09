/**
 * Lambda entry point of validate-input, the first state (CheckInputFields) of every state machine. Payload:
 * `{"machine": "<name>", "input": <the execution input as it is>}`; a payload without that envelope is read as a
 * deploy-green input (how deploy-green invoked it before every machine did). Returns the normalized input; throws
 * `BlueGreen.InvalidInput` (the Task's error) with every problem in the cause.
 */
import {
  isMachineName,
  validateDeployInput,
  validateInput,
  type DeployInput,
  type InputDefaults,
  type ServiceInput,
} from './core';

/** The payload every state machine sends: its name, its execution input, and (deploy-green, swap) the stack's defaults. */
export interface ValidateInputEvent {
  readonly machine: string;
  readonly input: unknown;
  readonly defaults?: InputDefaults;
}

function isEnvelope(event: unknown): event is ValidateInputEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
  const keys = Object.keys(event).sort();
  if (keys.length === 3 && keys[0] === 'defaults' && keys[1] === 'input' && keys[2] === 'machine') {
    const defaults = (event as { defaults: unknown }).defaults;
    return defaults !== null && typeof defaults === 'object' && !Array.isArray(defaults);
  }
  return keys.length === 2 && keys[0] === 'input' && keys[1] === 'machine';
}

export function handler(event: unknown): Promise<DeployInput | ServiceInput> {
  try {
    if (!isEnvelope(event)) return Promise.resolve(validateDeployInput(event));
    if (!isMachineName(event.machine)) {
      // A wiring error of the state machine, not bad input: a plain Error, which fails the Task as Error.
      throw new Error(
        `validate-input was invoked for machine ${JSON.stringify(event.machine).slice(0, 100)}, which does not exist.`,
      );
    }
    return Promise.resolve(validateInput(event.machine, event.input, event.defaults ?? {}));
  } catch (error) {
    return Promise.reject(error as Error);
  }
}
