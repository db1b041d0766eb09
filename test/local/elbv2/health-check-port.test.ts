/**
 * HealthCheckPort: `traffic-port` checks each target on its registered port, a number checks that port instead
 * (real HTTP checks through the local data plane); values outside 1-65535 are a ValidationError as on ELBv2.
 */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClock } from '../../../local/aws/clock';
import { LocalNetwork } from '../../../local/aws/network';
import { startLocalAws, type LocalAws } from '../../../local/aws/server';
import { createElbv2Service, type Elbv2Service } from '../../../local/elbv2/service';

async function serve(status: number): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(String(status));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let servers: http.Server[];
let elbv2: Elbv2Service;
let aws: LocalAws;
let client: ElasticLoadBalancingV2Client;

beforeAll(async () => {
  // The target serves traffic on 8080 (failing its health path) and a health endpoint on 9090.
  const traffic = await serve(500);
  const health = await serve(200);
  servers = [traffic.server, health.server];
  const network = new LocalNetwork();
  network.bind('10.0.0.9', 8080, { host: '127.0.0.1', port: traffic.port });
  network.bind('10.0.0.9', 9090, { host: '127.0.0.1', port: health.port });
  elbv2 = createElbv2Service({
    clock: createClock(0.01),
    network,
    region: 'us-east-1',
    accountId: '123456789012',
    listenerPort: () => 0,
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
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const base = {
  Protocol: 'HTTP' as const,
  Port: 8080,
  VpcId: 'vpc-1',
  TargetType: 'ip' as const,
  HealthCheckIntervalSeconds: 5,
  HealthCheckTimeoutSeconds: 2,
};

async function stateOf(tgArn: string): Promise<{ state?: string; port?: string }> {
  const health = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
  const description = health.TargetHealthDescriptions?.[0];
  return { state: description?.TargetHealth?.State, port: description?.HealthCheckPort };
}

it('checks an explicit HealthCheckPort instead of the traffic port, and follows ModifyTargetGroup', async () => {
  const tg = await client.send(new CreateTargetGroupCommand({ ...base, Name: 'explicit', HealthCheckPort: '9090' }));
  const tgArn = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
  expect(tg.TargetGroups?.[0]?.HealthCheckPort).toBe('9090');
  await client.send(new RegisterTargetsCommand({ TargetGroupArn: tgArn, Targets: [{ Id: '10.0.0.9' }] }));
  const lb = await client.send(new CreateLoadBalancerCommand({ Name: 'hc' }));
  await client.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
    }),
  );
  const healthy = await eventually(
    () => stateOf(tgArn),
    (s) => s.state === 'healthy',
  );
  expect(healthy).toEqual({ state: 'healthy', port: '9090' });

  // Back to traffic-port: the checks go to 8080, which answers 500.
  await client.send(new ModifyTargetGroupCommand({ TargetGroupArn: tgArn, HealthCheckPort: 'traffic-port' }));
  const unhealthy = await eventually(
    () => stateOf(tgArn),
    (s) => s.state === 'unhealthy',
  );
  expect(unhealthy).toEqual({ state: 'unhealthy', port: '8080' });
});

it.each(['0', '65536', 'http', '-1'])('rejects HealthCheckPort %s with ValidationError', async (port) => {
  await expect(
    client.send(
      new CreateTargetGroupCommand({ ...base, Name: `bad-${port.replace(/\W/g, 'x')}`, HealthCheckPort: port }),
    ),
  ).rejects.toMatchObject({
    name: 'ValidationError',
    message: `Health check port ${port} must be within 1-65535 or traffic-port`,
  });
});
