import { rerunArgs } from '../../cli/progress';
import { PHASE_NEXT, PHASE_TEXT } from '../../cli/phases';
import { describePhase, describeRule } from '../../cli/status-model';
import { runInProcess } from './run-in-process';
import { expectUsageError } from './usage-error';

/**
 * swap's (and promote's) traffic-shifting flags: --canary P:D, --linear P:D, --steps P:D,P:D… (D in seconds, or with
 * s, m or h). A bad value is a usage error (exit 2): one line naming the flag and the fix, and nothing started.
 */
describe('usage errors: exit 2, one line naming the flag and the fix', () => {
  test.each([
    [
      '--canary without a duration',
      ['swap', '--canary', '10'],
      /--canary '10' must be PERCENT:DURATION, for example 10:5m/,
    ],
    [
      '--canary of 0 %',
      ['swap', '--canary', '0:5m'],
      /--canary percent is 0 but must be a number from 0\.1 to 100 .* Give PERCENT:DURATION \(e\.g\. --canary 10:5m\)/,
    ],
    ['--linear of 2 %', ['promote', '--linear', '2:1m'], /--linear percent is 2 but must be a number from 3 to 100/],
    [
      '--linear over 1440 minutes',
      ['swap', '--linear', '10:1441m'],
      /--linear duration \(seconds\) is 86460 but must be a whole number of seconds from 0 to 86400 \(0 to 1440 minutes/,
    ],
    [
      '--steps out of order',
      ['swap', '--steps', '25:1m,5:1m'],
      /--steps step 2 percent is 5 but must be larger than the step before \(25\)/,
    ],
    [
      '--steps with a bad pair',
      ['swap', '--steps', '5:1m,x'],
      /--steps '5:1m,x' must be PERCENT:DURATION\[,PERCENT:DURATION…\]/,
    ],
    [
      'two strategies',
      ['swap', '--canary', '10:5m', '--linear', '10:1m'],
      /at most one of --canary, --linear and --steps/,
    ],
    [
      '--full with a strategy',
      ['promote', '--full', '--canary', '10:5m'],
      /either --full .* or a traffic-shifting strategy/,
    ],
  ])('%s', async (_what, args, line) => {
    const result = await runInProcess(args, { env: {} });
    expectUsageError(result, line);
  });

  test.each([
    [['swap', '--canary', '10:5m']],
    [['swap', '--canary', '0.5:300']],
    [['promote', '--linear', '10:1m', '--bake-seconds', '60']],
    [['swap', '--steps', '5:1m,25:5m,50:90s']],
  ])('valid: %j', async (args) => {
    expect((await runInProcess(args, { env: {}, parseOnly: true })).code).toBe(0);
  });
});

test('a stopped or failed swap is started again with its strategy', () => {
  expect(rerunArgs('swap', { trafficShift: { type: 'canary', percent: 10, intervalSeconds: 300 } })).toEqual([
    'swap',
    '--canary',
    '10:300s',
  ]);
  expect(
    rerunArgs('swap', {
      bakeSeconds: 60,
      trafficShift: {
        type: 'steps',
        steps: [
          { percent: 5, seconds: 60 },
          { percent: 25, seconds: 300 },
        ],
      },
    }),
  ).toEqual(['swap', '--bake-seconds', '60', '--steps', '5:60s,25:300s']);
});

test('the shifting phase: status says what it means and what finishes it', () => {
  expect(PHASE_TEXT.shifting).toMatch(/by weight/);
  expect(PHASE_NEXT.shifting).toEqual(['swap', 'rollback']);
});

test('status shows the shift: the record step, and what production forwards to by weight', () => {
  expect(describePhase({ phase: 'shifting', shift: { type: 'linear', step: 2, steps: 3, percent: 60 } })).toBe(
    'shifting (shifting production to green step by step: production forwards to blue and green by weight; linear shift step 2 of 3, 60 % to green)',
  );
  const taskSets = [
    { id: 'ecs-svc/1', targetGroupArn: 'arn:blue' },
    { id: 'ecs-svc/2', targetGroupArn: 'arn:green' },
  ] as unknown as Parameters<typeof describeRule>[1];
  expect(
    describeRule({ kind: 'forward', targetGroupArns: ['arn:blue', 'arn:green'], weights: [400, 600] }, taskSets),
  ).toBe('task set ecs-svc/1 (40 %), task set ecs-svc/2 (60 %)');
  expect(describeRule({ kind: 'forward', targetGroupArns: ['arn:green'] }, taskSets)).toBe('task set ecs-svc/2');
});
