/**
 * Local CloudWatch: the CloudWatch API (JSON 1.0 `GraniteServiceVersion20100801` in query-compatible mode, as SDK v3
 * speaks it, and the query protocol of the AWS CLI v1) for metric alarms and metrics: PutMetricAlarm, DescribeAlarms,
 * DeleteAlarms, SetAlarmState, PutMetricData and GetMetricStatistics. Alarms are evaluated as their periods close on
 * the emulated clock, and each state change goes to EventBridge; the load balancer's metrics come from the real data
 * plane (alb-metrics.ts). What differs from AWS is in README.md.
 */
import type { Clock } from '../aws/clock';
import { AwsError, type EmulatedService } from '../aws/service';
import type { ListenerRequestOutcome } from '../dataplane/types';
import type { LocalEvent } from '../events/event-bus';
import { createAlarmEvaluator } from './alarm-evaluator';
import { deleteAlarms, describeAlarms, putMetricAlarm, setAlarmState } from './alarm-operations';
import { AlbMetrics, type TargetGroupHostCount } from './alb-metrics';
import type { AlarmRecord, Dimension } from './model';
import { getMetricStatistics, putMetricData } from './metric-operations';
import type { OperationHandler } from './operation-context';
import { aggregate, type PeriodStatistics } from './statistics';
import { CloudWatchStore } from './store';

export interface CloudWatchServiceOptions {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** Receives every `CloudWatch Alarm State Change` (local EventBridge). */
  readonly emit?: (event: LocalEvent) => void;
  /** The target groups behind listeners and their target health, sampled for HealthyHostCount. @default none */
  readonly hostCounts?: () => readonly TargetGroupHostCount[];
  /** Emulated seconds between two samples of the host counts. @default 60 (ALB reports every minute) */
  readonly hostSampleSeconds?: number;
}

export interface LocalCloudWatch extends EmulatedService {
  /** The data plane's report of one client request (pass to the listeners' onRequest). */
  recordListenerRequest(outcome: ListenerRequestOutcome): void;
  /** Samples HealthyHostCount / UnHealthyHostCount now (also done every hostSampleSeconds). */
  sampleHostCounts(): void;
  /**
   * The statistics of one metric (namespace, name, exact dimension set) over emulated epoch milliseconds
   * start <= t < end, as GetMetricStatistics computes one period; undefined when it has no data then. For in-process
   * readers (local Application Auto Scaling's target tracking).
   */
  statistics(
    namespace: string,
    metricName: string,
    dimensions: readonly Dimension[],
    start: number,
    end: number,
  ): PeriodStatistics | undefined;
  /** The alarm by name, for tests and diagnostics. */
  alarm(name: string): Readonly<AlarmRecord> | undefined;
  /** Stops alarm evaluation and sampling. */
  close(): Promise<void>;
}

const HANDLERS: Readonly<Record<string, OperationHandler>> = {
  PutMetricAlarm: putMetricAlarm,
  DescribeAlarms: describeAlarms,
  DeleteAlarms: deleteAlarms,
  SetAlarmState: setAlarmState,
  PutMetricData: putMetricData,
  GetMetricStatistics: getMetricStatistics,
};

export function createCloudWatchService(options: CloudWatchServiceOptions): LocalCloudWatch {
  const { clock, region, accountId } = options;
  const store = new CloudWatchStore({ region, accountId }, () => clock.now());
  const evaluator = createAlarmEvaluator({ store, clock, emit: options.emit ?? (() => undefined) });
  const alb = new AlbMetrics(store, clock);
  const sampleHostCounts = (): void => {
    if (options.hostCounts) alb.sampleHosts(options.hostCounts());
  };
  const stopSampling = options.hostCounts
    ? clock.every(options.hostSampleSeconds ?? 60, () => {
        try {
          sampleHostCounts();
        } catch (error) {
          // A timer's exception would end the process; a missed sample is a gap in the metric, as on AWS.
          process.emitWarning(`local CloudWatch could not sample target health: ${String(error)}`);
        }
      })
    : () => undefined;

  return {
    serviceId: 'CloudWatch',
    operations: new Set(Object.keys(HANDLERS)),
    invoke(operation, input, call) {
      const handler = HANDLERS[operation];
      if (!handler) return Promise.reject(new AwsError('InvalidAction', `Unknown operation ${operation}`));
      try {
        return Promise.resolve(handler({ store, evaluator, call }, input));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
    recordListenerRequest: (outcome) => alb.record(outcome),
    sampleHostCounts,
    statistics: (namespace, metricName, dimensions, start, end) =>
      aggregate(store.samples(namespace, metricName, dimensions, start, end)),
    alarm: (name) => store.alarms.get(name),
    close() {
      stopSampling();
      evaluator.close();
      for (const alarm of store.alarms.values()) alarm.stopEvaluation();
      return Promise.resolve();
    },
  };
}
