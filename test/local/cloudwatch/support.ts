/** Shared by the local CloudWatch suites: waiting on emulated time and on alarm state, never on wall-clock sleeps. */
import { CloudWatchClient, DescribeAlarmsCommand, type StateValue } from '@aws-sdk/client-cloudwatch';
import type { Clock } from '../../../local/aws/clock';

/**
 * Polls `read` every `pollSeconds` of emulated time until `done` holds; fails once `withinSeconds` of emulated time
 * have passed, so the bound scales with the time scale, not with how fast this machine is.
 */
export async function waitFor<T>(
  clock: Clock,
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  { withinSeconds, pollSeconds = 1, what }: { withinSeconds: number; pollSeconds?: number; what: string },
): Promise<T> {
  const deadline = clock.now() + withinSeconds * 1000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (clock.now() > deadline) {
      throw new Error(`${what}: not reached within ${withinSeconds} emulated seconds (last: ${JSON.stringify(value)})`);
    }
    await clock.sleep(pollSeconds);
  }
}

export async function alarmState(client: CloudWatchClient, name: string): Promise<StateValue | undefined> {
  const { MetricAlarms } = await client.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  return MetricAlarms?.[0]?.StateValue;
}

/** The error a call fails with (name, CloudWatch's query code, HTTP status), or fails the test if it succeeds. */
export async function errorOf(call: Promise<unknown>): Promise<{ name: string; code: string; status: number }> {
  try {
    await call;
  } catch (error) {
    const e = error as { name: string; Code?: string; $metadata?: { httpStatusCode?: number }; message: string };
    return { name: e.name, code: e.Code ?? '', status: e.$metadata?.httpStatusCode ?? 0 };
  }
  throw new Error('expected the call to fail');
}
