/**
 * The images that misbehave only under production traffic, as real task processes: production is what the ALB
 * forwards from listener port 80 (`X-Forwarded-Port: 80`); health checks (no such header) and the test listener
 * (8080) always get good answers. Emulated time runs 50x faster (a 1.5 s slow request takes 30 ms of wall time).
 */
import http from 'http';
import { createClock } from '../../../local/aws/clock';
import { launchTask, type LocalTaskProcess } from '../../../local/dataplane/task-process';

const clock = createClock(0.02);
const tasks: LocalTaskProcess[] = [];

afterAll(async () => {
  await Promise.all(tasks.map((task) => task.stop('test over')));
});

async function start(image: string): Promise<LocalTaskProcess> {
  const task = await launchTask({ image, commit: 'abc1234' }, clock);
  tasks.push(task);
  await task.ready;
  return task;
}

/** One GET; resolves with the status, the wall milliseconds until the answer's headers and its declared delay. */
function request(
  task: LocalTaskProcess,
  path: string,
  forwardedPort?: string,
): Promise<{ status: number; ms: number; delay?: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: task.host,
        port: task.port,
        path,
        headers: forwardedPort === undefined ? {} : { 'x-forwarded-port': forwardedPort },
      },
      (res) => {
        const ms = performance.now() - started;
        const delay = res.headers['x-local-emulated-delay'];
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms, ...(typeof delay === 'string' && { delay }) }));
      },
    );
    req.on('error', reject);
  });
}

async function statuses(task: LocalTaskProcess, count: number, path: string, forwardedPort?: string) {
  const answers: number[] = [];
  for (let i = 0; i < count; i++) answers.push((await request(task, path, forwardedPort)).status);
  return answers;
}

describe('error-rate', () => {
  it('answers 500 to exactly errors-N % of production page requests, evenly spread, and 200 to everything else', async () => {
    const task = await start('local/error-rate:green-errors-10');
    expect(await statuses(task, 30, '/', '8080')).toEqual(Array(30).fill(200));
    expect(await statuses(task, 10, '/healthz')).toEqual(Array(10).fill(200));
    const production = await statuses(task, 40, '/', '80');
    expect(production.filter((s) => s === 500)).toHaveLength(4);
    expect(production.map((s, i) => (s === 500 ? i + 1 : 0)).filter((n) => n > 0)).toEqual([10, 20, 30, 40]);
    // Health checks during production traffic still pass.
    expect(await statuses(task, 5, '/healthz', '80')).toEqual(Array(5).fill(200));
  });

  it('defaults to 5 %', async () => {
    const task = await start('local/error-rate:blue');
    const production = await statuses(task, 40, '/', '80');
    expect(production.filter((s) => s === 500)).toHaveLength(2);
  });
});

describe('slow-production', () => {
  it('delays every 20th production page request by latency-N emulated milliseconds; other traffic does not count', async () => {
    const task = await start('local/slow-production:green-latency-2000');
    const slowWallMs = clock.wallMs(2);
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(await request(task, '/', '80'));
    const production = answers.map((answer) => answer.ms);
    // The slow ones say how long they waited on the emulated clock and what that was in wall time (the listener takes
    // this out and local CloudWatch counts it in emulated seconds); the others declare no delay.
    expect(answers.map((answer, i) => (answer.delay === undefined ? 0 : i + 1)).filter((n) => n > 0)).toEqual([20, 40]);
    expect(answers[19]?.delay).toBe(`2; wall-ms=${slowWallMs}`);
    // The 20th and 40th took at least the latency; 38 others answered at once (no request is made faster than that).
    expect(production[19]).toBeGreaterThanOrEqual(slowWallMs - 1);
    expect(production[39]).toBeGreaterThanOrEqual(slowWallMs - 1);
    const sorted = [...production].sort((a, b) => a - b);
    expect(sorted[0]).toBeLessThan(slowWallMs);
    // Test-listener and health-check requests do not advance the production count: the next slow one is the 60th.
    await statuses(task, 25, '/', '8080');
    await statuses(task, 25, '/healthz');
    const more: number[] = [];
    for (let i = 0; i < 20; i++) more.push((await request(task, '/', '80')).ms);
    expect(more[19]).toBeGreaterThanOrEqual(slowWallMs - 1);
  });
});
