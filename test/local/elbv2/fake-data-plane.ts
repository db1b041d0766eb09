/**
 * A stand-in for local/dataplane in ELBv2 tests: listeners record their route callback instead of opening ports, and
 * target health is set by the test (targets start `initial`, as on AWS, until the test marks them).
 */
import type {
  ListenerOptions,
  ListenerServer,
  RouteTarget,
  TargetGroupHealthOptions,
  TargetHealthStatus,
} from '../../../local/dataplane/types';
import { PortInUseError } from '../../../local/dataplane/types';
import type { Elbv2DataPlane, TargetGroupHealthChecker } from '../../../local/elbv2/data-plane';

interface FakeTarget {
  id: string;
  port: number;
  health: TargetHealthStatus;
  drainingSeconds?: number;
}

export class FakeHealthChecker implements TargetGroupHealthChecker {
  readonly targets = new Map<string, FakeTarget>();
  closed = false;

  constructor(readonly options: TargetGroupHealthOptions) {}

  register(id: string, port: number): void {
    this.targets.set(`${id}:${port}`, { id, port, health: { state: 'initial', reason: 'Elb.RegistrationInProgress' } });
  }

  deregister(id: string, port: number, deregistrationDelaySeconds: number): void {
    const target = this.targets.get(`${id}:${port}`);
    if (!target) return;
    target.health = { state: 'draining', reason: 'Target.DeregistrationInProgress' };
    target.drainingSeconds = deregistrationDelaySeconds;
  }

  describe(): Array<{ id: string; port: number; health: TargetHealthStatus }> {
    return [...this.targets.values()].map(({ id, port, health }) => ({ id, port, health }));
  }

  routeTargets(): RouteTarget[] {
    return [...this.targets.values()]
      .filter((t) => t.health.state !== 'draining')
      .map((t) => ({ host: '127.0.0.1', port: t.port, healthy: t.health.state === 'healthy' }));
  }

  close(): void {
    this.closed = true;
  }

  /** Test control: mark every non-draining target healthy. */
  passAll(): void {
    for (const t of this.targets.values()) if (t.health.state !== 'draining') t.health = { state: 'healthy' };
  }
}

export class FakeDataPlane implements Elbv2DataPlane {
  readonly listeners = new Map<number, ListenerOptions & { closed: boolean }>();
  readonly checkers: FakeHealthChecker[] = [];
  readonly takenPorts = new Set<number>();

  startListener(options: ListenerOptions): Promise<ListenerServer> {
    if (this.takenPorts.has(options.port) || this.listeners.get(options.port)?.closed === false) {
      return Promise.reject(new PortInUseError(options.port, '--alb-port'));
    }
    const entry = { ...options, closed: false };
    this.listeners.set(options.port, entry);
    return Promise.resolve({
      port: options.port,
      close: () => {
        entry.closed = true;
        return Promise.resolve();
      },
    });
  }

  createTargetGroupHealth(options: TargetGroupHealthOptions): FakeHealthChecker {
    const checker = new FakeHealthChecker(options);
    this.checkers.push(checker);
    return checker;
  }

  /** The route callback of the (open) listener on a local port. */
  route(localPort: number): ListenerOptions['route'] {
    const listener = this.listeners.get(localPort);
    if (!listener || listener.closed) throw new Error(`no open listener on ${localPort}`);
    return listener.route;
  }

  liveCheckers(): FakeHealthChecker[] {
    return this.checkers.filter((c) => !c.closed);
  }
}
