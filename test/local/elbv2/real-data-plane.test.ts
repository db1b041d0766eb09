/**
 * ELBv2 with the real local data plane: a listener is a real HTTP port, health checks are real HTTP requests to a
 * target (here a tiny HTTP server standing in for a task), and routing follows ModifyListener on the next request.
 * Emulated time runs 100x faster, so a 5 s health check interval is 50 ms.
 */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClock } from '../../../local/aws/clock';
import { LocalNetwork } from '../../../local/aws/network';
import { startLocalAws, type LocalAws } from '../../../local/aws/server';
import { createElbv2Service, type Elbv2Service } from '../../../local/elbv2/service';

async function listenOnFreePort(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const probe = http.createServer();
  const port = await listenOnFreePort(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let target: http.Server;
let elbv2: Elbv2Service;
let aws: LocalAws;
let client: ElasticLoadBalancingV2Client;
let albLocalPort: number;

beforeAll(async () => {
  target = http.createServer((req, res) => {
    res.writeHead(req.url === '/healthz' ? 200 : 201, { 'content-type': 'text/plain' });
    res.end(`blue ${req.url ?? ''}`);
  });
  const network = new LocalNetwork();
  network.bind('10.0.0.7', 8080, { host: '127.0.0.1', port: await listenOnFreePort(target) });
  albLocalPort = await freePort();
  elbv2 = createElbv2Service({
    clock: createClock(0.01),
    network,
    region: 'us-east-1',
    accountId: '123456789012',
    listenerPort: () => albLocalPort,
  });
  aws = await startLocalAws({ port: 0, services: [elbv2.service] });
  client = new ElasticLoadBalancingV2Client({
    endpoint: aws.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await aws.close();
  await elbv2.close();
  target.closeAllConnections();
  await new Promise<void>((resolve) => target.close(() => resolve()));
});

it('health-checks a registered target, proxies to it, and follows ModifyListener on the next request', async () => {
  const tg = await client.send(
    new CreateTargetGroupCommand({
      Name: 'blue',
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: 'vpc-1',
      TargetType: 'ip',
      HealthCheckPath: '/healthz',
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 2,
    }),
  );
  const tgArn = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
  await client.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: '10.0.0.7' }] }));
  const lb = await client.send(new CreateLoadBalancerCommand({ Name: 'shop' }));
  const listener = await client.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
    }),
  );

  const state = await eventually(
    async () =>
      (await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }))).TargetHealthDescriptions?.[0]
        ?.TargetHealth?.State,
    (s) => s === 'healthy',
  );
  expect(state).toBe('healthy');

  const proxied = await fetch(`http://127.0.0.1:${albLocalPort}/page`);
  expect(proxied.status).toBe(201);
  expect(await proxied.text()).toBe('blue /page');

  await client.send(
    new ModifyListenerCommand({
      ListenerArn: listener.Listeners?.[0]?.ListenerArn,
      DefaultActions: [
        {
          Type: 'fixed-response',
          FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain', MessageBody: 'maintenance' },
        },
      ],
    }),
  );
  const fixed = await fetch(`http://127.0.0.1:${albLocalPort}/page`);
  expect(fixed.status).toBe(503);
  expect(await fixed.text()).toBe('maintenance');

  // No listener uses the group any more: health checks stop and the target reports unused.
  const unused = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
  expect(unused.TargetHealthDescriptions?.[0]?.TargetHealth).toMatchObject({
    State: 'unused',
    Reason: 'Target.NotInUse',
  });
});
