/**
 * Runs each metric alarm on the emulated clock: one loop per alarm that wakes as each of its periods closes (periods
 * are aligned to the epoch, so a 60-second alarm is evaluated on the minute), evaluates the alarm (evaluation.ts) and,
 * when its state changes, records the transition and emits `CloudWatch Alarm State Change` to EventBridge.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../aws/clock';
import { localEvent, type LocalEvent } from '../events/event-bus';
import { cloudWatchTime, evaluate, evaluatedPeriods } from './evaluation';
import type { AlarmRecord, AlarmState } from './model';
import type { CloudWatchStore } from './store';

export interface AlarmEvaluator {
  /** (Re)starts the evaluation loop of an alarm after PutMetricAlarm. */
  start(alarm: AlarmRecord): void;
  /** Sets the state; a change of value is a transition (StateTransitionedTimestamp, event). */
  transition(alarm: AlarmRecord, next: AlarmState): void;
  /** Stops every loop. */
  close(): void;
}

export interface AlarmEvaluatorOptions {
  readonly store: CloudWatchStore;
  readonly clock: Clock;
  readonly emit: (event: LocalEvent) => void;
}

/** One stable metric id per alarm for the event's configuration (AWS generates one the same way). */
const metricIds = new WeakMap<AlarmRecord, string>();

function stateDetail(state: AlarmState): Record<string, unknown> {
  return {
    value: state.value,
    reason: state.reason,
    ...(state.reasonData !== undefined && { reasonData: state.reasonData }),
    timestamp: cloudWatchTime(state.timestamp),
  };
}

export function alarmStateChangeEvent(
  alarm: AlarmRecord,
  previous: AlarmState,
  scope: { readonly region: string; readonly accountId: string },
): LocalEvent {
  const c = alarm.config;
  let id = metricIds.get(alarm);
  if (id === undefined) {
    id = randomUUID();
    metricIds.set(alarm, id);
  }
  return localEvent({
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    account: scope.accountId,
    region: scope.region,
    resources: [alarm.arn],
    time: alarm.state.timestamp,
    detail: {
      alarmName: c.name,
      state: stateDetail(alarm.state),
      previousState: stateDetail(previous),
      configuration: {
        ...(c.description !== undefined && { description: c.description }),
        metrics: [
          {
            id,
            metricStat: {
              metric: {
                namespace: c.namespace,
                name: c.metricName,
                dimensions: Object.fromEntries(c.dimensions.map((d) => [d.Name, d.Value])),
              },
              period: c.period,
              stat: c.statistic ?? c.extendedStatistic,
              ...(c.unit !== undefined && { unit: c.unit }),
            },
            returnData: true,
          },
        ],
      },
    },
  });
}

export function createAlarmEvaluator({ store, clock, emit }: AlarmEvaluatorOptions): AlarmEvaluator {
  const closing = new AbortController();

  const transition = (alarm: AlarmRecord, next: AlarmState): void => {
    const previous = alarm.state;
    alarm.state = next;
    if (previous.value === next.value) return;
    alarm.stateTransitioned = next.timestamp;
    emit(alarmStateChangeEvent(alarm, previous, store.scope));
  };

  const evaluateAt = (alarm: AlarmRecord, end: number): void => {
    const c = alarm.config;
    const periods = evaluatedPeriods(c, end, (start, stop) =>
      store.samples(c.namespace, c.metricName, c.dimensions, start, stop, c.unit),
    );
    const result = evaluate(c, periods, clock.now());
    if (result.state === undefined || result.state === alarm.state.value) return;
    transition(alarm, {
      value: result.state,
      reason: result.reason,
      reasonData: result.reasonData,
      timestamp: clock.now(),
    });
  };

  const run = async (alarm: AlarmRecord, signal: AbortSignal): Promise<void> => {
    const periodMs = alarm.config.period * 1000;
    let next = (Math.floor(clock.now() / periodMs) + 1) * periodMs;
    for (;;) {
      for (let wait = next - clock.now(); wait > 0; wait = next - clock.now()) await clock.sleep(wait / 1000, signal);
      if (signal.aborted || store.alarms.get(alarm.config.name) !== alarm) return;
      try {
        evaluateAt(alarm, next);
      } catch (error) {
        // One failed evaluation (an event target that throws) must not end the alarm's evaluation for good.
        process.emitWarning(`local CloudWatch could not evaluate alarm ${alarm.config.name}: ${String(error)}`);
      }
      // A busy process may wake late: evaluate the period that closed last, once, rather than every missed one.
      next = Math.max(next + periodMs, Math.floor(clock.now() / periodMs) * periodMs);
    }
  };

  return {
    start(alarm) {
      alarm.stopEvaluation();
      const own = new AbortController();
      const signal = AbortSignal.any([own.signal, closing.signal]);
      alarm.stopEvaluation = () => own.abort(new Error('alarm evaluation stopped'));
      run(alarm, signal).catch(() => undefined);
    },
    transition,
    close: () => closing.abort(new Error('local CloudWatch was closed')),
  };
}
