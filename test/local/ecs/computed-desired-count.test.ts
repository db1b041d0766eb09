import fc from 'fast-check';
import { computedDesiredCount } from '../../../local/ecs/computed-desired-count';

describe('computedDesiredCount', () => {
  it.each([
    [4, 100, 4],
    [4, 30, 2], // 1.2 → 2
    [4, 50, 2],
    [3, 50, 2], // 1.5 → 2
    [10, 10, 1],
    [10, 0, 0],
    [0, 100, 0],
    [3, 33.33, 1], // 0.9999 → 1
  ])('desiredCount %i at %d %% → %i tasks', (desired, percent, expected) => {
    expect(computedDesiredCount(desired, { value: percent, unit: 'PERCENT' })).toBe(expected);
  });

  it('is the smallest whole number of tasks covering the percentage of desiredCount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 10_000 }), (desired, hundredths) => {
        // Percentages with two decimals, compared in exact integer arithmetic (units of 1/10000 of a task).
        const percent = hundredths / 100;
        const count = computedDesiredCount(desired, { value: percent, unit: 'PERCENT' });
        const needed = desired * hundredths; // tasks × 10000
        expect(count * 10_000).toBeGreaterThanOrEqual(needed);
        if (needed === 0) expect(count).toBe(0);
        else expect((count - 1) * 10_000).toBeLessThan(needed);
        expect(count).toBeLessThanOrEqual(desired);
      }),
    );
  });

  it('never decreases when the scale grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (desired, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(computedDesiredCount(desired, { value: low, unit: 'PERCENT' })).toBeLessThanOrEqual(
            computedDesiredCount(desired, { value: high, unit: 'PERCENT' }),
          );
        },
      ),
    );
  });
});
