/**
 * Lambda entry point of smoke-test: a lifecycle hook (contract/lifecycle-hooks.ts) at POST_TEST_TRAFFIC_SHIFT, once the
 * test listener forwards to green. It reads the paths to check from the `smokeTest` block of deploy-green's input
 * (`event.input.smokeTest`) and answers SUCCEEDED when there is none or every path passes, FAILED naming each failing
 * path (or the invalid setting) otherwise.
 */
import type { HookResponse } from '../../contract';
import { BlueGreenError } from '../shared/errors';
import { runSmokeTest, type HttpGet, type HttpResponse, type SmokeTestSummary } from './core';

/** Requests stop starting this long before the Lambda times out, so the failure is reported rather than cut off. */
const DEADLINE_MARGIN_MS = 3000;

/** GET with Node's fetch: redirects are not followed (the status is what green answered), the body is read in full. */
export const fetchGet: HttpGet = async (url, { timeoutMs }): Promise<HttpResponse> => {
  const response = await fetch(url, {
    method: 'GET',
    redirect: 'manual',
    headers: { 'user-agent': 'ecs-bluegreen-smoke-test' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, body: await response.text() };
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The part of the Lambda context used here; absent when the handler is called locally. */
export interface InvokeContext {
  getRemainingTimeInMillis(): number;
}

/** The hook's answer; `hookDetails` carries the summary of what was checked. */
export type SmokeTestHookResponse = HookResponse & { readonly hookDetails?: SmokeTestSummary };

export async function handler(event: unknown, context?: InvokeContext): Promise<SmokeTestHookResponse> {
  const hook = (event ?? {}) as { readonly testUrl?: unknown; readonly input?: { readonly smokeTest?: unknown } };
  const smokeTest = hook.input?.smokeTest;
  if (smokeTest === undefined) {
    return { hookStatus: 'SUCCEEDED', reason: "deploy-green's input has no smokeTest: nothing to check" };
  }
  const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS : undefined;
  try {
    const summary = await runSmokeTest(
      { testUrl: hook.testUrl, smokeTest },
      { get: fetchGet, sleep, now: Date.now, deadline },
    );
    return { hookStatus: 'SUCCEEDED', reason: summary.message, hookDetails: summary };
  } catch (error) {
    if (error instanceof BlueGreenError) return { hookStatus: 'FAILED', reason: error.message };
    throw error;
  }
}
