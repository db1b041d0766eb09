import {
  capacityWanted,
  changesOnly,
  loadRateFor,
  summarizeCapacity,
  type CapacitySample,
} from '../../bench/autoscaling-load';

const scaling = { targetRequestsPerTarget: 100, timeScale: 0.05, min: 2, max: 8 };

describe('loadRateFor', () => {
  test('asks for max capacity × target × headroom requests per emulated minute, in wall seconds', () => {
    // 8 × 100 × 1.25 = 1,000 requests per emulated minute, which lasts 3 wall s at timeScale 0.05.
    expect(loadRateFor({ capacity: 8, targetRequestsPerTarget: 100, timeScale: 0.05 })).toBe(334);
    expect(loadRateFor({ capacity: 8, targetRequestsPerTarget: 100, timeScale: 1, headroom: 1.5 })).toBe(20);
  });

  test('the rate it asks for makes target tracking want the capacity, and a slower generator still does', () => {
    const rate = loadRateFor({ capacity: 8, targetRequestsPerTarget: 100, timeScale: 0.05 });
    expect(capacityWanted(rate, scaling)).toBe(8);
    expect(capacityWanted(rate * 0.81, scaling)).toBe(8);
    expect(capacityWanted(rate * 0.6, scaling)).toBe(7);
  });

  test('refuses a rate it cannot compute, naming the fields', () => {
    expect(() => loadRateFor({ capacity: 8, targetRequestsPerTarget: 0, timeScale: 0.05 })).toThrow(
      /targetRequestsPerTarget \(0\)/,
    );
    expect(() => loadRateFor({ capacity: 8, targetRequestsPerTarget: 100, timeScale: 0.05, headroom: 0.5 })).toThrow(
      /headroom \(0.5\) at least 1/,
    );
  });
});

describe('capacityWanted', () => {
  test('is clamped to [min, max] and exact multiples do not round up', () => {
    expect(capacityWanted(0, scaling)).toBe(2);
    expect(capacityWanted(10_000, scaling)).toBe(8);
    // 100 req/wall s = 300 per emulated minute = exactly 3 tasks of 100.
    expect(capacityWanted(100, scaling)).toBe(3);
    expect(capacityWanted(101, scaling)).toBe(4);
  });
});

const at = (t: number, desired: number, running: number, healthy: number, allRunning = running): CapacitySample => ({
  t,
  desired,
  running,
  healthy,
  allRunning,
});

describe('capacity timeline', () => {
  const samples = [
    at(0, 2, 2, 2),
    at(10, 2, 2, 2),
    at(20, 8, 2, 2, 4),
    at(30, 8, 5, 3, 10),
    at(40, 8, 8, 6, 16),
    at(50, 8, 8, 8, 16),
    at(60, 8, 8, 8, 8),
    at(70, 8, 8, 8, 8),
  ];

  test('keeps the first sample, every change and the last', () => {
    expect(changesOnly(samples).map((s) => s.t)).toEqual([0, 20, 30, 40, 50, 60, 70]);
    expect(changesOnly([])).toEqual([]);
  });

  test('before, max, after, and when the count was first desired, running and healthy', () => {
    expect(summarizeCapacity(samples, 8)).toEqual({
      desiredBefore: 2,
      desiredMax: 8,
      desiredAfter: 8,
      desiredReachedAt: 20,
      runningReachedAt: 40,
      healthyReachedAt: 50,
    });
  });

  test('a count never reached (or reached before `from`) is NaN', () => {
    expect(summarizeCapacity(samples, 9).desiredReachedAt).toBeNaN();
    expect(summarizeCapacity(samples, 2, 15).desiredReachedAt).toBe(20);
    expect(summarizeCapacity([], 8).desiredMax).toBeNaN();
  });
});
