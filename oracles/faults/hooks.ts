/**
 * Lifecycle hooks under a fault plan: what each stage's hook does (HookBehaviour), and the function that answers for
 * it. The fault stack is synthesized with one Lambda hook per stage (FAULT_HOOKS), whose functions local Lambda runs
 * in process; each answers ECS's hook protocol (contract/lifecycle-hooks.ts) as the armed plan's behaviour for its
 * stage says, and succeeds when the plan says nothing about it.
 */
import { LIFECYCLE_STAGES, type HookEvent, type LifecycleStage } from '../../contract';

/** What a stage's hook does when the runner invokes it. `succeed` is no fault. */
export type HookBehaviour =
  /** Answers `{"hookStatus": "SUCCEEDED"}` on its first call. */
  | { readonly kind: 'succeed' }
  /** Answers `{"hookStatus": "FAILED", "reason": …}`: the stage fails, and the machine undoes its work. */
  | { readonly kind: 'fail' }
  /**
   * Answers IN_PROGRESS (with a short callBackDelay, FAULT_HOOK_CALLBACK_SECONDS, and hookDetails counting the calls)
   * `calls` times, then SUCCEEDED: the machine waits between calls and goes on, well within the hook's timeout.
   */
  | { readonly kind: 'in-progress'; readonly calls: number }
  /**
   * Answers IN_PROGRESS on every call (callBackDelay FAULT_HOOK_STALL_CALLBACK_SECONDS): the hook fails at its timeout
   * (FAULT_HOOK_TIMEOUT_SECONDS).
   */
  | { readonly kind: 'stall' }
  /** The function throws (a function error, `X-Amz-Function-Error: Unhandled`): counts as FAILED. */
  | { readonly kind: 'throw' }
  /** Returns something without a valid `hookStatus`: counts as FAILED. */
  | { readonly kind: 'bad-answer' };

export type HookBehaviours = Partial<Readonly<Record<LifecycleStage, HookBehaviour>>>;

/** Whether a hook behaving like this fails its stage (as opposed to answering SUCCEEDED in the end). */
export function hookFails(behaviour: HookBehaviour | undefined): boolean {
  return behaviour !== undefined && behaviour.kind !== 'succeed' && behaviour.kind !== 'in-progress';
}

/** The callBackDelay an `in-progress` hook asks for, in (emulated) seconds. */
export const FAULT_HOOK_CALLBACK_SECONDS = 5;
/** The callBackDelay a `stall` hook asks for (ECS's default), so it reaches its timeout in a few calls. */
export const FAULT_HOOK_STALL_CALLBACK_SECONDS = 30;

/**
 * The fault hooks' timeout, in emulated seconds. Long enough that an `in-progress` hook (at most a few calls
 * FAULT_HOOK_CALLBACK_SECONDS apart) always succeeds: at the property's time scale (0.004) every runner call also
 * costs tens of emulated seconds of wall time on a loaded runner, which the machine's clock counts. Short enough that
 * a `stall` costs about a wall second.
 */
export const FAULT_HOOK_TIMEOUT_SECONDS = 300;

/** One fault hook as the stack is configured with it. */
export interface FaultHook {
  readonly stage: LifecycleStage;
  /** The hook's name in the stack (how a failure message names it). */
  readonly name: string;
  /** The Lambda function's name in local Lambda. */
  readonly functionName: string;
}

const pascal = (stage: LifecycleStage): string =>
  stage
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/** One hook per stage: `FaultHookPostScaleUp`, function `bg-fault-hook-post-scale-up`, and so on. */
export const FAULT_HOOKS: readonly FaultHook[] = LIFECYCLE_STAGES.map((stage) => ({
  stage,
  name: `FaultHook${pascal(stage)}`,
  functionName: `bg-fault-hook-${stage.toLowerCase().replace(/_/g, '-')}`,
}));

/** The error a `throw` hook throws. */
export class InjectedHookError extends Error {
  override readonly name = 'InjectedHookError';
}

/**
 * What the hook answers to `event` when it behaves like `behaviour` (undefined: succeed). Stateless: the runner's
 * `invocation` count says which call this is, so a call the runner repeats (after a throttled Invoke) is answered
 * the same way.
 */
export function answerHook(behaviour: HookBehaviour | undefined, event: HookEvent): unknown {
  const kind = behaviour?.kind ?? 'succeed';
  switch (kind) {
    case 'succeed':
      return { hookStatus: 'SUCCEEDED' };
    case 'fail':
      return { hookStatus: 'FAILED', reason: `injected: the ${event.stage} hook refuses the release` };
    case 'in-progress': {
      const calls = behaviour?.kind === 'in-progress' ? behaviour.calls : 0;
      return event.invocation <= calls
        ? { hookStatus: 'IN_PROGRESS', callBackDelay: FAULT_HOOK_CALLBACK_SECONDS, hookDetails: event.invocation }
        : { hookStatus: 'SUCCEEDED' };
    }
    case 'stall':
      return { hookStatus: 'IN_PROGRESS', callBackDelay: FAULT_HOOK_STALL_CALLBACK_SECONDS };
    case 'throw':
      throw new InjectedHookError(`injected: the ${event.stage} hook crashed`);
    case 'bad-answer':
      return { status: 'OK' };
  }
}
