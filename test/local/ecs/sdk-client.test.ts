/**
 * The unmodified AWS SDK v3 ECS client against local AWS (local/aws/server.ts) serving this ECS emulator: proves the
 * wire shapes (members, epoch-second timestamps, failures) and the error codes survive the real JSON 1.1 protocol.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  ServiceNotFoundException,
  TaskSetNotFoundException,
  UpdateServicePrimaryTaskSetCommand,
  UpdateTaskSetCommand,
} from '@aws-sdk/client-ecs';
import { startLocalAws, type LocalAws } from '../../../local/aws/server';
import { ACCOUNT, CONTAINER, EcsHarness, PORT, REGION, waitFor } from './support/ecs-harness';

describe('local ECS through @aws-sdk/client-ecs', () => {
  let h: EcsHarness;
  let aws: LocalAws;
  let client: ECSClient;

  beforeAll(async () => {
    h = new EcsHarness();
    aws = await startLocalAws({ port: 0, services: [h.ecs], region: REGION, accountId: ACCOUNT });
    client = new ECSClient({
      endpoint: aws.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'not-a-secret' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await aws.close();
    await h.close();
  });

  it('runs a blue task set to STEADY_STATE and makes it primary', async () => {
    const tg = h.targets.create('blue');
    await client.send(new CreateClusterCommand({ clusterName: 'demo' }));
    const { taskDefinition } = await client.send(
      new RegisterTaskDefinitionCommand({
        family: 'app',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          { name: CONTAINER, image: 'demo-app:blue', essential: true, portMappings: [{ containerPort: PORT }] },
        ],
      }),
    );
    await client.send(
      new CreateServiceCommand({
        cluster: 'demo',
        serviceName: 'web',
        desiredCount: 2,
        deploymentController: { type: 'EXTERNAL' },
      }),
    );
    const { taskSet } = await client.send(
      new CreateTaskSetCommand({
        cluster: 'demo',
        service: 'web',
        taskDefinition: 'app',
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } },
        loadBalancers: [{ targetGroupArn: tg, containerName: CONTAINER, containerPort: PORT }],
        scale: { value: 100, unit: 'PERCENT' },
      }),
    );
    expect(taskSet?.status).toBe('ACTIVE');
    expect(taskSet?.taskDefinition).toBe(taskDefinition?.taskDefinitionArn);
    expect(taskSet?.createdAt).toBeInstanceOf(Date);
    expect(Math.abs((taskSet?.createdAt?.getTime() ?? 0) - h.clock.now())).toBeLessThan(60_000);

    await waitFor('steady', async () => {
      const { taskSets } = await client.send(
        new DescribeTaskSetsCommand({ cluster: 'demo', service: 'web', taskSets: [taskSet?.id ?? ''] }),
      );
      return taskSets?.[0]?.stabilityStatus === 'STEADY_STATE' && taskSets[0].runningCount === 2;
    });

    await client.send(
      new UpdateServicePrimaryTaskSetCommand({ cluster: 'demo', service: 'web', primaryTaskSet: taskSet?.taskSetArn }),
    );
    const { services, failures } = await client.send(
      new DescribeServicesCommand({ cluster: 'demo', services: ['web', 'ghost'] }),
    );
    expect(services?.[0]).toMatchObject({
      status: 'ACTIVE',
      runningCount: 2,
      taskDefinition: taskDefinition?.taskDefinitionArn,
      deploymentController: { type: 'EXTERNAL' },
    });
    expect(services?.[0]?.taskSets?.map((ts) => ts.status)).toEqual(['PRIMARY']);
    expect(failures).toEqual([{ arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/demo/ghost`, reason: 'MISSING' }]);
  });

  it('surfaces ECS errors as the SDK exception classes with HTTP 400', async () => {
    const missingTaskSet = await client
      .send(
        new UpdateTaskSetCommand({
          cluster: 'demo',
          service: 'web',
          taskSet: 'ecs-svc/1234567890123456789',
          scale: { value: 50, unit: 'PERCENT' },
        }),
      )
      .catch((error: unknown) => error);
    expect(missingTaskSet).toBeInstanceOf(TaskSetNotFoundException);
    expect((missingTaskSet as TaskSetNotFoundException).$metadata.httpStatusCode).toBe(400);

    const missingService = await client
      .send(new DescribeTaskSetsCommand({ cluster: 'demo', service: 'ghost' }))
      .catch((error: unknown) => error);
    expect(missingService).toBeInstanceOf(ServiceNotFoundException);
  });
});
