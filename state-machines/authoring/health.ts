import type { Condition, Payload, States } from './asl';
import { catchTo, elb, retry } from './basics';

/** Target health as ELBv2 reports it, and the gates built on it. */

/**
 * The summary a health gate decides on, from the list of target states at `statesPath`: how many are registered,
 * whether any is healthy, and either how many distinct states there are (all healthy: one state, and it is healthy)
 * or, `duringBake`, whether any is unhealthy, unavailable or draining.
 */
export function healthSummary(statesPath: string, duringBake = false): Payload {
  return {
    'registered.$': `States.ArrayLength(${statesPath})`,
    ...(duringBake
      ? {
          'anyUnhealthy.$': `States.ArrayContains(${statesPath}, 'unhealthy')`,
          'anyUnavailable.$': `States.ArrayContains(${statesPath}, 'unavailable')`,
          'anyDraining.$': `States.ArrayContains(${statesPath}, 'draining')`,
        }
      : { 'distinctStates.$': `States.ArrayLength(States.ArrayUnique(${statesPath}))` }),
    'anyHealthy.$': `States.ArrayContains(${statesPath}, 'healthy')`,
    'states.$': statesPath,
  };
}

/** Every registered target is healthy (one distinct state, and it is healthy), by the summary at `summaryPath`. */
export const allTargetsHealthy = (summaryPath: string): Condition[] => [
  { Variable: `${summaryPath}.distinctStates`, NumericEquals: 1 },
  { Variable: `${summaryPath}.anyHealthy`, BooleanEquals: true },
];

/**
 * DescribeTargetHealth, then the list of target states (`<resultPath>.states`, empty when no target is registered).
 * The wildcard path is taken only once a first target exists: on an empty list it would be a States.Runtime error,
 * which no Catch can handle.
 */
export function targetStatesStates({
  describe,
  tgPath,
  resultPath,
  next,
  onError,
}: {
  describe: string;
  tgPath: string;
  resultPath: string;
  next: string;
  onError: string;
}): States {
  const base = describe.replace(/^Describe/, '').replace(/TargetHealth$/, '');
  return {
    [describe]: {
      Type: 'Task',
      Resource: elb('describeTargetHealth'),
      Parameters: { 'TargetGroupArn.$': tgPath },
      ResultSelector: { 'targets.$': '$.TargetHealthDescriptions' },
      ResultPath: resultPath,
      Retry: retry,
      Catch: catchTo(onError),
      Next: `Any${base}Targets`,
    },
    [`Any${base}Targets`]: {
      Type: 'Choice',
      Choices: [{ Variable: `${resultPath}.targets[0]`, IsPresent: true, Next: `${base}TargetStates` }],
      Default: `No${base}Targets`,
    },
    [`${base}TargetStates`]: {
      Type: 'Pass',
      Parameters: { 'states.$': `${resultPath}.targets[*].TargetHealth.State` },
      ResultPath: resultPath,
      Next: next,
    },
    [`No${base}Targets`]: { Type: 'Pass', Result: { states: [] }, ResultPath: resultPath, Next: next },
  };
}

/**
 * A target group is fully healthy: at least one target is registered and every target's state is `healthy`.
 * Describe → states → summary (at `resultPath`) → Choice to `healthy` or `unhealthy`; read errors go to `onError`.
 *
 * With `duringBake`, the test is the one a bake needs: green is degraded when any target is `unhealthy`,
 * `unavailable` or `draining`, or none is `healthy`. A target in `initial` (a task the service scaled out, still
 * registering) is not a failure: an autoscaler scaling out during the bake must not roll back a healthy release.
 * `draining` is: a task that died is deregistered exactly as one that was scaled in, target health cannot tell them
 * apart, and the bake errs towards production (it moves back to the version still health-checked).
 */
export function fullyHealthyGateStates({
  name,
  tgPath,
  resultPath,
  healthy,
  unhealthy,
  onError,
  duringBake = false,
}: {
  name: string;
  tgPath: string;
  resultPath: string;
  healthy: string;
  unhealthy: string;
  onError: string;
  duringBake?: boolean;
}): States {
  return {
    ...targetStatesStates({
      describe: `Describe${name}TargetHealth`,
      tgPath,
      resultPath,
      next: `Summarize${name}Health`,
      onError,
    }),
    [`Summarize${name}Health`]: {
      Type: 'Pass',
      Parameters: healthSummary(`${resultPath}.states`, duringBake),
      ResultPath: resultPath,
      Next: `Is${name}Healthy`,
    },
    [`Is${name}Healthy`]: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: `${resultPath}.registered`, NumericGreaterThan: 0 },
            ...(duringBake
              ? [
                  { Variable: `${resultPath}.anyUnhealthy`, BooleanEquals: false },
                  { Variable: `${resultPath}.anyUnavailable`, BooleanEquals: false },
                  { Variable: `${resultPath}.anyDraining`, BooleanEquals: false },
                  { Variable: `${resultPath}.anyHealthy`, BooleanEquals: true },
                ]
              : allTargetsHealthy(resultPath)),
          ],
          Next: healthy,
        },
      ],
      Default: unhealthy,
    },
  };
}
