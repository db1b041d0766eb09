import { describeLease, describePhase } from '../../cli/commands/status';

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
