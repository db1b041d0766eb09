import { EcsHarness, type TaskWire, waitFor } from './support/ecs-harness';

/**
 * What deploy-green reads to fail fast on a failing green: a task set's stopped tasks, by ListTasks (startedBy = the
 * task set id, desiredStatus STOPPED) and DescribeTasks, with ECS's stop code, reason and exit codes.
 */
describe('stopped tasks of a task set', () => {
  let h: EcsHarness;

  beforeEach(async () => {
    h = new EcsHarness();
    await h.createService(2);
  });

  afterEach(() => h.close());

  const stoppedOf = async (taskSetId: string): Promise<TaskWire[]> => {
    const { taskArns } = await h.call<{ taskArns: string[] }>('ListTasks', {
      cluster: 'demo',
      startedBy: taskSetId,
      desiredStatus: 'STOPPED',
    });
    if (taskArns.length === 0) return [];
    return (await h.call<{ tasks: TaskWire[] }>('DescribeTasks', { cluster: 'demo', tasks: taskArns })).tasks;
  };

  it('lists the crash-looping task set’s stopped tasks by startedBy, with stoppedReason, stopCode and exit code', async () => {
    const blue = await h.createTaskSet(await h.registerTaskDefinition('demo-app:blue'), 50);
    const green = await h.createTaskSet(await h.registerTaskDefinition('demo-app:crash-on-start'), 50);
    const stopped = await waitFor('3 stopped', async () => {
      const tasks = await stoppedOf(green.id);
      return tasks.length >= 3 ? tasks : undefined;
    });
    for (const task of stopped) {
      expect(task).toMatchObject({
        startedBy: green.id,
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stoppedReason: 'Essential container in task exited',
        stopCode: 'EssentialContainerExited',
      });
      expect(task.containers[0]?.exitCode).toBe(1);
    }
    // blue's task runs: it is not listed as stopped, and not as green's.
    expect(await stoppedOf(blue.id)).toEqual([]);
  });

  it('refuses startedBy with another filter, as AWS does ("cannot specify startedBy with other arguments")', async () => {
    for (const other of [{ serviceName: 'web' }, { family: 'app' }, { launchType: 'FARGATE' }]) {
      const error = await h.error('ListTasks', { cluster: 'demo', startedBy: 'ecs-svc/1', ...other });
      expect([error.code, error.message]).toEqual([
        'InvalidParameterException',
        'cannot specify startedBy with other arguments',
      ]);
    }
    // The desired status is not one of those filters.
    await expect(
      h.call('ListTasks', { cluster: 'demo', startedBy: 'ecs-svc/1', desiredStatus: 'STOPPED' }),
    ).resolves.toEqual({ taskArns: [] });
  });

  it('filters by serviceName, family and desiredStatus; PENDING lists nothing (ECS never desires it)', async () => {
    await h.createTaskSet(await h.registerTaskDefinition('demo-app:blue', 'other'), 100);
    await waitFor('2 running', async () => (await h.tasks()).length === 2);
    const list = async (input: Record<string, unknown>): Promise<number> =>
      (await h.call<{ taskArns: string[] }>('ListTasks', { cluster: 'demo', ...input })).taskArns.length;
    expect(await list({ serviceName: 'web' })).toBe(2);
    expect(await list({ family: 'other' })).toBe(2);
    expect(await list({ family: 'app' })).toBe(0);
    expect(await list({ desiredStatus: 'PENDING' })).toBe(0);
    expect(await list({ desiredStatus: 'STOPPED' })).toBe(0);
    expect((await h.error('ListTasks', { cluster: 'demo', serviceName: 'ghost' })).code).toBe(
      'ServiceNotFoundException',
    );
  });

  it('DescribeTasks takes 1 to 100 tasks and reports unknown ones as MISSING failures', async () => {
    expect((await h.error('DescribeTasks', { cluster: 'demo', tasks: [] })).message).toBe('Tasks cannot be empty.');
    const many = Array.from({ length: 101 }, (_, i) => `t${i}`);
    expect((await h.error('DescribeTasks', { cluster: 'demo', tasks: many })).code).toBe('InvalidParameterException');
    const result = await h.call<{ tasks: unknown[]; failures: Array<{ reason: string }> }>('DescribeTasks', {
      cluster: 'demo',
      tasks: ['0123456789abcdef0123456789abcdef'],
    });
    expect(result.tasks).toEqual([]);
    expect(result.failures.map((f) => f.reason)).toEqual(['MISSING']);
  });
});
