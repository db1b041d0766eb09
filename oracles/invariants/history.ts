/** Reading an execution's history the way the Step Functions console shows a Task's attempts. */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

/**
 * Each attempt of a Task state, in order: the error name of a failed attempt (`Ecs.EcsException`), or `succeeded`.
 * Retries show as several failures before the last attempt; a Catch shows as a final failure.
 */
export function taskAttempts(history: readonly HistoryEvent[], stateName: string): string[] {
  const attempts: string[] = [];
  let current: string | undefined;
  for (const event of history) {
    if (event.type === 'TaskStateEntered') current = event.stateEnteredEventDetails?.name;
    if (current !== stateName) continue;
    if (event.type === 'TaskFailed') attempts.push(event.taskFailedEventDetails?.error ?? '?');
    if (event.type === 'TaskTimedOut') attempts.push('States.Timeout');
    if (event.type === 'TaskSucceeded') attempts.push('succeeded');
  }
  return attempts;
}

/** The result of the last successful attempt of a Task state (as the service returned it), or undefined. */
export function lastTaskOutput(history: readonly HistoryEvent[], stateName: string): unknown {
  let current: string | undefined;
  let output: unknown;
  for (const event of history) {
    if (event.type === 'TaskStateEntered') current = event.stateEnteredEventDetails?.name;
    if (current === stateName && event.type === 'TaskSucceeded') {
      output = JSON.parse(event.taskSucceededEventDetails?.output ?? 'null') as unknown;
    }
  }
  return output;
}
