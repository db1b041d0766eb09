import { UNDONE, type NextStep } from '../../contract';
import type { Condition, PassState, States } from './asl';
import { catchTo, changeTask, ecs, failSaying, noteError, undoFailed, undoRetry, waitLoopStates } from './basics';
import { allTargetsHealthy, healthSummary, targetHealthStates } from './health';
import { describeTaskSetTask, taskSetPath } from './task-sets';

/**
 * Green at reduced size while under test (deploy-green's `testScalePercent`, contract/inputs.ts TEST_SCALE_PERCENT),
 * made full size before production moves: swap's part of it.
 */

/** UpdateTaskSet of green (`$.green.taskSetArn`) to the percent at `valuePath`, or to `value`. */
const scaleGreenParameters = (scale: { value: number } | { valuePath: string }) => ({
  'Cluster.$': '$.cluster',
  'Service.$': '$.service',
  'TaskSet.$': '$.green.taskSetArn',
  Scale: { Unit: 'PERCENT', ...('value' in scale ? { Value: scale.value } : { 'Value.$': scale.valuePath }) },
});

/** UpdateTaskSet of green back to the scale it was found at (`$.greenScale.percent`), retried as an undo step. */
const scaleGreenBackTask = (next: string, onError: string, comment: string) =>
  changeTask(
    ecs('updateTaskSet'),
    scaleGreenParameters({ valuePath: '$.greenScale.percent' }),
    next,
    [{ ErrorEquals: ['States.ALL'], ResultPath: '$.undoError', Next: onError }],
    { retrier: undoRetry, comment },
  );

/**
 * The scale green goes back to if it does not become healthy at full size (as DescribeServices found the i-th task
 * set), and how long it may take: the stack's health timeout, deploy-green's default.
 */
const readScale = (i: number): PassState => ({
  Type: 'Pass',
  Parameters: {
    'percent.$': `${taskSetPath(i)}.Scale.Value`,
    'timeoutSeconds.$': "States.StringToJson('${HealthTimeoutSeconds}')",
  },
  ResultPath: '$.greenScale',
  Next: 'IsGreenReduced',
});

/** The phases of a swap that an earlier run left unfinished: that run got past this gate before it wrote them. */
const RESUMED_SWAP: Condition = {
  Or: ['swapping', 'shifting', 'baking'].map((phase): Condition => ({
    Variable: '$.lease.record.phase',
    StringEquals: phase,
  })),
};

/**
 * Before any production traffic moves: green's task set at full size (100 %) with every task running and every target
 * healthy. Reads green's scale (from DescribeServices); when it is below 100 % (or deploy-green recorded a reduced test
 * scale: a swap stopped part-way through this gate left green at 100 % but not yet checked), UpdateTaskSet to 100 %,
 * then every 10 s until the stack's health timeout (`${HealthTimeoutSeconds}`, deploy-green's default) the same test
 * as deploy-green's own gate: the task set STEADY_STATE, its computed desired count running and registered, every
 * target healthy. Then `next`.
 *
 * If green does not get there (or a call fails), green goes back to the scale it was found at (what deploy-green left
 * and the record says; blue was never touched) and swap refuses, production untouched: AWS is as swap found it, and a
 * later swap gates green at full size again. Leaving green at 100 % was the alternative: one call less, but it keeps
 * paying for (and, with a crashing image, replacing) tasks that never became healthy, and green would no longer be
 * what deploy-green left and recorded. A resumed swap (record swapping, shifting or baking)
 * does not gate again: its first run did, before it wrote that phase.
 */
export function fullSizeGreenStates({ next }: { next: string }): States {
  const ts = '$.scaleUp.ecs.taskSets[0]';
  const refusalNext: readonly NextStep[] = ['abort', 'swap'];
  return {
    IsGreenScaleToCheck: {
      Type: 'Choice',
      Comment:
        "A resumed swap's first run made green full size before production moved (it wrote this phase after that), and production may already be on green: no second gate.",
      Choices: [{ ...RESUMED_SWAP, Next: next }],
      Default: 'FindGreenScale',
    },
    FindGreenScale: {
      Type: 'Choice',
      Comment:
        "Green's scale as DescribeServices found it (GreenLocate found green among the service's first two task sets): no extra call when green is at full size.",
      Choices: [
        {
          Variable: `${taskSetPath(0)}.TaskSetArn`,
          StringEqualsPath: '$.green.taskSetArn',
          Next: 'ReadFirstTaskSetScale',
        },
      ],
      Default: 'ReadSecondTaskSetScale',
    },
    ReadFirstTaskSetScale: readScale(0),
    ReadSecondTaskSetScale: readScale(1),
    IsGreenReduced: {
      Type: 'Choice',
      Comment:
        'Green below full size, or recorded by deploy-green as tested at a reduced size (then a gate at full size is still owed, even if an interrupted swap already scaled it): scale it to 100 % and wait until it is fully healthy before production moves.',
      Choices: [
        { Variable: '$.greenScale.percent', NumericLessThan: 100, Next: 'ScaleGreenToFull' },
        {
          And: [
            { Variable: '$.lease.record.phase', StringEquals: 'testing' },
            { Variable: '$.lease.record.green.testScalePercent', IsPresent: true },
            { Variable: '$.lease.record.green.testScalePercent', NumericLessThan: 100 },
          ],
          Next: 'ScaleGreenToFull',
        },
      ],
      Default: next,
    },
    ScaleGreenToFull: changeTask(
      ecs('updateTaskSet'),
      scaleGreenParameters({ value: 100 }),
      'StartGreenScaleWait',
      'ScaleGreenBack',
      {
        comment:
          'Green to full size before any production traffic moves. Blue is never scaled: it stays as it serves production.',
      },
    ),
    ...waitLoopStates({
      start: 'StartGreenScaleWait',
      wait: 'WaitForFullGreen',
      count: 'CountGreenScaleWait',
      path: '$.scaleUp',
      seconds: 10,
      then: 'DescribeFullGreenTaskSet',
    }),
    DescribeFullGreenTaskSet: describeTaskSetTask(
      '$.green.taskSetArn',
      '$.scaleUp.ecs',
      'DescribeFullGreenTargetHealth',
      {
        onError: catchTo('ScaleGreenBack'),
      },
    ),
    ...targetHealthStates({
      describe: 'DescribeFullGreenTargetHealth',
      check: 'AnyFullGreenTargets',
      summarize: 'FullGreenTargetStates',
      tgPath: '$.green.targetGroupArn',
      resultPath: '$.scaleUp.elb',
      summary: (statesPath) => ({ 'states.$': statesPath }),
      next: 'IsFullGreenThere',
      onError: 'ScaleGreenBack',
    }),
    IsFullGreenThere: {
      Type: 'Choice',
      Choices: [{ Not: { Variable: ts, IsPresent: true }, Next: 'NoteGreenGoneWhileScaling' }],
      Default: 'SummarizeFullGreenHealth',
    },
    NoteGreenGoneWhileScaling: noteError(
      'BlueGreen.GreenTaskSetMissing',
      'The green task set disappeared while swap waited for it to become healthy at full size. Production was not moved.',
      'FailGreenNotFullSize',
    ),
    SummarizeFullGreenHealth: {
      Type: 'Pass',
      Parameters: {
        'elapsedSeconds.$': '$.scaleUp.elapsedSeconds',
        'stability.$': `${ts}.StabilityStatus`,
        'running.$': `${ts}.RunningCount`,
        'desired.$': `${ts}.ComputedDesiredCount`,
        ...healthSummary('$.scaleUp.elb.states'),
      },
      ResultPath: '$.scaleUp',
      Next: 'IsGreenFullSize',
    },
    IsGreenFullSize: {
      Type: 'Choice',
      Comment:
        "deploy-green's test at full size: the task set is STEADY_STATE, every desired task runs, one target per task is registered, and every target is healthy.",
      Choices: [
        {
          And: [
            { Variable: '$.scaleUp.stability', StringEquals: 'STEADY_STATE' },
            { Variable: '$.scaleUp.desired', NumericGreaterThan: 0 },
            { Variable: '$.scaleUp.running', NumericEqualsPath: '$.scaleUp.desired' },
            { Variable: '$.scaleUp.registered', NumericEqualsPath: '$.scaleUp.desired' },
            ...allTargetsHealthy('$.scaleUp'),
          ],
          Next: next,
        },
        {
          Variable: '$.scaleUp.elapsedSeconds',
          NumericGreaterThanEqualsPath: '$.greenScale.timeoutSeconds',
          Next: 'NoteGreenNotFullSize',
        },
      ],
      Default: 'CountGreenScaleWait',
    },
    NoteGreenNotFullSize: noteError(
      'BlueGreen.GreenNotHealthy',
      {
        format:
          "States.Format('Swap refused: green (task set {}) was tested at {} % of the service and did not become healthy at full size within {} seconds (task set {}, {} of {} tasks running, target states {}). Production was not moved.', $.green.taskSetId, $.greenScale.percent, $.greenScale.timeoutSeconds, $.scaleUp.stability, $.scaleUp.running, $.scaleUp.desired, States.JsonToString($.scaleUp.states))",
      },
      'ScaleGreenBack',
    ),
    ScaleGreenBack: scaleGreenBackTask(
      'FailGreenNotFullSize',
      'FailGreenScaleBack',
      'Green back at the scale it was tested at: AWS as swap found it, and a later swap gates it again.',
    ),
    FailGreenNotFullSize: failSaying(
      'Green is back at the scale it had under test and production never moved, so AWS is as swap found it. Run abort to discard green (then deploy a fixed version), or swap again once green can run at full size.',
      UNDONE.everything,
      refusalNext,
    ),
    FailGreenScaleBack: undoFailed(
      'Swap stopped before production moved ({}: {}), and putting green back at the scale it had under test failed too ({}: {}). Production never moved; green may still run at full size. Run abort to discard green, or swap again.',
      refusalNext,
    ),
  };
}

/**
 * swap's undo after production moved: green goes back to the scale this run found it at under test (`$.greenScale`,
 * read by fullSizeGreenStates before it scaled green to 100 %), so "undone" means what it says and a later swap gates
 * green at full size again. A run that never read the scale (a resumed swap, or green already at full size) has
 * nothing to put back. A failing call goes to `onError` (the undo failed).
 */
export function undoGreenScaleStates({ next, onError }: { next: string; onError: string }): States {
  return {
    WasGreenScaledUp: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.greenScale.percent', IsPresent: true },
            { Variable: '$.greenScale.percent', NumericLessThan: 100 },
          ],
          Next: 'UndoScaleGreenBack',
        },
      ],
      Default: next,
    },
    UndoScaleGreenBack: scaleGreenBackTask(
      next,
      onError,
      'Green back at the scale it was tested at, as swap found it; production is already back on blue.',
    ),
  };
}
