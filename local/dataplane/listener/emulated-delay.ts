/**
 * How a target tells the listener which part of its answer time it spent waiting on the emulated clock on purpose (a
 * demo image's slow request), so that TargetResponseTime can count that part in emulated seconds and the rest (the
 * host's own work: Node, HTTP, a busy event loop) as the wall time it really took, not divided by the time scale.
 *
 * The task server (task-server/server.js, which keeps its own copy of the header name) sets
 * `X-Local-Emulated-Delay: <emulated seconds>; wall-ms=<wall ms>` on an answer it delayed: the emulated seconds it was
 * told to wait and the wall milliseconds that is on its clock (the nominal sleep; timer lateness under load is host
 * overhead and stays in the remainder). The listener's proxy strips the header, so clients never see it; it is a
 * local device, not an AWS header. A target that sends none (any other server) declared no emulated delay.
 */
import type http from 'http';
import type { TargetEmulatedDelay } from '../types';

/** Lower case, as Node keys incoming headers. */
export const EMULATED_DELAY_HEADER = 'x-local-emulated-delay';

const FORMAT = /^\s*([0-9][0-9.e+-]*)\s*;\s*wall-ms\s*=\s*([0-9][0-9.e+-]*)\s*$/i;

/**
 * The declared delay, or undefined when the header is absent or malformed (then no delay is assumed, so a target
 * that says something unreadable gets its whole answer time counted as wall time, never less).
 */
export function parseEmulatedDelay(value: string | string[] | undefined): TargetEmulatedDelay | undefined {
  if (typeof value !== 'string') return undefined;
  const match = FORMAT.exec(value);
  if (!match) return undefined;
  const seconds = Number(match[1]);
  const wallMs = Number(match[2]);
  const valid = (n: number): boolean => Number.isFinite(n) && n >= 0;
  return valid(seconds) && valid(wallMs) ? { seconds, wallMs } : undefined;
}

/** The header value for a delay (what the task server writes). */
export function formatEmulatedDelay(delay: TargetEmulatedDelay): string {
  return `${delay.seconds}; wall-ms=${delay.wallMs}`;
}

/** Takes the header out of a target's response headers (before they go to the client) and returns what it said. */
export function takeEmulatedDelay(headers: http.OutgoingHttpHeaders): TargetEmulatedDelay | undefined {
  const value = headers[EMULATED_DELAY_HEADER];
  delete headers[EMULATED_DELAY_HEADER];
  return typeof value === 'string' ? parseEmulatedDelay(value) : undefined;
}
