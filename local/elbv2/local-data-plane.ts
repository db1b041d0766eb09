/** The real local data plane (local/dataplane): HTTP listeners on 127.0.0.1 and HTTP health checks. */
import { TargetGroupHealth } from '../dataplane/health/target-group-health';
import { startListener } from '../dataplane/listener-server';
import type { Elbv2DataPlane } from './data-plane';

export const localDataPlane: Elbv2DataPlane = {
  startListener: (options) => startListener(options),
  createTargetGroupHealth: (options) => new TargetGroupHealth(options),
};
