/**
 * Operator actions during a flow, applied through the real APIs of local AWS:
 *
 * - StopAt: StopExecution (SFN API) right when a chosen state of a running execution is entered (its N-th entry).
 *   The stop lands at an API call of that execution (held by the fault injector's gate until StopExecution has
 *   returned): a Task state's own call, or, for a Pass, Choice or Wait state (which change nothing), the first call
 *   after it, which is the same point for everything the execution changes. `inFlight` says what becomes of the
 *   held call: `refused` (the stop won the race: the call never reaches the service) or `applied` (the call was
 *   already on its way: the service applies it, the stopped execution never sees the answer).
 * - Autoscaler: an external ECS UpdateService of the desired count at a given emulated time, as Application Auto
 *   Scaling would make it.
 */
import { GetExecutionHistoryCommand, StopExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { FaultCall } from '../../local/aws/faults';
import { AwsError } from '../../local/aws/service';
import { localClientConfig } from '../../local/aws/client-config';
import { statesEntered } from '../../harness/demo/executions';
import type { LocalStack } from '../../harness/demo/local-stack';
import type { Machine } from '../invariants/state-checks';
import { LOCAL_REGION } from '../../local/local-aws';
import type { FaultInjector } from './fault-plan';

export interface StopAt {
  readonly machine: Machine;
  /** A state name of that machine's ASL that its run enters. */
  readonly state: string;
  /** Which entry of the state (1 = the first time it is entered). */
  readonly occurrence: number;
  readonly inFlight: 'refused' | 'applied';
}

export interface StopOutcome {
  /** Whether the stop landed while the execution was running. */
  readonly stopped: boolean;
  /** The call the stop landed at (`Elastic Load Balancing v2 ModifyRule`). */
  readonly atCall?: string;
  /** States entered before the stop, in order. */
  readonly statesBefore?: readonly string[];
}

export interface ArmedStop {
  /** Tells the stop which execution to watch, as soon as StartExecution has returned. */
  bind(executionArn: string): void;
  /** What happened; call after the execution ended. */
  outcome(): StopOutcome;
  dispose(): void;
}

async function historyOf(stack: LocalStack, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await stack.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData: false }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/**
 * Arms a stop for the next execution of `stop.machine` (identified by its role: only one execution of that machine
 * may run while the stop is armed). Calls of that role are held until the execution is bound.
 */
export function armStop(stack: LocalStack, injector: FaultInjector, roleArn: string, stop: StopAt): ArmedStop {
  let bound: (arn: string) => void = () => undefined;
  const executionArn = new Promise<string>((resolve) => (bound = resolve));
  let outcome: StopOutcome = { stopped: false };
  let done = false;
  const gate = async (call: FaultCall): Promise<AwsError | undefined> => {
    const arn = await executionArn;
    if (done) return undefined;
    const states = statesEntered(await historyOf(stack, arn));
    if (done || states.filter((s) => s === stop.state).length < stop.occurrence) return undefined;
    done = true;
    const stopped = await stack.sfn.send(
      new StopExecutionCommand({ executionArn: arn, error: 'Operator.Stopped', cause: `Stopped at ${stop.state}` }),
    );
    outcome = {
      stopped: stopped.stopDate !== undefined,
      atCall: `${call.service} ${call.operation}`,
      statesBefore: states,
    };
    return stop.inFlight === 'refused'
      ? new AwsError('RequestCanceled', 'The execution was stopped before this call reached the service.', 400)
      : undefined;
  };
  const removeGate = injector.gate((call) => (!done && call.principal === roleArn ? gate(call) : undefined));
  return {
    bind: (arn) => bound(arn),
    outcome: () => outcome,
    dispose: () => {
      done = true;
      removeGate();
    },
  };
}

export interface AutoscalerAction {
  /** Emulated seconds after the flow started. */
  readonly atSeconds: number;
  readonly desiredCount: number;
}

export interface ArmedAutoscaler {
  /** Wall ms when UpdateService was sent (its effect may be visible from then on), or undefined if not (yet). */
  appliedAt(): number | undefined;
  /** Stops the timer (if it has not fired) and waits for a call in flight. */
  dispose(): Promise<void>;
}

/** Schedules an external UpdateService of the desired count (a test-side, unsigned call: no fault plan touches it). */
export function armAutoscaler(stack: LocalStack, action: AutoscalerAction): ArmedAutoscaler {
  const abort = new AbortController();
  let appliedAt: number | undefined;
  const run = (async () => {
    try {
      await stack.aws.clock.sleep(action.atSeconds, abort.signal);
    } catch {
      return;
    }
    const ecs = new ECSClient(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
    try {
      // Set before sending: the change may be visible to a snapshot taken while the answer is still on its way.
      appliedAt = Date.now();
      await ecs.send(new UpdateServiceCommand({ ...stack.service, desiredCount: action.desiredCount }));
    } finally {
      ecs.destroy();
    }
  })();
  return {
    appliedAt: () => appliedAt,
    dispose: async () => {
      abort.abort(new Error('flow ended'));
      await run;
    },
  };
}
