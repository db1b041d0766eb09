/**
 * The one place that loads aws-local-stepfunctions, so the Promise.withResolvers polyfill is always installed first.
 */
import './promise-with-resolvers';

export {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
