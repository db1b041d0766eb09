/**
 * ListClusters and ListTaskDefinitions (what `aws ecs list-clusters` / `list-task-definitions` call), through the
 * unmodified SDK client and its paginators against local AWS.
 */
import {
  ECSClient,
  ListClustersCommand,
  ListTaskDefinitionsCommand,
  paginateListClusters,
  paginateListTaskDefinitions,
} from '@aws-sdk/client-ecs';
import { startLocalAws, type LocalAws } from '../../../local/aws/server';
import { ACCOUNT, EcsHarness, REGION } from './support/ecs-harness';

const tdArn = (family: string, revision: number): string =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;

describe('ECS ListClusters and ListTaskDefinitions', () => {
  let h: EcsHarness;
  let aws: LocalAws;
  let client: ECSClient;

  beforeEach(async () => {
    h = new EcsHarness();
    aws = await startLocalAws({ port: 0, services: [h.ecs], region: REGION, accountId: ACCOUNT });
    client = new ECSClient({
      endpoint: aws.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'not-a-secret' },
      maxAttempts: 1,
    });
  });

  afterEach(async () => {
    client.destroy();
    await aws.close();
    await h.close();
  });

  it('lists cluster ARNs in pages of maxResults', async () => {
    for (const name of ['alpha', 'beta', 'gamma']) await h.call('CreateCluster', { clusterName: name });
    const first = await client.send(new ListClustersCommand({ maxResults: 2 }));
    expect(first.clusterArns).toEqual([
      `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/alpha`,
      `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/beta`,
    ]);
    expect(first.nextToken).toBeDefined();
    const second = await client.send(new ListClustersCommand({ maxResults: 2, nextToken: first.nextToken }));
    expect(second.clusterArns).toEqual([`arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/gamma`]);
    expect(second.nextToken).toBeUndefined();
    const all: string[] = [];
    for await (const page of paginateListClusters({ client, pageSize: 1 }, {})) all.push(...(page.clusterArns ?? []));
    expect(all).toHaveLength(3);
    await expect(client.send(new ListClustersCommand({ maxResults: 101 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('lists task definitions by full family name, status and sort order, paged', async () => {
    await h.registerTaskDefinition('web:1', 'web');
    await h.registerTaskDefinition('web:2', 'web');
    await h.registerTaskDefinition('api:1', 'api');
    await h.registerTaskDefinition('webhook:1', 'webhook');
    await h.call('DeregisterTaskDefinition', { taskDefinition: 'web:1' });

    const all = await client.send(new ListTaskDefinitionsCommand({}));
    expect(all.taskDefinitionArns).toEqual([tdArn('api', 1), tdArn('web', 2), tdArn('webhook', 1)]);

    // familyPrefix is the full family name: "web" does not match "webhook".
    const web = await client.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' }));
    expect(web.taskDefinitionArns).toEqual([tdArn('web', 2)]);

    const desc = await client.send(new ListTaskDefinitionsCommand({ sort: 'DESC' }));
    expect(desc.taskDefinitionArns).toEqual([tdArn('webhook', 1), tdArn('web', 2), tdArn('api', 1)]);

    // INACTIVE revisions are listed only while a task or service still references them; nothing references web:1.
    const inactive = await client.send(new ListTaskDefinitionsCommand({ status: 'INACTIVE' }));
    expect(inactive.taskDefinitionArns).toEqual([]);

    const paged: string[] = [];
    for await (const page of paginateListTaskDefinitions({ client, pageSize: 2 }, {})) {
      expect((page.taskDefinitionArns ?? []).length).toBeLessThanOrEqual(2);
      paged.push(...(page.taskDefinitionArns ?? []));
    }
    expect(paged).toEqual(all.taskDefinitionArns);
  });

  it('lists an INACTIVE revision a service still uses', async () => {
    const td = await h.registerTaskDefinition('web:1', 'web');
    await h.createService(0);
    await h.createTaskSet(td, 0);
    await h.call('DeregisterTaskDefinition', { taskDefinition: td });
    const inactive = await client.send(new ListTaskDefinitionsCommand({ status: 'INACTIVE' }));
    expect(inactive.taskDefinitionArns).toEqual([td]);
  });
});
