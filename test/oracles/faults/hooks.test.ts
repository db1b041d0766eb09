import fc from 'fast-check';
import type { HookEvent } from '../../../contract';
import type { ExecutionResult } from '../../../harness/demo/executions';
import { faultPlanArbitrary, hooksArbitrary } from '../../../oracles/faults/arbitraries';
import { FaultInjector } from '../../../oracles/faults/fault-plan';
import {
  answerHook,
  FAULT_HOOK_CALLBACK_SECONDS,
  FAULT_HOOKS,
  hookFails,
  InjectedHookError,
} from '../../../oracles/faults/hooks';
import { wireError } from '../../../oracles/faults/wire-errors';
import { LambdaError } from '../../../local/lambda/errors';
import { failedHookOf, hookRunState, hookTruthProblems } from '../../../oracles/invariants/state-checks';

const event = (invocation: number): HookEvent => ({
  stage: 'POST_SCALE_UP',
  machine: 'deploy-green',
  executionArn: 'arn:x',
  cluster: 'c',
  service: 's',
  invocation,
});

describe('answerHook', () => {
  test('succeed (and no behaviour) answers SUCCEEDED; fail answers FAILED with a reason', () => {
    expect(answerHook(undefined, event(1))).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(answerHook({ kind: 'succeed' }, event(1))).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(answerHook({ kind: 'fail' }, event(1))).toMatchObject({ hookStatus: 'FAILED', reason: /injected/ });
  });

  test('in-progress answers IN_PROGRESS `calls` times (by the invocation number), then SUCCEEDED', () => {
    const answers = [1, 2, 3].map((n) => answerHook({ kind: 'in-progress', calls: 2 }, event(n)));
    expect(answers).toEqual([
      { hookStatus: 'IN_PROGRESS', callBackDelay: FAULT_HOOK_CALLBACK_SECONDS, hookDetails: 1 },
      { hookStatus: 'IN_PROGRESS', callBackDelay: FAULT_HOOK_CALLBACK_SECONDS, hookDetails: 2 },
      { hookStatus: 'SUCCEEDED' },
    ]);
  });

  test('stall never finishes; throw throws; bad-answer has no hookStatus', () => {
    expect(answerHook({ kind: 'stall' }, event(40))).toMatchObject({ hookStatus: 'IN_PROGRESS' });
    expect(() => answerHook({ kind: 'throw' }, event(1))).toThrow(InjectedHookError);
    expect(answerHook({ kind: 'bad-answer' }, event(1))).not.toHaveProperty('hookStatus');
  });

  test('hookFails: every behaviour but succeed and in-progress', () => {
    expect((['succeed', 'fail', 'stall', 'throw', 'bad-answer'] as const).map((kind) => hookFails({ kind }))).toEqual([
      false,
      true,
      true,
      true,
      true,
    ]);
    expect(hookFails({ kind: 'in-progress', calls: 3 })).toBe(false);
    expect(hookFails(undefined)).toBe(false);
  });
});

test('one fault hook per stage, with names the stack and local Lambda accept', () => {
  expect(FAULT_HOOKS.map((h) => [h.stage, h.name, h.functionName])).toEqual([
    ['POST_SCALE_UP', 'FaultHookPostScaleUp', 'bg-fault-hook-post-scale-up'],
    ['POST_TEST_TRAFFIC_SHIFT', 'FaultHookPostTestTrafficShift', 'bg-fault-hook-post-test-traffic-shift'],
    [
      'POST_PRODUCTION_TRAFFIC_SHIFT',
      'FaultHookPostProductionTrafficShift',
      'bg-fault-hook-post-production-traffic-shift',
    ],
    ['PRE_BLUE_REMOVAL', 'FaultHookPreBlueRemoval', 'bg-fault-hook-pre-blue-removal'],
  ]);
});

test('the injector tells the hooks the armed plan, and nothing once disarmed', () => {
  const injector = new FaultInjector();
  injector.arm({ hooks: { PRE_BLUE_REMOVAL: { kind: 'fail' } } });
  expect(injector.armed().hooks).toEqual({ PRE_BLUE_REMOVAL: { kind: 'fail' } });
  injector.disarm();
  expect(injector.armed()).toEqual({});
});

test("Lambda's wire errors carry their shape's Type and message member", () => {
  expect([wireError('Lambda', 'throttling')]).toMatchObject([
    { code: 'TooManyRequestsException', httpStatus: 429, messageMember: 'message', errorType: 'User' },
  ]);
  expect(wireError('Lambda', 'server-error')).toBeInstanceOf(LambdaError);
  expect(wireError('Lambda', 'server-error')).toMatchObject({ code: 'ServiceException', httpStatus: 500 });
  expect(wireError('Lambda', 'client-error')).toMatchObject({ code: 'ResourceNotFoundException', httpStatus: 404 });
});

describe('the arbitraries', () => {
  const sample = <T>(arbitrary: fc.Arbitrary<T>): T[] => fc.sample(arbitrary, { numRuns: 2000, seed: 7 });

  test('hooks: mostly none; otherwise exactly one stage, each behaviour drawn', () => {
    const drawn = sample(hooksArbitrary);
    const some = drawn.filter((h) => h !== undefined);
    expect(some.length / drawn.length).toBeGreaterThan(0.25);
    expect(some.length / drawn.length).toBeLessThan(0.5);
    expect(some.every((h) => Object.keys(h ?? {}).length === 1)).toBe(true);
    const kinds = new Set(some.flatMap((h) => Object.values(h ?? {}).map((b) => b.kind)));
    expect([...kinds].sort()).toEqual(['bad-answer', 'fail', 'in-progress', 'stall', 'throw']);
  });

  test('testScalePercent: mostly not given, otherwise 25 to 75; Lambda Invoke is among the failed operations', () => {
    const plans = sample(faultPlanArbitrary);
    const scales = plans.flatMap((p) => (p.testScalePercent === undefined ? [] : [p.testScalePercent]));
    expect(scales.length / plans.length).toBeGreaterThan(0.1);
    expect(scales.length / plans.length).toBeLessThan(0.3);
    expect(scales.every((s) => s >= 25 && s <= 75)).toBe(true);
    expect(plans.some((p) => p.api?.some((f) => f.service === 'Lambda' && f.operation === 'Invoke'))).toBe(true);
    expect(plans.some((p) => p.api?.some((f) => f.operation === 'UpdateTaskSet'))).toBe(true);
  });
});

describe('(c) hookTruthProblems', () => {
  const cause = (name: string, stage: string) =>
    JSON.stringify({
      message: `The lifecycle hook ${name} (Lambda function arn:aws:lambda:us-east-1:1:function:f) at ${stage} failed: it answered FAILED.`,
      undone: 'everything',
      next: ['deploy-green'],
    });
  const result = (status: string, error?: string, why?: string): ExecutionResult => ({
    executionArn: 'arn:x',
    status,
    history: [],
    ...(error !== undefined && { error }),
    ...(why !== undefined && { cause: why }),
  });
  const deployStates = [hookRunState('POST_SCALE_UP'), hookRunState('POST_TEST_TRAFFIC_SHIFT')];

  test('the Run state of each stage, and the hook a cause names', () => {
    expect(hookRunState('POST_PRODUCTION_TRAFFIC_SHIFT')).toBe('RunPostProductionTrafficShiftHooks');
    expect(failedHookOf(cause('FaultHookPostScaleUp', 'POST_SCALE_UP'))).toEqual({
      name: 'FaultHookPostScaleUp',
      stage: 'POST_SCALE_UP',
    });
  });

  test('a failing hook at a reached stage never lets the execution succeed', () => {
    expect(
      hookTruthProblems('deployGreen', result('SUCCEEDED'), deployStates, {
        hooks: { POST_TEST_TRAFFIC_SHIFT: { kind: 'throw' } },
      }),
    ).toEqual(['deployGreen succeeded, but its POST_TEST_TRAFFIC_SHIFT hook was to fail (throw)']);
    // Not reached (deploy-green stopped earlier), or a hook that only takes a while: nothing to say.
    expect(
      hookTruthProblems('deployGreen', result('SUCCEEDED'), deployStates, {
        hooks: { PRE_BLUE_REMOVAL: { kind: 'fail' }, POST_SCALE_UP: { kind: 'in-progress', calls: 2 } },
      }),
    ).toEqual([]);
  });

  test('a hook failure is reported only for a hook that had a reason to fail', () => {
    const failed = (name: string, stage = 'POST_SCALE_UP') =>
      result('FAILED', 'BlueGreen.LifecycleHookFailed', cause(name, stage));
    const check = (r: ExecutionResult, options: Parameters<typeof hookTruthProblems>[3]) =>
      hookTruthProblems('deployGreen', r, deployStates, options);
    expect(check(failed('FaultHookPostScaleUp'), { hooks: { POST_SCALE_UP: { kind: 'fail' } } })).toEqual([]);
    expect(check(failed('FaultHookPostScaleUp'), { invokeFaulted: true })).toEqual([]);
    expect(check(failed('SmokeTest', 'POST_TEST_TRAFFIC_SHIFT'), { smokeTestMayFail: true })).toEqual([]);
    expect(check(failed('FaultHookPostScaleUp'), {})).toEqual([
      'deployGreen failed with BlueGreen.LifecycleHookFailed naming FaultHookPostScaleUp at POST_SCALE_UP, but that hook was not to fail and no Invoke was failed',
    ]);
    expect(
      check(failed('FaultHookPostScaleUp'), { hooks: { POST_SCALE_UP: { kind: 'in-progress', calls: 1 } } }),
    ).toHaveLength(1);
    expect(check(failed('FaultHookPreBlueRemoval', 'PRE_BLUE_REMOVAL'), {})).toEqual([
      'BlueGreen.LifecycleHookFailed names stage PRE_BLUE_REMOVAL, which deployGreen did not reach',
    ]);
    expect(check(result('FAILED', 'BlueGreen.LifecycleHookFailed', 'no structure'), {})).toEqual([
      `BlueGreen.LifecycleHookFailed's cause names no hook: "no structure"`,
    ]);
  });
});
