/**
 * The one place that loads aws-local-stepfunctions, so the Promise.withResolvers polyfill is always installed first
 * and the Context Object hooks (context-object.ts) are in place before any execution runs.
 */
import './promise-with-resolvers';
import { StateMachine } from 'aws-local-stepfunctions';
import { installContextObjectHooks } from './context-object';

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
