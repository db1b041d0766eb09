import { createClock } from '../../../../local/aws/clock';
import { LocalNetwork } from '../../../../local/aws/network';
import { InvalidMatcherError } from '../../../../local/dataplane/health/matcher';
import {
  TargetGroupHealth,
  type LocalTargetGroupHealthOptions,
  type TargetHealthChange,
} from '../../../../local/dataplane/health/target-group-health';
import type { HealthCheckConfig } from '../../../../local/dataplane/types';
import { startControlledServer, trailingRun, waitFor, type ControlledServer } from '../test-support';

// At timeScale 0.01 an emulated second is 10 ms: a 1 s interval checks every 10 ms of wall time.
const clock = createClock(0.01);
const CONFIG: HealthCheckConfig = {
  path: '/healthz',
  intervalSeconds: 1,
  timeoutSeconds: 5,
  healthyThresholdCount: 3,
  unhealthyThresholdCount: 2,
  matcher: '200',
};
const IP = '10.0.0.11';
const CONTAINER_PORT = 80;

let server: ControlledServer;
let network: LocalNetwork;
const groups: TargetGroupHealth[] = [];

beforeEach(async () => {
  server = await startControlledServer();
  network = new LocalNetwork();
  network.bind(IP, CONTAINER_PORT, { host: '127.0.0.1', port: server.port });
});

afterEach(async () => {
  for (const group of groups.splice(0)) group.close();
  await server.close();
});

function createGroup(overrides: Partial<LocalTargetGroupHealthOptions> = {}): {
  group: TargetGroupHealth;
  changes: TargetHealthChange[];
} {
  const group = new TargetGroupHealth({
    config: CONFIG,
    clock,
    resolve: (id, port) => network.resolve(id, port),
    ...overrides,
  });
  groups.push(group);
  const changes: TargetHealthChange[] = [];
  group.onChange((change) => changes.push(change));
  return { group, changes };
}

const stateOf = (group: TargetGroupHealth): string | undefined => group.describe()[0]?.health.state;

describe('TargetGroupHealth', () => {
  it('starts a new target as initial (Elb.RegistrationInProgress) and makes it healthy after one passed check', async () => {
    const { group, changes } = createGroup();
    group.register(IP, CONTAINER_PORT);
    expect(group.describe()).toEqual([
      {
        id: IP,
        port: CONTAINER_PORT,
        health: {
          state: 'initial',
          reason: 'Elb.RegistrationInProgress',
          description: 'Target registration is in progress',
        },
      },
    ]);
    await waitFor(() => stateOf(group) === 'healthy', 'healthy');
    expect(group.describe()[0]?.health).toEqual({ state: 'healthy' });
    expect(server.requests[0]).toBe('/healthz');
    expect(changes.map((c) => c.health?.state)).toEqual(['initial', 'healthy']);
  });

  it('with newTargetHealthyChecks, stays initial (Elb.InitialHealthChecking) until that many checks pass', async () => {
    const { group, changes } = createGroup({ newTargetHealthyChecks: 3 });
    group.register(IP, CONTAINER_PORT);
    await waitFor(() => stateOf(group) === 'healthy', 'healthy');
    expect(changes.map((c) => c.health?.reason ?? c.health?.state)).toEqual([
      'Elb.RegistrationInProgress',
      'Elb.InitialHealthChecking',
      'healthy',
    ]);
    expect(server.answers.length).toBeGreaterThanOrEqual(3);
  });

  it('goes unhealthy after exactly unhealthyThresholdCount failures and back after healthyThresholdCount passes', async () => {
    const { group } = createGroup();
    const runsAtTransition: number[] = [];
    group.onChange((change) => {
      if (change.health?.state === 'unhealthy') runsAtTransition.push(trailingRun(server.answers, 500));
      if (change.health?.state === 'healthy') runsAtTransition.push(trailingRun(server.answers, 200));
    });
    group.register(IP, CONTAINER_PORT);
    await waitFor(() => stateOf(group) === 'healthy', 'healthy');

    server.status = 500;
    await waitFor(() => stateOf(group) === 'unhealthy', 'unhealthy');
    expect(group.describe()[0]?.health).toEqual({
      state: 'unhealthy',
      reason: 'Target.ResponseCodeMismatch',
      description: 'Health checks failed with these codes: [500]',
    });

    server.status = 200;
    await waitFor(() => stateOf(group) === 'healthy', 'healthy again');
    // First healthy: 1 pass (new target); unhealthy: 2 failures in a row; healthy again: 3 passes in a row.
    expect(runsAtTransition).toEqual([1, CONFIG.unhealthyThresholdCount, CONFIG.healthyThresholdCount]);
  });

  it('accepts the codes of the matcher', async () => {
    server.status = 302;
    const { group } = createGroup({ config: { ...CONFIG, matcher: '200-299,302' } });
    group.register(IP, CONTAINER_PORT);
    await waitFor(() => stateOf(group) === 'healthy', 'healthy with 302');
  });

  it('rejects an invalid matcher', () => {
    expect(() => createGroup({ config: { ...CONFIG, matcher: '200-' } })).toThrow(InvalidMatcherError);
  });

  it('reports Target.Timeout when the target answers after the timeout', async () => {
    server.delayMs = 300;
    // 2 emulated seconds = 20 ms of wall time; the floor is lowered so the timeout really is that short.
    const { group } = createGroup({ config: { ...CONFIG, timeoutSeconds: 2 }, minTimeoutWallMs: 0 });
    group.register(IP, CONTAINER_PORT);
    await waitFor(() => stateOf(group) === 'unhealthy', 'unhealthy');
    expect(group.describe()[0]?.health).toEqual({
      state: 'unhealthy',
      reason: 'Target.Timeout',
      description: 'Request timed out',
    });
  });

  it('reports Target.FailedHealthChecks when nothing listens behind the target', async () => {
    const { group, changes } = createGroup();
    network.unbind(IP, CONTAINER_PORT);
    group.register(IP, CONTAINER_PORT);
    await waitFor(() => stateOf(group) === 'unhealthy', 'unhealthy');
    expect(group.describe()[0]?.health).toMatchObject({ state: 'unhealthy', reason: 'Target.FailedHealthChecks' });
    expect(changes.map((c) => c.health?.reason)).toEqual([
      'Elb.RegistrationInProgress',
      'Elb.InitialHealthChecking',
      'Target.FailedHealthChecks',
    ]);
    expect(group.routeTargets()).toEqual([]);
  });

  it('resolves route targets to the real address with a healthy flag', async () => {
    const { group } = createGroup();
    group.register(IP, CONTAINER_PORT);
    expect(group.routeTargets()).toEqual([{ host: '127.0.0.1', port: server.port, healthy: false }]);
    await waitFor(() => stateOf(group) === 'healthy', 'healthy');
    expect(group.routeTargets()).toEqual([{ host: '127.0.0.1', port: server.port, healthy: true }]);
  });

  it('treats a target resolved to port 0 (task not listening yet) as unreachable and not routable', async () => {
    const { group } = createGroup();
    network.bind(IP, CONTAINER_PORT, { host: '127.0.0.1', port: 0 });
    group.register(IP, CONTAINER_PORT);
    expect(group.routeTargets()).toEqual([]);
    await waitFor(() => stateOf(group) === 'unhealthy', 'unhealthy');
    expect(group.describe()[0]?.health.reason).toBe('Target.FailedHealthChecks');
  });

  it('drains a deregistered target for the deregistration delay, then removes it', async () => {
    const { group, changes } = createGroup();
    group.register(IP, CONTAINER_PORT);
    await waitFor(() => stateOf(group) === 'healthy', 'healthy');

    const deregisteredAt = Date.now();
    group.deregister(IP, CONTAINER_PORT, 20);
    expect(group.describe()[0]?.health).toEqual({
      state: 'draining',
      reason: 'Target.DeregistrationInProgress',
      description: 'Target deregistration is in progress',
    });
    expect(group.routeTargets()).toEqual([]);
    await waitFor(() => group.describe().length === 0, 'removal');
    expect(Date.now() - deregisteredAt).toBeGreaterThanOrEqual(clock.wallMs(20) - 5);
    expect(changes.at(-1)).toEqual({ id: IP, port: CONTAINER_PORT, health: undefined });
  });

  it('removes at once with a deregistration delay of 0', () => {
    const { group } = createGroup();
    group.register(IP, CONTAINER_PORT);
    group.deregister(IP, CONTAINER_PORT, 0);
    expect(group.describe()).toEqual([]);
  });

  it('registering a draining target again cancels the removal and starts it over as initial', async () => {
    const { group } = createGroup();
    group.register(IP, CONTAINER_PORT);
    group.deregister(IP, CONTAINER_PORT, 5);
    group.register(IP, CONTAINER_PORT);
    expect(stateOf(group)).toBe('initial');
    await waitFor(() => stateOf(group) === 'healthy', 'healthy');
    // Well past the 5 s (50 ms) delay, the target is still there.
    await new Promise((resolve) => setTimeout(resolve, clock.wallMs(10)));
    expect(group.describe()).toHaveLength(1);
  });

  it('reports unused (Target.NotInUse) and does not check while no listener uses the group', async () => {
    const { group } = createGroup({ inUse: false });
    group.register(IP, CONTAINER_PORT);
    expect(group.describe()[0]?.health).toEqual({
      state: 'unused',
      reason: 'Target.NotInUse',
      description: 'Target group is not configured to receive traffic from the load balancer',
    });
    await new Promise((resolve) => setTimeout(resolve, clock.wallMs(5)));
    expect(server.requests).toEqual([]);

    group.setInUse(true);
    expect(stateOf(group)).toBe('initial');
    await waitFor(() => stateOf(group) === 'healthy', 'healthy');

    group.setInUse(false);
    expect(stateOf(group)).toBe('unused');
  });

  it('stops checking when closed', async () => {
    const { group } = createGroup();
    group.register(IP, CONTAINER_PORT);
    await waitFor(() => stateOf(group) === 'healthy', 'healthy');
    group.close();
    // A check already on the wire when close() ran may still land; after that, none.
    await new Promise((resolve) => setTimeout(resolve, clock.wallMs(2)));
    const checks = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, clock.wallMs(10)));
    expect(server.requests.length).toBe(checks);
    expect(() => group.register(IP, CONTAINER_PORT)).toThrow(/closed/);
  });
});
