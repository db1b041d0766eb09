/**
 * Applies a plan's {@link AlarmFault}: the chosen built-in alarm of green's goes to ALARM just as the green-watch
 * function reads the watched alarms for the `read`-th time in the flow (as a watch of swap's begins or ends, or for
 * clean-up's check).
 *
 * It watches every call (FaultInjector.observe, which runs before the service answers the call) and, at the read it
 * waits for, puts the alarm in ALARM through local CloudWatch's own SetAlarmState handler, synchronously, before that
 * DescribeAlarms is answered. So the read sees ALARM whatever the machine's load, no alarm evaluation can come in
 * between, and the state change's event is on its way to the function while its watch is set.
 */
import type { LocalStack } from '../../harness/demo/local-stack';
import type { FaultCall } from '../../local/aws/faults';
import { AwsError } from '../../local/aws/service';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../local/local-aws';
import type { AlarmFault, FaultInjector } from './fault-plan';

/** The alarm the fault put in ALARM, and when. */
export interface TrippedAlarm {
  readonly alarmName: string;
  readonly read: number;
  /** Wall-clock ms since the epoch. */
  readonly at: number;
}

export interface AlarmGateFault {
  /** The alarm put in ALARM, once it was; undefined while (or if never) the chosen read came. */
  tripped(): TrippedAlarm | undefined;
  /** Why putting it in ALARM failed, if it did (the scenario then tested nothing). */
  error(): string | undefined;
  /** Stops watching the calls. */
  stop(): void;
}

/** The names a DescribeAlarms call asks for (its `AlarmNames`). */
function alarmNamesOf(call: FaultCall): string[] {
  const names = call.input.AlarmNames;
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
}

export function tripAlarmAtWatch(stack: LocalStack, injector: FaultInjector, fault: AlarmFault): AlarmGateFault {
  let reads = 0;
  let tripped: TrippedAlarm | undefined;
  let failure: string | undefined;
  const stop = injector.observe((call) => {
    if (tripped || call.service !== 'CloudWatch' || call.operation !== 'DescribeAlarms') return;
    // Built-in alarms are named `<stack>-<service>-green-<suffix>` (contract/green-watch.ts, ALARM_PREFIX_VARIABLE).
    const alarmName = alarmNamesOf(call).find((name) => name.endsWith(`-green-${fault.alarm}`));
    if (alarmName === undefined) return;
    reads += 1;
    if (reads !== fault.read) return;
    const read = reads;
    tripped = { alarmName, read, at: Date.now() };
    const input = {
      AlarmName: alarmName,
      StateValue: 'ALARM',
      StateReason: `Fault plan: ${alarmName} put in ALARM as the green watch read it (read ${read} in the flow).`,
    };
    // The handler runs synchronously inside invoke(); its promise only carries the outcome. At the first read the
    // alarm may not exist yet (no green was watched on this stack: the function creates it after this read): then
    // nothing was tripped, as for a read that never comes.
    stack.aws.cloudwatch
      .invoke('SetAlarmState', input, { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT })
      .catch((error: unknown) => {
        if (error instanceof AwsError && error.code === 'ResourceNotFound' && read === 1) tripped = undefined;
        else failure = `SetAlarmState ${alarmName}: ${String(error)}`;
      });
  });
  return { tripped: () => tripped, error: () => failure, stop };
}
