/** CreateTaskSet's capacityProviderStrategy: kept on the task set, checked against the cluster's providers. */
import { EcsHarness } from './support/ecs-harness';

describe('ECS capacity provider strategies', () => {
  let h: EcsHarness;
  let td: string;
  const network = { awsvpcConfiguration: { subnets: ['subnet-1'] } };

  beforeEach(async () => {
    h = new EcsHarness();
    td = await h.registerTaskDefinition('demo-app:blue');
  });

  afterEach(() => h.close());

  async function serviceOn(cluster: Record<string, unknown>): Promise<void> {
    await h.call('CreateCluster', { clusterName: 'cp', ...cluster });
    await h.call('CreateService', {
      cluster: 'cp',
      serviceName: 'web',
      desiredCount: 0,
      deploymentController: { type: 'EXTERNAL' },
    });
  }

  const createTaskSet = (extra: Record<string, unknown>) => ({
    cluster: 'cp',
    service: 'web',
    taskDefinition: td,
    networkConfiguration: network,
    ...extra,
  });

  it('keeps the strategy on the task set (no launch type shown), as DescribeTaskSets returns it', async () => {
    await serviceOn({ capacityProviders: ['FARGATE', 'FARGATE_SPOT'] });
    const strategy = [
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
    ];
    const { taskSet } = await h.call<{ taskSet: Record<string, unknown> }>(
      'CreateTaskSet',
      createTaskSet({ capacityProviderStrategy: strategy }),
    );
    expect(taskSet['capacityProviderStrategy']).toEqual(strategy);
    expect(taskSet['launchType']).toBeUndefined();
    const described = await h.call<{ taskSets: Array<Record<string, unknown>> }>('DescribeTaskSets', {
      cluster: 'cp',
      service: 'web',
    });
    expect(described.taskSets[0]?.['capacityProviderStrategy']).toEqual(strategy);
    const clusters = await h.call<{ clusters: Array<Record<string, unknown>> }>('DescribeClusters', {
      clusters: ['cp'],
    });
    expect(clusters.clusters[0]?.['capacityProviders']).toEqual(['FARGATE', 'FARGATE_SPOT']);
  });

  it('rejects a provider not associated with the cluster with InvalidParameterException', async () => {
    await serviceOn({ capacityProviders: ['FARGATE'] });
    const error = await h.error(
      'CreateTaskSet',
      createTaskSet({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }),
    );
    expect(error.code).toBe('InvalidParameterException');
    expect(error.message).toBe(
      'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
    );
  });

  it('rejects a launch type together with a strategy', async () => {
    await serviceOn({ capacityProviders: ['FARGATE'] });
    const error = await h.error(
      'CreateTaskSet',
      createTaskSet({ launchType: 'FARGATE', capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] }),
    );
    expect(error.code).toBe('InvalidParameterException');
    expect(error.message).toBe(
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
    );
  });

  it("uses the cluster's default strategy when neither is given", async () => {
    const defaults = [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }];
    await serviceOn({ capacityProviders: ['FARGATE_SPOT'], defaultCapacityProviderStrategy: defaults });
    const { taskSet } = await h.call<{ taskSet: Record<string, unknown> }>('CreateTaskSet', createTaskSet({}));
    expect(taskSet['capacityProviderStrategy']).toEqual(defaults);
  });

  it('rejects clusters with providers local AWS does not have, or defaults outside their providers', async () => {
    const unknown = await h.error('CreateCluster', { clusterName: 'x', capacityProviders: ['my-asg-provider'] });
    expect(unknown.code).toBe('InvalidParameterException');
    const outside = await h.error('CreateCluster', {
      clusterName: 'y',
      capacityProviders: ['FARGATE'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
    });
    expect(outside.code).toBe('InvalidParameterException');
  });
});
