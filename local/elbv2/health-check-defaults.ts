/**
 * Health check settings of an HTTP/HTTPS (application load balancer) target group, with the defaults the ELBv2 API
 * reference gives for CreateTargetGroup when a member is omitted.
 */
import type { HealthCheckConfig } from '../dataplane/types';

export interface TargetGroupHealthSettings {
  HealthCheckProtocol: string;
  HealthCheckPort: string;
  HealthCheckEnabled: boolean;
  HealthCheckPath: string;
  HealthCheckIntervalSeconds: number;
  HealthCheckTimeoutSeconds: number;
  HealthyThresholdCount: number;
  UnhealthyThresholdCount: number;
  Matcher: { HttpCode: string };
}

export const HTTP_HEALTH_CHECK_DEFAULTS: Omit<TargetGroupHealthSettings, 'HealthCheckProtocol'> = {
  HealthCheckPort: 'traffic-port',
  HealthCheckEnabled: true,
  HealthCheckPath: '/',
  HealthCheckIntervalSeconds: 30,
  HealthCheckTimeoutSeconds: 6,
  HealthyThresholdCount: 5,
  UnhealthyThresholdCount: 2,
  Matcher: { HttpCode: '200' },
};

/** The data plane's view of the settings. */
export function toHealthCheckConfig(settings: TargetGroupHealthSettings): HealthCheckConfig {
  return {
    path: settings.HealthCheckPath,
    intervalSeconds: settings.HealthCheckIntervalSeconds,
    timeoutSeconds: settings.HealthCheckTimeoutSeconds,
    healthyThresholdCount: settings.HealthyThresholdCount,
    unhealthyThresholdCount: settings.UnhealthyThresholdCount,
    matcher: settings.Matcher.HttpCode,
    ...(settings.HealthCheckPort !== 'traffic-port' && { port: Number(settings.HealthCheckPort) }),
  };
}
