import { LIFECYCLE_HOOK_FAILED, type LifecycleStage } from '../../contract';
import type { Payload, States } from './asl';
import { lambdaRetry } from './basics';

/**
 * The lifecycle hooks of one stage (contract/lifecycle-hooks.ts): `Run<name>Hooks` invokes the runner, which makes at
 * most one call of one hook and answers SUCCEEDED, FAILED or IN_PROGRESS; IN_PROGRESS waits `callBackDelay` seconds
 * (`Wait<name>Hook`) and calls again with the runner's progress (`Poll<name>Hooks`). A stage without hooks costs two
 * transitions. FAILED notes BlueGreen.LifecycleHookFailed at `$.error` with the runner's message and goes to
 * `onFailure` (the machine's undo); the runner itself failing goes there too with its error.
 *
 * `event` is what the hooks are told besides the stage (HookEvent): each machine names its cluster, service and
 * versions from its own state.
 */
export function lifecycleHookStates({
  name,
  stage,
  event,
  next,
  onFailure,
}: {
  name: string;
  stage: LifecycleStage;
  event: Payload;
  next: string;
  onFailure: string;
}): States {
  const run = (progress: boolean): Payload => ({
    FunctionName: '${LifecycleHooksFunctionArn}',
    Payload: {
      stage,
      'now.$': '$$.State.EnteredTime',
      event: {
        'executionArn.$': '$$.Execution.Id',
        'input.$': '$$.Execution.Input',
        ...event,
      },
      ...(progress ? { 'progress.$': '$.hookRun.detail.progress', 'succeeded.$': '$.hookRun.detail.succeeded' } : {}),
    },
  });
  const task = (progress: boolean, comment: string) => ({
    Type: 'Task' as const,
    Resource: 'arn:aws:states:::lambda:invoke',
    Comment: comment,
    Parameters: run(progress),
    ResultSelector: {
      'status.$': '$.Payload.status',
      'callBackDelay.$': '$.Payload.callBackDelay',
      'detail.$': '$.Payload',
    },
    ResultPath: '$.hookRun',
    // The runner makes one hook call and returns; Lambda's own limit is 15 minutes.
    TimeoutSeconds: 960,
    Retry: lambdaRetry,
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: onFailure }],
    Next: `Did${name}HooksPass`,
  });
  return {
    [`Run${name}Hooks`]: task(
      false,
      `The ${stage} lifecycle hooks (contract/lifecycle-hooks.ts), one call at a time; none configured: SUCCEEDED at once.`,
    ),
    [`Did${name}HooksPass`]: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.hookRun.status', StringEquals: 'SUCCEEDED', Next: next },
        { Variable: '$.hookRun.status', StringEquals: 'IN_PROGRESS', Next: `Wait${name}Hook` },
      ],
      Default: `Note${name}HookFailed`,
    },
    [`Wait${name}Hook`]: {
      Type: 'Wait',
      Comment:
        "The hook's callBackDelay: the wait is the machine's, not the function's, so a hook may take its timeout.",
      SecondsPath: '$.hookRun.callBackDelay',
      Next: `Poll${name}Hooks`,
    },
    [`Poll${name}Hooks`]: task(
      true,
      'The same runner, with where it was: the hook in progress, its details, and the hooks that passed.',
    ),
    [`Note${name}HookFailed`]: {
      Type: 'Pass',
      Parameters: { Error: LIFECYCLE_HOOK_FAILED, 'Cause.$': '$.hookRun.detail.message' },
      ResultPath: '$.error',
      Next: onFailure,
    },
  };
}
