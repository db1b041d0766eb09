/**
 * `ECS Task State Change` events: one per change of a task's lastStatus or desiredStatus, shaped as the ECS developer
 * guide's example ("Amazon ECS task state change events"), with the stop codes, reasons and exit codes of each way a
 * task ends, and the same values DescribeTasks reports.
 */
import { ECSClient, InvalidParameterException, StopTaskCommand } from '@aws-sdk/client-ecs';
import { startLocalAws, type LocalAws } from '../../../local/aws/server';
import { launchTask } from '../../../local/dataplane/task-process';
import type { TaskProcess } from '../../../local/dataplane/types';
import { createEventBus, type LocalEvent } from '../../../local/events/event-bus';
import { ACCOUNT, EcsHarness, REGION, type TaskSetWire, waitFor } from './support/ecs-harness';

type Detail = Record<string, unknown> & {
  taskArn: string;
  lastStatus: string;
  desiredStatus: string;
  version: number;
  containers: Array<Record<string, unknown>>;
};

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

class Recorder {
  readonly events: LocalEvent[] = [];
  readonly emit = (event: LocalEvent): void => {
    this.events.push(event);
  };

  of(taskArn: string): Detail[] {
    return this.events.filter((e) => e.resources[0] === taskArn).map((e) => e.detail as Detail);
  }

  /** `lastStatus/desiredStatus` of each event of the task, in order. */
  statuses(taskArn: string): string[] {
    return this.of(taskArn).map((d) => `${d.lastStatus}/${d.desiredStatus}`);
  }

  last(taskArn: string): Detail | undefined {
    return this.of(taskArn).at(-1);
  }

  stopped(taskArn: string): Detail | undefined {
    return this.of(taskArn).find((d) => d.lastStatus === 'STOPPED');
  }
}

describe('ECS Task State Change events', () => {
  let h: EcsHarness;
  let recorder: Recorder;
  let taskSet: TaskSetWire;

  beforeEach(async () => {
    recorder = new Recorder();
    h = new EcsHarness({ emit: recorder.emit });
    await h.createService(1);
  });
  afterEach(() => h.close());

  const runningTask = async (): Promise<string> => {
    const [task] = await waitFor('a running task', async () => {
      const tasks = await h.tasks();
      return tasks.length === 1 && tasks[0]?.lastStatus === 'RUNNING' ? tasks : undefined;
    });
    return task?.taskArn ?? '';
  };

  const describeTask = async (taskArn: string): Promise<Record<string, unknown>> => {
    const { tasks } = await h.call<{ tasks: Array<Record<string, unknown>> }>('DescribeTasks', {
      cluster: 'demo',
      tasks: [taskArn],
    });
    return tasks[0] ?? {};
  };

  const startOne = async (image = 'demo-app:blue', targetGroupArn?: string): Promise<string> => {
    taskSet = await h.createTaskSet(await h.registerTaskDefinition(image), 100, targetGroupArn);
    return runningTask();
  };

  it('a start is PROVISIONING, PENDING, RUNNING, one event each, shaped as the documented example', async () => {
    const before = h.clock.now();
    const taskArn = await startOne();
    expect(recorder.statuses(taskArn)).toEqual(['PROVISIONING/RUNNING', 'PENDING/RUNNING', 'RUNNING/RUNNING']);
    expect(recorder.of(taskArn).map((d) => d.version)).toEqual([1, 2, 3]);

    const event = recorder.events.filter((e) => e.resources[0] === taskArn).at(-1);
    const described = await describeTask(taskArn);
    const clusterArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/demo`;
    // The envelope.
    expect(event).toMatchObject({
      version: '0',
      id: expect.any(String),
      'detail-type': 'ECS Task State Change',
      source: 'aws.ecs',
      account: ACCOUNT,
      region: REGION,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      resources: [taskArn],
    });
    const detail = event?.detail as Detail;
    // The detail, member by member against the guide's example.
    expect(detail.clusterArn).toBe(clusterArn);
    expect(detail.taskArn).toBe(taskArn);
    expect(detail.taskDefinitionArn).toBe(`arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/app:1`);
    // A service's tasks: group service:NAME; started by the service scheduler for the task set (its id).
    expect(detail.group).toBe('service:web');
    expect(detail.startedBy).toBe(taskSet.id);
    expect(detail.launchType).toBe('FARGATE');
    expect(detail.platformVersion).toBe('1.4.0');
    expect(detail.availabilityZone).toBe(`${REGION}a`);
    expect([detail.cpu, detail.memory]).toEqual(['256', '512']);
    expect([detail.lastStatus, detail.desiredStatus, detail.version]).toEqual(['RUNNING', 'RUNNING', 3]);
    for (const field of ['createdAt', 'startedAt', 'updatedAt']) expect(detail[field]).toMatch(ISO_MS);
    for (const field of ['stoppingAt', 'stoppedAt', 'stopCode', 'stoppedReason'])
      expect(detail).not.toHaveProperty(field);
    expect(detail.containers).toEqual([
      {
        containerArn: expect.stringMatching(
          new RegExp(`^arn:aws:ecs:${REGION}:${ACCOUNT}:container/demo/${taskArn.split('/').at(-1)}/[0-9a-f-]{36}$`),
        ),
        taskArn,
        name: 'web',
        image: 'demo-app:blue',
        lastStatus: 'RUNNING',
        healthStatus: 'UNKNOWN',
        networkInterfaces: [{ attachmentId: expect.any(String), privateIpv4Address: expect.any(String) }],
      },
    ]);
    // The guide's example spells the ENI attachment's type `eni` (DescribeTasks: ElasticNetworkInterface).
    expect(detail.attachments).toEqual([
      {
        id: (detail.containers[0]?.networkInterfaces as Array<{ attachmentId: string }>)[0]?.attachmentId,
        type: 'eni',
        status: 'ATTACHED',
        details: [{ name: 'privateIPv4Address', value: expect.any(String) }],
      },
    ]);
    // The same values as DescribeTasks, timestamps as ISO strings instead of epoch seconds.
    const iso = (seconds: unknown): string => new Date((seconds as number) * 1000).toISOString();
    const { createdAt, startedAt, tags: _tags, attachments, ...rest } = JSON.parse(JSON.stringify(described)) as Detail;
    expect(attachments).toEqual([{ ...(detail.attachments as object[])[0], type: 'ElasticNetworkInterface' }]);
    expect(detail).toMatchObject({ ...rest, createdAt: iso(createdAt), startedAt: iso(startedAt) });
    // Emulated time: the clock runs a hundred times faster than the wall here.
    const after = h.clock.now();
    for (const e of recorder.events) {
      const updatedAt = Date.parse((e.detail as Detail).updatedAt as string);
      expect(updatedAt).toBeGreaterThanOrEqual(before - 1);
      expect(updatedAt).toBeLessThanOrEqual(after + 1);
      expect(Date.parse(e.time)).toBe(Math.floor(updatedAt / 1000) * 1000);
    }
    expect(Date.parse(detail.updatedAt as string)).toBeGreaterThan(Date.now() + 1000);
  });

  it('StopTask: desiredStatus STOPPED at once, then DEACTIVATING, STOPPING, STOPPED, UserInitiated with the reason', async () => {
    const tg = h.targets.create('blue');
    const taskArn = await startOne('demo-app:blue', tg);
    const { task } = await h.call<{ task: Record<string, unknown> }>('StopTask', {
      cluster: 'demo',
      task: taskArn,
      reason: 'bad canary',
    });
    expect(task).toMatchObject({ desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'bad canary' });
    await waitFor('stopped', () => recorder.stopped(taskArn));
    expect(recorder.statuses(taskArn).slice(3)).toEqual([
      'RUNNING/STOPPED',
      'DEACTIVATING/STOPPED',
      'STOPPING/STOPPED',
      'STOPPED/STOPPED',
    ]);
    const stopped = recorder.stopped(taskArn);
    expect(stopped).toMatchObject({ stopCode: 'UserInitiated', stoppedReason: 'bad canary', version: 7 });
    expect(stopped?.stoppingAt).toMatch(ISO_MS);
    expect(stopped?.stoppedAt).toMatch(ISO_MS);
    // The fake process exits 0 on SIGTERM; the event reports the container's exit code, as DescribeTasks does.
    expect(stopped?.containers[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 0 });
    expect((await describeTask(taskArn)).version).toBe(7);
    // The service scheduler replaces it: a new task's events begin.
    await waitFor('a replacement', () => recorder.events.some((e) => e.resources[0] !== taskArn));
  });

  it('StopTask without a reason says "Task stopped by user"; unknown tasks and long reasons are refused', async () => {
    const taskArn = await startOne();
    const error = await h.error('StopTask', { cluster: 'demo', task: 'ffffffffffffffffffffffffffffffff' });
    expect([error.code, error.message]).toEqual(['InvalidParameterException', 'The referenced task was not found.']);
    expect((await h.error('StopTask', { cluster: 'demo', task: taskArn, reason: 'x'.repeat(256) })).code).toBe(
      'InvalidParameterException',
    );
    expect((await h.error('StopTask', { cluster: 'nope', task: taskArn })).code).toBe('ClusterNotFoundException');
    await h.call('StopTask', { cluster: 'demo', task: taskArn });
    await waitFor('stopped', () => recorder.stopped(taskArn));
    expect(recorder.stopped(taskArn)).toMatchObject({
      stopCode: 'UserInitiated',
      stoppedReason: 'Task stopped by user',
    });
    // Stopping it again changes nothing: no new event.
    const count = recorder.events.length;
    await h.call('StopTask', { cluster: 'demo', task: taskArn, reason: 'again' });
    // Without a load balancer there is no DEACTIVATING: 3 events to start, 3 to stop.
    expect(recorder.of(taskArn)).toHaveLength(6);
    expect(recorder.events.slice(count).filter((e) => e.resources[0] === taskArn)).toEqual([]);
  });

  it('a process that dies: one event, RUNNING to STOPPED, EssentialContainerExited with its exit code', async () => {
    const taskArn = await startOne();
    const process = h.launcher.running()[0];
    process?.exit(137);
    await waitFor('stopped', () => recorder.stopped(taskArn));
    expect(recorder.statuses(taskArn)).toEqual([
      'PROVISIONING/RUNNING',
      'PENDING/RUNNING',
      'RUNNING/RUNNING',
      'STOPPED/STOPPED',
    ]);
    const stopped = recorder.stopped(taskArn);
    expect(stopped).toMatchObject({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      version: 4,
    });
    expect(stopped?.containers[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 137 });
    expect(stopped?.stoppingAt).toMatch(ISO_MS);
    expect(stopped?.stoppedAt).toMatch(ISO_MS);
  });

  it('scale-in: ServiceSchedulerInitiated, "Scaling activity initiated by (deployment <task set id>)"', async () => {
    const taskArn = await startOne();
    await h.call('UpdateTaskSet', { cluster: 'demo', service: 'web', taskSet: taskSet.id, scale: { value: 0 } });
    await waitFor('stopped', () => recorder.stopped(taskArn));
    expect(recorder.statuses(taskArn).slice(3)).toEqual(['RUNNING/STOPPED', 'STOPPING/STOPPED', 'STOPPED/STOPPED']);
    expect(recorder.stopped(taskArn)).toMatchObject({
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: `Scaling activity initiated by (deployment ${taskSet.id})`,
      startedBy: taskSet.id,
    });
  });

  it('a task that cannot start: PROVISIONING, PENDING, then STOPPED with TaskFailedToStart and no exit code', async () => {
    taskSet = await h.createTaskSet(await h.registerTaskDefinition('demo-app:unlaunchable'), 100);
    const stopped = await waitFor('a stopped task', () =>
      recorder.events.map((e) => e.detail as Detail).find((d) => d.lastStatus === 'STOPPED'),
    );
    expect(recorder.statuses(stopped.taskArn)).toEqual(['PROVISIONING/RUNNING', 'PENDING/RUNNING', 'STOPPED/STOPPED']);
    expect(stopped).toMatchObject({
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotStartContainerError: no such image demo-app:unlaunchable',
    });
    expect(stopped.containers[0]).not.toHaveProperty('exitCode');
    expect(stopped.containers[0]).toMatchObject({ lastStatus: 'STOPPED' });
  });
});

describe('a real task process killed from outside', () => {
  it('SIGKILL: STOPPED with EssentialContainerExited and exit code 137, as DescribeTasks reports it', async () => {
    const recorder = new Recorder();
    const processes: TaskProcess[] = [];
    const h = new EcsHarness({
      emit: recorder.emit,
      launchTask: async (spec, clock) => {
        const started = await launchTask(spec, clock);
        processes.push(started);
        return started;
      },
    });
    try {
      await h.createService(1);
      await h.createTaskSet(await h.registerTaskDefinition('local/demo-app:blue'), 100);
      const [task] = await waitFor(
        'a running task',
        async () => {
          const tasks = await h.tasks();
          return tasks[0]?.lastStatus === 'RUNNING' ? tasks : undefined;
        },
        30_000,
      );
      const taskArn = task?.taskArn ?? '';
      const [running] = processes;
      process.kill(running?.pid ?? 0, 'SIGKILL');
      const stopped = await waitFor('stopped', () => recorder.stopped(taskArn), 30_000);
      expect(recorder.statuses(taskArn).slice(2)).toEqual(['RUNNING/RUNNING', 'STOPPED/STOPPED']);
      expect(stopped).toMatchObject({ stopCode: 'EssentialContainerExited', lastStatus: 'STOPPED' });
      expect(stopped.containers[0]).toMatchObject({ exitCode: 137 });
      const { tasks } = await h.call<{ tasks: Array<Record<string, unknown>> }>('DescribeTasks', {
        cluster: 'demo',
        tasks: [taskArn],
      });
      expect(tasks[0]).toMatchObject({
        stopCode: stopped.stopCode,
        stoppedReason: stopped.stoppedReason,
        version: stopped.version,
      });
    } finally {
      await h.close();
    }
  });
});

describe('the product’s rule: a Lambda woken when green’s tasks stop', () => {
  it('ECS events reach a Lambda target through the bus, matched on detail-type, lastStatus and startedBy', async () => {
    const woken: unknown[] = [];
    const bus = createEventBus({
      region: REGION,
      accountId: ACCOUNT,
      endpoint: () => 'http://127.0.0.1:9',
      lambda: (name) => (name === 'Wake' ? (event) => Promise.resolve(woken.push(event)) : undefined),
    });
    const h = new EcsHarness({ emit: (event) => bus.putEvent(event) });
    try {
      await h.createService(2);
      const blue = await h.createTaskSet(await h.registerTaskDefinition('demo-app:blue'), 50);
      const green = await h.createTaskSet(await h.registerTaskDefinition('demo-app:green'), 50);
      bus.putRule({
        name: 'green-stopped',
        eventPattern: {
          source: ['aws.ecs'],
          'detail-type': ['ECS Task State Change'],
          detail: { lastStatus: ['STOPPED'], startedBy: [green.id] },
        },
        targets: [{ id: 'wake', arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:Wake` }],
      });
      bus.putLambdaPermission({
        id: 'events',
        functionName: 'Wake',
        action: 'lambda:InvokeFunction',
        principal: 'events.amazonaws.com',
        sourceArn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/green-stopped`,
      });
      await waitFor('2 running', async () => (await h.tasks()).filter((t) => t.lastStatus === 'RUNNING').length === 2);
      const [greenTask] = (await h.tasks()).filter((t) => t.startedBy === green.id);
      const [blueTask] = (await h.tasks()).filter((t) => t.startedBy === blue.id);
      await h.call('StopTask', { cluster: 'demo', task: blueTask?.taskArn, reason: 'blue' });
      await h.call('StopTask', { cluster: 'demo', task: greenTask?.taskArn, reason: 'green' });
      await waitFor('green stopped', async () => {
        await bus.settled();
        return woken.length > 0;
      });
      await bus.settled();
      expect(woken).toEqual([
        expect.objectContaining({
          'detail-type': 'ECS Task State Change',
          resources: [greenTask?.taskArn],
          detail: expect.objectContaining({ lastStatus: 'STOPPED', stoppedReason: 'green', startedBy: green.id }),
        }),
      ]);
      expect(bus.deliveries().every((d) => d.outcome.ok)).toBe(true);
    } finally {
      await h.close();
      await bus.close();
    }
  });
});

describe('StopTask through @aws-sdk/client-ecs', () => {
  it('answers the task and maps the error code to the SDK’s exception', async () => {
    const h = new EcsHarness();
    const aws: LocalAws = await startLocalAws({ port: 0, services: [h.ecs], region: REGION, accountId: ACCOUNT });
    const client = new ECSClient({
      endpoint: aws.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'not-a-secret' },
      maxAttempts: 1,
    });
    try {
      await h.createService(1);
      await h.createTaskSet(await h.registerTaskDefinition('demo-app:blue'), 100);
      const [task] = await waitFor('a task', async () => {
        const tasks = await h.tasks();
        return tasks.length === 1 ? tasks : undefined;
      });
      const { task: stopped } = await client.send(
        new StopTaskCommand({ cluster: 'demo', task: task?.taskArn, reason: 'sdk' }),
      );
      expect(stopped).toMatchObject({ taskArn: task?.taskArn, desiredStatus: 'STOPPED', stopCode: 'UserInitiated' });
      expect(stopped?.version).toEqual(expect.any(Number));
      await expect(client.send(new StopTaskCommand({ cluster: 'demo', task: 'nope' }))).rejects.toBeInstanceOf(
        InvalidParameterException,
      );
    } finally {
      client.destroy();
      await aws.close();
      await h.close();
    }
  });
});
