/**
 * fast-check arbitraries for operator plans over all five state machines (see oracles/invariants/operator-flow.ts):
 * which flow, which API faults and lost responses, where an operator stops an execution and which documented
 * recovery they run, and when an autoscaler changes the desired count.
 *
 * Stop points are drawn from pilots: fault-free runs of each flow whose histories say which states each execution
 * actually enters (names and how many times), so a plan never names a state the run cannot reach. Only states
 * entered up to the execution's last API call are candidates: stopping later changes nothing.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import fc from 'fast-check';
import type { FlowTemplate, OperatorPlan, PlannedStop } from '../invariants/operator-flow';
import { TEMPLATES } from '../invariants/operator-flow';
import type { Machine } from '../invariants/state-checks';
import { apiFaultArbitrary } from './arbitraries';
import type { LostResponseFault } from './fault-plan';
import type { AutoscalerAction } from './operator';
import { RECOVERY } from './recovery';

/** A state entered by a pilot run, and which entry of it this is. */
export interface StopPoint {
  readonly state: string;
  readonly occurrence: number;
}

/** For each flow, for each of its steps, the stop points its pilot run offers. */
export type Pilots = Readonly<Record<FlowTemplate, ReadonlyArray<readonly StopPoint[]>>>;

/** The stop points of one execution's history: every state entered up to the last Task that called an API. */
export function stopPoints(history: readonly HistoryEvent[]): StopPoint[] {
  const points: StopPoint[] = [];
  const seen = new Map<string, number>();
  let lastCall = -1;
  let current: string | undefined;
  for (const event of history) {
    const name = event.stateEnteredEventDetails?.name;
    if (name) {
      const occurrence = (seen.get(name) ?? 0) + 1;
      seen.set(name, occurrence);
      points.push({ state: name, occurrence });
      current = name;
    }
    if (
      event.type === 'TaskScheduled' &&
      current !== undefined &&
      event.taskScheduledEventDetails?.resourceType !== 'lambda'
    ) {
      lastCall = points.length - 1;
    }
  }
  return points.slice(0, lastCall + 1);
}

/** Changes the lost-response arbitrary may pick: the calls that change something (reads lose nothing). */
export const CHANGING_OPERATIONS: ReadonlyArray<readonly [string, string]> = [
  ['ECS', 'RegisterTaskDefinition'],
  ['ECS', 'CreateTaskSet'],
  ['ECS', 'UpdateServicePrimaryTaskSet'],
  ['ECS', 'DeleteTaskSet'],
  ['Elastic Load Balancing v2', 'CreateRule'],
  ['Elastic Load Balancing v2', 'ModifyRule'],
  ['Elastic Load Balancing v2', 'DeleteRule'],
  ['Elastic Load Balancing v2', 'CreateTargetGroup'],
  ['Elastic Load Balancing v2', 'ModifyTargetGroupAttributes'],
  ['Elastic Load Balancing v2', 'DeleteTargetGroup'],
  // The lease and the deployment record (Step Functions' optimized DynamoDB integration), once local AWS serves it.
  ['DynamoDB', 'PutItem'],
  ['DynamoDB', 'UpdateItem'],
  ['DynamoDB', 'DeleteItem'],
];

/**
 * A lost response: applied, then answered with the service's 5xx or not at all (the connection is closed). Local Step
 * Functions sends a call that got no answer again, as Step Functions' own client would (DROPPED_CONNECTION_ATTEMPTS
 * in local/stepfunctions/task-errors.ts), so the machine sees the answer to the repeated call.
 */
export const lostResponseArbitrary: fc.Arbitrary<LostResponseFault> = fc
  .record({
    target: fc.constantFrom(...CHANGING_OPERATIONS),
    call: fc.integer({ min: 1, max: 3 }),
    answer: fc.constantFrom('server-error' as const, 'drop' as const),
  })
  .map(({ target: [service, operation], call, answer }) => ({ service, operation, call, answer }));

export const autoscalerArbitrary: fc.Arbitrary<AutoscalerAction> = fc.record({
  atSeconds: fc.integer({ min: 0, max: 150 }),
  desiredCount: fc.integer({ min: 1, max: 3 }),
});

function stopArbitrary(pilots: Pilots, template: FlowTemplate): fc.Arbitrary<PlannedStop> {
  const machines = TEMPLATES[template];
  const choices = machines.flatMap((machine, step) =>
    (pilots[template][step] ?? []).length > 0 ? [{ machine, step, points: pilots[template][step] ?? [] }] : [],
  );
  if (choices.length === 0) throw new Error(`The ${template} pilot offers no stop points.`);
  return fc.constantFrom(...choices).chain(({ machine, step, points }) =>
    fc
      .record({
        point: fc.constantFrom(...points),
        inFlight: fc.constantFrom('refused' as const, 'applied' as const),
        recovery: fc.constantFrom(...RECOVERY[machine as Machine].commands),
      })
      .map(({ point, inFlight, recovery }) => ({ machine, step, ...point, inFlight, recovery })),
  );
}

/** Operator plans over the three flows (releases twice as often as each undo path). */
export function operatorPlanArbitrary(pilots: Pilots): fc.Arbitrary<OperatorPlan> {
  return fc
    .oneof(
      { weight: 2, arbitrary: fc.constant('release' as const) },
      { weight: 1, arbitrary: fc.constant('rollback' as const) },
      { weight: 1, arbitrary: fc.constant('abort' as const) },
    )
    .chain((template) =>
      fc.record(
        {
          template: fc.constant(template),
          faults: fc.record({
            api: fc.oneof(
              { weight: 2, arbitrary: fc.constant([]) },
              { weight: 1, arbitrary: fc.array(apiFaultArbitrary, { minLength: 1, maxLength: 1 }) },
            ),
            lost: fc.array(lostResponseArbitrary, { minLength: 0, maxLength: 2 }),
          }),
          stop: fc.oneof(
            { weight: 1, arbitrary: fc.constant(undefined) },
            { weight: 4, arbitrary: stopArbitrary(pilots, template) },
          ),
          autoscaler: fc.oneof(
            { weight: 2, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: autoscalerArbitrary },
          ),
        },
        { requiredKeys: ['template', 'faults'] },
      ),
    )
    .map((plan) => {
      const { stop, autoscaler, ...rest } = plan;
      return { ...rest, ...(stop && { stop }), ...(autoscaler && { autoscaler }) };
    });
}
