import { MAX_SHIFT_STEPS } from '../../../contract';
import { BlueGreenError } from '../../../lambdas/shared/errors';
import { validateServiceInput } from '../../../lambdas/validate-input/core';
import { handler } from '../../../lambdas/validate-input/handler';

/**
 * swap's trafficShift (contract/traffic-shift.ts): validate-input checks it, naming the field, the allowed range and
 * the fix, and expands it into the explicit steps (percent, seconds, both ALB weights) the state machine iterates.
 */
const service = { cluster: 'EcsBlueGreen-Cluster', service: 'demo-app' };

function problems(trafficShift: unknown): string[] {
  try {
    validateServiceInput('swap', { ...service, trafficShift });
  } catch (error) {
    expect(error).toBeInstanceOf(BlueGreenError);
    return (error as BlueGreenError).message.split('\n');
  }
  throw new Error('the input was accepted');
}

const step = (percent: number, seconds: number) => ({
  percent,
  seconds,
  greenWeight: Math.round(percent * 10),
  blueWeight: 1000 - Math.round(percent * 10),
});

describe('valid strategies are expanded into steps', () => {
  test.each([
    [{ type: 'all-at-once' }, []],
    [{ type: 'canary', percent: 10, intervalSeconds: 300 }, [step(10, 300)]],
    [{ type: 'canary', percent: 0.1, intervalSeconds: 86_400 }, [step(0.1, 86_400)]],
    [{ type: 'canary', percent: 99.9, intervalSeconds: 0 }, [step(99.9, 0)]],
    // 100 % is the final switch every strategy ends with: nothing to hold before it.
    [{ type: 'canary', percent: 100, intervalSeconds: 60 }, []],
    [{ type: 'linear', percent: 25, intervalSeconds: 60 }, [step(25, 60), step(50, 60), step(75, 60)]],
    [{ type: 'linear', percent: 30, intervalSeconds: 5 }, [step(30, 5), step(60, 5), step(90, 5)]],
    [{ type: 'linear', percent: 100, intervalSeconds: 5 }, []],
    [
      {
        type: 'steps',
        steps: [
          { percent: 5, seconds: 60 },
          { percent: 25, seconds: 300 },
        ],
      },
      [step(5, 60), step(25, 300)],
    ],
  ])('%j', (trafficShift, steps) => {
    expect(validateServiceInput('swap', { ...service, trafficShift })).toEqual({
      ...service,
      trafficShift: { type: trafficShift.type, steps },
    });
  });

  test('linear 3 % has 33 steps, each weight pair within ELBv2 0-999 and summing to 1000', () => {
    const out = validateServiceInput('swap', {
      ...service,
      trafficShift: { type: 'linear', percent: 3, intervalSeconds: 1 },
    });
    expect(out.trafficShift?.steps).toHaveLength(33);
    for (const s of out.trafficShift?.steps ?? []) {
      expect(s.greenWeight + s.blueWeight).toBe(1000);
      expect(Math.max(s.greenWeight, s.blueWeight)).toBeLessThanOrEqual(999);
      expect(Math.min(s.greenWeight, s.blueWeight)).toBeGreaterThanOrEqual(1);
    }
    expect(out.trafficShift?.steps.at(-1)?.percent).toBe(99);
  });

  test('no trafficShift and an all-at-once stack default: the input comes back as before', () => {
    expect(validateServiceInput('swap', service)).toEqual(service);
    expect(validateServiceInput('swap', service, { trafficShift: 'all-at-once' })).toEqual(service);
  });

  test("the stack's default applies when the input has none; the input's wins", async () => {
    expect(await handler({ machine: 'swap', input: service, defaults: { trafficShift: 'canary:10:300' } })).toEqual({
      ...service,
      trafficShift: { type: 'canary', steps: [step(10, 300)] },
    });
    expect(
      await handler({
        machine: 'swap',
        input: { ...service, trafficShift: { type: 'all-at-once' } },
        defaults: { trafficShift: 'linear:50:60' },
      }),
    ).toEqual({ ...service, trafficShift: { type: 'all-at-once', steps: [] } });
  });

  test('only swap knows trafficShift', () => {
    expect(() => validateServiceInput('rollback', { ...service, trafficShift: { type: 'all-at-once' } })).toThrow(
      /Input field 'trafficShift' is not known to rollback/,
    );
  });
});

describe('each bad field is named, with the allowed range and the fix', () => {
  test.each([
    ['not an object', 'canary', [/^trafficShift is "canary" but must be an object: \{"type": "canary"/]],
    [
      'unknown type',
      { type: 'blue-green' },
      [/^trafficShift\.type is "blue-green" but must be one of all-at-once, canary, linear, steps\./],
    ],
    [
      'canary below 0.1 %',
      { type: 'canary', percent: 0.05, intervalSeconds: 60 },
      [/^trafficShift\.percent is 0\.05 but must be a number from 0\.1 to 100 with at most one decimal/],
    ],
    [
      'linear step below 3 %',
      { type: 'linear', percent: 2, intervalSeconds: 60 },
      [/^trafficShift\.percent is 2 but must be a number from 3 to 100 /],
    ],
    [
      'interval above 1440 minutes',
      { type: 'linear', percent: 10, intervalSeconds: 86_401 },
      [
        /^trafficShift\.intervalSeconds is 86401 but must be a whole number of seconds from 0 to 86400 \(0 to 1440 minutes/,
      ],
    ],
    [
      'interval missing',
      { type: 'canary', percent: 10 },
      [/^trafficShift\.intervalSeconds is missing but must be a whole number of seconds/],
    ],
    [
      'a field of another type',
      { type: 'canary', percent: 10, intervalSeconds: 60, steps: [] },
      [
        /^trafficShift\.steps is not a field of a canary traffic shift; its fields are type, percent, intervalSeconds\. Remove it\./,
      ],
    ],
    ['no steps', { type: 'steps', steps: [] }, [/^trafficShift\.steps is \[\] but must be a list of 1 to 33 steps/]],
    [
      'a step of 100 %',
      { type: 'steps', steps: [{ percent: 100, seconds: 60 }] },
      [/^trafficShift\.steps\[0\]\.percent is 100 but must be a number from 0\.1 to 99\.9/],
    ],
    [
      'steps out of order',
      {
        type: 'steps',
        steps: [
          { percent: 50, seconds: 60 },
          { percent: 20, seconds: 60 },
        ],
      },
      [/^trafficShift\.steps\[1\]\.percent is 20 but must be larger than the step before \(50\)/],
    ],
    [
      'a step without seconds',
      { type: 'steps', steps: [{ percent: 5 }] },
      [/^trafficShift\.steps\[0\]\.seconds is missing but must be a whole number of seconds from 0 to 86400/],
    ],
  ])('%s', (_, trafficShift, expected) => {
    const found = problems(trafficShift);
    expect(found).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(found[i]).toMatch(pattern));
  });

  test(`more than ${MAX_SHIFT_STEPS} steps`, () => {
    const steps = Array.from({ length: MAX_SHIFT_STEPS + 1 }, (_, i) => ({ percent: i + 1, seconds: 1 }));
    expect(problems({ type: 'steps', steps })[0]).toMatch(
      /^trafficShift\.steps is .* but must be a list of 1 to 33 steps/,
    );
  });

  test('a bad stack default is a wiring error (a plain Error), never blamed on the input', async () => {
    await expect(
      handler({ machine: 'swap', input: service, defaults: { trafficShift: 'canary:0:60' } }),
    ).rejects.toThrow(/The stack's default trafficShift "canary:0:60" is invalid/);
  });
});
