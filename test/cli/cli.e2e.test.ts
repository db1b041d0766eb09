/**
 * The bluegreen CLI end to end: the committed bin shim runs as a child process against local AWS (started here with
 * the synthesized stack, on free ports, 100× faster than real time), and discovers the stack through local
 * CloudFormation exactly as on AWS. Asserts stdout, stderr and exit codes, and what the URLs serve.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { LocalStack } from '../../harness/demo/local-stack';
import { probe } from '../../harness/demo/probe';
import { startTestStack } from '../support/harness';
import { shellWords } from '../../cli/hints';
import { hasScript, runBin, startBin, startBinInPty, userEnv } from './run-bin';
import { runInProcess } from './run-in-process';
import { screen } from './terminal-screen';
import { expectUsageError } from './usage-error';

jest.setTimeout(120_000);

let stack: LocalStack;
let args: (...rest: string[]) => string[];
/** How every hint starts in these runs: the invocation, then the flag that chose local AWS. */
let P = '';
/** Every command the CLI printed for the user to run, with where it was printed (checked at the end of the file). */
const printed: Array<{ where: string; command: string }> = [];
/** Collects the hints of a run's output: `Next: a, or b`, `Resume with: c`, `Follow it with: d`. */
function collectHints(where: string, text: string): void {
  for (const match of text.matchAll(/^(?:Next|Resume with|Follow it with|.*Follow it with): (.+)$/gm)) {
    for (const command of (match[1] ?? '').split(', or ')) printed.push({ where, command: command.trim() });
  }
}
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const notGit = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-cli-'));
const ESC = String.fromCharCode(27);
const ARN_LINE = /bluegreen --endpoint-url \S+ watch (arn:aws:states:\S+)/;
const ARN_LINE_ERR = /^Started \S+: (arn:aws:states:\S+)$/m;
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] deploy-green \w+/;

beforeAll(async () => {
  stack = await startTestStack();
  args = (...rest) => ['--endpoint-url', stack.aws.endpoint, '--poll-interval', '50', ...rest];
  P = `bluegreen --endpoint-url ${stack.aws.endpoint}`;
});
afterAll(async () => {
  await stack?.close();
  fs.rmSync(notGit, { recursive: true, force: true });
});

const starts = (): number => stack.aws.server.callLog.entries({ operation: 'StartExecution' }).length;

describe('usage errors: one line on stderr, exit 2, no execution started', () => {
  test.each([
    ['an unknown flag', ['deploy', '--imag', 'x'], /^bluegreen: unknown option '--imag'/],
    ['an unknown command', ['deplyo'], /^bluegreen: unknown command 'deplyo'/],
    [
      'deploy without an image',
      ['deploy', '--commit', 'abc1234'],
      /^bluegreen: deploy needs --image URI .* or --task-definition ARN\.$/,
    ],
    [
      'both image and task definition',
      ['deploy', '--image', 'a', '--task-definition', 'b', '--commit', 'c0ffee0'],
      /either --image or --task-definition/,
    ],
    [
      'a health timeout under 30 s',
      ['deploy', '--image', 'a', '--commit', 'c0ffee0', '--health-timeout', '10'],
      /--health-timeout must be a whole number from 30 to 86400/,
    ],
    [
      'a bake over 24 hours',
      ['swap', '--bake-seconds', '86401'],
      /--bake-seconds must be a whole number from 0 to 86400/,
    ],
    [
      'a stack that does not exist',
      ['--stack', 'Nope', 'swap'],
      /^bluegreen: Stack Nope does not exist in us-east-1 at http:\/\/127\.0\.0\.1:\d+/,
    ],
    ['watch of something that is not an execution ARN', ['watch', 'nope'], /is not a Step Functions execution ARN/],
  ])('%s', async (_what, rest, line) => {
    const before = starts();
    const result = await runBin(args(...rest));
    expectUsageError(result, line);
    expect(starts()).toBe(before);
  });

  test('deploy without --commit outside a git repository', async () => {
    const result = await runBin(args('deploy', '--image', 'local/demo-app:blue'), { cwd: notGit });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^bluegreen: deploy needs --commit SHA here/);
  });

  test('no credentials (and not --local)', async () => {
    const env = userEnv({
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      HOME: notGit,
      AWS_CONFIG_FILE: path.join(notGit, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(notGit, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const before = starts();
    const result = await runBin(args('swap'), { env });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^bluegreen: No AWS credentials.*--local for local AWS\.\n$/);
    expect(starts()).toBe(before);
  });

  test('AWS_ENDPOINT_URL has the effect of --endpoint-url; --local needs no credentials', async () => {
    const viaEnv = await runBin(['--poll-interval', '50', 'history', '-n', '1'], {
      env: userEnv({ AWS_ENDPOINT_URL: stack.aws.endpoint }),
    });
    expect(viaEnv).toMatchObject({ code: 0, stdout: 'No executions yet.\n', stderr: '' });
    const local = await runBin(['--local', '--endpoint-url', stack.aws.endpoint, 'history'], {
      env: userEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_REGION: undefined }),
    });
    expect(local).toMatchObject({ code: 0, stdout: 'No executions yet.\n' });
  });

  test('--help documents the commands and the exit codes', async () => {
    const result = await runBin(['--help']);
    expect(result.code).toBe(0);
    for (const word of [
      'deploy',
      'swap',
      'cleanup',
      'rollback',
      'abort',
      'approve',
      'reject',
      'status',
      'history',
      'watch',
    ]) {
      expect(result.stdout).toContain(`  ${word}`);
    }
    expect(result.stdout).toMatch(
      /Exit codes:\n\s+0\s+success\n\s+1\s+the deployment failed[\s\S]*\n\s+2\s+usage error[\s\S]*\n\s+3\s+--timeout[\s\S]*\n\s+130\s+interrupted/,
    );
  });
});

describe('a release: deploy → status → swap → cleanup', () => {
  let deployArn = '';
  test('deploy follows deploy-green and prints the test URL on stdout', async () => {
    const result = await runBin(args('deploy', '--image', 'local/demo-app:blue', '--commit', 'b1e0000'));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${stack.urls.test}\n`);
    expect(result.stderr).toMatch(/^Started deploy-green: arn:aws:states:us-east-1:123456789012:execution:\S+\n/);
    // Off a terminal: a plain event log, one line per step (not per state), no redraws.
    expect(result.stderr).toMatch(
      /\] creating green.*\n[\s\S]*\] waiting for green to be healthy\n[\s\S]*\] opening the test listener/,
    );
    expect(result.stderr).not.toMatch(/\] CreateGreenTaskSet/);
    // One line per step; a wait adds one progress line per poll, and how many polls a healthy green needs depends on
    // the machine's speed, so those are not counted.
    const stepLines = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('[') && !/: poll \d+ of \d+/.test(line));
    expect(stepLines.length).toBeLessThanOrEqual(8);
    // Local AWS: the log and the summary say the times are emulated, with the wall time followed beside them.
    expect(result.stderr).toMatch(/^Started .*\nLocal AWS: .*emulated/);
    expect(result.stderr).toMatch(/✓ deploy-green succeeded in \S+( \S+)? emulated, \S+( \S+)? wall/);
    deployArn = ARN_LINE_ERR.exec(result.stderr)?.[1] ?? '';
    expect(result.stderr).not.toContain('\r');
    expect(result.stderr).not.toContain(ESC);
    expect(result.stderr).toMatch(
      new RegExp(`✓ deploy-green succeeded in .*\\nNext: ${escape(P)} swap, or ${escape(P)} abort\\n$`),
    );
    collectHints('deploy', result.stderr);
    expect(await probe(stack.urls.test)).toMatchObject({ status: 200, colour: 'blue' });
  });

  test('--verbose: every state entered, as the JSON events list them', async () => {
    const verbose = await runBin(args('--verbose', 'watch', deployArn));
    const json = await runBin(args('--json', 'watch', deployArn));
    expect([verbose.code, json.code]).toEqual([0, 0]);
    const states = new Set(
      json.stderr
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { event: string; state?: string })
        .flatMap((e) => (e.event === 'state' && e.state !== undefined ? [e.state] : [])),
    );
    expect(states.size).toBeGreaterThan(20);
    const logged = new Set(
      verbose.stderr.split('\n').flatMap((line) => /^\[[^\]]*\] (\w+)( \(#\d+\))?$/.exec(line)?.[1] ?? []),
    );
    expect(logged).toEqual(states);
  });

  test('status shows test serving the new task set, healthy and steady, production still closed', async () => {
    const result = await runBin(args('status'));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('production'))).toMatch(/HTTP 503.*fixed response 503/);
    expect(lines.find((l) => l.startsWith('test'))).toMatch(/blue\/\S+ \(HTTP 200\)\s+task set ecs-svc\/\d+/);
    // Each version: which it is, its task set, image, commit (its target group's tag), status, counts, health.
    expect(lines.find((l) => l.startsWith('green '))).toMatch(
      /^green\s+ecs-svc\/\d+\s+local\/demo-app:blue\s+b1e0000\s+ACTIVE\s+STEADY_STATE\s+2\/2\s+test\s+.*2 healthy$/,
    );
    expect(result.stdout).toMatch(/In flight: none/);
    // Green under test: swap or abort, as the user runs them here.
    expect(lines).toContain(`Next: ${P} swap, or ${P} abort`);
    collectHints('status', result.stdout);
    // The deployment record's phase, and a free lease (deploy-green gave it back).
    expect(lines).toContain('Phase: testing (green under test)');
    expect(lines).toContain('Lease: free');
  });

  test('status --json is one JSON document', async () => {
    const result = await runBin(args('--json', 'status'));
    const view = JSON.parse(result.stdout) as {
      taskSets: Array<{ arn: string; status: string; targets: Record<string, number> }>;
      record: { phase: string; green: { taskSetArn: string } };
      lease?: unknown;
    };
    expect(view.taskSets).toEqual([expect.objectContaining({ status: 'ACTIVE', targets: { healthy: 2 } })]);
    expect(view.record).toMatchObject({ phase: 'testing', green: { taskSetArn: view.taskSets[0]?.arn } });
    expect(view.lease).toBeUndefined();
  });

  test('swap moves production; stdout is the state machine message', async () => {
    const result = await runBin(args('swap'));
    expect(result.code).toBe(0);
    // The first release: no earlier version to roll back to, so clean-up is the only next step.
    expect(result.stdout).toMatch(
      /^First release: production now serves task set ecs-svc\/\d+ at http:\/\/127\.0\.0\.1:\d+\/\. .*\n$/,
    );
    expect(result.stderr).toMatch(new RegExp(`Next: ${escape(P)} cleanup\\n$`));
    collectHints('swap', result.stderr);
    expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
  });

  test('status --json names the controller-owned drift from the template after the swap', async () => {
    const result = await runBin(args('--json', 'status'));
    const view = JSON.parse(result.stdout) as { ownership: Array<{ resource: string; kind: string; text: string }> };
    expect(view.ownership).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          resource: 'service',
          kind: 'drift',
          text: expect.stringMatching(/^desired count 2 /),
        }),
        expect.objectContaining({
          resource: 'production rule',
          kind: 'drift',
          text: expect.stringMatching(
            /^forwards to task set ecs-svc\/\d+ \(template: fixed 503\) — owned by the controller/,
          ),
        }),
      ]),
    );
    expect(view.ownership.filter((line) => line.kind === 'hazard')).toEqual([]);
  });

  test('cleanup closes the test listener', async () => {
    const result = await runBin(args('cleanup'));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Clean-up complete/);
    expect((await probe(stack.urls.test)).status).toBe(503);
  });
});

describe('failures', () => {
  test('a deploy whose green never becomes healthy: exit 1, error, cause and what was undone on stderr', async () => {
    const result = await runBin(
      args('deploy', '--image', 'local/unhealthy:red', '--commit', 'bad0001', '--health-timeout', '30'),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    // ECS replaces a task whose target fails its health checks, so the deploy may fail fast on those stops
    // (GreenTasksFailing) or reach its 30-second timeout first (GreenNotHealthy): either is this failure.
    expect(result.stderr).toMatch(
      /✗ deploy-green FAILED after .*: BlueGreen\.(GreenNotHealthy\n {2}Green did not become healthy within 30 seconds|GreenTasksFailing\n {2}Green keeps failing: \d+ of its tasks failed)/,
    );
    // The message, then what was undone and what is next: both from the cause's structured fields.
    expect(result.stderr).toMatch(/ Undone: everything this deployment made .*production was never touched\.\n/);
    expect(result.stderr).toMatch(/\nUndone: everything this run changed; AWS is as the run found it\.\n/);
    // The same deploy again, with the same input: the user edits the image.
    expect(result.stderr).toMatch(
      new RegExp(`\\nNext: ${escape(P)} deploy --image local/unhealthy:red --commit bad0001 --health-timeout 30\\n$`),
    );
    collectHints('failed deploy', result.stderr);
    expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
  });

  test('--json: a failure is a result document on stdout too, with the error and what was undone; exit 1', async () => {
    // No green is under test after the clean-up and the undone deploy: swap refuses and changes nothing.
    // promote is swap; --full starts it without a bake.
    const result = await runBin(args('--json', 'promote', '--full'));
    expect(result.code).toBe(1);
    const started = stack.aws.server.callLog.entries({ operation: 'StartExecution' }).at(-1);
    expect(JSON.parse(String(started?.input.input))).toMatchObject({ bakeSeconds: 0 });
    const doc = JSON.parse(result.stdout) as { next: string[] };
    expect(doc).toMatchObject({
      command: 'swap',
      status: 'FAILED',
      error: expect.stringMatching(/^BlueGreen\./),
      message: expect.stringMatching(/Run deploy-green first\. Nothing was changed\.$/),
      undone: 'nothing-changed',
    });
    // deploy this checkout's commit from the stack's image repository, as the pipeline would build it.
    expect(doc.next).toEqual([expect.stringMatching(new RegExp(`^${escape(P)} deploy --image \\S+:[0-9a-f]{7,40}$`))]);
    for (const command of doc.next) printed.push({ where: 'refused swap (--json)', command });
    // The same refusal, as a person sees it.
    collectHints('refused swap', (await runBin(args('swap'))).stderr);
    expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
  });

  test('--json: a result document on stdout, JSON event lines on stderr', async () => {
    const result = await runBin(args('--json', 'rollback'));
    // Nothing was swapped since the last clean-up: rollback has nothing to do and says so (it succeeds).
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({
      command: 'rollback',
      status: 'SUCCEEDED',
      message: expect.stringMatching(/^Nothing to roll back/),
    });
    const events = result.stderr
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string });
    expect(events[0]?.event).toBe('started');
    expect(events.slice(1).every((e) => e.event === 'state' || e.event === 'task-failed')).toBe(true);
  });
});

describe('following: Ctrl-C, --timeout, watch, --no-wait', () => {
  let executionArn = '';

  test('Ctrl-C stops following, not the execution, and says how to resume (exit 130)', async () => {
    const run = startBin(
      // Slow enough (36 wall seconds at this time scale) that it still runs through the next tests on a loaded runner.
      args('deploy', '--image', 'local/slow-start:green-slow-3600', '--commit', '510e000', '--health-timeout', '7200'),
    );
    await run.stderrMatches(/\] waiting for green to be healthy\n/);
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /Interrupted: stopped following deploy-green .*; it keeps running\.\nResume with: bluegreen --endpoint-url \S+ watch arn:/,
    );
    executionArn = ARN_LINE.exec(result.stderr)?.[1] ?? '';
    collectHints('Ctrl-C', result.stderr);
    expect(stack.aws.server.callLog.entries({ operation: 'StopExecution' })).toHaveLength(0);
  });

  test('status while it runs: how long it has run (not 0s), and what to run next', async () => {
    const result = await runBin(args('status'));
    expect(result.code).toBe(0);
    // Local AWS's clock runs ahead of the wall clock: the elapsed time comes from the execution's own dates.
    expect(result.stdout).toMatch(new RegExp(`\\n {2}deploy-green ${escape(executionArn)} \\(running (?!0s\\))\\S+`));
    expect(result.stdout).toContain(`Next: ${P} watch ${executionArn}, or ${P} wait`);
    collectHints('status while running', result.stdout);
  });

  test('wait follows what runs now; --timeout: exit 3, the execution keeps running', async () => {
    const result = await runBin(args('--timeout', '1', 'wait'));
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`^Watching deploy-green: ${escape(executionArn)}\\n`));
    expect(result.stderr).toContain(`Resume with: ${P} watch ${executionArn}`);
    collectHints('wait --timeout', result.stderr);
  });

  test('watch --timeout: exit 3, the execution keeps running', async () => {
    const result = await runBin(args('--timeout', '1', 'watch', executionArn));
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^Watching deploy-green: arn:/);
    expect(result.stderr).toMatch(
      /--timeout 1s passed: stopped following deploy-green .*\nResume with: bluegreen --endpoint-url \S+ watch arn:/,
    );
  });

  test('watch follows it to the end and prints the test URL', async () => {
    const result = await runBin(args('watch', executionArn));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${stack.urls.test}\n`);
  });

  test('--no-wait prints the execution ARN and returns; watch picks it up', async () => {
    const started = await runBin(args('--no-wait', 'abort'));
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:\S*-abort:\S+\n$/);
    collectHints('--no-wait', started.stderr);
    const watched = await runBin(args('watch', started.stdout.trim()));
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/^Aborted: green was discarded/);
    expect((await probe(stack.urls.test)).status).toBe(503);
  });

  test('history lists each execution with its outcome', async () => {
    const result = await runBin(args('history', '-n', '3'));
    expect(result.code).toBe(0);
    // Local AWS: its clock is emulated (and runs ahead of the wall clock), and the table says so.
    expect(result.stdout).toMatch(/^MACHINE\s+STARTED \(EMULATED CLOCK\)\s+DURATION\s+OUTCOME\s+EXECUTION\n/);
    expect(result.stdout).toMatch(
      /\ndeploy-green\s+\S+\s+\S+( \S+)? emulated\s+FAILED BlueGreen\.(GreenNotHealthy|GreenTasksFailing)\s+arn:/,
    );
    expect(result.stdout).toMatch(/\nabort\s+.*SUCCEEDED/);
    const json = JSON.parse((await runBin(args('--json', 'history', '-n', '1'))).stdout) as Array<{ machine: string }>;
    expect(json.map((r) => r.machine).sort()).toEqual(['abort', 'clean-up', 'deploy-green', 'rollback', 'swap']);
  });
});

(hasScript() ? describe : describe.skip)('on a terminal (a pseudo-terminal from script)', () => {
  let executionArn = '';

  test('Ctrl-C at the terminal stops the spinner and says how to resume (exit 130), at once', async () => {
    const run = startBinInPty(args('deploy', '--image', 'local/slow-start:teal-slow-600', '--commit', '7e1a000'));
    await run.stderrMatches(/\] waiting for green to be healthy\r\n/);
    await run.stderrMatches(SPINNER);
    const interrupted = Date.now();
    run.interrupt();
    const result = await run.done;
    executionArn = ARN_LINE.exec(result.stdout)?.[1] ?? '';
    expect(result.code).toBe(130);
    expect(Date.now() - interrupted).toBeLessThan(5000);
    const shown = screen(result.stdout);
    // Where it stopped depends on timing: somewhere in the health-wait loop.
    expect(shown.slice(-2)).toEqual([
      expect.stringMatching(
        /^Interrupted: stopped following deploy-green \(waiting for green to be healthy, .+\); it keeps running\.$/,
      ),
      expect.stringMatching(/^Resume with: bluegreen --endpoint-url \S+ watch arn:aws:states:\S+$/),
    ]);
    expect(shown.filter((line) => SPINNER.test(line))).toEqual([]);
    expect(stack.aws.server.callLog.entries({ operation: 'StopExecution' })).toHaveLength(0);
  });

  test('watch shows the live view to the end: exit 0 in bounded time, state lines kept, spinner gone', async () => {
    const started = Date.now();
    const result = await startBinInPty(args('watch', executionArn)).done;
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    // ora drew the spinner, one line high (the regression: erasing "Infinity" lines on a pty without a size).
    expect(result.stdout).toMatch(SPINNER);
    expect(result.stdout.split(`${ESC}[1A`)).toHaveLength(1);
    // What the terminal shows at the end: every state line, the summary and the URL; no spinner; the cursor back.
    const shown = screen(result.stdout);
    expect(shown[0]).toBe(`Watching deploy-green: ${executionArn}`);
    // How many health polls green needed depends on the machine's load (emulated time runs on during each poll);
    // the numbering of repeated states is the printer's, tested in printer.test.ts.
    expect(shown).toContainEqual(expect.stringMatching(/^\[\s*\S+( \S+)?\] waiting for green to be healthy$/));
    // The wait's progress was on the live line only: no poll lines stay.
    expect(shown.filter((line) => / poll \d+ of /.test(line))).toEqual([]);
    expect(shown.slice(-4)).toEqual([
      expect.stringMatching(/^\[\s*\S+( \S+)?\] done/),
      expect.stringMatching(/^✓ deploy-green succeeded in /),
      `Next: ${P} swap, or ${P} abort`,
      stack.urls.test,
    ]);
    expect(shown.filter((line) => SPINNER.test(line))).toEqual([]);
    expect(result.stdout.lastIndexOf(`${ESC}[?25h`)).toBeGreaterThan(result.stdout.lastIndexOf(`${ESC}[?25l`));
  });
});

describe('wait', () => {
  test('nothing runs: says so on stderr, exit 0; --for-start: exit 3 when nothing starts', async () => {
    const none = await runBin(args('wait'));
    expect(none).toMatchObject({ code: 0, stdout: '' });
    expect(none.stderr.trimEnd().split('\n')).toHaveLength(1);
    const forStart = await runBin(args('wait', '--for-start', '1'));
    expect(forStart).toMatchObject({ code: 3, stdout: '' });
  });

  test('--for-start follows the execution that starts meanwhile to its end', async () => {
    const run = startBin(args('wait', '--for-start', '600'));
    await run.stderrMatches(/waiting up to 600s/);
    // abort succeeds whether or not a green is under test (it discards it, or has nothing to do).
    const started = await runBin(args('--no-wait', 'abort'));
    expect(started.code).toBe(0);
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Watching abort: ${started.stdout.trim()}`);
  });

  test('--phase: waits until the deployment record is in that phase; --timeout: exit 3 with how to resume', async () => {
    const now = JSON.parse((await runBin(args('--json', 'status'))).stdout) as { record: { phase: string } };
    const reached = await runBin(args('wait', '--phase', now.record.phase));
    expect(reached).toMatchObject({ code: 0, stdout: `${now.record.phase}\n` });
    const other = now.record.phase === 'baking' ? 'testing' : 'baking';
    const timedOut = await runBin(args('--timeout', '1', 'wait', '--phase', other));
    expect(timedOut).toMatchObject({ code: 3, stdout: '' });
    expect(timedOut.stderr).toContain(`Resume with: ${P} wait --phase ${other}`);
    collectHints('wait --phase --timeout', timedOut.stderr);
  });
});

describe('status --watch', () => {
  test('off a terminal: the picture once while nothing changes, timestamped, no escapes; --timeout: exit 3', async () => {
    const result = await runBin(args('--timeout', '2', 'status', '--watch'));
    expect(result.code).toBe(3);
    expect(result.stdout).not.toContain(ESC);
    expect(result.stdout).toMatch(
      /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] status of stack EcsBlueGreen\nStack EcsBlueGreen\nPhase: /,
    );
    expect(result.stdout.match(/^Phase: /gm)).toHaveLength(1);
    expect(result.stderr).toBe('--timeout 2s passed: stopped watching.\n');
  });

  test('Ctrl-C stops watching: exit 130', async () => {
    const run = startBin(args('status', '--watch', '--interval', '1'));
    // The first picture is on stdout; wait until the CLI has read AWS once (its first poll lists executions).
    await new Promise<void>((resolve) => run.child.stdout?.on('data', () => resolve()));
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toBe('Stopped watching (Ctrl-C).\n');
  });

  (hasScript() ? test : test.skip)(
    'on a terminal: redrawn in place; Ctrl-C leaves the last picture (exit 130)',
    async () => {
      const run = startBinInPty(args('status', '--watch', '--interval', '1'));
      // Two readings drawn (the header's time changes each second), then Ctrl-C typed at the terminal.
      await run.stderrMatches(new RegExp(`Ctrl-C to stop[\\s\\S]*${ESC}\\[\\d+A[\\s\\S]*Ctrl-C to stop`));
      run.interrupt();
      const result = await run.done;
      expect(result.code).toBe(130);
      const shown = screen(result.stdout);
      // A pseudo-terminal without a size: the picture is cut to 80 columns, and drawn once on screen.
      expect(
        shown.filter((row) => /^Every 1s: status of stack EcsBlueGreen · .* · Ctrl-C to stop$/.test(row)),
      ).toHaveLength(1);
      expect(shown.filter((row) => row === 'Stack EcsBlueGreen')).toHaveLength(1);
      for (const row of shown) expect(Array.from(row).length).toBeLessThanOrEqual(80);
      expect(shown[shown.length - 1]).toBe('Stopped watching (Ctrl-C).');
    },
  );

  test('a swap’s bake: its progress and green’s health, in emulated seconds; --json: one object per change', async () => {
    const deployed = await runBin(args('deploy', '--image', 'local/demo-app:orange', '--commit', '0a0a0a7'));
    expect(deployed.code).toBe(0);
    // 1500 emulated seconds: about 15 s of wall time at this suite's time scale, so the bake is still on when read.
    const swap = await runBin(args('--no-wait', 'swap', '--bake-seconds', '1500'));
    expect(swap.code).toBe(0);
    const watched = await runBin(args('--json', '--timeout', '3', 'status', '--watch'));
    expect(watched.code).toBe(3);
    const views = watched.stdout
      .trimEnd()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            clock: string;
            bake?: { totalSeconds: number; unhealthy: number; elapsedSeconds: number };
          },
      );
    expect(views.length).toBeGreaterThanOrEqual(1);
    expect(views.every((v) => v.clock === 'emulated')).toBe(true);
    const bakes = views.flatMap((v) => (v.bake ? [v.bake] : []));
    expect(bakes[0]).toMatchObject({ totalSeconds: 1500, unhealthy: 0 });
    const once = await runBin(args('status'));
    if (/^Phase: baking/m.test(once.stdout)) {
      expect(once.stdout).toMatch(
        /^Bake: \d+ s of 1500 s, 0 unhealthy of 2 green targets \(seconds of local AWS’s emulated clock\)$/m,
      );
      expect(once.stdout).toMatch(/^green \(live\)\s+ecs-svc\/\d+\s+local\/demo-app:orange\s+0a0a0a7\s+PRIMARY\s/m);
      expect(once.stdout).toMatch(/^blue \(previous\)\s+ecs-svc\/\d+\s+/m);
    }
    // Let the swap finish, as the tests after this expect nothing running.
    expect((await runBin(args('wait'))).code).toBe(0);
  });
});

describe('every printed hint runs as printed', () => {
  test('each parses with the CLI’s own parser (not a usage error), with the flags of the run that printed it', async () => {
    const places = new Set(printed.map((p) => p.where));
    for (const where of ['deploy', 'swap', 'refused swap', 'refused swap (--json)', 'status', 'Ctrl-C']) {
      expect(places).toContain(where);
    }
    for (const { where, command } of printed) {
      const words = shellWords(command);
      expect({ where, command, prefix: words.slice(0, 3) }).toEqual({
        where,
        command,
        prefix: ['bluegreen', '--endpoint-url', stack.aws.endpoint],
      });
      const result = await runInProcess(words.slice(1), { env: {}, parseOnly: true });
      expect({ where, command, ...result }).toEqual({ where, command, code: 0, stdout: '', stderr: '' });
    }
  });

  test('a read-only hint, run as printed, works', async () => {
    const status = printed.find((p) => / status$/.test(p.command) || / history/.test(p.command));
    const command = status?.command ?? `${P} status`;
    const result = await runBin(shellWords(command).slice(1));
    expect(result.code).toBe(0);
  });

  test('under npx (npm_command=exec) hints start with npx bluegreen, and keep the target flags', async () => {
    const result = await runBin(args('status'), { env: userEnv({ npm_command: 'exec' }) });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`\\nNext: npx ${escape(P)} \\S+`));
  });
});
