import { EcsHarness, type Failure, type ServiceWire, waitFor } from './support/ecs-harness';

describe('ECS clusters and EXTERNAL services', () => {
  let h: EcsHarness;

  beforeEach(() => {
    h = new EcsHarness();
  });

  afterEach(() => h.close());

  it('creates clusters idempotently and reports unknown ones as MISSING', async () => {
    const first = await h.call<{ cluster: { clusterArn: string; status: string } }>('CreateCluster', {
      clusterName: 'demo',
    });
    const again = await h.call<{ cluster: { clusterArn: string } }>('CreateCluster', { clusterName: 'demo' });
    expect(first.cluster).toMatchObject({
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/demo',
      status: 'ACTIVE',
    });
    expect(again.cluster.clusterArn).toBe(first.cluster.clusterArn);

    const described = await h.call<{ clusters: Array<{ clusterName: string }>; failures: Failure[] }>(
      'DescribeClusters',
      { clusters: [first.cluster.clusterArn, 'nope'] },
    );
    expect(described.clusters.map((c) => c.clusterName)).toEqual(['demo']);
    expect(described.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/nope', reason: 'MISSING' }]);
  });

  it('describes the deployment configuration: 200 % / 100 % by default, as given otherwise', async () => {
    await h.createService(1);
    const described = await h.call<{ services: Array<Record<string, unknown>> }>('DescribeServices', {
      cluster: 'demo',
      services: ['web'],
    });
    expect(described.services[0]?.['deploymentConfiguration']).toEqual({
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    });
    const { service } = await h.call<{ service: Record<string, unknown> }>('CreateService', {
      cluster: 'demo',
      serviceName: 'api',
      desiredCount: 0,
      deploymentController: { type: 'EXTERNAL' },
      deploymentConfiguration: { maximumPercent: 150, minimumHealthyPercent: 50 },
    });
    expect(service['deploymentConfiguration']).toEqual({ maximumPercent: 150, minimumHealthyPercent: 50 });
  });

  it('creates an EXTERNAL service with no task definition, load balancer or task sets', async () => {
    const service = await h.createService(3);
    expect(service).toMatchObject({
      serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/demo/web',
      status: 'ACTIVE',
      desiredCount: 3,
      runningCount: 0,
      deploymentController: { type: 'EXTERNAL' },
      taskSets: [],
      loadBalancers: [],
    });
    expect(service.taskDefinition).toBeUndefined();
  });

  it.each([
    ['a task definition', { taskDefinition: 'app:1' }],
    ['load balancers', { loadBalancers: [{ targetGroupArn: 'arn:tg', containerName: 'web', containerPort: 80 }] }],
    ['a network configuration', { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } } }],
  ])('rejects an EXTERNAL service with %s (set on task sets instead)', async (_what, extra) => {
    await h.call('CreateCluster', { clusterName: 'demo' });
    const error = await h.error('CreateService', {
      cluster: 'demo',
      serviceName: 'web',
      deploymentController: { type: 'EXTERNAL' },
      ...extra,
    });
    expect(error.code).toBe('InvalidParameterException');
  });

  it('rejects other deployment controllers, duplicates and unknown clusters', async () => {
    expect((await h.error('CreateService', { cluster: 'demo', serviceName: 'web' })).code).toBe(
      'ClusterNotFoundException',
    );
    await h.call('CreateCluster', { clusterName: 'demo' });
    expect((await h.error('CreateService', { cluster: 'demo', serviceName: 'web', taskDefinition: 'x' })).code).toBe(
      'UnsupportedFeatureException',
    );
    await h.createService(1);
    const duplicate = await h.error('CreateService', {
      cluster: 'demo',
      serviceName: 'web',
      deploymentController: { type: 'EXTERNAL' },
    });
    expect(duplicate.code).toBe('InvalidParameterException');
    expect(duplicate.message).toBe('Creation of service was not idempotent.');
  });

  it('returns the existing service when CreateService is retried with the same clientToken', async () => {
    await h.call('CreateCluster', { clusterName: 'demo' });
    const input = {
      cluster: 'demo',
      serviceName: 'web',
      deploymentController: { type: 'EXTERNAL' },
      clientToken: 't1',
    };
    const first = await h.call<{ service: ServiceWire }>('CreateService', input);
    const retry = await h.call<{ service: ServiceWire }>('CreateService', input);
    expect(retry.service.serviceArn).toBe(first.service.serviceArn);
    expect((await h.error('CreateService', { ...input, clientToken: 't2' })).code).toBe('InvalidParameterException');
  });

  it('lets UpdateService change only what an EXTERNAL service allows', async () => {
    await h.createService(1);
    const { service } = await h.call<{ service: ServiceWire }>('UpdateService', {
      cluster: 'demo',
      service: 'web',
      desiredCount: 5,
      healthCheckGracePeriodSeconds: 30,
    });
    expect(service.desiredCount).toBe(5);

    for (const member of [
      { taskDefinition: 'app:1' },
      { networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } } },
      { loadBalancers: [] },
      { forceNewDeployment: true },
    ]) {
      const error = await h.error('UpdateService', { cluster: 'demo', service: 'web', ...member });
      expect(error.code).toBe('InvalidParameterException');
    }
    expect((await h.error('UpdateService', { cluster: 'demo', service: 'web', desiredCount: -1 })).code).toBe(
      'InvalidParameterException',
    );
    expect((await h.error('UpdateService', { cluster: 'demo', service: 'nope', desiredCount: 1 })).code).toBe(
      'ServiceNotFoundException',
    );
  });

  it('reports unknown services in DescribeServices failures as MISSING', async () => {
    await h.createService(1);
    const result = await h.call<{ services: ServiceWire[]; failures: Failure[] }>('DescribeServices', {
      cluster: 'demo',
      services: ['web', 'ghost'],
    });
    expect(result.services.map((s) => s.serviceName)).toEqual(['web']);
    expect(result.failures).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:service/demo/ghost', reason: 'MISSING' },
    ]);
  });

  it('deletes a service scaled above zero only with force, draining it to INACTIVE', async () => {
    await h.createService(2);
    const td = await h.registerTaskDefinition('demo-app:blue');
    await h.createTaskSet(td, 100);
    await waitFor('2 running', () => h.launcher.running().length === 2);

    const refused = await h.error('DeleteService', { cluster: 'demo', service: 'web' });
    expect(refused.code).toBe('InvalidParameterException');
    expect(refused.message).toBe('The service cannot be stopped while it is scaled above 0.');

    const { service } = await h.call<{ service: ServiceWire }>('DeleteService', {
      cluster: 'demo',
      service: 'web',
      force: true,
    });
    expect(service.status).toBe('DRAINING');
    expect(service.taskSets.map((ts) => ts.status)).toEqual(['DRAINING']);
    expect((await h.error('UpdateService', { cluster: 'demo', service: 'web', desiredCount: 1 })).code).toBe(
      'ServiceNotActiveException',
    );
    expect((await h.error('CreateTaskSet', { cluster: 'demo', service: 'web', taskDefinition: td })).code).toBe(
      'ServiceNotActiveException',
    );

    await waitFor('inactive', async () => (await h.describeService()).status === 'INACTIVE');
    expect(h.launcher.running()).toHaveLength(0);
    expect((await h.describeService()).taskSets).toEqual([]);
    // An INACTIVE service can be created again.
    expect((await h.createService(0)).status).toBe('ACTIVE');
  });
});
