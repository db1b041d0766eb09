import { buildProgress, logEntries, recommendedCommands, undoneFromCause } from '../../cli/progress';
import { recordedHistory, syntheticHistory } from './history-fixtures';

describe('progress model from recorded histories', () => {
  test('a successful deploy-green: status, states, elapsed, message, test URL and next steps', () => {
    const history = recordedHistory('deploy-green-succeeded');
    const progress = buildProgress('deploy-green', history, new Date('2030-01-01T00:00:00Z'));
    expect(progress.status).toBe('SUCCEEDED');
    expect(progress.statesEntered[0]).toBe('ValidateInput');
    expect(progress.currentState).toBe('Ready');
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
    expect(progress.undone).toBeUndefined();
    expect(progress.next).toEqual(['bluegreen swap', 'bluegreen abort']);
  });

  test('a deploy-green whose green never became healthy: error, cause, what was undone, next step', () => {
    const progress = buildProgress('deploy-green', recordedHistory('deploy-green-not-healthy'), new Date());
    expect(progress.status).toBe('FAILED');
    expect(progress.error).toBe('BlueGreen.GreenNotHealthy');
    expect(progress.cause).toMatch(/^Green did not become healthy within 30 seconds/);
    expect(progress.undone).toMatch(/^everything this deployment made .* production was never touched\.$/);
    expect(progress.statesEntered).toEqual(
      expect.arrayContaining(['UndoDeleteGreenTaskSet', 'UndoDeleteGreenTargetGroup']),
    );
    expect(progress.statesEntered.filter((s) => s === 'WaitForGreen').length).toBeGreaterThan(1);
    expect(progress.next).toEqual(['bluegreen deploy']);
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

describe('what was undone, from the cause', () => {
  test.each([
    [
      'X failed. Undone: production was put back on its previous target.',
      'production was put back on its previous target.',
    ],
    ['Service s already has a green deployment. Nothing was changed.', 'nothing: no change was made.'],
    [
      'Swap refused: green target group t is not fully healthy. Production still serves blue; nothing was changed. Fix green or run abort.',
      'nothing: no change was made.',
    ],
    [
      'Deployment failed (A: b) and undoing it failed too (C: d). Production was never touched.',
      expect.stringMatching(/^the undo failed too/),
    ],
    [
      'E. Clean-up stopped part-way; production is unaffected and clean-up is safe to re-run.',
      'Clean-up stopped part-way; production is unaffected and clean-up is safe to re-run.',
    ],
    ['Something unexpected.', undefined],
  ])('%s', (cause, expected) => {
    expect(undoneFromCause(cause)).toEqual(expected);
  });
});

describe('next steps named by messages and causes', () => {
  test.each([
    [
      'Green (abc) is healthy and serves the test listener at http://x.example/. Next: swap, or abort.',
      'deploy-green',
      ['bluegreen swap', 'bluegreen abort'],
    ],
    [
      'Production now serves task set t. Next: clean-up, or rollback.',
      'swap',
      ['bluegreen cleanup', 'bluegreen rollback'],
    ],
    [
      'Another deployment is in flight. One deployment at a time: wait for it, or abort it, then deploy again. Nothing was changed.',
      'deploy-green',
      ['bluegreen abort', 'bluegreen deploy'],
    ],
    [
      'Service s has a green under test. Run swap first, or abort to discard green. Nothing was changed.',
      'clean-up',
      ['bluegreen swap', 'bluegreen abort'],
    ],
    ['E. Abort stopped part-way; production is unaffected and abort is safe to re-run.', 'abort', ['bluegreen abort']],
    ['Green target group t is not healthy.', 'swap', []],
  ] as const)('%s', (text, machine, expected) => {
    expect(recommendedCommands(text, machine)).toEqual(expected);
  });
});
