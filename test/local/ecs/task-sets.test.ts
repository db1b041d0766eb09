import { EcsHarness, type Failure, type TaskSetWire, waitFor } from './support/ecs-harness';

describe('ECS task sets (EXTERNAL deployment controller)', () => {
  let h: EcsHarness;
  let blueDef: string;
  let greenDef: string;

  beforeEach(async () => {
    h = new EcsHarness();
    blueDef = await h.registerTaskDefinition('demo-app:blue');
    greenDef = await h.registerTaskDefinition('demo-app:green');
    await h.createService(4);
  });

  afterEach(() => h.close());

  it('creates the first task set ACTIVE, not PRIMARY, with scale 0 % unless told otherwise', async () => {
    const { taskSet } = await h.call<{ taskSet: TaskSetWire }>('CreateTaskSet', {
      cluster: 'demo',
      service: 'web',
      taskDefinition: 'app:1',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
    });

    expect(taskSet.status).toBe('ACTIVE');
    expect(taskSet.scale).toEqual({ value: 0, unit: 'PERCENT' });
    expect(taskSet.computedDesiredCount).toBe(0);
    expect(taskSet.stabilityStatus).toBe('STABILIZING');
    expect(taskSet.taskDefinition).toBe(blueDef);
    expect(taskSet.id).toMatch(/^ecs-svc\/\d{19}$/);
    expect(taskSet.taskSetArn).toBe(`arn:aws:ecs:us-east-1:123456789012:task-set/demo/web/${taskSet.id}`);
    const service = await h.describeService();
    expect(service.taskDefinition).toBeUndefined(); // no primary yet
    expect(service.taskSets.map((ts) => ts.id)).toEqual([taskSet.id]);
  });

  it('services() is state().services, without the tasks and task definitions', async () => {
    await h.createTaskSet(blueDef, 100);
    await h.createTaskSet(greenDef, 50);
    await waitFor('a running task', () => h.ecs.state().tasks.some((t) => t.lastStatus === 'RUNNING'));
    expect(h.ecs.services()).toEqual(h.ecs.state().services);
    expect(h.ecs.services()[0]?.taskSets).toHaveLength(2);
  });

  it('makes a task set PRIMARY and demotes the previous primary to ACTIVE', async () => {
    const blue = await h.createTaskSet(blueDef, 100);
    const green = await h.createTaskSet(greenDef, 0);
    expect(green.status).toBe('ACTIVE');

    await h.call('UpdateServicePrimaryTaskSet', { cluster: 'demo', service: 'web', primaryTaskSet: blue.id });
    expect((await h.describeTaskSet(blue.id)).status).toBe('PRIMARY');
    expect((await h.describeService()).taskDefinition).toBe(blueDef);

    const { taskSet } = await h.call<{ taskSet: TaskSetWire }>('UpdateServicePrimaryTaskSet', {
      cluster: 'demo',
      service: 'web',
      primaryTaskSet: green.taskSetArn,
    });
    expect(taskSet.status).toBe('PRIMARY');
    expect((await h.describeTaskSet(blue.id)).status).toBe('ACTIVE');
    expect((await h.describeService()).taskDefinition).toBe(greenDef);
  });

  it('computes desired counts from the service desiredCount and the scale, rounding up', async () => {
    const blue = await h.createTaskSet(blueDef, 100);
    const green = await h.createTaskSet(greenDef, 30);
    expect(blue.computedDesiredCount).toBe(4);
    expect(green.computedDesiredCount).toBe(2); // 4 × 30 % = 1.2 → 2

    const { taskSet } = await h.call<{ taskSet: TaskSetWire }>('UpdateTaskSet', {
      cluster: 'demo',
      service: 'web',
      taskSet: green.id,
      scale: { value: 50, unit: 'PERCENT' },
    });
    expect(taskSet.computedDesiredCount).toBe(2);
    expect(taskSet.scale.value).toBe(50);

    await h.call('UpdateService', { cluster: 'demo', service: 'web', desiredCount: 3 });
    expect((await h.describeTaskSet(blue.id)).computedDesiredCount).toBe(3);
    expect((await h.describeTaskSet(green.id)).computedDesiredCount).toBe(2); // 1.5 → 2
  });

  it('starts and stops tasks to follow desiredCount changes', async () => {
    const blue = await h.createTaskSet(blueDef, 100);
    await waitFor('4 running', async () => (await h.describeTaskSet(blue.id)).runningCount === 4);

    await h.call('UpdateService', { cluster: 'demo', service: 'web', desiredCount: 1 });
    await waitFor('1 running', async () => (await h.describeTaskSet(blue.id)).runningCount === 1);
    expect(h.launcher.running()).toHaveLength(1);

    await h.call('UpdateService', { cluster: 'demo', service: 'web', desiredCount: 2 });
    await waitFor('2 running', async () => (await h.describeTaskSet(blue.id)).runningCount === 2);
    expect(h.launcher.running()).toHaveLength(2);
  });

  it('lists DRAINING task sets until their tasks stopped, then reports them MISSING', async () => {
    const tg = h.targets.create('blue');
    h.targets.holdDraining = true;
    const blue = await h.createTaskSet(blueDef, 50, tg);
    await waitFor('2 running', async () => (await h.describeTaskSet(blue.id)).runningCount === 2);

    const { taskSet } = await h.call<{ taskSet: TaskSetWire }>('DeleteTaskSet', {
      cluster: 'demo',
      service: 'web',
      taskSet: blue.id,
      force: true,
    });
    expect(taskSet.status).toBe('DRAINING');
    expect(taskSet.computedDesiredCount).toBe(0);
    await waitFor('targets deregistered', () => h.targets.deregistrations.length === 2);
    // Tasks wait for the deregistration delay before they are stopped.
    expect(h.launcher.running()).toHaveLength(2);
    expect((await h.describeTaskSet(blue.id)).status).toBe('DRAINING');

    h.targets.finishDraining();
    await waitFor('processes stopped', () => h.launcher.running().length === 0);
    const described = await waitFor('task set gone', async () => {
      const result = await h.call<{ taskSets: TaskSetWire[]; failures: Failure[] }>('DescribeTaskSets', {
        cluster: 'demo',
        service: 'web',
        taskSets: [blue.id],
      });
      return result.taskSets.length === 0 ? result : undefined;
    });
    expect(described.failures).toEqual([{ arn: blue.taskSetArn, reason: 'MISSING' }]);
    const stopped = await h.tasks('STOPPED');
    expect(stopped.map((t) => t.lastStatus)).toEqual(['STOPPED', 'STOPPED']);
  });

  it('refuses to delete a task set that is not scaled to zero unless forced', async () => {
    const blue = await h.createTaskSet(blueDef, 25);
    const error = await h.error('DeleteTaskSet', { cluster: 'demo', service: 'web', taskSet: blue.id });
    expect(error.code).toBe('InvalidParameterException');
    expect(error.httpStatus).toBe(400);

    await h.call('UpdateTaskSet', { cluster: 'demo', service: 'web', taskSet: blue.id, scale: { value: 0 } });
    const { taskSet } = await h.call<{ taskSet: TaskSetWire }>('DeleteTaskSet', {
      cluster: 'demo',
      service: 'web',
      taskSet: blue.id,
    });
    expect(taskSet.status).toBe('DRAINING');
  });

  it('refuses to delete a task set whose scale is above 0 % even when the service runs no task (force doc)', async () => {
    await h.call('UpdateService', { cluster: 'demo', service: 'web', desiredCount: 0 });
    const blue = await h.createTaskSet(blueDef, 50);
    expect(blue.computedDesiredCount).toBe(0);
    const error = await h.error('DeleteTaskSet', { cluster: 'demo', service: 'web', taskSet: blue.id });
    expect(error.code).toBe('InvalidParameterException');
    expect(error.message).toBe(
      'The task set cannot be deleted because it is not scaled down to zero. Scale it to 0 or use force.',
    );
    const forced = await h.call<{ taskSet: TaskSetWire }>('DeleteTaskSet', {
      cluster: 'demo',
      service: 'web',
      taskSet: blue.id,
      force: true,
    });
    expect(forced.taskSet.status).toBe('DRAINING');
  });

  it('returns the same task set when CreateTaskSet is retried with the same clientToken', async () => {
    const input = {
      cluster: 'demo',
      service: 'web',
      taskDefinition: blueDef,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
      clientToken: 'retry-1',
    };
    const first = await h.call<{ taskSet: TaskSetWire }>('CreateTaskSet', input);
    const retry = await h.call<{ taskSet: TaskSetWire }>('CreateTaskSet', input);
    const other = await h.call<{ taskSet: TaskSetWire }>('CreateTaskSet', { ...input, clientToken: 'retry-2' });
    expect(retry.taskSet.id).toBe(first.taskSet.id);
    expect(other.taskSet.id).not.toBe(first.taskSet.id);
    expect((await h.describeService()).taskSets).toHaveLength(2);
  });

  it('describes all task sets when none are named, and reports unknown ones as MISSING', async () => {
    const blue = await h.createTaskSet(blueDef, 100);
    const all = await h.call<{ taskSets: TaskSetWire[] }>('DescribeTaskSets', { cluster: 'demo', service: 'web' });
    expect(all.taskSets.map((ts) => ts.id)).toEqual([blue.id]);

    const missing = 'ecs-svc/1111111111111111111';
    const result = await h.call<{ taskSets: TaskSetWire[]; failures: Failure[] }>('DescribeTaskSets', {
      cluster: 'demo',
      service: 'web',
      taskSets: [blue.taskSetArn, missing],
    });
    expect(result.taskSets.map((ts) => ts.id)).toEqual([blue.id]);
    expect(result.failures).toEqual([
      { arn: `arn:aws:ecs:us-east-1:123456789012:task-set/demo/web/${missing}`, reason: 'MISSING' },
    ]);
  });
});
