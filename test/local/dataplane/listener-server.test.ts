import autocannon from 'autocannon';
import http from 'http';
import net from 'net';
import { createClock } from '../../../local/aws/clock';
import { TargetGroupHealth } from '../../../local/dataplane/health/target-group-health';
import { startListener } from '../../../local/dataplane/listener-server';
import { launchTask, type LocalTaskProcess } from '../../../local/dataplane/task-process';
import {
  PortInUseError,
  type ListenerRequest,
  type ListenerRequestOutcome,
  type ListenerServer,
  type RouteDecision,
  type RouteTarget,
} from '../../../local/dataplane/types';
import { get, isAlive, startControlledServer, waitFor, type ControlledServer } from './test-support';

const listeners: ListenerServer[] = [];
const servers: ControlledServer[] = [];

afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function listen(
  route: () => RouteDecision,
  extra: Omit<Parameters<typeof startListener>[0], 'port' | 'route'> = {},
): Promise<ListenerServer> {
  const listener = await startListener({ port: 0, route, ...extra });
  listeners.push(listener);
  return listener;
}

async function target(name: string): Promise<ControlledServer> {
  const server = await startControlledServer(name);
  servers.push(server);
  return server;
}

const routeTo = (server: ControlledServer, healthy = true): RouteTarget => ({
  host: '127.0.0.1',
  port: server.port,
  healthy,
});
const forward = (...groups: Array<{ weight: number; targets: RouteTarget[] }>): RouteDecision => ({
  kind: 'forward',
  groups,
});

describe('startListener', () => {
  it('answers a fixed response as the ALB', async () => {
    const listener = await listen(() => ({
      kind: 'fixed',
      statusCode: 404,
      contentType: 'text/plain',
      body: 'no rule',
    }));
    const response = await get(listener.port, '/anything');
    expect(response).toMatchObject({ status: 404, body: 'no rule' });
    expect(response.headers['content-type']).toBe('text/plain');
    expect(response.headers.server).toBe('awselb/2.0');
  });

  it('passes method, path and headers to route, per request', async () => {
    const seen: ListenerRequest[] = [];
    const listener = await startListener({
      port: 0,
      route: (request) => {
        seen.push(request);
        return { kind: 'fixed', statusCode: 200, contentType: 'text/plain', body: 'ok' };
      },
    });
    listeners.push(listener);
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: listener.port,
          path: '/a?b=1',
          method: 'DELETE',
          headers: { 'X-Test': 'yes' },
          agent: false,
        },
        (res) => res.resume().on('end', resolve),
      );
      req.on('error', reject);
      req.end();
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'DELETE', path: '/a?b=1', headers: { 'x-test': 'yes' } });
  });

  it('proxies to a target with X-Forwarded-* headers and the target response', async () => {
    const blue = await target('blue');
    const listener = await listen(() => forward({ weight: 1, targets: [routeTo(blue)] }));
    const response = await get(listener.port, '/page?x=1');
    expect(response).toMatchObject({ status: 200, body: 'blue' });
    expect(response.headers['x-served-by']).toBe('blue');
    expect(blue.requests).toEqual(['/page?x=1']);
    expect(blue.headers[0]).toMatchObject({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-port': String(listener.port),
    });
  });

  it('sends the port clients address as X-Forwarded-Port when given one (ELBv2: the ALB listener port)', async () => {
    const blue = await target('blue');
    const listener = await listen(() => forward({ weight: 1, targets: [routeTo(blue)] }), { forwardedPort: 80 });
    await get(listener.port, '/');
    expect(blue.headers[0]?.['x-forwarded-port']).toBe('80');
  });

  it('reports each request: who answered, the status, the group and listener ids, the target time', async () => {
    const blue = await target('blue');
    const outcomes: ListenerRequestOutcome[] = [];
    let decision: RouteDecision = {
      kind: 'forward',
      groups: [{ weight: 1, targets: [routeTo(blue)], id: 'tg-blue' }],
    };
    const listener = await listen(() => decision, { id: 'listener-1', onRequest: (o) => outcomes.push(o) });
    await get(listener.port, '/');
    decision = { kind: 'forward', groups: [{ weight: 1, targets: [], id: 'tg-empty' }] };
    await get(listener.port, '/');
    decision = { kind: 'fixed', statusCode: 404, contentType: 'text/plain', body: 'no' };
    await get(listener.port, '/');
    const closed = await startControlledServer('gone');
    await closed.close();
    decision = { kind: 'forward', groups: [{ weight: 1, targets: [routeTo(closed)], id: 'tg-gone' }] };
    await get(listener.port, '/');
    expect(outcomes).toEqual([
      {
        listenerId: 'listener-1',
        groupId: 'tg-blue',
        statusCode: 200,
        from: 'target',
        targetResponseWallMs: expect.any(Number) as number,
      },
      { listenerId: 'listener-1', statusCode: 503, from: 'elb' },
      { listenerId: 'listener-1', statusCode: 404, from: 'elb' },
      { listenerId: 'listener-1', groupId: 'tg-gone', statusCode: 502, from: 'elb' },
    ]);
  });

  it("passes a target's declared emulated delay to the report and never to the client", async () => {
    const slow = await target('slow');
    slow.responseHeaders = { 'X-Local-Emulated-Delay': '1.5; wall-ms=30' };
    const outcomes: ListenerRequestOutcome[] = [];
    const listener = await listen(() => forward({ weight: 1, targets: [routeTo(slow)] }), {
      onRequest: (o) => outcomes.push(o),
    });
    const response = await get(listener.port, '/');
    expect(response.headers['x-local-emulated-delay']).toBeUndefined();
    expect(response.headers['x-served-by']).toBe('slow');
    slow.responseHeaders = {};
    await get(listener.port, '/');
    expect(outcomes).toEqual([
      {
        statusCode: 200,
        from: 'target',
        targetResponseWallMs: expect.any(Number) as number,
        targetEmulatedDelay: { seconds: 1.5, wallMs: 30 },
      },
      { statusCode: 200, from: 'target', targetResponseWallMs: expect.any(Number) as number },
    ]);
  });

  it('round-robins over healthy targets and never sends to an unhealthy one while a healthy one exists', async () => {
    const [a, b, sick] = [await target('a'), await target('b'), await target('sick')];
    const listener = await listen(() =>
      forward({ weight: 1, targets: [routeTo(a), routeTo(sick, false), routeTo(b)] }),
    );
    const bodies = [];
    for (let i = 0; i < 4; i++) bodies.push((await get(listener.port)).body);
    expect(bodies).toEqual(['a', 'b', 'a', 'b']);
    expect(sick.requests).toEqual([]);
  });

  it('fails open to all targets when every target is unhealthy', async () => {
    const [a, b] = [await target('a'), await target('b')];
    const listener = await listen(() => forward({ weight: 1, targets: [routeTo(a, false), routeTo(b, false)] }));
    const bodies = new Set<string>();
    for (let i = 0; i < 4; i++) bodies.add((await get(listener.port)).body);
    expect(bodies).toEqual(new Set(['a', 'b']));
  });

  it('never picks a group of weight 0, and splits by weight', async () => {
    const [blue, green] = [await target('blue'), await target('green')];
    const zero = await listen(() =>
      forward({ weight: 0, targets: [routeTo(blue)] }, { weight: 1, targets: [routeTo(green)] }),
    );
    for (let i = 0; i < 20; i++) expect((await get(zero.port)).body).toBe('green');
    expect(blue.requests).toEqual([]);

    const draws = [0.05, 0.15, 0.5, 0.95];
    const split = await listen(
      () => forward({ weight: 10, targets: [routeTo(blue)] }, { weight: 90, targets: [routeTo(green)] }),
      { random: () => draws.shift() ?? 0 },
    );
    const bodies = [];
    for (let i = 0; i < 4; i++) bodies.push((await get(split.port)).body);
    expect(bodies).toEqual(['blue', 'green', 'green', 'green']);
  });

  it('answers 503 when the chosen group has no targets', async () => {
    const listener = await listen(() => forward({ weight: 1, targets: [] }));
    const response = await get(listener.port);
    expect(response.status).toBe(503);
    expect(response.headers.server).toBe('awselb/2.0');
    expect(response.body).toContain('503 Service Temporarily Unavailable');
  });

  it('answers 502 when the target cannot be reached', async () => {
    const gone = await target('gone');
    const port = gone.port;
    await gone.close();
    servers.pop();
    const listener = await listen(() => forward({ weight: 1, targets: [{ host: '127.0.0.1', port, healthy: true }] }));
    const response = await get(listener.port);
    expect(response.status).toBe(502);
    expect(response.body).toContain('502 Bad Gateway');
  });

  it('answers 500 when routing throws, and keeps serving', async () => {
    let fail = true;
    const listener = await listen(() => {
      if (fail) throw new Error('rule evaluation failed');
      return { kind: 'fixed', statusCode: 200, contentType: 'text/plain', body: 'ok' };
    });
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect((await get(listener.port)).status).toBe(500);
      fail = false;
      expect((await get(listener.port)).body).toBe('ok');
    } finally {
      warn.mockRestore();
    }
  });

  it('follows the rules as they change, request by request (the blue/green switch)', async () => {
    const [blue, green] = [await target('blue'), await target('green')];
    let live = blue;
    const listener = await listen(() => forward({ weight: 1, targets: [routeTo(live)] }));
    expect((await get(listener.port)).body).toBe('blue');
    live = green;
    expect((await get(listener.port)).body).toBe('green');
  });

  it('rejects with PortInUseError naming the port and the option when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const route = (): RouteDecision => forward();
      await expect(startListener({ port, route })).rejects.toEqual(new PortInUseError(port, '--port'));
      const failure = startListener({ port, route, portOption: '--alb-port' });
      await expect(failure).rejects.toBeInstanceOf(PortInUseError);
      await expect(failure).rejects.toMatchObject({ port, option: '--alb-port' });
      await expect(failure).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('frees the port on close', async () => {
    const listener = await listen(() => forward());
    const { port } = listener;
    await listener.close();
    await expect(get(port)).rejects.toThrow(/ECONNREFUSED/);
    await listener.close(); // idempotent
  });

  it('keeps connections to targets alive under 50 concurrent clients, without errors', async () => {
    const [a, b] = [await target('a'), await target('b')];
    const listener = await listen(() => forward({ weight: 1, targets: [routeTo(a), routeTo(b)] }));
    const result = await autocannon({ url: `http://127.0.0.1:${listener.port}/`, connections: 50, amount: 3000 });
    expect(result.errors).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result.requests.total).toBe(3000);
    expect(a.requests.length + b.requests.length).toBe(3000);
    // Without keep-alive this would be ~3000 connections.
    expect(a.connections + b.connections).toBeLessThanOrEqual(120);
  });
});

describe('data plane end to end', () => {
  const clock = createClock(0.01);
  const tasks: LocalTaskProcess[] = [];
  const groups: TargetGroupHealth[] = [];

  afterAll(async () => {
    for (const group of groups) group.close();
    await Promise.all(tasks.map((task) => task.stop('test cleanup')));
    for (const task of tasks) expect(isAlive(task.pid)).toBe(false);
  });

  it('routes to real tasks through health-checked target groups and shifts traffic from blue to green', async () => {
    const addresses = new Map<string, LocalTaskProcess>();
    const startTask = async (ip: string, image: string): Promise<void> => {
      const task = await launchTask({ image, commit: 'c0ffee1' }, clock);
      tasks.push(task);
      await task.ready;
      addresses.set(ip, task);
    };
    await Promise.all([startTask('10.0.0.1', 'local/demo-app:blue'), startTask('10.0.0.2', 'local/demo-app:green')]);
    const config = {
      path: '/healthz',
      intervalSeconds: 5,
      timeoutSeconds: 2,
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 2,
      matcher: '200',
    };
    const resolve = (ip: string): { host: string; port: number } | undefined => {
      const task = addresses.get(ip);
      return task === undefined ? undefined : { host: task.host, port: task.port };
    };
    const blue = new TargetGroupHealth({ config, clock, resolve });
    const green = new TargetGroupHealth({ config, clock, resolve });
    groups.push(blue, green);
    blue.register('10.0.0.1', 80);
    green.register('10.0.0.2', 80);
    await waitFor(() => [blue, green].every((g) => g.describe()[0]?.health.state === 'healthy'), 'both groups healthy');

    let weights = { blue: 1, green: 0 };
    const listener = await listen(() =>
      forward(
        { weight: weights.blue, targets: blue.routeTargets() },
        { weight: weights.green, targets: green.routeTargets() },
      ),
    );
    const versionOf = async (): Promise<string> => String((await get(listener.port)).headers['x-app-version']);
    expect(await versionOf()).toBe('blue/c0ffee1');
    weights = { blue: 0, green: 1 };
    expect(await versionOf()).toBe('green/c0ffee1');
    const page = await get(listener.port);
    expect(page.body).toContain('<h1 id="colour">green</h1>');
  });
});
