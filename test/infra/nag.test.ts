import { nagFindings } from './synth';

test('the cdk-nag AwsSolutions pack reports no unacknowledged finding', () => {
  expect(nagFindings()).toEqual([]);
});

test('the nag check really fails on a new finding (acknowledgments are exact, not blanket)', () => {
  // A different service name changes the task-set and target-group ARNs, so the state machine acknowledgments
  // (built from the same names) must follow; if they were hard-coded this would report findings.
  expect(nagFindings({ serviceName: 'checkout' })).toEqual([]);
});
