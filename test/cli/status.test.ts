import { describeLease, describePhase, renderStatus, runningFor, statusNext } from '../../cli/commands/status';

const lease = {
  holder: 'arn:aws:states:us-east-1:123456789012:execution:EcsBlueGreen-swap:1',
  machine: 'swap',
  operation: 'moving production to green and baking it',
  since: '2026-11-30T10:00:00.000Z',
};

test('the phase is printed with what it means', () => {
  expect(describePhase({ phase: 'baking' })).toBe(
    'baking (baking: production serves green, the previous version is kept to go back to)',
  );
  expect(describePhase({ phase: 'something-new' })).toBe('something-new (unknown phase)');
});

test('the lease holder is named, and a holder that no longer runs is called stale', () => {
  expect(describeLease(undefined)).toBe('free');
  expect(describeLease({ ...lease, holderRunning: true })).toBe(
    `held by swap (moving production to green and baking it) ${lease.holder} since ${lease.since}`,
  );
  expect(describeLease({ ...lease, holderRunning: false })).toMatch(
    /^stale: swap .* no longer runs; the next operation takes it over$/,
  );
});

describe('in flight and next', () => {
  const arn = 'arn:aws:states:us-east-1:123456789012:execution:EcsBlueGreen-swap:2';
  const hints = { prefix: 'npx bluegreen --local' };

  test('how long an execution has run: from its start date, at least up to its newest event', () => {
    const e = { machine: 'swap' as const, executionArn: arn, startedAt: '2026-01-01T00:00:00Z' };
    expect(runningFor(e, new Date('2026-01-01T00:01:30Z'))).toBe(90_000);
    // A clock behind the service's (or local AWS's faster emulated clock) never shows 0s for a run with events.
    expect(runningFor({ ...e, lastEventAt: '2026-01-01T00:02:00Z' }, new Date('2025-12-31T23:00:00Z'))).toBe(120_000);
    expect(runningFor({ machine: 'swap', executionArn: arn }, new Date())).toBeUndefined();
  });

  test('next: follow what runs; else answer the pending approval; else by the recorded phase', () => {
    const approval = { pipelineName: 'P', stageName: 'ApproveSwap', actionName: 'ApproveSwap' };
    const inFlight = [{ machine: 'swap' as const, executionArn: arn, startedAt: '2026-01-01T00:00:00Z' }];
    const record = { phase: 'testing' };
    expect(statusNext({ inFlight, pendingApprovals: [approval], record }, hints)).toEqual([
      `npx bluegreen --local watch ${arn}`,
      'npx bluegreen --local wait',
    ]);
    expect(statusNext({ inFlight: [], pendingApprovals: [approval], record }, hints)).toEqual([
      'npx bluegreen --local approve --stage ApproveSwap',
      'npx bluegreen --local reject --stage ApproveSwap',
    ]);
    expect(statusNext({ inFlight: [], pendingApprovals: [], record }, hints)).toEqual([
      'npx bluegreen --local swap',
      'npx bluegreen --local abort',
    ]);
    expect(statusNext({ inFlight: [], pendingApprovals: [], record: { phase: 'swapped' } }, hints)).toEqual([
      'npx bluegreen --local cleanup',
      'npx bluegreen --local rollback',
    ]);
  });

  test('a pending approval is shown instead of "In flight: none"', () => {
    const view = {
      stack: 'EcsBlueGreen',
      record: { phase: 'testing' },
      production: { url: 'http://p/', status: 200, rule: { kind: 'unknown' as const } },
      test: { url: 'http://t/', status: 200, rule: { kind: 'unknown' as const } },
      taskSets: [],
      inFlight: [],
      pendingApprovals: [
        {
          pipelineName: 'Pipe',
          stageName: 'ApproveSwap',
          actionName: 'ApproveSwapAction',
          since: '2026-01-01T00:00:00.000Z',
        },
      ],
      next: ['bluegreen approve', 'bluegreen reject'],
      ownership: [],
    };
    const text = renderStatus(view);
    expect(text).not.toContain('In flight: none');
    expect(text).toContain('ApproveSwap (action ApproveSwapAction) since 2026-01-01T00:00:00.000Z');
    expect(text).toContain('Next: bluegreen approve, or bluegreen reject');
  });
});
