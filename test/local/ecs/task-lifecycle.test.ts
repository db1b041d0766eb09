import { EcsHarness, PORT, type TaskSetWire, waitFor } from './support/ecs-harness';

describe('ECS tasks and task set stability', () => {
  let h: EcsHarness;

  beforeEach(async () => {
    h = new EcsHarness();
    await h.createService(2);
  });

  afterEach(() => h.close());

  it('runs tasks through PROVISIONING → PENDING → RUNNING and registers ip:containerPort in the target group', async () => {
    const tg = h.targets.create('blue');
    const td = await h.registerTaskDefinition('demo-app:blue');
    const blue = await h.createTaskSet(td, 100, tg);

    const seen = new Set<string>();
    await waitFor('2 running', async () => {
      for (const task of h.ecs.state().tasks) seen.add(task.lastStatus);
      return (await h.describeTaskSet(blue.id)).runningCount === 2;
    });
    expect([...seen]).toEqual(expect.arrayContaining(['PROVISIONING', 'PENDING', 'RUNNING']));

    const tasks = await h.tasks();
    expect(tasks).toHaveLength(2);
    for (const task of tasks) {
      expect(task.lastStatus).toBe('RUNNING');
      expect(task.startedBy).toBe(blue.id);
      expect(task.taskArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/demo\/[0-9a-f]{32}$/);
      expect(task.containers[0]?.image).toBe('demo-app:blue'); // the essential container behind the LB
    }
    const ips = tasks.map((t) => t.containers[0]?.networkInterfaces[0]?.privateIpv4Address);
    expect(
      h.targets
        .targetsOf(tg)
        .map((t) => t.target)
        .sort(),
    ).toEqual(ips.map((ip) => `${ip}:${PORT}`).sort());
    // The private ip:containerPort resolves to the real local address of the process.
    const process = h.launcher.processes[0];
    expect(process?.spec).toMatchObject({ image: 'demo-app:blue', commit: 'abc1234' });
    const addresses = ips.map((ip) => h.network.resolve(ip ?? '', PORT));
    expect(addresses).toContainEqual({ host: '127.0.0.1', port: process?.port });
  });

  it('reaches STEADY_STATE only when every task is healthy, and falls back to STABILIZING when one is not', async () => {
    const tg = h.targets.create('blue');
    h.targets.initialState = 'initial';
    const blue = await h.createTaskSet(await h.registerTaskDefinition('demo-app:blue'), 100, tg);

    await waitFor('2 running', async () => (await h.describeTaskSet(blue.id)).runningCount === 2);
    await h.clock.sleep(5);
    expect((await h.describeTaskSet(blue.id)).stabilityStatus).toBe('STABILIZING');

    h.targets.setHealth(tg, 'healthy');
    const steady = await waitFor('steady', async () => {
      const ts = await h.describeTaskSet(blue.id);
      return ts.stabilityStatus === 'STEADY_STATE' ? ts : undefined;
    });
    expect(steady.stabilityStatusAt).toBeGreaterThanOrEqual(blue.stabilityStatusAt);

    h.targets.setHealth(tg, 'unhealthy');
    await waitFor('stabilizing', async () => (await h.describeTaskSet(blue.id)).stabilityStatus === 'STABILIZING');
  });

  it('is STEADY_STATE at scale 0 with no tasks, and STABILIZING again after a scale up until tasks run', async () => {
    const blue = await h.createTaskSet(await h.registerTaskDefinition('demo-app:blue'), 0);
    await waitFor('steady', async () => (await h.describeTaskSet(blue.id)).stabilityStatus === 'STEADY_STATE');

    const { taskSet } = await h.call<{ taskSet: TaskSetWire }>('UpdateTaskSet', {
      cluster: 'demo',
      service: 'web',
      taskSet: blue.id,
      scale: { value: 100, unit: 'PERCENT' },
    });
    expect(taskSet.stabilityStatus).toBe('STABILIZING');
    await waitFor('steady again', async () => {
      const ts = await h.describeTaskSet(blue.id);
      return ts.stabilityStatus === 'STEADY_STATE' && ts.runningCount === 2;
    });
  });

  it('replaces crashing tasks with a back-off and never reaches STEADY_STATE', async () => {
    const tg = h.targets.create('green');
    const green = await h.createTaskSet(await h.registerTaskDefinition('demo-app:crash-on-start'), 100, tg);

    const stabilities = new Set<string>();
    await waitFor(
      'several crashes',
      () => {
        for (const service of h.ecs.state().services) {
          for (const taskSet of service.taskSets) stabilities.add(taskSet.stabilityStatus);
        }
        return h.launcher.processes.length >= 6;
      },
      10_000,
    );
    expect([...stabilities]).toEqual(['STABILIZING']);
    const ts = await h.describeTaskSet(green.id);
    expect(ts.stabilityStatus).toBe('STABILIZING');
    expect(ts.runningCount).toBe(0);
    expect(h.targets.registrations).toHaveLength(0); // never became RUNNING, so never registered

    const stopped = await h.tasks('STOPPED');
    expect(stopped.length).toBeGreaterThanOrEqual(4);
    for (const task of stopped) {
      expect(task.stoppedReason).toBe('Essential container in task exited');
      expect(task.stopCode).toBe('EssentialContainerExited');
      expect(task.containers[0]?.exitCode).toBe(1);
    }
  });

  it('backs off exponentially between replacements of a crash loop', async () => {
    await h.createTaskSet(await h.registerTaskDefinition('demo-app:crash-on-start'), 50);
    const started = Date.now();
    await waitFor('4 launches', () => h.launcher.processes.length >= 4, 10_000);
    // 1 task: launches at ~0, then after 5 s, 10 s and 20 s of back-off (+2 s provisioning each): ≥ 35 s emulated.
    expect(Date.now() - started).toBeGreaterThanOrEqual(h.clock.wallMs(35));
  });

  it('replaces a running task that exits later, deregistering its target', async () => {
    const tg = h.targets.create('blue');
    const blue = await h.createTaskSet(await h.registerTaskDefinition('demo-app:blue'), 50, tg);
    await waitFor('steady', async () => (await h.describeTaskSet(blue.id)).stabilityStatus === 'STEADY_STATE');
    const [first] = h.launcher.running();
    first?.exit(137, 'Essential container in task exited');

    await waitFor('stabilizing', async () => (await h.describeTaskSet(blue.id)).stabilityStatus === 'STABILIZING');
    expect(h.targets.deregistrations).toHaveLength(1);
    await waitFor('replacement steady', async () => {
      const ts = await h.describeTaskSet(blue.id);
      return ts.stabilityStatus === 'STEADY_STATE' && h.launcher.processes.length === 2;
    });
    const [stopped] = await h.tasks('STOPPED');
    expect(stopped?.containers[0]?.exitCode).toBe(137);
    expect(h.targets.targetsOf(tg)).toHaveLength(1);
  });

  it('stops a task that cannot be launched with a TaskFailedToStart stop code', async () => {
    await h.createTaskSet(await h.registerTaskDefinition('unlaunchable:1'), 50);
    const [task] = await waitFor('a failed task', async () => {
      const stopped = await h.tasks('STOPPED');
      return stopped.length > 0 ? stopped : undefined;
    });
    expect(task?.stopCode).toBe('TaskFailedToStart');
    expect(task?.stoppedReason).toMatch(/^CannotStartContainerError: /);
  });

  it('keeps a task set STABILIZING, without crashing, when its target group disappears', async () => {
    const tg = h.targets.create('blue');
    const blue = await h.createTaskSet(await h.registerTaskDefinition('demo-app:blue'), 100, tg);
    h.targets.delete(tg);
    await waitFor('2 running', async () => (await h.describeTaskSet(blue.id)).runningCount === 2);
    await h.clock.sleep(5);
    expect((await h.describeTaskSet(blue.id)).stabilityStatus).toBe('STABILIZING');

    await h.call('DeleteTaskSet', { cluster: 'demo', service: 'web', taskSet: blue.id, force: true });
    await waitFor('processes stopped', () => h.launcher.running().length === 0);
  });

  it('pages ListTasks results', async () => {
    await h.call('UpdateService', { cluster: 'demo', service: 'web', desiredCount: 3 });
    await h.createTaskSet(await h.registerTaskDefinition('demo-app:blue'), 100);
    const first = await h.call<{ taskArns: string[]; nextToken?: string }>('ListTasks', {
      cluster: 'demo',
      maxResults: 2,
    });
    expect(first.taskArns).toHaveLength(2);
    const second = await h.call<{ taskArns: string[]; nextToken?: string }>('ListTasks', {
      cluster: 'demo',
      maxResults: 2,
      nextToken: first.nextToken,
    });
    expect(second.taskArns).toHaveLength(1);
    expect(second.nextToken).toBeUndefined();
    expect(new Set([...first.taskArns, ...second.taskArns]).size).toBe(3);
  });

  it('stops every task process on close', async () => {
    await h.createTaskSet(await h.registerTaskDefinition('demo-app:blue'), 100);
    await waitFor('2 processes', () => h.launcher.running().length === 2);
    await h.close();
    expect(h.launcher.running()).toHaveLength(0);
    expect(h.ecs.state().tasks.every((t) => t.lastStatus === 'STOPPED')).toBe(true);
  });
});
