/**
 * The parts of the local data plane (local/dataplane) the ELBv2 model drives: one real HTTP listener per ELBv2
 * listener, and one health checker per target group in use. Injected so tests can swap in fakes.
 */
import type {
  ListenerOptions,
  ListenerServer,
  RouteTarget,
  TargetGroupHealthOptions,
  TargetHealthStatus,
} from '../dataplane/types';

/** What ELBv2 uses of the data plane's TargetGroupHealth. */
export interface TargetGroupHealthChecker {
  register(id: string, port: number): void;
  /** Draining for `deregistrationDelaySeconds`, then removed. */
  deregister(id: string, port: number, deregistrationDelaySeconds: number): void;
  describe(): Array<{ id: string; port: number; health: TargetHealthStatus }>;
  routeTargets(): RouteTarget[];
  close(): void | Promise<void>;
}

export interface Elbv2DataPlane {
  startListener(options: ListenerOptions): Promise<ListenerServer>;
  createTargetGroupHealth(options: TargetGroupHealthOptions): TargetGroupHealthChecker;
}
