/**
 * fast-check arbitraries for fault plans over the deploy-green → swap → clean-up flow: which API calls fail
 * (service, operation, call number, error kind, how many calls in a row), what green does on the data plane, what the
 * lifecycle hooks answer, which alarm gate trips during swap, and the inputs that shape the release (swap's traffic
 * shift, green's size under test).
 */
import fc from 'fast-check';
import { BUILT_IN_ALARMS, LIFECYCLE_STAGES, type TrafficShift } from '../../contract';
import type { AlarmFault, ApiFault, FaultPlan, GreenBehaviour } from './fault-plan';
import type { HookBehaviour, HookBehaviours } from './hooks';
import { API_ERROR_KINDS, type FaultService } from './wire-errors';

/**
 * The operations the three state machines call once a version is live (UpdateService only runs on a first deploy;
 * UpdateTaskSet only when green was deployed at a reduced size), and the lifecycle-hook runner's Invoke of a hook
 * function (the built-in smoke test's, or a fault hook's).
 */
export const FLOW_OPERATIONS: ReadonlyArray<readonly [FaultService, string]> = [
  ['ECS', 'DescribeServices'],
  ['ECS', 'DescribeTaskDefinition'],
  ['ECS', 'RegisterTaskDefinition'],
  ['ECS', 'CreateTaskSet'],
  ['ECS', 'DescribeTaskSets'],
  ['ECS', 'UpdateServicePrimaryTaskSet'],
  ['ECS', 'UpdateTaskSet'],
  ['ECS', 'DeleteTaskSet'],
  ['Elastic Load Balancing v2', 'DescribeRules'],
  ['Elastic Load Balancing v2', 'CreateRule'],
  ['Elastic Load Balancing v2', 'ModifyRule'],
  ['Elastic Load Balancing v2', 'DeleteRule'],
  ['Elastic Load Balancing v2', 'CreateTargetGroup'],
  ['Elastic Load Balancing v2', 'ModifyTargetGroupAttributes'],
  ['Elastic Load Balancing v2', 'DescribeTargetHealth'],
  ['Elastic Load Balancing v2', 'DeleteTargetGroup'],
  ['Lambda', 'Invoke'],
];

export const apiFaultArbitrary: fc.Arbitrary<ApiFault> = fc
  .record({
    target: fc.constantFrom(...FLOW_OPERATIONS),
    kind: fc.constantFrom(...API_ERROR_KINDS),
    call: fc.integer({ min: 1, max: 4 }),
    // Mostly short bursts retries absorb; sometimes exactly enough to exhaust a 5-retry policy, or every call.
    length: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 3 }) },
      { weight: 1, arbitrary: fc.constant(6) },
      { weight: 1, arbitrary: fc.constant(Infinity) },
    ),
  })
  .map(({ target: [service, operation], kind, call, length }) => ({
    service,
    operation,
    kind,
    call,
    through: length === Infinity ? Infinity : call + length - 1,
  }));

/** Mostly healthy, as a real pipeline's green is; each data-plane fault kind otherwise. */
export const greenArbitrary: fc.Arbitrary<GreenBehaviour> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'healthy' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'unhealthy' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash-on-start' as const }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 5, max: 45 }).map((seconds) => ({ kind: 'slow-start' as const, seconds })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 15, max: 40 }).map((seconds) => ({ kind: 'flapping' as const, seconds })) },
);

/**
 * Mostly all at once (the stack's default); otherwise a short canary, linear or custom shift (seconds, not minutes,
 * so a plan stays quick), within swap's limits (contract/inputs.ts).
 */
export const trafficShiftArbitrary: fc.Arbitrary<TrafficShift | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc
      .record({ percent: fc.integer({ min: 1, max: 50 }), intervalSeconds: fc.integer({ min: 5, max: 20 }) })
      .map(({ percent, intervalSeconds }): TrafficShift => ({ type: 'canary', percent, intervalSeconds })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ percent: fc.integer({ min: 34, max: 60 }), intervalSeconds: fc.integer({ min: 5, max: 15 }) })
      .map(({ percent, intervalSeconds }): TrafficShift => ({ type: 'linear', percent, intervalSeconds })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 41, max: 90 }), fc.integer({ min: 0, max: 10 }))
      .map(([first, second, seconds]): TrafficShift => ({
        type: 'steps',
        steps: [
          { percent: first, seconds },
          { percent: second, seconds: 10 },
        ],
      })),
  },
);

/** A hook that misbehaves: mostly answers FAILED or takes a few calls; otherwise each way a hook can go wrong. */
export const hookBehaviourArbitrary: fc.Arbitrary<HookBehaviour> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'fail' as const }) },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 1, max: 3 }).map((calls) => ({ kind: 'in-progress' as const, calls })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'stall' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'throw' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bad-answer' as const }) },
);

/** Mostly every hook succeeds at once (nothing said); sometimes one stage's hook misbehaves. */
export const hooksArbitrary: fc.Arbitrary<HookBehaviours | undefined> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(undefined) },
  {
    weight: 3,
    arbitrary: fc
      .record({ stage: fc.constantFrom(...LIFECYCLE_STAGES), behaviour: hookBehaviourArbitrary })
      .map(({ stage, behaviour }): HookBehaviours => ({ [stage]: behaviour })),
  },
);

/** Mostly full size under test (the input not given); sometimes a quarter to three quarters. */
export const testScalePercentArbitrary: fc.Arbitrary<number | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.integer({ min: 25, max: 75 }) },
);

/**
 * Mostly no alarm; otherwise one built-in alarm trips at one of the green-watch function's first three reads of the
 * alarms in the flow (1: as swap's first watch begins; 2: as it ends; 3: as a second watch begins when production moves
 * in steps, or clean-up's check of the live version when it moves all at once).
 */
export const alarmFaultArbitrary: fc.Arbitrary<AlarmFault | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.record({
      alarm: fc.constantFrom(...Object.values(BUILT_IN_ALARMS)),
      read: fc.integer({ min: 1, max: 3 }),
    }),
  },
);

export const faultPlanArbitrary: fc.Arbitrary<FaultPlan> = fc
  .record({
    api: fc.array(apiFaultArbitrary, { minLength: 0, maxLength: 2 }),
    green: greenArbitrary,
    trafficShift: trafficShiftArbitrary,
    hooks: hooksArbitrary,
    testScalePercent: testScalePercentArbitrary,
    alarm: alarmFaultArbitrary,
  })
  .map(({ trafficShift, hooks, testScalePercent, alarm, ...plan }): FaultPlan => ({
    ...plan,
    ...(trafficShift && { trafficShift }),
    ...(hooks && { hooks }),
    ...(testScalePercent !== undefined && { testScalePercent }),
    ...(alarm && { alarm }),
  }));
