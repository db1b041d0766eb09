/**
 * The release history and `undo`, end to end: two releases on local AWS (deploy → swap → clean-up twice), then
 * `history --releases` lists both, and `undo` redeploys the first as green with its task definition and commit.
 */
import type { LocalStack } from '../../harness/demo/local-stack';
import { probe } from '../../harness/demo/probe';
import { startTestStack } from '../support/harness';
import type { Release } from '../../cli/commands/releases';
import { runBin } from './run-bin';

jest.setTimeout(180_000);

let stack: LocalStack;
let args: (...rest: string[]) => string[];

beforeAll(async () => {
  stack = await startTestStack();
  args = (...rest) => ['--endpoint-url', stack.aws.endpoint, '--poll-interval', '50', ...rest];
});
afterAll(async () => {
  await stack?.close();
});

async function release(colour: string, commit: string): Promise<void> {
  for (const step of [
    ['deploy', '--image', `local/demo-app:${colour}`, '--commit', commit],
    ['swap', '--full'],
    ['cleanup'],
  ]) {
    const result = await runBin(args(...step));
    expect({ step, code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({
      step,
      code: 0,
      stderr: '',
    });
  }
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour });
}

describe('release history and undo', () => {
  test('no releases yet: history --releases says so; undo is a usage error', async () => {
    const listed = await runBin(args('history', '--releases'));
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toMatch(/^No releases in the last 90 days of execution history/);
    const undo = await runBin(args('undo'));
    expect(undo.code).toBe(2);
    expect(undo.stderr).toMatch(/^bluegreen: There is no release to go back to: the history lists no release/);
  });

  test('two releases: history --releases lists both with their commits, the newest live', async () => {
    await release('blue', 'b1e0001');
    await release('orange', '0a0a0a2');
    const json = await runBin(args('--json', 'history', '--releases'));
    expect(json.code).toBe(0);
    const releases = JSON.parse(json.stdout) as Release[];
    expect(releases.map((r) => [r.number, r.commit, r.image, r.outcome])).toEqual([
      [1, '0a0a0a2', 'local/demo-app:orange', 'live'],
      [2, 'b1e0001', 'local/demo-app:blue', 'superseded'],
    ]);
    expect(releases[1]?.revision).toBeLessThan(releases[0]?.revision ?? 0);

    const table = await runBin(args('history', '--releases'));
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    // Local AWS: when it went live is on its emulated clock, and the header says so.
    expect(lines[0]).toMatch(/^#\s+COMMIT\s+IMAGE\s+TASK DEFINITION\s+WENT LIVE \(EMULATED CLOCK\)\s+OUTCOME$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^1\s+0a0a0a2\s+local\/demo-app:orange\s+\S+:\d+\s+\S+Z\s+live$/),
      expect.stringMatching(/^2\s+b1e0001\s+local\/demo-app:blue\s+\S+:\d+\s+\S+Z\s+superseded$/),
    ]);
  });

  test('undo --to 1 (live) and --to 3 (none): usage errors, nothing started', async () => {
    const before = stack.aws.server.callLog.entries({ operation: 'StartExecution' }).length;
    for (const [to, line] of [
      ['1', /^bluegreen: Release 1 is live \(commit 0a0a0a2\): nothing to undo/],
      ['3', /^bluegreen: There is no release 3: the history lists release 1, 2 /],
    ] as const) {
      const result = await runBin(args('undo', '--to', to));
      expect(result.code).toBe(2);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(line);
    }
    expect(stack.aws.server.callLog.entries({ operation: 'StartExecution' })).toHaveLength(before);
  });

  test('undo redeploys release 2 as green: its task definition and commit; green serves its colour on the test URL', async () => {
    const [, first] = JSON.parse((await runBin(args('--json', 'history', '--releases'))).stdout) as Release[];
    const result = await runBin(args('undo'));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${stack.urls.test}\n`);
    expect(result.stderr).toMatch(
      /^Redeploying release 2 \(commit b1e0001, local\/demo-app:blue, task definition \S+, live since \S+Z emulated\)/,
    );
    // deploy-green's own next step: swap, or abort (undo never swaps by itself).
    expect(result.stderr).toMatch(/Next: bluegreen --endpoint-url \S+ swap, or bluegreen --endpoint-url \S+ abort\n$/);
    const started = stack.aws.server.callLog.entries({ operation: 'StartExecution' }).at(-1);
    expect(JSON.parse(String(started?.input.input))).toEqual({
      cluster: expect.any(String),
      service: expect.any(String),
      taskDefinition: first?.taskDefinitionArn,
      commit: 'b1e0001',
    });
    expect(await probe(stack.urls.test)).toMatchObject({ status: 200, colour: 'blue' });
    // Production still serves the live release until a swap.
    expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'orange' });
  });
});
