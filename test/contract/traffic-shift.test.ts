import {
  CANARY_PERCENT,
  LINEAR_PERCENT,
  SHIFT_INTERVAL_SECONDS,
  TARGET_GROUP_WEIGHT_MAX,
  WEIGHT_TOTAL,
  formatTrafficShift,
  parseDuration,
  parseTrafficShift,
  shiftSteps,
  trafficShiftProblems,
  type TrafficShift,
} from '../../contract';

/**
 * The traffic-shift contract (contract/traffic-shift.ts): the compact form the stack's default and the CLI flags use
 * reads back as the same strategy, and every expanded step is a pair of ELBv2 weights (0-999 each) summing to 1000.
 */
test('the limits are the ones ECS built-in blue/green documents, and ELBv2 weights 0-999', () => {
  expect([CANARY_PERCENT, LINEAR_PERCENT, SHIFT_INTERVAL_SECONDS]).toEqual([
    { min: 0.1, max: 100 },
    { min: 3, max: 100 },
    { min: 0, max: 1440 * 60 },
  ]);
  expect([TARGET_GROUP_WEIGHT_MAX, WEIGHT_TOTAL]).toEqual([999, 1000]);
});

test.each<TrafficShift>([
  { type: 'all-at-once' },
  { type: 'canary', percent: 0.1, intervalSeconds: 86_400 },
  { type: 'linear', percent: 12.5, intervalSeconds: 0 },
  {
    type: 'steps',
    steps: [
      { percent: 5, seconds: 60 },
      { percent: 99.9, seconds: 300 },
    ],
  },
])('%j reads back from its compact form', (shift) => {
  expect(trafficShiftProblems(shift)).toEqual([]);
  expect(parseTrafficShift(formatTrafficShift(shift))).toEqual(shift);
});

test('compact forms that are no strategy name the forms', () => {
  expect(parseTrafficShift('gradual:10:60')).toEqual({
    problem: expect.stringMatching(/^must be all-at-once, canary:/),
  });
  expect(parseTrafficShift('canary:10')).toEqual({ problem: expect.stringMatching(/^must be PERCENT:DURATION/) });
});

test('durations: seconds, or with s, m or h', () => {
  expect(['90', '90s', '5m', '1h', '1.5m', 'm', '-5'].map(parseDuration)).toEqual([
    90,
    90,
    300,
    3600,
    undefined,
    undefined,
    undefined,
  ]);
});

test('every step of every valid linear strategy is a weight pair within ELBv2 limits', () => {
  for (let tenths = LINEAR_PERCENT.min * 10; tenths <= LINEAR_PERCENT.max * 10; tenths += 7) {
    const steps = shiftSteps({ type: 'linear', percent: tenths / 10, intervalSeconds: 1 });
    for (const step of steps) {
      expect(step.greenWeight + step.blueWeight).toBe(WEIGHT_TOTAL);
      expect(Math.max(step.greenWeight, step.blueWeight)).toBeLessThanOrEqual(TARGET_GROUP_WEIGHT_MAX);
      expect(Math.min(step.greenWeight, step.blueWeight)).toBeGreaterThanOrEqual(1);
    }
    expect(steps.map((s) => s.greenWeight)).toEqual([...steps.map((s) => s.greenWeight)].sort((a, b) => a - b));
  }
});
