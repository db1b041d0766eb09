import { CONTAINER, EcsHarness, PORT } from './support/ecs-harness';

describe('ECS task set errors', () => {
  let h: EcsHarness;
  let td: string;
  let tg: string;
  const network = { awsvpcConfiguration: { subnets: ['subnet-1'] } };

  beforeEach(async () => {
    h = new EcsHarness();
    td = await h.registerTaskDefinition('demo-app:blue');
    tg = h.targets.create('blue');
    await h.createService(2);
  });

  afterEach(() => h.close());

  const createTaskSet = (extra: Record<string, unknown>) =>
    h.error('CreateTaskSet', {
      cluster: 'demo',
      service: 'web',
      taskDefinition: td,
      networkConfiguration: network,
      ...extra,
    });

  it('names the missing cluster, service or task set', async () => {
    expect((await createTaskSet({ cluster: 'nope' })).code).toBe('ClusterNotFoundException');
    expect((await createTaskSet({ service: 'nope' })).code).toBe('ServiceNotFoundException');
    const missing = { cluster: 'demo', service: 'web', taskSet: 'ecs-svc/1234567890123456789' };
    for (const [operation, input] of [
      ['UpdateTaskSet', { ...missing, scale: { value: 50, unit: 'PERCENT' } }],
      ['DeleteTaskSet', missing],
      ['UpdateServicePrimaryTaskSet', { cluster: 'demo', service: 'web', primaryTaskSet: missing.taskSet }],
    ] as const) {
      const error = await h.error(operation, input);
      expect(error.code).toBe('TaskSetNotFoundException');
      expect(error.httpStatus).toBe(400);
    }
  });

  it('rejects unknown or inactive task definitions', async () => {
    expect((await createTaskSet({ taskDefinition: 'ghost:1' })).message).toBe('TaskDefinition not found.');
    await h.call('DeregisterTaskDefinition', { taskDefinition: td });
    const inactive = await createTaskSet({});
    expect(inactive.code).toBe('InvalidParameterException');
    expect(inactive.message).toBe('TaskDefinition is inactive');
  });

  it('requires a network configuration for awsvpc task definitions', async () => {
    const error = await createTaskSet({ networkConfiguration: undefined });
    expect(error.code).toBe('InvalidParameterException');
  });

  it('validates load balancers against the task definition and existing target groups', async () => {
    const lb = { targetGroupArn: tg, containerName: CONTAINER, containerPort: PORT };
    const wrongContainer = await createTaskSet({ loadBalancers: [{ ...lb, containerName: 'db' }] });
    expect(wrongContainer.message).toBe('The container db does not exist in the task definition.');
    const wrongPort = await createTaskSet({ loadBalancers: [{ ...lb, containerPort: 9999 }] });
    expect(wrongPort.message).toBe(`The container ${CONTAINER} did not have a container port 9999 defined.`);
    const ghostGroup = lb.targetGroupArn.replace('/blue/', '/ghost/');
    const missingGroup = await createTaskSet({ loadBalancers: [{ ...lb, targetGroupArn: ghostGroup }] });
    expect(missingGroup.code).toBe('InvalidParameterException');
    expect(missingGroup.message).toContain(ghostGroup);
  });

  it('rejects scales outside 0–100 %', async () => {
    expect((await createTaskSet({ scale: { value: 150, unit: 'PERCENT' } })).code).toBe('InvalidParameterException');
    expect((await createTaskSet({ scale: { value: -1, unit: 'PERCENT' } })).code).toBe('InvalidParameterException');
  });

  it('allows at most 5 task sets per service', async () => {
    for (let i = 0; i < 5; i++) await h.createTaskSet(td, 0);
    const error = await createTaskSet({});
    expect(error.code).toBe('InvalidParameterException');
    expect(error.message).toMatch(/exceeds the maximum limit/);
  });

  it('denies calls the authorizer refuses with AccessDeniedException', async () => {
    const denying = new EcsHarness({
      authorize: ({ action }) => action !== 'ecs:DeleteTaskSet',
    });
    try {
      await denying.createService(1);
      const taskSet = await denying.createTaskSet(await denying.registerTaskDefinition('demo-app:blue'), 0);
      const error = await denying.error(
        'DeleteTaskSet',
        { cluster: 'demo', service: 'web', taskSet: taskSet.id },
        { region: 'us-east-1', accountId: '123456789012', principal: 'arn:aws:iam::123456789012:role/deployer' },
      );
      expect(error.code).toBe('AccessDeniedException');
      expect(error.message).toContain('ecs:DeleteTaskSet');
      expect(error.message).toContain('arn:aws:ecs:us-east-1:123456789012:service/demo/web');
    } finally {
      await denying.close();
    }
  });

  it('rejects operations it does not implement', async () => {
    expect((await h.error('RunTask', {})).code).toBe('UnknownOperationException');
  });
});
