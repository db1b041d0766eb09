import { BlueGreenError } from '../../../lambdas/shared/errors';
import { joinUrl, runSmokeTest, type HttpResponse, type SmokeTestDeps } from '../../../lambdas/smoke-test/core';

const TEST_URL = 'http://alb.example:8080/';

/** A scripted HTTP client: each URL answers its queued responses in order (an Error means no answer). */
function fakeDeps(script: Record<string, Array<HttpResponse | Error>>, extra: Partial<SmokeTestDeps> = {}) {
  const calls: Array<{ url: string; timeoutMs: number }> = [];
  const sleeps: number[] = [];
  let clock = 0;
  const deps: SmokeTestDeps = {
    get: (url, { timeoutMs }) => {
      calls.push({ url, timeoutMs });
      const next = script[url]?.shift();
      if (next === undefined) return Promise.reject(new Error(`unscripted GET ${url}`));
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    now: () => clock,
    ...extra,
  };
  return { deps, calls, sleeps };
}

async function failure(promise: Promise<unknown>): Promise<BlueGreenError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(BlueGreenError);
    return error as BlueGreenError;
  }
  throw new Error('expected the smoke test to fail');
}

test('passes when every path answers the expected status and body, and summarizes', async () => {
  const { deps, calls } = fakeDeps({
    'http://alb.example:8080/': [{ status: 200, body: '<h1>colour: green</h1>' }],
    'http://alb.example:8080/healthz': [{ status: 200, body: 'ok colour: green' }],
  });
  const summary = await runSmokeTest(
    { testUrl: TEST_URL, smokeTest: { paths: ['/', '/healthz'], bodyPattern: 'colour: green' } },
    deps,
  );
  expect(summary).toEqual({
    testUrl: TEST_URL,
    expectStatus: 200,
    bodyPattern: 'colour: green',
    paths: [
      { path: '/', url: 'http://alb.example:8080/', passed: true, attempts: 1, status: 200 },
      { path: '/healthz', url: 'http://alb.example:8080/healthz', passed: true, attempts: 1, status: 200 },
    ],
    message:
      'Smoke test passed: /, /healthz answered 200 and a body matching /colour: green/ on http://alb.example:8080/.',
  });
  expect(calls.every((c) => c.timeoutMs === 5000)).toBe(true);
});

test('retries a path with growing delays until it passes', async () => {
  const { deps, calls, sleeps } = fakeDeps({
    'http://alb.example:8080/': [
      new Error('connect ECONNREFUSED'),
      { status: 502, body: 'Bad Gateway' },
      { status: 200, body: 'ok' },
    ],
  });
  const summary = await runSmokeTest({ testUrl: TEST_URL, smokeTest: { paths: ['/'], attempts: 3 } }, deps);
  expect(summary.paths[0]).toMatchObject({ passed: true, attempts: 3, status: 200 });
  expect(calls).toHaveLength(3);
  expect(sleeps).toEqual([1000, 2000]);
});

test('fails naming the path, the status and body seen, and what was expected', async () => {
  const { deps, sleeps } = fakeDeps({
    'http://alb.example:8080/': [{ status: 200, body: 'fine' }],
    'http://alb.example:8080/api': [
      { status: 500, body: 'boom' },
      { status: 404, body: 'Not   found\n' },
    ],
  });
  const error = await failure(
    runSmokeTest({ testUrl: TEST_URL, smokeTest: { paths: ['/', '/api'], attempts: 2, expectStatus: 200 } }, deps),
  );
  expect(error.name).toBe('BlueGreen.SmokeTestFailed');
  expect(error.message).toBe(
    "Smoke test of /api (GET http://alb.example:8080/api) failed after 2 of 2 tries: it answered 404 with body 'Not found', but 200 was expected. " +
      'Expected every path to answer 200. Fix green (or the smokeTest settings in the input) and deploy again.',
  );
  expect(sleeps).toEqual([1000]);
});

test('a body that does not match the pattern fails with the body excerpt', async () => {
  const { deps } = fakeDeps({ 'http://alb.example:8080/': [{ status: 200, body: 'colour: blue' }] });
  const error = await failure(
    runSmokeTest({ testUrl: TEST_URL, smokeTest: { paths: ['/'], bodyPattern: 'colour: green', attempts: 1 } }, deps),
  );
  expect(error.message).toMatch(
    /it answered 200 but its body 'colour: blue' does not match \/colour: green\/\. Expected every path to answer 200 and a body matching \/colour: green\//,
  );
});

test('a path that never answers reports why', async () => {
  const { deps } = fakeDeps({
    'http://alb.example:8080/': [new Error('The operation was aborted due to timeout')],
  });
  const error = await failure(runSmokeTest({ testUrl: TEST_URL, smokeTest: { paths: ['/'], attempts: 1 } }, deps));
  expect(error.message).toMatch(/it did not answer \(The operation was aborted due to timeout\)/);
});

test('stops starting requests at the deadline and says so', async () => {
  const { deps, calls } = fakeDeps(
    {
      'http://alb.example:8080/': [
        { status: 503, body: 'x' },
        { status: 503, body: 'x' },
        { status: 200, body: '' },
      ],
    },
    { deadline: 7000, requestTimeoutMs: 5000, retryDelayMs: 4000 },
  );
  const error = await failure(runSmokeTest({ testUrl: TEST_URL, smokeTest: { paths: ['/'], attempts: 3 } }, deps));
  expect(calls).toHaveLength(1);
  expect(error.message).toMatch(/answered 503 .*; the smoke test ran out of time after 1 tries/);
});

test('an event without a usable testUrl or smokeTest is BlueGreen.InvalidInput naming the field', async () => {
  const { deps } = fakeDeps({});
  const error = await failure(runSmokeTest({ testUrl: 'ftp://x/', smokeTest: { paths: ['nope'] } }, deps));
  expect(error.name).toBe('BlueGreen.InvalidInput');
  expect(error.message).toMatch(/testUrl is 'ftp:\/\/x\/' but must be an http\(s\) URL/);
  expect(error.message).toMatch(/smokeTest.paths\[0\] is 'nope' but must be a path starting with '\/'/);
});

test.each([
  ['http://h:8080/', '/a', 'http://h:8080/a'],
  ['http://h:8080', '/a', 'http://h:8080/a'],
  ['http://h/base/', '/a?b=1', 'http://h/base/a?b=1'],
])('joinUrl(%s, %s) is %s', (base, path, url) => expect(joinUrl(base, path)).toBe(url));

describe('bodyPattern is matched in time linear in the body (RE2), whatever the pattern', () => {
  test('a catastrophically backtracking pattern against a long non-matching body just does not match', async () => {
    // With RegExp, ^(a+)+$ against 'aaaa…!' backtracks exponentially (13 s for 28 characters). RE2 has no
    // backtracking: this finishes by construction, so the test asserts only the outcome.
    const body = `${'a'.repeat(100_000)}!`;
    const { deps } = fakeDeps({ 'http://alb.example:8080/': [{ status: 200, body }] });
    const error = await failure(
      runSmokeTest({ testUrl: TEST_URL, smokeTest: { paths: ['/'], bodyPattern: '^(a+)+$', attempts: 1 } }, deps),
    );
    expect(error.name).toBe('BlueGreen.SmokeTestFailed');
    expect(error.message).toMatch(/does not match \/\^\(a\+\)\+\$\//);
    expect(error.message).toMatch(/… \(100001 characters\)/);
  });

  test.each([
    ['(a)\\1', /invalid escape sequence/],
    ['(?=x)', /unsupported Perl syntax/],
    ['(?!x)', /unsupported Perl syntax/],
  ])('%s (backreference or lookaround) is refused at validation, naming the field', async (bodyPattern, why) => {
    const { deps, calls } = fakeDeps({});
    const error = await failure(runSmokeTest({ testUrl: TEST_URL, smokeTest: { paths: ['/'], bodyPattern } }, deps));
    expect(error.name).toBe('BlueGreen.InvalidInput');
    expect(error.message).toMatch(/smokeTest.bodyPattern is .* but must be an RE2 regular expression/);
    expect(error.message).toMatch(why);
    expect(calls).toHaveLength(0);
  });
});
