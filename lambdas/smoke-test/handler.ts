/**
 * Lambda entry point of smoke-test, run by deploy-green once the test listener forwards to green.
 * Payload: `{ testUrl, smokeTest }`. Returns a summary; throws `BlueGreen.SmokeTestFailed` naming each failing path.
 */
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

export function handler(event: unknown, context?: InvokeContext): Promise<SmokeTestSummary> {
  const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS : undefined;
  return runSmokeTest(event, { get: fetchGet, sleep, now: Date.now, deadline });
}
