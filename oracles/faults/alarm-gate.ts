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
import { observe } from '../../harness/demo/observe';
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
  /** Emulated ms since the epoch (the clock execution histories are stamped with). */
  readonly atEmulated: number;
  /**
   * Whether the alarm watched the target group under test (green's) as it was put in ALARM; undefined until
   * local CloudWatch has answered (it has by the time a flow ends).
   */
  onGreen?: boolean;
}

export interface AlarmGateFault {
  /** The alarm put in ALARM, once it was; undefined while (or if never) the chosen read came. */
  tripped(): TrippedAlarm | undefined;
  /** Why putting it in ALARM failed, if it did (the scenario then tested nothing). */
  error(): string | undefined;
  /** When (emulated ms) the function read the watched alarms, every read of the flow, in order. */
  reads(): readonly number[];
  /** Stops watching the calls. */
  stop(): void;
}

/** The names a DescribeAlarms call asks for (its `AlarmNames`). */
function alarmNamesOf(call: FaultCall): string[] {
  const names = call.input.AlarmNames;
  return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
}

export function tripAlarmAtWatch(stack: LocalStack, injector: FaultInjector, fault: AlarmFault): AlarmGateFault {
  const readTimes: number[] = [];
  let tripped: TrippedAlarm | undefined;
  let failure: string | undefined;
  const context = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT };
  const stop = injector.observe((call) => {
    if (call.service !== 'CloudWatch' || call.operation !== 'DescribeAlarms') return;
    // Built-in alarms are named `<stack>-<service>-green-<suffix>` (contract/green-watch.ts, ALARM_PREFIX_VARIABLE).
    const alarmName = alarmNamesOf(call).find((name) => name.endsWith(`-green-${fault.alarm}`));
    if (alarmName === undefined) return;
    readTimes.push(stack.aws.clock.now());
    const read = readTimes.length;
    if (read !== fault.read) return;
    const trip: TrippedAlarm = { alarmName, read, at: Date.now(), atEmulated: stack.aws.clock.now() };
    tripped = trip;
    // Which target group the alarm watched as it tripped, and which one is under test (the test rule's, in swap and
    // clean-up alike): both read now, before the call is answered.
    const test = observe(stack).test;
    const green = test.kind === 'forward' ? test.targetGroupArns[0] : undefined;
    stack.aws.cloudwatch
      .invoke('DescribeAlarms', { AlarmNames: [alarmName] }, context)
      .then((answer) => {
        const alarm = (answer as { MetricAlarms?: Array<{ Dimensions?: Array<{ Name?: string; Value?: string }> }> })
          .MetricAlarms?.[0];
        const watched = alarm?.Dimensions?.find((d) => d.Name === 'TargetGroup')?.Value;
        trip.onGreen = green !== undefined && watched !== undefined && green.endsWith(`:${watched}`);
      })
      .catch((error: unknown) => {
        trip.onGreen = false;
        if (!(error instanceof AwsError && error.code === 'ResourceNotFound'))
          failure = `DescribeAlarms: ${String(error)}`;
      });
    const input = {
      AlarmName: alarmName,
      StateValue: 'ALARM',
      StateReason: `Fault plan: ${alarmName} put in ALARM as the green watch read it (read ${read} in the flow).`,
    };
    // The handler runs synchronously inside invoke(); its promise only carries the outcome. The alarm may not exist
    // at that read: no green was watched on this stack yet (the function creates it after its first read), or a
    // watch's set-up, still running beside the check of a watch shorter than it, had deleted a previous green's alarm
    // and not yet created it again. Then nothing was tripped, as for a read that never comes.
    stack.aws.cloudwatch.invoke('SetAlarmState', input, context).catch((error: unknown) => {
      if (error instanceof AwsError && error.code === 'ResourceNotFound') tripped = undefined;
      else failure = `SetAlarmState ${alarmName}: ${String(error)}`;
    });
  });
  return { tripped: () => tripped, error: () => failure, reads: () => [...readTimes], stop };
}
