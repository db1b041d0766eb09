/**
 * Lambda entry point of the lifecycle-hook runner (contract/lifecycle-hooks.ts). deploy-green, swap and clean-up
 * invoke it at each stage with a {@link HookRunRequest}; it makes at most one call of one hook (a Lambda Invoke, or a
 * state machine's StartExecution / DescribeExecution) and answers SUCCEEDED (every hook of the stage succeeded),
 * FAILED (with a message naming the hook and why) or IN_PROGRESS (call me again after `callBackDelay` seconds, with
 * `progress`). The waiting is the machine's Wait state, so a hook may take as long as its timeout allows. A Lambda
 * hook's Invoke that gets no answer for now (throttled, Lambda's own 5xx, no response) is answered IN_PROGRESS too,
 * with the same progress and a back-off (core.ts unansweredDelay), until the hook's timeout; an Invoke Lambda refuses
 * for good fails the hook.
 * Environment: LIFECYCLE_HOOKS (the stage's hooks, a JSON array written by infra/lib/constructs/lifecycle-hooks.ts).
 */
import { InvokeCommand, LambdaClient, LambdaServiceException } from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { HookConfig, HookRunRequest, HookRunResult } from '../../contract';
import {
  answeredProgress,
  callBackDelay,
  invokeErrorVerdict,
  stepFunctionsErrorVerdict,
  unansweredDelay,
  type RunnerProgress,
  elapsedSeconds,
  failed,
  firstProgress,
  hookEvent,
  hookExecutionName,
  hooksAt,
  HOOKS_VARIABLE,
  inProgress,
  readHookConfigs,
  readHookResponse,
  readRunRequest,
  succeeded,
  timedOut,
} from './core';

/** Where the SDK clients go and what the function is configured with (its environment on AWS). */
export interface LifecycleHooksEnvironment {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly variables: Readonly<Record<string, string | undefined>>;
}

/** How often a running state-machine hook is looked at. */
const STATE_MACHINE_POLL_SECONDS = 10;

export function createHandler(env: LifecycleHooksEnvironment): (event: unknown) => Promise<HookRunResult> {
  const config = {
    ...(env.endpoint !== undefined && { endpoint: env.endpoint }),
    ...(env.region !== undefined && { region: env.region }),
    ...(env.credentials !== undefined && { credentials: env.credentials }),
  };
  // One attempt per Invoke: a throttled or failed Invoke is retried by the machine (the runner answers IN_PROGRESS and
  // the machine's Wait backs off, on the clock the hook's timeout runs on), not by the SDK sleeping inside this
  // function, where a back-off costs Lambda run time and another throttled attempt at once rarely helps.
  const lambda = new LambdaClient({ ...config, maxAttempts: 1 });
  const sfn = new SFNClient(config);
  const hooks = readHookConfigs(env.variables[HOOKS_VARIABLE]);

  /**
   * One call of a Lambda hook. An Invoke that gets no answer for now (throttled, Lambda's own 5xx, no response, after
   * the SDK's own retries) is not the hook's answer: the runner answers IN_PROGRESS with the same progress and calls
   * again after a back-off, until the hook's timeout. An Invoke Lambda refuses for good (the function does not exist,
   * access denied, …) fails the hook, as its function failing would.
   */
  async function callFunction(
    hook: HookConfig,
    request: HookRunRequest,
    progress: RunnerProgress,
    names: readonly string[],
  ): Promise<HookRunResult | 'succeeded'> {
    let response;
    try {
      response = await lambda.send(
        new InvokeCommand({
          FunctionName: hook.arn,
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(JSON.stringify(hookEvent(request, progress))),
        }),
      );
    } catch (error) {
      const verdict = invokeErrorVerdict(
        error,
        (e) => e instanceof LambdaServiceException && e.constructor !== LambdaServiceException,
      );
      if (verdict.kind === 'unknown') throw error;
      if (verdict.kind === 'refused')
        return failed(hook, `Lambda refused to invoke it (${verdict.description})`, names);
      const count = (progress.unanswered ?? 0) + 1;
      const remaining = hook.timeoutSeconds - elapsedSeconds(progress.startedAt, request.now);
      const next: RunnerProgress = { ...progress, unanswered: count, lastUnanswered: verdict.description };
      return inProgress(unansweredDelay(count, verdict.retryAfterSeconds, remaining), next, names);
    }
    const text = response.Payload === undefined ? '' : Buffer.from(response.Payload).toString('utf8');
    let payload: unknown;
    try {
      payload = text === '' ? null : (JSON.parse(text) as unknown);
    } catch {
      payload = text;
    }
    if (response.FunctionError !== undefined) {
      const error = payload as { errorType?: unknown; errorMessage?: unknown } | null;
      const what = [error?.errorType, error?.errorMessage].filter((s) => typeof s === 'string').join(': ');
      return failed(hook, `the function failed (${response.FunctionError}${what ? `: ${what}` : ''})`, names);
    }
    const answer = readHookResponse(payload);
    if ('problem' in answer) return failed(hook, answer.problem, names);
    if (answer.hookStatus === 'SUCCEEDED') return 'succeeded';
    if (answer.hookStatus === 'FAILED') {
      return failed(
        hook,
        answer.reason === undefined ? 'it answered FAILED' : `it answered FAILED: ${answer.reason}`,
        names,
      );
    }
    return inProgress(
      callBackDelay(answer.callBackDelay),
      {
        ...answeredProgress(progress),
        invocation: progress.invocation + 1,
        hookDetails: answer.hookDetails === undefined ? progress.hookDetails : answer.hookDetails,
      },
      names,
    );
  }

  /**
   * Starts a state-machine hook, or looks at the one started. A Step Functions call that gets no answer for now
   * (throttled, its 5xx, no response) is not the hook's answer: the runner answers IN_PROGRESS with the progress so far
   * (the execution, once started, is kept) and calls again after a back-off, until the hook's timeout. A call Step
   * Functions refuses for good fails the hook.
   */
  async function callStateMachine(
    hook: HookConfig,
    request: HookRunRequest,
    progress: RunnerProgress,
    names: readonly string[],
  ): Promise<HookRunResult | 'succeeded'> {
    const started: { executionArn?: string } = {};
    try {
      return await pollStateMachine(hook, request, progress, names, started);
    } catch (error) {
      const verdict = stepFunctionsErrorVerdict(
        error,
        (e) => e instanceof SFNServiceException && e.constructor !== SFNServiceException,
      );
      if (verdict.kind === 'unknown') throw error;
      if (verdict.kind === 'refused') {
        return failed(hook, `Step Functions refused a call for it (${verdict.description})`, names);
      }
      const executionArn = started.executionArn ?? progress.executionArn;
      const count = (progress.unanswered ?? 0) + 1;
      const remaining = hook.timeoutSeconds - elapsedSeconds(progress.startedAt, request.now);
      const next: RunnerProgress = {
        ...progress,
        ...(executionArn !== undefined && { executionArn }),
        unanswered: count,
        lastUnanswered: verdict.description,
      };
      if (remaining <= 0) return failed(hook, timedOut(hook, next), names);
      return inProgress(unansweredDelay(count, verdict.retryAfterSeconds, remaining), next, names);
    }
  }

  async function pollStateMachine(
    hook: HookConfig,
    request: HookRunRequest,
    progress: RunnerProgress,
    names: readonly string[],
    started: { executionArn?: string },
  ): Promise<HookRunResult | 'succeeded'> {
    let executionArn = progress.executionArn;
    if (executionArn === undefined) {
      const name = hookExecutionName(hook.stage, progress.index, request.event.executionArn);
      try {
        const started = await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: hook.arn,
            name,
            input: JSON.stringify(hookEvent(request, { ...progress, invocation: 1 })),
          }),
        );
        executionArn = started.executionArn;
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
        // Started by an earlier call of this stage whose answer was lost: the same name, so the same execution.
        executionArn = `${hook.arn.replace(':stateMachine:', ':execution:')}:${name}`;
      }
      if (executionArn === undefined) throw new Error(`StartExecution of ${hook.arn} returned no executionArn`);
      started.executionArn = executionArn;
    }
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const next = { ...answeredProgress(progress), executionArn, invocation: progress.invocation + 1 };
    switch (described.status) {
      case 'SUCCEEDED': {
        const output = described.output === undefined ? undefined : (JSON.parse(described.output) as unknown);
        const answer = readHookResponse(output);
        if (!('problem' in answer) && answer.hookStatus === 'FAILED') {
          return failed(
            hook,
            `its execution ${executionArn} answered FAILED${answer.reason === undefined ? '' : `: ${answer.reason}`}`,
            names,
          );
        }
        return 'succeeded';
      }
      case 'RUNNING':
      case 'PENDING_REDRIVE':
        if (elapsedSeconds(progress.startedAt, request.now) >= hook.timeoutSeconds) {
          await sfn.send(
            new StopExecutionCommand({
              executionArn,
              error: 'BlueGreen.HookTimedOut',
              cause: `The ${hook.stage} hook ran longer than its timeout of ${hook.timeoutSeconds} s.`,
            }),
          );
          return failed(hook, `its execution ${executionArn} ${timedOut(hook, next)}, so it was stopped`, names);
        }
        return inProgress(STATE_MACHINE_POLL_SECONDS, next, names);
      default: {
        const why = [described.error, described.cause].filter((s) => s !== undefined && s !== '').join(': ');
        return failed(
          hook,
          `its execution ${executionArn} ended ${described.status ?? 'in an unknown status'}${why ? ` (${why})` : ''}`,
          names,
        );
      }
    }
  }

  return async (event) => {
    const request = readRunRequest(event);
    const stageHooks = hooksAt(hooks, request.stage);
    const names = request.succeeded ?? [];
    const progress = request.progress ?? firstProgress(stageHooks, request.now);
    const hook = stageHooks[progress.index];
    if (hook === undefined) return succeeded(names);
    if (hook.kind === 'lambda' && elapsedSeconds(progress.startedAt, request.now) >= hook.timeoutSeconds) {
      return failed(hook, timedOut(hook, progress), names);
    }
    const result =
      hook.kind === 'lambda'
        ? await callFunction(hook, request, progress, names)
        : await callStateMachine(hook, request, progress, names);
    if (result !== 'succeeded') return result;
    const done = [...names, hook.name];
    const following = stageHooks[progress.index + 1];
    if (following === undefined) return succeeded(done);
    // One hook call per invocation keeps the runner far inside Lambda's 15 minutes; the machine calls again at once.
    return inProgress(
      0,
      { index: progress.index + 1, invocation: 1, startedAt: request.now, hookDetails: following.details },
      done,
    );
  };
}

/** The entry point on AWS: clients from the runtime's environment. */
export const handler = createHandler({ variables: process.env });
