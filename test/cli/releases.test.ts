/**
 * The release history derived from execution history (cli/commands/releases.ts), on synthetic ListExecutions /
 * DescribeExecution data; and `undo`'s refusals and input, in process with the SDK clients mocked.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionOutput,
  type ExecutionListItem,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import {
  appImage,
  chooseRelease,
  deriveReleases,
  releasesTable,
  revisionOf,
  type ExecutionRecord,
  type Release,
} from '../../cli/commands/releases';
import { undoInput } from '../../cli/commands/undo';
import type { MachineKind } from '../../cli/machines';
import { runInProcess } from './run-in-process';
import { describeStacks, machineArn } from './stack-fixture';
import { expectUsageError } from './usage-error';

const TD = (revision: number): string =>
  `arn:aws:ecs:us-east-1:123456789012:task-definition/EcsBlueGreenAppTaskDefinition908066F3:${revision}`;

/** A synthetic history: each step one minute after the last, each execution lasting 10 s. */
function history(): {
  readonly add: (machine: MachineKind, status: string, input: object, output?: object) => void;
  readonly executions: ExecutionRecord[];
} {
  const executions: ExecutionRecord[] = [];
  let minute = 0;
  return {
    executions,
    add: (machine, status, input, output) => {
      const startDate = new Date(Date.UTC(2026, 10, 1, 12, minute++));
      executions.push({
        machine,
        executionArn: `arn:aws:states:us-east-1:123456789012:execution:${machine}:${minute}`,
        status,
        startDate,
        stopDate: new Date(startDate.getTime() + 10_000),
        input: JSON.stringify({ cluster: 'c', service: 'demo-app', ...input }),
        ...(output !== undefined && { output: JSON.stringify({ cluster: 'c', service: 'demo-app', ...output }) }),
      });
    },
  };
}

const deployed = (commit: string, revision: number) =>
  [
    'deploy-green',
    'SUCCEEDED',
    { image: `local/demo-app:${commit}`, commit },
    { commit, green: { taskDefinitionArn: TD(revision) }, next: ['swap', 'abort'] },
  ] as const;
const swapped = ['swap', 'SUCCEEDED', {}, { changed: true, next: ['clean-up', 'rollback'] }] as const;
const cleanedUp = ['clean-up', 'SUCCEEDED', {}, { changed: true }] as const;

describe('deriveReleases', () => {
  test('deploy → swap → clean-up twice: two releases, the newest live, numbered from 1', () => {
    const h = history();
    h.add(...deployed('aaaaaaa', 3));
    h.add(...swapped);
    h.add(...cleanedUp);
    h.add(...deployed('bbbbbbb', 4));
    h.add(...swapped);
    h.add(...cleanedUp);
    const releases = deriveReleases(h.executions, 'demo-app');
    expect(releases.map((r) => [r.number, r.commit, r.image, r.revision, r.outcome])).toEqual([
      [1, 'bbbbbbb', 'local/demo-app:bbbbbbb', 4, 'live'],
      [2, 'aaaaaaa', 'local/demo-app:aaaaaaa', 3, 'superseded'],
    ]);
    // When it went live: when the swap ended.
    expect(releases[0]?.wentLiveAt).toBe('2026-11-01T12:04:10.000Z');
    expect(releases[0]?.deployExecutionArn).toMatch(/deploy-green:4$/);
    expect(releases[0]?.swapExecutionArn).toMatch(/swap:5$/);
  });

  test('the order comes from start dates, not from the order the lists arrive in', () => {
    const h = history();
    h.add(...deployed('aaaaaaa', 3));
    h.add(...swapped);
    h.add(...deployed('bbbbbbb', 4));
    h.add(...swapped);
    const shuffled = [h.executions[3], h.executions[1], h.executions[2], h.executions[0]] as ExecutionRecord[];
    expect(deriveReleases(shuffled).map((r) => r.commit)).toEqual(['bbbbbbb', 'aaaaaaa']);
  });

  test('a deploy that is aborted, or never swapped, or whose swap failed, is not a release', () => {
    const h = history();
    h.add(...deployed('aaaaaaa', 3));
    h.add(...swapped);
    h.add(...deployed('abababa', 4));
    h.add('abort', 'SUCCEEDED', {}, { changed: true });
    h.add(...deployed('ccccccc', 5));
    h.add('swap', 'FAILED', {});
    h.add('abort', 'SUCCEEDED', {}, { changed: true });
    h.add('swap', 'SUCCEEDED', {}, { changed: false, message: 'Nothing to swap' });
    h.add(...deployed('ddddddd', 6));
    expect(deriveReleases(h.executions).map((r) => [r.number, r.commit, r.outcome])).toEqual([[1, 'aaaaaaa', 'live']]);
  });

  test('a failed deploy-green leaves the earlier green in place: the swap releases that one', () => {
    const h = history();
    h.add(...deployed('aaaaaaa', 3));
    h.add('deploy-green', 'FAILED', { image: 'x', commit: 'fa11ed0' });
    h.add(...swapped);
    expect(deriveReleases(h.executions).map((r) => r.commit)).toEqual(['aaaaaaa']);
  });

  test('a swap that failed then succeeded on a re-run releases the green once; an already-swapped re-run is not a second release', () => {
    const h = history();
    h.add(...deployed('aaaaaaa', 3));
    h.add('swap', 'FAILED', {});
    h.add(...swapped);
    h.add('swap', 'SUCCEEDED', {}, { changed: false });
    expect(deriveReleases(h.executions).map((r) => [r.number, r.commit])).toEqual([[1, 'aaaaaaa']]);
  });

  test('a rollback marks the release it rolled away from, and the one before is live again', () => {
    const h = history();
    h.add(...deployed('aaaaaaa', 3));
    h.add(...swapped);
    h.add(...cleanedUp);
    h.add(...deployed('bbbbbbb', 4));
    h.add(...swapped);
    h.add('rollback', 'SUCCEEDED', {}, { changed: true });
    const releases = deriveReleases(h.executions);
    expect(releases.map((r) => [r.number, r.commit, r.outcome])).toEqual([
      [1, 'aaaaaaa', 'live'],
      [2, 'bbbbbbb', 'rolled back'],
    ]);
    expect(releases[1]?.rolledBackAt).toBe('2026-11-01T12:05:10.000Z');
  });

  test('a rollback that changed nothing (after clean-up) marks nothing', () => {
    const h = history();
    h.add(...deployed('aaaaaaa', 3));
    h.add(...swapped);
    h.add(...cleanedUp);
    h.add('rollback', 'SUCCEEDED', {}, { changed: false, message: 'Nothing to roll back' });
    expect(deriveReleases(h.executions).map((r) => r.outcome)).toEqual(['live']);
  });

  test('a rollback to a version older than the history: no release is live, and numbers start at 2', () => {
    const h = history();
    h.add('swap', 'SUCCEEDED', {}, { changed: true }); // its deploy-green is older than the history
    h.add(...deployed('aaaaaaa', 3));
    h.add(...swapped);
    h.add('rollback', 'SUCCEEDED', {}, { changed: true });
    expect(deriveReleases(h.executions).map((r) => [r.number, r.commit, r.outcome])).toEqual([
      [2, 'aaaaaaa', 'rolled back'],
    ]);
  });

  test('deployed with taskDefinition: no image yet (loadReleases asks ECS); the output names the task definition', () => {
    const h = history();
    h.add(
      'deploy-green',
      'SUCCEEDED',
      { taskDefinition: TD(3), commit: 'aaaaaaa' },
      { commit: 'aaaaaaa', green: { taskDefinitionArn: TD(3) } },
    );
    h.add(...swapped);
    expect(deriveReleases(h.executions)).toEqual([
      expect.objectContaining({ image: undefined, taskDefinitionArn: TD(3), revision: 3, commit: 'aaaaaaa' }),
    ]);
  });

  test('executions of another service are left out', () => {
    const h = history();
    h.add(...deployed('aaaaaaa', 3));
    h.add(...swapped);
    h.add(
      'deploy-green',
      'SUCCEEDED',
      { service: 'other', commit: 'bbbbbbb' },
      { green: { taskDefinitionArn: TD(9) } },
    );
    h.add('swap', 'SUCCEEDED', { service: 'other' }, { changed: true });
    expect(deriveReleases(h.executions, 'arn:aws:ecs:us-east-1:123456789012:service/c/demo-app')).toEqual([
      expect.objectContaining({ commit: 'aaaaaaa', outcome: 'live' }),
    ]);
  });

  test('unparseable input or output does not throw', () => {
    const h = history();
    h.add(...deployed('aaaaaaa', 3));
    h.executions.push({ ...(h.executions[0] as ExecutionRecord), output: 'not json', input: '[1]' });
    h.add(...swapped);
    expect(deriveReleases(h.executions)).toEqual([]);
  });
});

describe('chooseRelease', () => {
  const release = (number: number, outcome: Release['outcome']): Release => ({
    number,
    commit: `${number}`.repeat(7),
    image: undefined,
    taskDefinitionArn: TD(number),
    revision: number,
    wentLiveAt: '2026-11-01T12:00:00.000Z',
    outcome,
    deployExecutionArn: 'd',
    swapExecutionArn: 's',
  });
  const three = [release(1, 'live'), release(2, 'superseded'), release(3, 'superseded')];

  test('default: release 2', () => {
    expect(chooseRelease(three, undefined)).toMatchObject({ number: 2 });
  });
  test('default after a rollback: not the release rolled away from', () => {
    expect(
      chooseRelease([release(1, 'live'), release(2, 'rolled back'), release(3, 'superseded')], undefined),
    ).toMatchObject({ number: 3 });
  });
  test('--to N picks N, a rolled-back one too', () => {
    expect(chooseRelease([release(1, 'live'), release(2, 'rolled back')], 2)).toMatchObject({ number: 2 });
  });
  test('refusals: N live, no release N, nothing to go back to', () => {
    expect(chooseRelease(three, 1)).toMatch(/^Release 1 is live \(commit 1111111\): nothing to undo/);
    expect(chooseRelease(three, 4)).toMatch(/^There is no release 4: the history lists release 1, 2, 3 \(/);
    expect(chooseRelease([release(1, 'live')], undefined)).toMatch(/^There is no release to go back to/);
    expect(chooseRelease([], undefined)).toMatch(/the history lists no release/);
    expect(chooseRelease([release(2, 'superseded')], 1)).toMatch(/^There is no release 1: the live version/);
  });
});

test('appImage: the container with port mappings, else the first', () => {
  expect(appImage([{ image: 'sidecar' }, { image: 'app', portMappings: [{}] }])).toBe('app');
  expect(appImage([{ image: 'only' }])).toBe('only');
  expect(appImage(undefined)).toBeUndefined();
});

test('revisionOf and the table', () => {
  expect(revisionOf(TD(12))).toBe(12);
  expect(revisionOf('family')).toBeUndefined();
  const h = history();
  h.add(...deployed('aaaaaaa', 3));
  h.add(...swapped);
  expect(releasesTable(deriveReleases(h.executions)).split('\n')).toEqual([
    '#  COMMIT   IMAGE                   TASK DEFINITION                          WENT LIVE             OUTCOME',
    '1  aaaaaaa  local/demo-app:aaaaaaa  EcsBlueGreenAppTaskDefinition908066F3:3  2026-11-01T12:01:10Z  live',
  ]);
});

test('on local AWS the release times are labelled as its emulated clock', () => {
  const h = history();
  h.add(...deployed('aaaaaaa', 3));
  h.add(...swapped);
  h.add(...deployed('bbbbbbb', 4));
  h.add(...swapped);
  h.add('rollback', 'SUCCEEDED', {}, { changed: true });
  const lines = releasesTable(deriveReleases(h.executions), true).split('\n');
  expect(lines[0]).toMatch(/\bWENT LIVE \(EMULATED CLOCK\)\s+OUTCOME$/);
  expect(lines).toContainEqual(expect.stringMatching(/ rolled back 2026-11-01T12:04:10Z emulated$/));
  // Off local AWS nothing is labelled.
  expect(releasesTable(deriveReleases(h.executions), false)).not.toMatch(/emulated|EMULATED/);
});

test('undoInput: the task definition and commit, as deploy-green takes them', () => {
  const h = history();
  h.add(...deployed('aaaaaaa', 3));
  h.add(...swapped);
  const [r] = deriveReleases(h.executions);
  expect(undoInput(r as Release)).toEqual({ taskDefinition: TD(3), commit: 'aaaaaaa' });
  expect(undoInput(r as Release, 60)).toEqual({ taskDefinition: TD(3), commit: 'aaaaaaa', healthTimeoutSeconds: 60 });
});

describe('history --releases and undo, in process (SDK mocked)', () => {
  const cfn = mockClient(CloudFormationClient);
  const sfn = mockClient(SFNClient);
  const ecs = mockClient(ECSClient);
  const KEY: Record<MachineKind, string> = {
    'deploy-green': 'DeployGreen',
    swap: 'Swap',
    'clean-up': 'CleanUp',
    rollback: 'Rollback',
    abort: 'Abort',
  };

  function serve(executions: readonly ExecutionRecord[]): void {
    cfn.on(DescribeStacksCommand).resolves(describeStacks());
    for (const [machine, key] of Object.entries(KEY)) {
      const mine = executions.filter((e) => e.machine === machine);
      // Two pages, newest first, as ListExecutions returns them.
      const items: ExecutionListItem[] = mine
        .map((e) => ({
          executionArn: e.executionArn,
          stateMachineArn: machineArn(key),
          name: e.executionArn.split(':').pop() ?? '',
          status: e.status as ExecutionListItem['status'],
          startDate: e.startDate,
          stopDate: e.stopDate,
        }))
        .reverse();
      sfn
        .on(ListExecutionsCommand, { stateMachineArn: machineArn(key), nextToken: undefined })
        .resolves({ executions: items.slice(0, 1), nextToken: items.length > 1 ? 'page2' : undefined })
        .on(ListExecutionsCommand, { stateMachineArn: machineArn(key), nextToken: 'page2' })
        .resolves({ executions: items.slice(1) });
    }
    for (const e of executions) {
      sfn.on(DescribeExecutionCommand, { executionArn: e.executionArn }).resolves({
        executionArn: e.executionArn,
        stateMachineArn: machineArn(KEY[e.machine]),
        status: e.status as DescribeExecutionOutput['status'],
        startDate: e.startDate,
        stopDate: e.stopDate,
        input: e.input,
        output: e.output,
      });
    }
  }

  beforeEach(() => {
    cfn.reset();
    sfn.reset();
    ecs.reset();
  });

  test('history --releases --json reads every page, and asks ECS for the image of a task-definition deploy', async () => {
    const h = history();
    h.add(
      'deploy-green',
      'SUCCEEDED',
      { taskDefinition: TD(3), commit: 'aaaaaaa' },
      { commit: 'aaaaaaa', green: { taskDefinitionArn: TD(3) } },
    );
    h.add(...swapped);
    h.add(...deployed('bbbbbbb', 4));
    h.add(...swapped);
    serve(h.executions);
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: { containerDefinitions: [{ name: 'app', image: 'registry/app:aaaaaaa', portMappings: [{}] }] },
    });
    const result = await runInProcess(['--local', '--json', 'history', '--releases']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect((JSON.parse(result.stdout) as Release[]).map((r) => [r.number, r.commit, r.image, r.outcome])).toEqual([
      [1, 'bbbbbbb', 'local/demo-app:bbbbbbb', 'live'],
      [2, 'aaaaaaa', 'registry/app:aaaaaaa', 'superseded'],
    ]);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    // --local: the times are local AWS's emulated clock, and each release says so.
    expect((JSON.parse(result.stdout) as Array<{ clock?: string }>).map((r) => r.clock)).toEqual([
      'emulated',
      'emulated',
    ]);
  });

  test.each([
    ['--to 1 (live)', ['undo', '--to', '1'], /^bluegreen: Release 1 is live \(commit bbbbbbb\): nothing to undo/],
    [
      '--to 3 (no such release)',
      ['undo', '--to', '3'],
      /^bluegreen: There is no release 3: the history lists release 1, 2 /,
    ],
    ['--to 0', ['undo', '--to', '0'], /^bluegreen: .*--to must be a whole number from 1/],
  ])('undo %s: a usage error, exit 2, one line, nothing started', async (_what, argv, line) => {
    const h = history();
    h.add(...deployed('aaaaaaa', 3));
    h.add(...swapped);
    h.add(...deployed('bbbbbbb', 4));
    h.add(...swapped);
    serve(h.executions);
    const result = await runInProcess(['--local', ...argv]);
    expectUsageError(result, line);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  test('undo with no release before the live one: a usage error', async () => {
    const h = history();
    h.add(...deployed('aaaaaaa', 3));
    h.add(...swapped);
    serve(h.executions);
    const result = await runInProcess(['--local', 'undo']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^bluegreen: There is no release to go back to: the history lists release 1 only/);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  test('undo --no-wait starts deploy-green with release 2’s task definition and commit, and says what it redeploys', async () => {
    const h = history();
    h.add(...deployed('aaaaaaa', 3));
    h.add(...swapped);
    h.add(...deployed('bbbbbbb', 4));
    h.add(...swapped);
    serve(h.executions);
    sfn.on(StartExecutionCommand).resolves({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:DeployGreen:u',
      startDate: new Date(),
    });
    const result = await runInProcess(['--local', '--no-wait', 'undo']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^Redeploying release 2 \(commit aaaaaaa, local\/demo-app:aaaaaaa, task definition EcsBlueGreenAppTaskDefinition908066F3:3, live since 2026-11-01T12:01:10Z emulated\) as green/,
    );
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.stateMachineArn).toBe(machineArn('DeployGreen'));
    expect(JSON.parse(calls[0]?.args[0].input.input ?? '{}')).toEqual({
      cluster: 'cluster',
      service: 'demo-app',
      taskDefinition: TD(3),
      commit: 'aaaaaaa',
    });
  });
});
