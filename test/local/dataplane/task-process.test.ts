import { fork, spawn } from 'child_process';
import fs from 'fs';
import path from 'path';
import { createClock } from '../../../local/aws/clock';
import { launchTask, type LocalTaskProcess } from '../../../local/dataplane/task-process';
import { get, isAlive, waitFor } from './test-support';

const clock = createClock(0.01);
const launched: LocalTaskProcess[] = [];

async function launch(image: string, extra: { stopTimeoutSeconds?: number } = {}): Promise<LocalTaskProcess> {
  const task = await launchTask({ image, commit: 'abc1234', buildTime: '2026-11-23T12:00:00Z', ...extra }, clock);
  launched.push(task);
  return task;
}

afterAll(async () => {
  await Promise.all(launched.map((task) => task.stop('test cleanup')));
  for (const task of launched) expect(isAlive(task.pid)).toBe(false);
});

describe('launchTask', () => {
  it('serves the demo page stamped with colour, commit and build time, and X-App-Version', async () => {
    const task = await launch('123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app:green');
    await task.ready;
    expect(task.host).toBe('127.0.0.1');
    expect(task.port).toBeGreaterThan(0);

    const page = await get(task.port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['x-app-version']).toBe('green/abc1234');
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<meta name="app-colour" content="green" />');
    expect(page.body).toContain('<dd id="commit">abc1234</dd>');
    expect(page.body).toContain('2026-11-23T12:00:00Z');
    expect(page.body).not.toContain('%%');

    const health = await get(task.port, '/healthz');
    expect(health.status).toBe(200);
  });

  it('crash-on-start exits with code 1 and ready rejects, with the process output', async () => {
    const task = await launch('local/crash-on-start:red');
    await expect(task.ready).rejects.toThrow(/exited \(code 1\) before it listened.*simulated crash/s);
    await expect(task.exited).resolves.toEqual({ exitCode: 1, reason: 'Essential container in task exited' });
    expect(task.port).toBe(0);
  });

  it('unhealthy serves the page but answers 500 on /healthz', async () => {
    const task = await launch('local/unhealthy:orange');
    await task.ready;
    expect((await get(task.port, '/healthz')).status).toBe(500);
    const page = await get(task.port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['x-app-version']).toBe('orange/abc1234');
  });

  it('slow-start listens only after the emulated start-up time', async () => {
    // 30 emulated seconds at timeScale 0.01 = 300 ms of wall time.
    const started = Date.now();
    const task = await launch('local/slow-start:blue-slow-30');
    expect(task.port).toBe(0);
    await task.ready;
    expect(Date.now() - started).toBeGreaterThanOrEqual(clock.wallMs(30));
    expect((await get(task.port, '/healthz')).status).toBe(200);
  });

  it('stop during a slow start ends the process before it listens, and ready rejects', async () => {
    const task = await launch('local/slow-start:blue-slow-100000');
    await task.stop('Task stopped by user');
    await expect(task.ready).rejects.toThrow(/before it listened/);
    await expect(task.exited).resolves.toMatchObject({ reason: 'Task stopped by user' });
    expect(isAlive(task.pid)).toBe(false);
  });

  it('stop sends SIGTERM: the process ends, exited carries the reason, and stop is idempotent', async () => {
    const task = await launch('local/demo-app:blue');
    await task.ready;
    expect(isAlive(task.pid)).toBe(true);
    await Promise.all([task.stop('Scaling activity initiated by deployment'), task.stop('second call')]);
    expect(isAlive(task.pid)).toBe(false);
    await expect(task.exited).resolves.toEqual({ exitCode: 0, reason: 'Scaling activity initiated by deployment' });
    await expect(get(task.port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stop falls back to SIGKILL after the stop timeout when SIGTERM is not handled', async () => {
    const task = await launch('local/demo-app:blue', { stopTimeoutSeconds: 5 });
    await task.ready;
    // A stopped (SIGSTOP) process cannot run its SIGTERM handler; only SIGKILL, 5 emulated seconds later, ends it.
    process.kill(task.pid, 'SIGSTOP');
    await task.stop('test');
    await expect(task.exited).resolves.toEqual({ exitCode: 137, reason: 'test' });
    expect(isAlive(task.pid)).toBe(false);
  });

  it('stop of a process that already exited resolves and keeps the original reason', async () => {
    const task = await launch('local/crash-on-start:red');
    await task.exited;
    await task.stop('too late');
    await expect(task.exited).resolves.toMatchObject({ reason: 'Essential container in task exited' });
  });

  const linuxOnly = fs.existsSync('/proc/self/environ') ? it : it.skip;
  linuxOnly(
    'forks tasks from a small helper process, not from the emulator, each with its own pid and output',
    async () => {
      const parentOf = (pid: number): number =>
        Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      const tasks = await Promise.all(
        ['green', 'orange', 'purple'].map((colour) => launch(`local/demo-app:${colour}`)),
      );
      await Promise.all(tasks.map((task) => task.ready));
      expect(new Set(tasks.map((task) => task.pid)).size).toBe(3);
      const helper = parentOf(tasks[0]?.pid ?? 0);
      expect(helper).not.toBe(process.pid);
      expect(parentOf(helper)).toBe(process.pid);
      expect(tasks.every((task) => parentOf(task.pid) === helper)).toBe(true);
      const versions = await Promise.all(
        tasks.map(async (task) => (await get(task.port, '/')).headers['x-app-version']),
      );
      expect(versions).toEqual(['green/abc1234', 'orange/abc1234', 'purple/abc1234']);
    },
  );

  linuxOnly('gives the process the task definition environment and nothing from the host', async () => {
    expect(process.env.AWS_REGION).toBeDefined(); // set by test/setup-env.ts: must not leak into the task
    const task = await launchTask({ image: 'demo-app:green', commit: 'c', environment: { GREETING: 'hi' } }, clock);
    launched.push(task);
    await task.ready;
    const environment = fs.readFileSync(`/proc/${task.pid}/environ`, 'utf8').split('\0');
    expect(environment).toContain('GREETING=hi');
    expect(environment.some((entry) => entry.startsWith('AWS_REGION='))).toBe(false);
  });
});

describe('task lifetime', () => {
  it('a task dies with its parent, even when the parent is SIGKILLed', async () => {
    const tsx = path.join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');
    const fixture = path.join(__dirname, 'fixtures', 'launch-and-wait.ts');
    const parent = spawn(tsx, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    let orphanPid: number | undefined;
    try {
      const [launcherPid = 0, taskPid = 0] = await new Promise<number[]>((resolve, reject) => {
        parent.stdout.setEncoding('utf8').once('data', (line: string) => resolve(line.trim().split(' ').map(Number)));
        parent.once('exit', (code) => reject(new Error(`fixture exited early with code ${code}`)));
      });
      orphanPid = taskPid;
      expect(isAlive(taskPid)).toBe(true);
      // Kill only the process that forked the task (tsx runs the script in a child of its own), giving it no chance
      // to clean up: the task must notice on its own.
      process.kill(launcherPid, 'SIGKILL');
      await waitFor(() => !isAlive(taskPid), `task ${taskPid} to exit after its parent was killed`);
    } finally {
      if (parent.pid !== undefined && isAlive(parent.pid)) parent.kill('SIGKILL');
      // If the behaviour under test is broken, do not leave the orphan behind.
      if (orphanPid !== undefined && isAlive(orphanPid)) process.kill(orphanPid, 'SIGKILL');
    }
  });
});

describe('task server', () => {
  it('exits on its own when the parent disconnects (parent gone), so tasks never outlive the emulator', async () => {
    const entry = path.join(__dirname, '..', '..', '..', 'local', 'dataplane', 'task-server', 'server.js');
    const template = path.join(__dirname, '..', '..', '..', 'demo-app', 'index.html');
    const config = {
      behaviour: 'healthy',
      colour: 'blue',
      commit: 'c',
      buildTime: 'b',
      startupWallMs: 0,
      templatePath: template,
      host: '127.0.0.1',
    };
    const child = fork(entry, [JSON.stringify(config)], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve) => child.once('message', () => resolve()));
      child.disconnect();
      await waitFor(() => child.exitCode !== null, 'the task server to exit after the disconnect');
      await expect(exited).resolves.toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
