import { DEGRADED_TARGET_STATES } from '../../contract';
import type { ChoiceRule, Condition, Payload, States } from './asl';
import { catchTo, ecs, elb, inlineMap, retry } from './basics';

/** Target health as ELBv2 reports it, and the gates built on it. */

/** The summary's flag for one degraded target state: `unhealthy` → `anyUnhealthy`. */
const degradedFlag = (state: string): string => `any${state.charAt(0).toUpperCase()}${state.slice(1)}`;

/**
 * The summary a health gate decides on, from the list of target states at `statesPath`: how many are registered,
 * whether any is healthy, and either how many distinct states there are (all healthy: one state, and it is healthy)
 * or, `tolerateRegistering`, whether any is unhealthy, unavailable or draining.
 */
export function healthSummary(statesPath: string, tolerateRegistering = false): Payload {
  return {
    'registered.$': `States.ArrayLength(${statesPath})`,
    ...(tolerateRegistering
      ? {
          ...Object.fromEntries(
            DEGRADED_TARGET_STATES.map((state) => [
              `${degradedFlag(state)}.$`,
              `States.ArrayContains(${statesPath}, '${state}')`,
            ]),
          ),
        }
      : { 'distinctStates.$': `States.ArrayLength(States.ArrayUnique(${statesPath}))` }),
    'anyHealthy.$': `States.ArrayContains(${statesPath}, 'healthy')`,
    'states.$': statesPath,
  };
}

/**
 * `summary` as it is for an empty list, without applying an intrinsic to a list of TargetHealthDescriptions objects:
 * States.ArrayContains(…) is false and States.ArrayLength(States.ArrayUnique(…)) is 0 on an empty list, so those
 * become constants; the rest (ArrayLength, paths, JsonToString) is the same for any list. The describe state keeps
 * this only when no target is registered; otherwise `summarize` replaces it with the summary of the target states
 * (strings). AWS documents the array intrinsics with lists of values; a list of objects here would be the one input they
 * are not documented for, and an intrinsic that fails in a ResultSelector is a States.Runtime error no Catch handles.
 */
export function emptyListSummary(payload: Payload): Payload {
  return Object.fromEntries(
    Object.entries(payload).map(([key, value]) => {
      if (!key.endsWith('.$') || typeof value !== 'string') return [key, value];
      if (value.startsWith('States.ArrayContains(')) return [key.slice(0, -2), false];
      if (value.startsWith('States.ArrayLength(States.ArrayUnique(')) return [key.slice(0, -2), 0];
      return [key, value];
    }),
  );
}

/** Every registered target is healthy (one distinct state, and it is healthy), by the summary at `summaryPath`. */
export const allTargetsHealthy = (summaryPath: string): Condition[] => [
  { Variable: `${summaryPath}.distinctStates`, NumericEquals: 1 },
  { Variable: `${summaryPath}.anyHealthy`, BooleanEquals: true },
];

/**
 * DescribeTargetHealth, then the summary of its target states at `resultPath` (`summary` of a path to the list of
 * states), then `next`; read errors go to `onError`. Two or three states:
 * - `describe` keeps the TargetHealthDescriptions (`<resultPath>.targets`) with `summary` of that list, which is the
 *   summary of an empty list when no target is registered (the only case in which it is kept);
 * - `check` (a Choice) goes to `summarize` when a first target exists, else to `next` with that summary; `guard`
 *   rules come first (e.g. the task set is gone);
 * - `summarize` replaces it with `summary` of the targets' states (and, `keepTargets`, the targets). The wildcard path is taken only
 *   once a first target exists: on an empty list it would be a States.Runtime error, which no Catch can handle.
 * `summary` gets a path to the list of target states and one to the TargetHealthDescriptions.
 */
export function targetHealthStates({
  describe,
  check,
  summarize,
  tgPath,
  resultPath,
  summary,
  keepTargets = false,
  guard = [],
  next,
  onError,
}: {
  describe: string;
  check: string;
  summarize: string;
  tgPath: string;
  resultPath: string;
  summary: (statesPath: string, targetsPath: string) => Payload;
  /** Keep the TargetHealthDescriptions (`<resultPath>.targets`) after `summarize` too, for their reasons. */
  keepTargets?: boolean;
  guard?: readonly ChoiceRule[];
  next: string;
  onError: string;
}): States {
  return {
    [describe]: {
      Type: 'Task',
      Resource: elb('describeTargetHealth'),
      Parameters: { 'TargetGroupArn.$': tgPath },
      ResultSelector: {
        'targets.$': '$.TargetHealthDescriptions',
        ...emptyListSummary(summary('$.TargetHealthDescriptions', '$.TargetHealthDescriptions')),
      },
      ResultPath: resultPath,
      Retry: retry,
      Catch: catchTo(onError),
      Next: check,
    },
    [check]: {
      Type: 'Choice',
      Choices: [...guard, { Variable: `${resultPath}.targets[0]`, IsPresent: true, Next: summarize }],
      Default: next,
    },
    [summarize]: {
      Type: 'Pass',
      Parameters: {
        ...(keepTargets ? { 'targets.$': `${resultPath}.targets` } : {}),
        ...summary(`${resultPath}.targets[*].TargetHealth.State`, `${resultPath}.targets`),
      },
      ResultPath: resultPath,
      Next: next,
    },
  };
}

/**
 * A target group is fully healthy: at least one target is registered and every target's state is `healthy`.
 * Describe → (targets?) summary (at `resultPath`) → Choice to `healthy` or `unhealthy`; read errors go to `onError`.
 *
 * With `tolerateRegistering`, the test is the one swap needs, before production moves and through the bake: green is
 * degraded when any target is `unhealthy`, `unavailable` or `draining`, or none is `healthy`. A target in `initial` (a
 * task the service scaled out, still registering; the ALB sends it nothing until it is healthy) is not a failure: an
 * autoscaler scaling out must neither refuse a swap of a healthy green nor roll back a healthy release.
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
  tolerateRegistering = false,
}: {
  name: string;
  tgPath: string;
  resultPath: string;
  healthy: string;
  unhealthy: string;
  onError: string;
  tolerateRegistering?: boolean;
}): States {
  return {
    ...targetHealthStates({
      describe: `Describe${name}TargetHealth`,
      check: `Any${name}Targets`,
      summarize: `Summarize${name}Health`,
      tgPath,
      resultPath,
      summary: (statesPath) => healthSummary(statesPath, tolerateRegistering),
      next: `Is${name}Healthy`,
      onError,
    }),
    [`Is${name}Healthy`]: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: `${resultPath}.registered`, NumericGreaterThan: 0 },
            ...(tolerateRegistering
              ? [
                  ...DEGRADED_TARGET_STATES.map((state): Condition => ({
                    Variable: `${resultPath}.${degradedFlag(state)}`,
                    BooleanEquals: false,
                  })),
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

/** The counts stoppedTaskFailuresStates() leaves when no task stopped. */
const NO_STOPPED_TASKS = { quotes: [], distinct: 0, anyOk: false } as const;

/** What a task that did not fail is quoted as: one value, so the distinct quotes count the failures (see below). */
const NOT_A_FAILURE = '-';

/**
 * The tasks of a task set that stopped on their own, quoted: ListTasks (`startedBy` = the task set id: ECS starts a
 * task set's tasks with its id; `desiredStatus` STOPPED: stopped tasks stay listed for at least an hour), then
 * DescribeTasks, then each task is classified. A task failed when its stop code is `TaskFailedToStart`,
 * `EssentialContainerExited` with a container that exited with a non-zero code, or `ServiceSchedulerInitiated` with
 * ECS's reason "Task failed ELB health checks in (target-group …)" (ECS replaces a task whose target fails its health
 * checks); a task scaled in is not a failure. At `resultPath`: `summaries` (each failed task quoted as `task ID: stoppedReason
 * (stop code; container exit codes)`, every other task as `-`; `quotes`: `{ text, failed }` each), `distinct` (how
 * many distinct quotes) and `anyOk` (whether a `-` is among them): the number of failed tasks is `distinct`, less one when `anyOk`. Only the first 100
 * stopped tasks are read (ListTasks' page, DescribeTasks' limit); a crash loop reaches any sane threshold well
 * before that.
 */
export function stoppedTaskFailuresStates({
  base,
  clusterPath,
  taskSetIdPath,
  resultPath,
  next,
  onError,
}: {
  base: string;
  clusterPath: string;
  taskSetIdPath: string;
  resultPath: string;
  next: string;
  onError: string;
}): States {
  const quote = (withReason: boolean): Payload => ({
    failed: true,
    'text.$': withReason
      ? "States.Format('task {}: {} ({}; {})', States.ArrayGetItem(States.StringSplit($.task.TaskArn, '/'), States.MathAdd(States.ArrayLength(States.StringSplit($.task.TaskArn, '/')), -1)), $.task.StoppedReason, $.task.StopCode, States.JsonToString($.exits.texts))"
      : "States.Format('task {}: ({}; {})', States.ArrayGetItem(States.StringSplit($.task.TaskArn, '/'), States.MathAdd(States.ArrayLength(States.StringSplit($.task.TaskArn, '/')), -1)), $.task.StopCode, States.JsonToString($.exits.texts))",
  });
  const stopCode = (code: string): Condition => ({ Variable: '$.task.StopCode', StringEquals: code });
  const hasReason: Condition = { Variable: '$.task.StoppedReason', IsPresent: true };
  const nonZeroExit: Condition = { Variable: '$.exits.anyNonZero', BooleanEquals: true };
  // ECS stops (and replaces) a task whose target fails its load balancer health checks, with this reason.
  const failedElbHealthChecks: Condition = {
    And: [hasReason, { Variable: '$.task.StoppedReason', StringMatches: 'Task failed ELB health checks*' }],
  };
  const exitQuote = (format: string, nonZero: boolean): Payload => ({ 'text.$': format, nonZero });
  return {
    [`List${base}StoppedTasks`]: {
      Type: 'Task',
      Resource: ecs('listTasks'),
      Comment:
        'ListTasks refuses startedBy with other filters (family, serviceName, launchType): "cannot specify startedBy with other arguments"; the desired status is the one other filter used with it.',
      Parameters: {
        'Cluster.$': clusterPath,
        'StartedBy.$': taskSetIdPath,
        DesiredStatus: 'STOPPED',
        MaxResults: 100,
      },
      // The counts of no stopped task come with the list: with none, they are the answer (no state to write them).
      ResultSelector: { 'arns.$': '$.TaskArns', ...NO_STOPPED_TASKS },
      ResultPath: resultPath,
      Retry: retry,
      Catch: catchTo(onError),
      Next: `Any${base}StoppedTasks`,
    },
    [`Any${base}StoppedTasks`]: {
      Type: 'Choice',
      Choices: [{ Variable: `${resultPath}.arns[0]`, IsPresent: true, Next: `Describe${base}StoppedTasks` }],
      Default: next,
    },
    [`No${base}StoppedTasks`]: {
      Type: 'Pass',
      Result: NO_STOPPED_TASKS,
      ResultPath: resultPath,
      Next: next,
    },
    [`Describe${base}StoppedTasks`]: {
      Type: 'Task',
      Resource: ecs('describeTasks'),
      Parameters: { 'Cluster.$': clusterPath, 'Tasks.$': `${resultPath}.arns` },
      ResultSelector: { 'tasks.$': '$.Tasks' },
      ResultPath: resultPath,
      Retry: retry,
      Catch: catchTo(onError),
      Next: `Any${base}StoppedTasksDescribed`,
    },
    [`Any${base}StoppedTasksDescribed`]: {
      Type: 'Choice',
      Comment: 'A task forgotten between the two calls is a MISSING failure, not a task.',
      Choices: [{ Variable: `${resultPath}.tasks[0]`, IsPresent: true, Next: `Classify${base}StoppedTasks` }],
      Default: `No${base}StoppedTasks`,
    },
    [`Classify${base}StoppedTasks`]: inlineMap({
      itemsPath: `${resultPath}.tasks`,
      itemSelector: { 'task.$': '$$.Map.Item.Value' },
      startAt: 'QuoteContainerExits',
      states: {
        QuoteContainerExits: inlineMap({
          itemsPath: '$.task.Containers',
          itemSelector: { 'container.$': '$$.Map.Item.Value' },
          startAt: 'HasExitCode',
          states: {
            HasExitCode: {
              Type: 'Choice',
              Choices: [
                {
                  And: [
                    { Variable: '$.container.ExitCode', IsPresent: true },
                    { Variable: '$.container.ExitCode', NumericEquals: 0 },
                  ],
                  Next: 'QuoteZeroExit',
                },
                { Variable: '$.container.ExitCode', IsPresent: true, Next: 'QuoteNonZeroExit' },
              ],
              Default: 'QuoteNoExit',
            },
            QuoteZeroExit: {
              Type: 'Pass',
              Parameters: exitQuote("States.Format('{} exit code 0', $.container.Name)", false),
              End: true,
            },
            QuoteNonZeroExit: {
              Type: 'Pass',
              Parameters: exitQuote("States.Format('{} exit code {}', $.container.Name, $.container.ExitCode)", true),
              End: true,
            },
            QuoteNoExit: {
              Type: 'Pass',
              Parameters: exitQuote("States.Format('{} no exit code', $.container.Name)", false),
              End: true,
            },
          },
          resultSelector: {
            'texts.$': '$[*].text',
            'anyNonZero.$': 'States.ArrayContains($[*].nonZero, true)',
          },
          resultPath: '$.exits',
          next: 'IsTaskFailure',
        }),
        IsTaskFailure: {
          Type: 'Choice',
          Comment:
            'Failed to start, an essential container exited with a non-zero code, or ECS stopped it because its target failed the load balancer health checks. A task the scheduler stopped for another reason (scale-in) is not a failure.',
          Choices: [
            { And: [stopCode('TaskFailedToStart'), hasReason], Next: 'QuoteFailedTask' },
            { ...stopCode('TaskFailedToStart'), Next: 'QuoteFailedTaskWithoutReason' },
            { And: [stopCode('EssentialContainerExited'), nonZeroExit, hasReason], Next: 'QuoteFailedTask' },
            { And: [stopCode('ServiceSchedulerInitiated'), failedElbHealthChecks], Next: 'QuoteFailedTask' },
            { And: [stopCode('EssentialContainerExited'), nonZeroExit], Next: 'QuoteFailedTaskWithoutReason' },
          ],
          Default: 'NotAFailure',
        },
        QuoteFailedTask: { Type: 'Pass', Parameters: quote(true), End: true },
        QuoteFailedTaskWithoutReason: { Type: 'Pass', Parameters: quote(false), End: true },
        NotAFailure: { Type: 'Pass', Result: { text: NOT_A_FAILURE, failed: false }, End: true },
      },
      resultSelector: { 'texts.$': '$[*].text', 'all.$': '$' },
      resultPath: `${resultPath}.summaries`,
      next: `Count${base}TaskFailures`,
    }),
    [`Count${base}TaskFailures`]: {
      Type: 'Pass',
      Parameters: {
        'quotes.$': `${resultPath}.summaries.all`,
        'distinct.$': `States.ArrayLength(States.ArrayUnique(${resultPath}.summaries.texts))`,
        'anyOk.$': `States.ArrayContains(${resultPath}.summaries.texts, '${NOT_A_FAILURE}')`,
      },
      ResultPath: resultPath,
      Next: next,
    },
  };
}

/**
 * At least `thresholdPath` tasks failed, by the counts stoppedTaskFailuresStates() left at `resultPath` (one of the
 * distinct quotes is `-` when `anyOk`).
 */
export const tooManyTaskFailures = (resultPath: string, thresholdPath: string): Condition => ({
  Or: [
    {
      And: [
        { Variable: `${resultPath}.anyOk`, BooleanEquals: false },
        { Variable: `${resultPath}.distinct`, NumericGreaterThanEqualsPath: thresholdPath },
      ],
    },
    {
      And: [
        { Variable: `${resultPath}.anyOk`, BooleanEquals: true },
        { Variable: `${resultPath}.distinct`, NumericGreaterThanPath: thresholdPath },
      ],
    },
  ],
});

/** The failed tasks' quotes, `-` left out: only where at least one task failed (else the filter finds nothing). */
export const failedTaskQuotes = (resultPath: string): string => `${resultPath}.quotes[?(@.failed == true)].text`;

/**
 * Each target of the TargetHealthDescriptions at `targetsPath` quoted with its state and, where ELBv2 gives them, its
 * reason code and description (`10.0.1.5:8080 unhealthy Target.ResponseCodeMismatch (Health checks failed with these
 * codes: [500])`), into `resultPath` as a list of strings.
 */
export function targetQuotesStates({
  name,
  targetsPath,
  resultPath,
  next,
}: {
  name: string;
  targetsPath: string;
  resultPath: string;
  next: string;
}): States {
  const health = '$.target.TargetHealth';
  const where = '$.target.Target.Id, $.target.Target.Port';
  return {
    [name]: inlineMap({
      itemsPath: targetsPath,
      itemSelector: { 'target.$': '$$.Map.Item.Value' },
      startAt: 'HasReason',
      states: {
        HasReason: {
          Type: 'Choice',
          Choices: [
            {
              And: [
                { Variable: `${health}.Reason`, IsPresent: true },
                { Variable: `${health}.Description`, IsPresent: true },
              ],
              Next: 'QuoteReasonAndDescription',
            },
            { Variable: `${health}.Reason`, IsPresent: true, Next: 'QuoteReason' },
          ],
          Default: 'QuoteState',
        },
        QuoteReasonAndDescription: {
          Type: 'Pass',
          Parameters: {
            'text.$': `States.Format('{}:{} {} {} ({})', ${where}, ${health}.State, ${health}.Reason, ${health}.Description)`,
          },
          OutputPath: '$.text',
          End: true,
        },
        QuoteReason: {
          Type: 'Pass',
          Parameters: { 'text.$': `States.Format('{}:{} {} {}', ${where}, ${health}.State, ${health}.Reason)` },
          OutputPath: '$.text',
          End: true,
        },
        QuoteState: {
          Type: 'Pass',
          Parameters: { 'text.$': `States.Format('{}:{} {}', ${where}, ${health}.State)` },
          OutputPath: '$.text',
          End: true,
        },
      },
      resultPath,
      next,
    }),
  };
}
