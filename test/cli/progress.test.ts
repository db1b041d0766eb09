import { buildProgress, logEntries, nextCommands } from '../../cli/progress';
import { recordedHistory, syntheticHistory } from './history-fixtures';

describe('progress model from recorded histories', () => {
  test('a successful deploy-green: status, states, elapsed, message, test URL and next steps', () => {
    const history = recordedHistory('deploy-green-succeeded');
    const progress = buildProgress('deploy-green', history, new Date('2030-01-01T00:00:00Z'));
    expect(progress.status).toBe('SUCCEEDED');
    expect(progress.statesEntered[0]).toBe('CheckInputFields');
    expect(progress.currentState).toBe('ReleaseLeaseOnSuccess');
    expect(progress.statesEntered.indexOf('CreateGreenTaskSet')).toBeLessThan(
      progress.statesEntered.indexOf('PointTestListenerAtGreen'),
    );
    // Ended: elapsed is start to end, not start to "now".
    const first = history[0]?.timestamp as Date;
    const last = history[history.length - 1]?.timestamp as Date;
    expect(progress.elapsedMs).toBe(last.getTime() - first.getTime());
    expect(progress.message).toMatch(
      /^Green \(9ee0000\) is healthy and serves the test listener at http:\/\/127\.0\.0\.1:\d+\//,
    );
    expect(progress.output?.testUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(progress.error).toBeUndefined();
    expect(progress.undone).toBe('not-needed');
    expect(progress.next).toEqual(['bluegreen swap', 'bluegreen abort']);
  });

  test('a deploy-green whose green never became healthy: error, cause, what was undone, next step', () => {
    const progress = buildProgress('deploy-green', recordedHistory('deploy-green-not-healthy'), new Date());
    expect(progress.status).toBe('FAILED');
    expect(progress.error).toBe('BlueGreen.GreenNotHealthy');
    // The cause is the state machine's structured JSON; the message is read from it, not the other way round.
    expect(JSON.parse(progress.cause ?? '')).toMatchObject({ undone: 'everything', next: ['deploy-green'] });
    expect(progress.message).toMatch(/^Green did not become healthy within 30 seconds/);
    expect(progress.undone).toBe('everything');
    expect(progress.statesEntered).toEqual(
      expect.arrayContaining(['UndoDeleteGreenTaskSet', 'UndoDeleteGreenTargetGroup']),
    );
    expect(progress.statesEntered.filter((s) => s === 'WaitForGreen').length).toBeGreaterThan(1);
    // The same machine again: with the input of the run, so the hint runs as printed (the user edits what failed).
    expect(progress.next).toEqual([
      'bluegreen deploy --image local/slow-start:red-slow-120 --commit bad0001 --health-timeout 30',
    ]);
  });

  test('while running: current state, how often it was entered, elapsed up to now, no outcome yet', () => {
    const history = syntheticHistory([
      'DescribeService',
      { name: 'WaitForGreen', type: 'WaitStateEntered' },
      'DescribeGreenTaskSet',
      { name: 'WaitForGreen', type: 'WaitStateEntered' },
    ]);
    const now = new Date('2026-01-01T00:01:00Z');
    const progress = buildProgress('deploy-green', history, now);
    expect(progress).toMatchObject({
      status: 'RUNNING',
      currentState: 'WaitForGreen',
      currentStateCount: 2,
      elapsedMs: 60_000,
    });
    expect(progress.next).toEqual([]);
    expect(progress.error).toBeUndefined();
    // A local clock behind the service's never shows less than the history spans.
    expect(buildProgress('deploy-green', history, new Date('2025-01-01T00:00:00Z')).elapsedMs).toBe(4000);
  });

  test('DescribeExecution, when given, decides the status and the final error', () => {
    const history = syntheticHistory(['DescribeService']);
    const progress = buildProgress('swap', history, new Date(), {
      status: 'ABORTED',
      stopDate: new Date('2026-01-01T00:00:30Z'),
      error: 'States.Aborted',
    });
    expect(progress).toMatchObject({ status: 'ABORTED', error: 'States.Aborted', elapsedMs: 30_000 });
    // A stopped run is recovered by running the same machine again (README, the Stop table).
    expect(progress.next).toEqual(['bluegreen swap']);
  });

  test('log entries: one per state entered with its count, failed tasks, and the end', () => {
    const history = syntheticHistory(
      ['A', { name: 'Wait', type: 'WaitStateEntered' }, { name: 'Wait', type: 'WaitStateEntered' }],
      { type: 'ExecutionFailed', executionFailedEventDetails: { error: 'E', cause: 'C' } },
    );
    history.splice(2, 0, {
      id: 99,
      type: 'TaskFailed',
      timestamp: new Date('2026-01-01T00:00:01.5Z'),
      taskFailedEventDetails: {
        resourceType: 'aws-sdk:ecs',
        resource: 'describeServices',
        error: 'Ecs.ThrottlingException',
        cause: 'slow down',
      },
    });
    const entries = logEntries(history);
    expect(entries.map((e) => [e.kind, e.state ?? e.error, e.count])).toEqual([
      ['state', 'A', 1],
      ['task-failed', 'Ecs.ThrottlingException', undefined],
      ['state', 'Wait', 1],
      ['state', 'Wait', 2],
      ['end', 'E', undefined],
    ]);
    expect(entries[0]?.elapsedMs).toBe(1000);
    expect(entries[3]?.wait).toBe(true);
  });
});

describe('the structured result decides undone and next, never the prose', () => {
  const failed = (cause: string) =>
    buildProgress(
      'clean-up',
      syntheticHistory(['ValidateInput'], {
        type: 'ExecutionFailed',
        executionFailedEventDetails: { error: 'BlueGreen.GreenNotSwapped', cause },
      }),
      new Date(),
    );

  test('a structured cause: its message, undone and next, in order', () => {
    const cause = JSON.stringify({
      // Prose that names other commands does not matter: only `next` does.
      message: 'Service s has a green under test. Run deploy-green first. Nothing was changed.',
      undone: 'nothing-changed',
      next: ['swap', 'abort'],
    });
    expect(failed(cause)).toMatchObject({
      message: 'Service s has a green under test. Run deploy-green first. Nothing was changed.',
      undone: 'nothing-changed',
      next: ['bluegreen swap', 'bluegreen abort'],
    });
  });

  test('wait names the holder to watch; fix-input starts the same machine again', () => {
    const holder = 'arn:aws:states:us-east-1:123456789012:execution:Swap:x';
    expect(
      failed(JSON.stringify({ message: 'm', undone: 'nothing-changed', next: ['wait', 'clean-up'], holder })).next,
    ).toEqual([`bluegreen watch ${holder}`, 'bluegreen cleanup']);
    expect(nextCommands(['wait'], { self: 'swap' })).toEqual(['bluegreen wait']);
    expect(nextCommands(['fix-input'], { self: 'deploy-green' })).toEqual(['bluegreen deploy --image IMAGE_URI']);
    expect(nextCommands(['status', 'rollback', 'abort'], { self: 'swap' })).toEqual([
      'bluegreen status',
      'bluegreen rollback',
      'bluegreen abort',
    ]);
  });

  test.each([
    ['prose only, as before results were structured', 'E. Run swap first. Nothing was changed.'],
    ['an unknown undone value', JSON.stringify({ message: 'm', undone: 'some', next: ['swap'] })],
    ['an unknown next step', JSON.stringify({ message: 'm', undone: 'everything', next: ['redeploy'] })],
    ['no next step', JSON.stringify({ message: 'm', undone: 'everything', next: [] })],
  ])('%s: no claim is made; look at the status first', (_what, cause) => {
    expect(failed(cause)).toMatchObject({ undone: undefined, next: ['bluegreen status'] });
  });
});
