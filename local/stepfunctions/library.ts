/**
 * The one place that loads aws-local-stepfunctions, so the Promise.withResolvers polyfill is always installed first
 * and the Context Object hooks (context-object.ts) are in place before any execution runs.
 */
import './promise-with-resolvers';
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
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

export {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
