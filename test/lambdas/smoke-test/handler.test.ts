import * as http from 'http';
import type { AddressInfo } from 'net';
import { fetchGet, handler } from '../../../lambdas/smoke-test/handler';

/** A real HTTP server on 127.0.0.1, standing in for the test listener. */
let server: http.Server;
let baseUrl: string;
const hanging: http.ServerResponse[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end('<p>colour: green</p>');
    if (req.url === '/healthz') return res.writeHead(200).end('ok');
    if (req.url === '/moved') return res.writeHead(302, { location: '/' }).end();
    if (req.url === '/hang') return void hanging.push(res);
    res.writeHead(404).end('Not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** The event the lifecycle-hook runner gives the hook at POST_TEST_TRAFFIC_SHIFT (contract/lifecycle-hooks.ts). */
const hookEvent = (smokeTest?: unknown): unknown => ({
  stage: 'POST_TEST_TRAFFIC_SHIFT',
  machine: 'deploy-green',
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:deploy-green:x',
  cluster: 'c',
  service: 's',
  invocation: 1,
  testUrl: baseUrl,
  input: { cluster: 'c', service: 's', ...(smokeTest !== undefined && { smokeTest }) },
});

test('passes against a real server: SUCCEEDED, with what it checked as hookDetails', async () => {
  const answer = await handler(hookEvent({ paths: ['/', '/healthz'], bodyPattern: 'colour: green|ok' }));
  expect(answer.hookStatus).toBe('SUCCEEDED');
  expect(answer.hookDetails?.paths.map((p) => [p.path, p.status, p.passed])).toEqual([
    ['/', 200, true],
    ['/healthz', 200, true],
  ]);
});

test('an input without smokeTest has nothing to check: SUCCEEDED without a request', async () => {
  await expect(handler(hookEvent())).resolves.toMatchObject({ hookStatus: 'SUCCEEDED' });
});

test('fails with the real status and body: FAILED, the reason naming the path', async () => {
  await expect(handler(hookEvent({ paths: ['/missing'], attempts: 1 }))).resolves.toMatchObject({
    hookStatus: 'FAILED',
    reason: expect.stringMatching(
      /Smoke test of \/missing .*answered 404 with body 'Not found', but 200 was expected/,
    ) as unknown,
  });
});

test('an invalid smokeTest block is FAILED, naming the field', async () => {
  await expect(handler(hookEvent({ paths: ['no-slash'] }))).resolves.toMatchObject({
    hookStatus: 'FAILED',
    reason: expect.stringMatching(/paths/) as unknown,
  });
});

test('does not follow redirects: the status is what green answered', async () => {
  await expect(fetchGet(`${baseUrl}moved`, { timeoutMs: 2000 })).resolves.toMatchObject({ status: 302 });
});

test('a request that gets no answer in time is rejected', async () => {
  await expect(fetchGet(`${baseUrl}hang`, { timeoutMs: 200 })).rejects.toThrow(/abort|timeout/i);
});

test('stops before the Lambda deadline from the context', async () => {
  const context = { getRemainingTimeInMillis: () => 3500 };
  await expect(handler(hookEvent({ paths: ['/missing'], attempts: 5 }), context)).resolves.toMatchObject({
    hookStatus: 'FAILED',
    reason: expect.stringMatching(/ran out of time after 0 tries/) as unknown,
  });
});
