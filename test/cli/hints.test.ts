import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { commandPrefix, hint, invocation, shellQuote, shellWords } from '../../cli/hints';
import { jsonEvent } from '../../cli/printer';
import { buildProgress, commandForStep, logEntries, nextCommands, withoutStackTrace } from '../../cli/progress';
import { syntheticHistory } from './history-fixtures';
import { runInProcess } from './run-in-process';
import { expectUsageError } from './usage-error';

describe('how the CLI names itself in hints', () => {
  test.each([
    ['a plain shell', {}, 'bluegreen'],
    ['npx / npm exec', { npm_command: 'exec', npm_lifecycle_event: 'npx' }, 'npx bluegreen'],
    ['an npm script', { npm_command: 'run-script', npm_lifecycle_event: 'deploy' }, 'npx bluegreen'],
    [
      'the explicit override',
      { npm_command: 'exec', BLUEGREEN_INVOCATION: 'node cli/bin/bluegreen.js' },
      'node cli/bin/bluegreen.js',
    ],
  ])('%s', (_what, env, expected) => {
    expect(invocation(env)).toBe(expected);
  });

  test('a --service given is in every printed command, so a hint acts on the same service of a shared stack', () => {
    expect(commandPrefix({ stack: 'Shared', defaultStack: 'EcsBlueGreen', service: 'api' }, {})).toBe(
      'bluegreen --stack Shared --service api',
    );
  });

  test('the prefix carries the flags that chose the target, quoted, and never --json', () => {
    expect(commandPrefix({ stack: 'EcsBlueGreen', defaultStack: 'EcsBlueGreen' }, {})).toBe('bluegreen');
    expect(
      commandPrefix(
        {
          local: true,
          endpointUrl: 'http://127.0.0.1:4566',
          stack: 'Other',
          defaultStack: 'EcsBlueGreen',
          region: 'eu-west-1',
          profile: "ops's",
          ...{ json: true },
        },
        { npm_command: 'exec' },
      ),
    ).toBe(
      "npx bluegreen --local --endpoint-url http://127.0.0.1:4566 --stack Other --region eu-west-1 --profile 'ops'\\''s'",
    );
  });

  test('quoting round-trips through a shell word split', () => {
    for (const word of ['plain', 'with space', "it's", 'a"b', '$HOME', '', 'x;rm -rf /']) {
      expect(shellWords(`bluegreen ${shellQuote(word)}`)).toEqual(['bluegreen', word]);
    }
  });
});

describe('next steps as commands (contract NextStep → CLI command)', () => {
  const hints = { prefix: 'npx bluegreen --local', deployArgs: ['--image', 'repo/app:abc1234'] };

  test('each step maps to a command that starts with the prefix', () => {
    expect(commandForStep('swap', { hints })).toBe('npx bluegreen --local swap');
    expect(commandForStep('clean-up', { hints })).toBe('npx bluegreen --local cleanup');
    expect(commandForStep('status', { hints })).toBe('npx bluegreen --local status');
    expect(commandForStep('wait', { hints })).toBe('npx bluegreen --local wait');
    expect(commandForStep('wait', { hints, holder: 'arn:x' })).toBe('npx bluegreen --local watch arn:x');
    // deploy needs an image: this checkout's, when known; else a flag to fill in.
    expect(commandForStep('deploy-green', { hints })).toBe('npx bluegreen --local deploy --image repo/app:abc1234');
    expect(commandForStep('deploy-green', {})).toBe('bluegreen deploy --image IMAGE_URI');
  });

  test('the machine that ran starts again with its own input', () => {
    const input = { image: 'local/app:x y', commit: 'abc1234', healthTimeoutSeconds: 60 };
    expect(nextCommands(['fix-input', 'deploy-green'], { hints, self: 'deploy-green', input })).toEqual([
      "npx bluegreen --local deploy --image 'local/app:x y' --commit abc1234 --health-timeout 60",
    ]);
    expect(commandForStep('swap', { hints, self: 'swap', input: { bakeSeconds: 0 } })).toBe(
      'npx bluegreen --local swap --bake-seconds 0',
    );
  });

  test('a stopped run: the same machine again, with the same input', () => {
    const history = syntheticHistory(['Bake'], { type: 'ExecutionAborted', executionAbortedEventDetails: {} });
    history[0] = { ...history[0], executionStartedEventDetails: { input: '{"bakeSeconds":120}' } } as HistoryEvent;
    expect(buildProgress('swap', history, new Date(), undefined, hints).next).toEqual([
      'npx bluegreen --local swap --bake-seconds 120',
    ]);
  });
});

describe('no stack trace reaches the output', () => {
  const lambdaError = JSON.stringify({
    errorType: 'BlueGreen.InvalidInput',
    errorMessage: 'commit is "xyz" but must be 7-40 hexadecimal characters',
    trace: ['BlueGreen.InvalidInput: commit …', '    at validate (/var/task/index.js:1:2)'],
  });

  test('a Lambda error payload keeps errorType and errorMessage, drops trace/stackTrace (at any depth)', () => {
    expect(JSON.parse(withoutStackTrace(lambdaError))).toEqual({
      errorType: 'BlueGreen.InvalidInput',
      errorMessage: 'commit is "xyz" but must be 7-40 hexadecimal characters',
    });
    const nested = JSON.stringify({ Error: 'x', Cause: JSON.stringify({ errorMessage: 'm', stackTrace: ['at a'] }) });
    expect(withoutStackTrace(nested)).not.toMatch(/stackTrace|at a/);
    expect(withoutStackTrace('Error: boom\n    at f (a.js:1:1)\n    at g (b.js:2:2)')).toBe('Error: boom');
    // A cause without a trace is passed on as it is, byte for byte.
    const structured = '{"message": "m", "undone": "everything", "next": ["deploy-green"]}';
    expect(withoutStackTrace(structured)).toBe(structured);
  });

  test('--json events of a failed task and the result of a failed execution', () => {
    const history = syntheticHistory(['ValidateCommit'], {
      type: 'ExecutionFailed',
      executionFailedEventDetails: { error: 'BlueGreen.InvalidInput', cause: lambdaError },
    });
    history.splice(2, 0, {
      id: 99,
      type: 'TaskFailed',
      timestamp: history[1]?.timestamp,
      taskFailedEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke',
        error: 'BlueGreen.InvalidInput',
        cause: lambdaError,
      },
    });
    const lines = logEntries(history).map((e) => JSON.stringify(jsonEvent(e, 'deploy-green')));
    expect(lines.join('\n')).toContain('BlueGreen.InvalidInput');
    expect(lines.join('\n')).not.toMatch(/trace|at validate/);
    const progress = buildProgress('deploy-green', history, new Date());
    expect(progress.error).toBe('BlueGreen.InvalidInput');
    expect(JSON.parse(progress.cause ?? '')).toEqual({
      errorType: 'BlueGreen.InvalidInput',
      errorMessage: expect.stringMatching(/^commit is/),
    });
  });
});

describe('usage errors: exit 2, one line on stderr, nothing on stdout', () => {
  test.each([
    ['--endpoint-url that is not a URL', ['--endpoint-url', 'notaurl', 'status'], /--endpoint-url must be an http/],
    ['--endpoint-url that is not http(s)', ['--endpoint-url', 'ftp://x', 'status'], /--endpoint-url must be an http/],
    ['--commit that is not a commit id', ['deploy', '--image', 'a', '--commit', 'xyz'], /--commit must be 7-40 hex/],
    ['--region that is not a region', ['--region', 'nowhere', 'status'], /--region must be an AWS region/],
    ['--stack that is not a stack name', ['--stack', 'no such', 'status'], /--stack must be a stack name/],
    [
      'promote --full with --bake-seconds',
      ['promote', '--full', '--bake-seconds', '60'],
      /either --full .* or --bake-seconds/,
    ],
    ['wait --phase that is no phase', ['wait', '--phase', 'done'], /argument 'done' is invalid.*Allowed choices/],
    ['watch of something that is not an ARN', ['watch', 'nope'], /is not a Step Functions execution ARN/],
  ])('%s', async (_what, args, line) => {
    const result = await runInProcess(args, { env: {} });
    expectUsageError(result, line);
  });

  test('AWS_ENDPOINT_URL that is not a URL', async () => {
    const result = await runInProcess(['history'], { env: { AWS_ENDPOINT_URL: 'notaurl' } });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^bluegreen: AWS_ENDPOINT_URL must be an http/);
  });

  test.each([
    [['promote', '--full']],
    [['promote', '--bake-seconds', '0']],
    [['swap', '--full']],
    [['deploy', '--image', 'a', '--commit', '3F2C1AB']],
    [['--local', '--region', 'us-gov-west-1', 'wait', '--phase', 'testing']],
    [['wait', '--for-start', '30']],
  ])('valid: %j', async (args) => {
    expect((await runInProcess(args, { env: {}, parseOnly: true })).code).toBe(0);
  });

  test('a hint is the prefix plus the command', () => {
    expect(hint({ prefix: 'bluegreen --local' }, 'watch', 'arn:aws:states:x')).toBe(
      'bluegreen --local watch arn:aws:states:x',
    );
  });
});
