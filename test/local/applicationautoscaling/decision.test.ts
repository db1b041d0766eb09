/** The target tracking decision engine, pure: alarms' datapoint rules, proportional capacity, limits, cooldowns, suspension. */
import fc from 'fast-check';
import {
  decide,
  HIGH_DATAPOINTS,
  LOW_DATAPOINTS,
  proportionalCapacity,
  type PolicyView,
  type TargetView,
} from '../../../local/applicationautoscaling/decision';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const target = (over: Partial<TargetView> = {}): TargetView => ({
  now: NOW,
  current: 2,
  minCapacity: 1,
  maxCapacity: 10,
  scaleInSuspended: false,
  scaleOutSuspended: false,
  ...over,
});
const steady = (value: number, n = LOW_DATAPOINTS): number[] => Array.from({ length: n }, () => value);
const policy = (datapoints: readonly (number | undefined)[], over: Partial<PolicyView> = {}): PolicyView => ({
  name: 'p',
  targetValue: 100,
  datapoints,
  measuredCapacity: 2,
  ...over,
});

describe('scale-out', () => {
  test('three datapoints above the target scale out proportionally: ceil(capacity × metric / target)', () => {
    expect(decide(target(), [policy([...steady(50, 12), 250, 250, 250])])).toMatchObject({
      action: 'scale-out',
      from: 2,
      to: 5,
    });
  });

  test('fewer than three datapoints above the target, or a missing one, do not scale', () => {
    expect(decide(target(), [policy([...steady(50, 13), 250, 250])]).action).toBe('none');
    expect(decide(target(), [policy([250, undefined, 250])]).action).toBe('none');
    expect(decide(target(), [policy([250, 250])]).action).toBe('none');
  });

  test('clamped to MaxCapacity; nothing at MaxCapacity', () => {
    expect(decide(target({ maxCapacity: 4 }), [policy(steady(1000, HIGH_DATAPOINTS))])).toMatchObject({ to: 4 });
    expect(decide(target({ current: 4, maxCapacity: 4 }), [policy(steady(1000, 3))]).action).toBe('none');
  });

  test('DynamicScalingOutSuspended never scales out', () => {
    const decision = decide(target({ scaleOutSuspended: true }), [policy(steady(1000, 3))]);
    expect(decision).toMatchObject({ action: 'none', reason: 'DynamicScalingOutSuspended' });
  });

  test('within ScaleOutCooldown only a larger scale-out than the last one happens', () => {
    const lastScaleOut = { at: NOW - 100_000, to: 5 };
    const p = (metric: number) => [policy(steady(metric, 3), { scaleOutCooldown: 300, measuredCapacity: 2 })];
    // 2 × 250 / 100 = 5: not more than the 5 the last scale-out set.
    expect(decide(target({ current: 3, lastScaleOut }), p(250)).action).toBe('none');
    expect(decide(target({ current: 3, lastScaleOut }), p(300))).toMatchObject({ action: 'scale-out', to: 6 });
    // After the cooldown, 5 is a scale-out again.
    expect(decide(target({ current: 3, lastScaleOut, now: NOW + 200_001 }), p(250))).toMatchObject({ to: 5 });
  });

  test('a scale-in cooldown does not block a scale-out', () => {
    const decision = decide(target({ lastScaleIn: { at: NOW - 1000 } }), [policy(steady(500, 3))]);
    expect(decision).toMatchObject({ action: 'scale-out', to: 10 });
  });
});

describe('scale-in', () => {
  test(`${LOW_DATAPOINTS} datapoints below 90 % of the target scale in, to ceil(capacity × metric / target)`, () => {
    expect(decide(target({ current: 6 }), [policy(steady(40), { measuredCapacity: 6 })])).toMatchObject({
      action: 'scale-in',
      from: 6,
      to: 3,
    });
  });

  test('one datapoint at 90 % or more, one missing, or fewer than 15 datapoints: no scale-in', () => {
    const low = steady(40);
    expect(decide(target({ current: 6 }), [policy([...low.slice(1), 90])]).action).toBe('none');
    expect(decide(target({ current: 6 }), [policy([undefined, ...low.slice(1)])]).action).toBe('none');
    expect(decide(target({ current: 6 }), [policy(low.slice(1))]).action).toBe('none');
  });

  test('clamped to MinCapacity; nothing at MinCapacity', () => {
    expect(decide(target({ current: 6, minCapacity: 4 }), [policy(steady(1))])).toMatchObject({ to: 4 });
    expect(decide(target({ current: 4, minCapacity: 4 }), [policy(steady(1))]).action).toBe('none');
  });

  test('DynamicScalingInSuspended and DisableScaleIn never scale in', () => {
    expect(decide(target({ current: 6, scaleInSuspended: true }), [policy(steady(1))])).toMatchObject({
      action: 'none',
      reason: 'DynamicScalingInSuspended',
    });
    expect(decide(target({ current: 6 }), [policy(steady(1), { disableScaleIn: true })]).action).toBe('none');
  });

  test('within ScaleInCooldown after a scale-in, none; after it, scale-in again', () => {
    const lastScaleIn = { at: NOW - 60_000 };
    expect(decide(target({ current: 6, lastScaleIn }), [policy(steady(1), { scaleInCooldown: 120 })]).action).toBe(
      'none',
    );
    expect(
      decide(target({ current: 6, lastScaleIn, now: NOW + 60_001 }), [policy(steady(1), { scaleInCooldown: 120 })]),
    ).toMatchObject({ action: 'scale-in' });
  });
});

describe('several policies', () => {
  test('any policy scales out, to the largest capacity asked', () => {
    const decision = decide(target(), [policy(steady(150, 3)), policy(steady(400, 3), { name: 'q' })]);
    expect(decision).toMatchObject({ action: 'scale-out', to: 8 });
  });

  test('scale-in only when every policy asks for it, to the largest capacity asked', () => {
    const low = policy(steady(10), { measuredCapacity: 6 });
    expect(decide(target({ current: 6 }), [low, policy(steady(95), { name: 'q' })]).action).toBe('none');
    expect(decide(target({ current: 6 }), [low, policy(steady(50), { name: 'q', measuredCapacity: 6 })])).toMatchObject(
      {
        action: 'scale-in',
        to: 3,
      },
    );
  });
});

test('proportional capacity forgives floating-point noise', () => {
  expect(proportionalCapacity(3, 0.1, 0.1)).toBe(3);
  expect(proportionalCapacity(3, 0.30000000000000004, 0.3)).toBe(3);
  expect(proportionalCapacity(2, 100.5, 100)).toBe(3);
});

describe('property: a decision never leaves [Min, Max], never goes the wrong way, and honours every block', () => {
  // Datapoints as multiples of the target value, often the same for a whole window, so both alarms fire often.
  const factor = fc.option(fc.constantFrom(0.1, 0.5, 0.89, 0.9, 1, 1.01, 2.5, 10), { nil: undefined, freq: 10 });
  const factors = fc.oneof(
    fc.array(factor, { maxLength: 20 }),
    factor.chain((f) => fc.array(fc.constant(f), { minLength: 10, maxLength: 20 })),
  );
  const policyArb = fc.record({
    name: fc.constantFrom('a', 'b', 'c'),
    targetValue: fc.double({ min: 0.5, max: 1000, noNaN: true }),
    factors,
    measuredCapacity: fc.integer({ min: 0, max: 50 }),
    scaleOutCooldown: fc.integer({ min: 0, max: 600 }),
    scaleInCooldown: fc.integer({ min: 0, max: 600 }),
    disableScaleIn: fc.boolean(),
  });
  const targetArb = fc
    .record({
      current: fc.integer({ min: 0, max: 60 }),
      minCapacity: fc.integer({ min: 0, max: 20 }),
      span: fc.integer({ min: 0, max: 30 }),
      scaleInSuspended: fc.boolean(),
      scaleOutSuspended: fc.boolean(),
      lastOut: fc.option(fc.record({ ago: fc.integer({ min: 0, max: 900_000 }), to: fc.integer({ min: 0, max: 60 }) })),
      lastIn: fc.option(fc.integer({ min: 0, max: 900_000 })),
    })
    .map((t): TargetView => ({
      now: NOW,
      current: t.current,
      minCapacity: t.minCapacity,
      maxCapacity: t.minCapacity + t.span,
      scaleInSuspended: t.scaleInSuspended,
      scaleOutSuspended: t.scaleOutSuspended,
      ...(t.lastOut && { lastScaleOut: { at: NOW - t.lastOut.ago, to: t.lastOut.to } }),
      ...(t.lastIn !== null && { lastScaleIn: { at: NOW - t.lastIn } }),
    }));

  test('for random targets and policies', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(targetArb, fc.array(policyArb, { maxLength: 3 }), (t, drawn) => {
        const policies: PolicyView[] = drawn.map(({ factors: fs, ...p }) => ({
          ...p,
          datapoints: fs.map((f) => (f === undefined ? undefined : f * p.targetValue)),
        }));
        const decision = decide(t, policies);
        seen.add(decision.action);
        if (decision.action === 'none') return;
        expect(decision.to).toBeGreaterThanOrEqual(t.minCapacity);
        expect(decision.to).toBeLessThanOrEqual(t.maxCapacity);
        expect(decision.from).toBe(t.current);
        if (decision.action === 'scale-out') {
          expect(t.scaleOutSuspended).toBe(false);
          expect(decision.to).toBeGreaterThan(t.current);
          // Some policy saw its last three datapoints above its target.
          expect(
            policies.some(
              (p) =>
                p.datapoints.length >= 3 && p.datapoints.slice(-3).every((d) => d !== undefined && d > p.targetValue),
            ),
          ).toBe(true);
        } else {
          expect(t.scaleInSuspended).toBe(false);
          expect(decision.to).toBeLessThan(t.current);
          expect(policies.some((p) => p.disableScaleIn)).toBe(false);
          for (const p of policies) {
            expect(p.datapoints.length).toBeGreaterThanOrEqual(LOW_DATAPOINTS);
            expect(p.datapoints.slice(-LOW_DATAPOINTS).every((d) => d !== undefined && d < 0.9 * p.targetValue)).toBe(
              true,
            );
            if (t.lastScaleIn) expect(NOW).toBeGreaterThanOrEqual(t.lastScaleIn.at + (p.scaleInCooldown ?? 300) * 1000);
          }
        }
      }),
      { numRuns: 1000, seed: 20261202 },
    );
    // The draws reached both directions (else the property checked nothing).
    expect([...seen].sort()).toEqual(['none', 'scale-in', 'scale-out']);
  });
});
