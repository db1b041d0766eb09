import { autoScalingWarning } from '../../cli/commands/run';

/** A swap whose PutScalingPolicy failed after production moved says so (state-machines/authoring/swap.ts). */
test('a swap output with autoScaling.error gets a warning naming the error; without it, none', () => {
  const warning = autoScalingWarning({
    autoScaling: {
      enabled: true,
      error: { Error: 'ApplicationAutoScaling.ApplicationAutoScalingException', Cause: 'User is not authorized' },
    },
  });
  expect(warning).toContain('ApplicationAutoScaling.ApplicationAutoScalingException: User is not authorized');
  expect(warning).toContain('clean-up, rollback or abort');
  expect(autoScalingWarning({ autoScaling: { enabled: true } })).toBeUndefined();
  expect(autoScalingWarning({ message: 'Production now serves …' })).toBeUndefined();
  expect(autoScalingWarning(undefined)).toBeUndefined();
});
