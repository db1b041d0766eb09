/**
 * One ALB health check: an HTTP GET on a fresh connection (ALB closes it after each check), judged by the matcher and
 * classified with the ELBv2 reason codes.
 */
import http from 'http';
import type { StatusMatcher } from './matcher';

export type FailedCheckReason = 'Target.ResponseCodeMismatch' | 'Target.Timeout' | 'Target.FailedHealthChecks';

export type ProbeResult =
  | { readonly passed: true }
  | { readonly passed: false; readonly reason: FailedCheckReason; readonly description: string };

export interface ProbeRequest {
  /** Where the target really listens; undefined when the network cannot resolve it (no process behind the IP). */
  readonly address: { readonly host: string; readonly port: number } | undefined;
  readonly path: string;
  readonly matches: StatusMatcher;
  readonly timeoutMs: number;
  /** Aborts the check without a result (the target group is closing). */
  readonly signal?: AbortSignal;
}

/** Sent by real ALB health checks; lets a target tell checks from user traffic in its logs. */
const HEALTH_CHECKER_USER_AGENT = 'ELB-HealthChecker/2.0';

export function probeTarget(request: ProbeRequest): Promise<ProbeResult> {
  const { address } = request;
  // No address, or port 0 (a task that does not listen yet): a connection could not be made.
  if (address === undefined || address.port === 0) return Promise.resolve(connectionFailed());
  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    const settle = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    const req = http.request(
      {
        host: address.host,
        port: address.port,
        path: request.path,
        method: 'GET',
        agent: false,
        headers: { 'User-Agent': HEALTH_CHECKER_USER_AGENT, Connection: 'close' },
        ...(request.signal !== undefined && { signal: request.signal }),
      },
      (res) => {
        res.resume();
        const statusCode = res.statusCode ?? 0;
        settle(
          request.matches(statusCode)
            ? { passed: true }
            : {
                passed: false,
                reason: 'Target.ResponseCodeMismatch',
                description: `Health checks failed with these codes: [${statusCode}]`,
              },
        );
      },
    );
    // The ALB timeout covers the whole check (connect and response), not just socket inactivity.
    const deadline = setTimeout(() => {
      settle({ passed: false, reason: 'Target.Timeout', description: 'Request timed out' });
      req.destroy();
    }, request.timeoutMs);
    req.on('error', () => settle(connectionFailed()));
    req.end();
  });
}

function connectionFailed(): ProbeResult {
  return { passed: false, reason: 'Target.FailedHealthChecks', description: 'Health checks failed' };
}
