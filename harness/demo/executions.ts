import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { parseFailureCause, type FailureCause } from '../../contract';

export interface ExecutionResult {
  readonly executionArn: string;
  readonly status: string;
  readonly output?: unknown;
  readonly error?: string;
  /** The cause as DescribeExecution reports it (JSON text, when the state machine wrote it). */
  readonly cause?: string;
  /** The cause parsed, when it is the state machines' structured one (contract/results.ts). */
  readonly failure?: FailureCause;
  readonly history: HistoryEvent[];
}

export interface RunOptions {
  /** Called once for each new history event, in order. */
  readonly onEvent?: (event: HistoryEvent) => void;
  /** Wall milliseconds between polls. */
  readonly pollMs?: number;
  readonly name?: string;
}

/** Starts an execution and follows it to the end through the public API (as a user's tooling would). */
export async function runExecution(
  sfn: SFNClient,
  stateMachineArn: string,
  input: unknown,
  options: RunOptions = {},
): Promise<ExecutionResult> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name: options.name }),
  );
  if (!executionArn) throw new Error(`StartExecution on ${stateMachineArn} returned no executionArn.`);
  return followExecution(sfn, executionArn, options);
}

/**
 * Polls DescribeExecution every `pollMs` until the execution ends. The history is read on each poll only for an
 * `onEvent` listener; otherwise once, at the end: re-reading the whole history every poll cost more than anything
 * else in long executions (the SDK parsing, and local AWS writing, every event again, 20 times a second), and the
 * result is the same, since a history only grows and the last read comes after the end.
 */
export async function followExecution(
  sfn: SFNClient,
  executionArn: string,
  options: RunOptions = {},
): Promise<ExecutionResult> {
  if (options.onEvent === undefined) {
    for (;;) {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (described.status !== 'RUNNING') {
        return resultFrom(executionArn, described, await allEvents(sfn, executionArn));
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
    }
  }
  let seen = 0;
  const history: HistoryEvent[] = [];
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const events = await allEvents(sfn, executionArn);
    for (const event of events.slice(seen)) {
      history.push(event);
      options.onEvent?.(event);
    }
    seen = events.length;
    if (described.status !== 'RUNNING') return resultFrom(executionArn, described, history);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}

/** An ended execution as DescribeExecution and its whole history report it. */
export async function endedExecution(sfn: SFNClient, executionArn: string): Promise<ExecutionResult> {
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  return resultFrom(executionArn, described, await allEvents(sfn, executionArn));
}

function resultFrom(
  executionArn: string,
  described: DescribeExecutionCommandOutput,
  history: HistoryEvent[],
): ExecutionResult {
  return {
    executionArn,
    status: described.status ?? 'UNKNOWN',
    output: described.output ? (JSON.parse(described.output) as unknown) : undefined,
    error: described.error,
    cause: described.cause,
    failure: parseFailureCause(described.cause),
    history,
  };
}

/** Every event of an execution's history, all pages. */
export async function allEvents(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Names of the states entered, in order (from StateEntered events). */
export function statesEntered(history: readonly HistoryEvent[]): string[] {
  return history.flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));
}
