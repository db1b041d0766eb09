import type { States } from './asl';
import { AUTO_SCALING_RESULT, oneVersionScalingStates, SWEEP_AUTO_SCALING } from './autoscaling';
import { recordStates } from './lease';
import { closeTestListener, resetPreviousRule } from './rules';
import { removeTaskSetsMap } from './task-sets';
import { sweepOrphanTargetGroupsStates } from './target-groups';

/**
 * What clean-up, abort and rollback end with once `$.live` is the version to keep: close the test listener, reset the
 * previous-version rule, then (after the machine's own `between` states, if any, which must end at
 * RemoveOldTaskSets) delete every other task set and its target group, and sweep target groups left behind; with
 * autoscaling, point the policy at the live version and resume scale-in (autoscaling.ts). Then `next`; any error goes
 * to `onError`.
 */
export function keepOnlyLiveStates({
  between,
  onError,
  next,
}: {
  between?: { start: string; states: States };
  onError: string;
  next: string;
}): States {
  return {
    CloseTestListener: closeTestListener('ReleasePreviousRule', onError),
    ReleasePreviousRule: resetPreviousRule(between?.start ?? 'RemoveOldTaskSets', onError),
    ...between?.states,
    RemoveOldTaskSets: removeTaskSetsMap('SweepDescribeService', onError),
    ...sweepOrphanTargetGroupsStates('IsServiceAutoScaled', onError, {
      keep: { [SWEEP_AUTO_SCALING.field]: AUTO_SCALING_RESULT.selector },
    }),
    ...oneVersionScalingStates({ next, onError }),
  };
}

/**
 * IsAnythingLive, then the record that says so: `stable` with `$.live` when a version is live, else `none` (nothing
 * is live and nothing is in flight). The states are Record<name> of `live` and `none`.
 */
export function recordLiveOrNoneStates({
  live,
  none,
  onError,
}: {
  live: { name: string; next: string };
  none: { name: string; next: string };
  onError: string;
}): States {
  return {
    IsAnythingLive: {
      Type: 'Choice',
      Choices: [{ Variable: '$.live.found', BooleanEquals: true, Next: `Record${live.name}` }],
      Default: `Record${none.name}`,
    },
    ...recordStates(live.name, { phase: 'stable', 'live.$': '$.live' }, live.next, onError),
    ...recordStates(none.name, { phase: 'none' }, none.next, onError),
  };
}
