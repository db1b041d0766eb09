/**
 * AWS/ApplicationELB metrics from the real data plane: each client request a listener answers (reported by the
 * listener's onRequest callback, local/dataplane) and the target health ELBv2 keeps, sampled every minute.
 *
 * As AWS publishes them (Elastic Load Balancing guide, "CloudWatch metrics for your Application Load Balancer"), with
 * the dimensions taken from the ARNs: LoadBalancer = `app/NAME/ID`, TargetGroup = `targetgroup/NAME/ID`:
 * - RequestCount, HTTPCode_Target_nXX_Count, TargetResponseTime (seconds): per {LoadBalancer} and per
 *   {LoadBalancer, TargetGroup}, for requests the listener chose a target for;
 * - HTTPCode_ELB_4XX_Count / HTTPCode_ELB_5XX_Count: per {LoadBalancer}, for answers the load balancer generated;
 * - HealthyHostCount / UnHealthyHostCount: per {LoadBalancer, TargetGroup} for target groups a listener forwards to.
 * Counts are reported only when something happened (no zero data points), as ALB does; health checks never pass
 * through a listener, so they are never counted.
 */
import type { Clock } from '../aws/clock';
import type { ListenerRequestOutcome } from '../dataplane/types';
import type { Elbv2DataPlane } from '../elbv2/data-plane';
import type { Elbv2State } from '../elbv2/snapshot';
import type { Dimension } from './model';
import type { CloudWatchStore, StoredSeries } from './store';

export const ALB_NAMESPACE = 'AWS/ApplicationELB';

/** `app/NAME/ID` from a load balancer, listener or rule ARN. */
export function loadBalancerDimension(arn: string): string | undefined {
  const match = /:(?:loadbalancer|listener|listener-rule)\/(app\/[^/]+\/[^/]+)/.exec(arn);
  return match?.[1];
}

/** `targetgroup/NAME/ID` from a target group ARN. */
export function targetGroupDimension(arn: string): string | undefined {
  return /:(targetgroup\/[^/]+\/[^/]+)$/.exec(arn)?.[1];
}

export interface TargetGroupHostCount {
  readonly targetGroupArn: string;
  /** The load balancers whose listeners forward to it. */
  readonly loadBalancerArns: readonly string[];
  readonly healthy: number;
  readonly unhealthy: number;
}

/** Healthy and unhealthy targets of each target group a listener forwards to, from ELBv2's state. */
export function albHostCounts(state: Elbv2State): TargetGroupHostCount[] {
  return state.targetGroups.flatMap((tg) => {
    const loadBalancerArns = [
      ...new Set(
        state.listeners
          .filter((l) => JSON.stringify([l.defaultActions, l.rules]).includes(JSON.stringify(tg.arn)))
          .map((l) => l.loadBalancerArn),
      ),
    ];
    if (loadBalancerArns.length === 0) return [];
    return [
      {
        targetGroupArn: tg.arn,
        loadBalancerArns,
        healthy: tg.targets.filter((t) => t.health.state === 'healthy').length,
        unhealthy: tg.targets.filter((t) => t.health.state === 'unhealthy').length,
      },
    ];
  });
}

/**
 * TargetResponseTime of one answer, in seconds: the emulated delay the target declared (a demo image's slow request
 * waits on the emulated clock), plus the rest of the wall time from sending the request to the response headers,
 * taken as it is, not divided by the time scale. That rest is the host's own work (Node, HTTP, an event loop
 * shared with the whole emulator), which real targets on AWS would spend in real time too; scaling it would make a
 * few milliseconds of a busy 2-core machine read as seconds at a fast clock. Never less than the declared delay, so a
 * target that is slow on the emulated clock always reads at least as slow as it is.
 */
export function targetResponseSeconds(
  outcome: Pick<ListenerRequestOutcome, 'targetResponseWallMs' | 'targetEmulatedDelay'>,
): number | undefined {
  if (outcome.targetResponseWallMs === undefined) return undefined;
  const delay = outcome.targetEmulatedDelay;
  const hostMs = Math.max(0, outcome.targetResponseWallMs - (delay?.wallMs ?? 0));
  return (delay?.seconds ?? 0) + hostMs / 1000;
}

/** The data plane with every listener reporting its requests to `record`. */
export function withListenerMetrics(
  dataPlane: Elbv2DataPlane,
  record: (outcome: ListenerRequestOutcome) => void,
): Elbv2DataPlane {
  return { ...dataPlane, startListener: (options) => dataPlane.startListener({ ...options, onRequest: record }) };
}

export class AlbMetrics {
  /** Series by metric name and dimension values: every request adds to several, so they are looked up once. */
  private readonly series = new Map<string, StoredSeries>();

  constructor(
    private readonly store: CloudWatchStore,
    private readonly clock: Clock,
  ) {}

  private add(metricName: string, dimensionSets: readonly Dimension[][], value: number, unit: string): void {
    const sample = { t: this.clock.now(), unit, values: [value] };
    for (const dimensions of dimensionSets) {
      const key = `${metricName} ${dimensions.map((d) => d.Value).join(' ')}`;
      let series = this.series.get(key);
      if (!series) {
        series = this.store.series(ALB_NAMESPACE, metricName, dimensions);
        this.series.set(key, series);
      }
      this.store.push(series, sample);
    }
  }

  /** One client request a listener answered. */
  record(outcome: ListenerRequestOutcome): void {
    const lb = outcome.listenerId === undefined ? undefined : loadBalancerDimension(outcome.listenerId);
    if (lb === undefined) return;
    const lbOnly: Dimension[][] = [[{ Name: 'LoadBalancer', Value: lb }]];
    const tg = outcome.groupId === undefined ? undefined : targetGroupDimension(outcome.groupId);
    const perTarget: Dimension[][] =
      tg === undefined
        ? lbOnly
        : [
            ...lbOnly,
            [
              { Name: 'LoadBalancer', Value: lb },
              { Name: 'TargetGroup', Value: tg },
            ],
          ];
    const klass = Math.floor(outcome.statusCode / 100);
    // A target was chosen: the request counts, whoever answered (a target that cannot be reached gives the ALB's 502).
    if (tg !== undefined) this.add('RequestCount', perTarget, 1, 'Count');
    if (outcome.from === 'target') {
      if (klass >= 2 && klass <= 5) this.add(`HTTPCode_Target_${klass}XX_Count`, perTarget, 1, 'Count');
      const seconds = targetResponseSeconds(outcome);
      if (seconds !== undefined) this.add('TargetResponseTime', perTarget, seconds, 'Seconds');
    } else if (klass === 4 || klass === 5) {
      this.add(`HTTPCode_ELB_${klass}XX_Count`, lbOnly, 1, 'Count');
    }
  }

  /** One sample of HealthyHostCount and UnHealthyHostCount per target group and load balancer. */
  sampleHosts(groups: readonly TargetGroupHostCount[]): void {
    for (const group of groups) {
      const tg = targetGroupDimension(group.targetGroupArn);
      if (tg === undefined) continue;
      for (const lbArn of group.loadBalancerArns) {
        const lb = loadBalancerDimension(lbArn);
        if (lb === undefined) continue;
        const dimensions = [
          { Name: 'LoadBalancer', Value: lb },
          { Name: 'TargetGroup', Value: tg },
        ];
        this.add('HealthyHostCount', [dimensions], group.healthy, 'Count');
        this.add('UnHealthyHostCount', [dimensions], group.unhealthy, 'Count');
      }
    }
  }
}
