/**
 * The one place that loads aws-local-stepfunctions, so the Promise.withResolvers polyfill is always installed first
 * and the Context Object hooks (context-object.ts) are in place before any execution runs.
 */
import './promise-with-resolvers';
import { readFileSync } from 'node:fs';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { installContextObjectHooks } from './context-object';

// npm install fixes how the library treats backslashes in intrinsic functions (scripts/patch-aws-local-stepfunctions.mjs,
// README "Divergences"); without it States.JsonToString can return text that is not JSON. Refuse to run unfixed.
if (
  !readFileSync(require.resolve('aws-local-stepfunctions'), 'utf8').includes('ecs-bluegreen: intrinsic escapes fixed')
) {
  throw new Error(
    'aws-local-stepfunctions is not patched (npm install runs the patch; was it run with --ignore-scripts?). ' +
      'Run: node scripts/patch-aws-local-stepfunctions.mjs',
  );
}

// The library evaluates `$$.…` paths with jsonpath-plus; the same module instance is patched here.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- patched in place, see context-object.ts
const jsonPathModule = require('jsonpath-plus') as Parameters<typeof installContextObjectHooks>[1];
installContextObjectHooks(StateMachine.prototype, jsonPathModule);

/**
 * A `States.Timeout` error of the library's own (unexported) class. Retry and Catch recognise a Task timeout by that
 * class, not by name: the `States.TaskFailed` wildcard matches every Task error except an instance of it, as AWS's
 * matches everything but States.Timeout. Callback Tasks time out on our emulated-time timers (callback-task.ts), so
 * they need an instance; the class is learnt once by letting a one-state machine time out after 1 ms.
 */
let timeoutErrorClass: Promise<new () => Error> | undefined;

async function learnTimeoutErrorClass(): Promise<new () => Error> {
  const probe = new StateMachine(
    {
      StartAt: 'Probe',
      States: {
        Probe: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe',
          TimeoutSeconds: 0.001,
          End: true,
        },
      },
    } as unknown as StateMachineDefinition,
    { validationOptions: { noValidate: true } },
  );
  const run = probe.run(
    {},
    { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => undefined) } } },
  );
  try {
    await run.result;
  } catch (error) {
    const inner = error instanceof ExecutionError ? error.cause : error;
    if (inner instanceof Error && inner.name === 'States.Timeout') return inner.constructor as new () => Error;
  }
  throw new Error('aws-local-stepfunctions internals changed: a Task timeout no longer fails with States.Timeout');
}

export async function statesTimeoutError(): Promise<Error> {
  timeoutErrorClass ??= learnTimeoutErrorClass();
  return new (await timeoutErrorClass)();
}

export {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
