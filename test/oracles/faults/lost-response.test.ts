import {
  CreateTargetGroupCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateClusterCommand, DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs';
import type { FaultCall } from '../../../local/aws/faults';
import { accessKeyForRole } from '../../../local/aws/principal';
import { localClientConfig } from '../../../local/aws/client-config';
import { FaultInjector } from '../../../oracles/faults/fault-plan';
import { startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';

/**
 * Lost responses (applied, then answered with a 5xx or not at all) and held calls, through the real server: distinct
 * from a fault before invoke, where the service never sees the call.
 */
const ROLE = 'arn:aws:iam::123456789012:role/DeployGreenRole';

let aws: RunningLocalAws;
const injector = new FaultInjector();
beforeAll(async () => {
  aws = await startLocalAwsStack({ faults: injector, timeScale: 0.01, ports: { api: 0, listeners: {} } });
});
afterAll(async () => aws?.close());
afterEach(() => injector.disarm());

const signed = () => ({
  ...localClientConfig(aws.endpoint, 'us-east-1'),
  credentials: { accessKeyId: accessKeyForRole(ROLE), secretAccessKey: 'local' },
});

test('a lost 5xx: the cluster is created, the caller gets ServerException, the call log says both', async () => {
  injector.arm({ lost: [{ service: 'ECS', operation: 'CreateCluster', answer: 'server-error', call: 1 }] });
  const ecs = new ECSClient(signed());
  try {
    await expect(ecs.send(new CreateClusterCommand({ clusterName: 'lost-5xx' }))).rejects.toMatchObject({
      name: 'ServerException',
      $metadata: { httpStatusCode: 500 },
    });
    const described = await ecs.send(new DescribeClustersCommand({ clusters: ['lost-5xx'] }));
    expect(described.clusters?.map((c) => c.status)).toEqual(['ACTIVE']);
  } finally {
    ecs.destroy();
  }
  const [record] = aws.server.callLog.entries({ operation: 'CreateCluster' }).slice(-1);
  expect(record?.outcome).toEqual({ ok: true });
  expect(record?.lostResponse).toBe('ServerException');
  expect(injector.lostResponses().map((l) => [l.operation, l.n, l.answer])).toEqual([
    ['CreateCluster', 1, 'server-error'],
  ]);
  expect(injector.injected()).toEqual([]);
});

test('a dropped connection: the target group exists, the caller sees no HTTP response', async () => {
  injector.arm({
    lost: [{ service: 'Elastic Load Balancing v2', operation: 'CreateTargetGroup', answer: 'drop', call: 1 }],
  });
  const elb = new ElasticLoadBalancingV2Client(signed());
  try {
    const error = await elb
      .send(
        new CreateTargetGroupCommand({
          Name: 'lost-drop',
          Protocol: 'HTTP',
          Port: 80,
          VpcId: 'vpc-1',
          TargetType: 'ip',
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e as { $metadata?: { httpStatusCode?: number } },
      );
    expect(error).toBeDefined();
    expect(error?.$metadata?.httpStatusCode).toBeUndefined();
    const described = await elb.send(new DescribeTargetGroupsCommand({ Names: ['lost-drop'] }));
    expect(described.TargetGroups?.map((tg) => tg.TargetGroupName)).toEqual(['lost-drop']);
  } finally {
    elb.destroy();
  }
  expect(aws.server.callLog.entries({ operation: 'CreateTargetGroup' }).slice(-1)[0]?.lostResponse).toBe('dropped');
});

test('only the numbered calls lose their answer; unsigned calls neither count nor lose theirs', async () => {
  injector.arm({ lost: [{ service: 'ECS', operation: 'CreateCluster', answer: 'server-error', call: 2 }] });
  const unsigned = new ECSClient(localClientConfig(aws.endpoint, 'us-east-1'));
  const ecs = new ECSClient(signed());
  try {
    await unsigned.send(new CreateClusterCommand({ clusterName: 'mine' }));
    await ecs.send(new CreateClusterCommand({ clusterName: 'first' }));
    await expect(ecs.send(new CreateClusterCommand({ clusterName: 'second' }))).rejects.toMatchObject({
      name: 'ServerException',
    });
    await ecs.send(new CreateClusterCommand({ clusterName: 'third' }));
  } finally {
    unsigned.destroy();
    ecs.destroy();
  }
  expect(injector.lostResponses().map((l) => l.n)).toEqual([2]);
});

test('a gate holds a call until it settles; an error it resolves to answers instead of the service', async () => {
  const order: string[] = [];
  let release: (error?: Error) => void = () => undefined;
  const remove = injector.gate((call: FaultCall) =>
    call.operation === 'CreateCluster'
      ? new Promise((resolve) => {
          order.push('held');
          release = (error) => resolve(error as never);
        })
      : undefined,
  );
  const ecs = new ECSClient(signed());
  try {
    const pending = ecs.send(new CreateClusterCommand({ clusterName: 'held' }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = await ecs.send(new DescribeClustersCommand({ clusters: ['held'] }));
    order.push(`exists before release: ${before.clusters?.some((c) => c.status === 'ACTIVE') ?? false}`);
    release();
    await pending;
    order.push('answered');
  } finally {
    remove();
    ecs.destroy();
  }
  expect(order).toEqual(['held', 'exists before release: false', 'answered']);
});
