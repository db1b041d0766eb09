/**
 * GETs each smoke-test path on the test listener (which forwards to green) and checks status and body, with a
 * timeout per request and a few tries per path. The HTTP client, sleep and clock are injected, so this is pure.
 */
import { z } from 'zod';
import { BlueGreenError, echo, INVALID_INPUT, show, SMOKE_TEST_FAILED } from '../shared/errors';
import {
  bodyPatternMatcher,
  smokeTestProblem,
  smokeTestSchema,
  type SmokeTestSettings,
} from '../shared/smoke-test-settings';

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/** GET `url`; rejects on network errors and when `timeoutMs` passes before the whole body arrived. */
export type HttpGet = (url: string, options: { readonly timeoutMs: number }) => Promise<HttpResponse>;

export interface SmokeTestDeps {
  readonly get: HttpGet;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /**
   * Epoch ms after which no new request starts (the Lambda's remaining time minus a margin).
   * @default - no deadline
   */
  readonly deadline?: number;
  /** @default 5000 */
  readonly requestTimeoutMs?: number;
  /** Wait before the second try of a path; doubles for each further try, capped at 10 s. @default 1000 */
  readonly retryDelayMs?: number;
}

export interface SmokeTestEvent {
  /** The test listener's URL, e.g. `http://my-alb-123.us-east-1.elb.amazonaws.com:8080/` (deploy-green's testUrl). */
  readonly testUrl: string;
  readonly smokeTest: Partial<SmokeTestSettings> & { readonly paths: readonly string[] };
}

export interface PathResult {
  readonly path: string;
  readonly url: string;
  readonly passed: boolean;
  readonly attempts: number;
  /** Status of the last try; absent when no response arrived. */
  readonly status?: number;
  /** What the last try got wrong; absent when it passed. */
  readonly problem?: string;
}

export interface SmokeTestSummary {
  readonly testUrl: string;
  readonly expectStatus: number;
  readonly bodyPattern?: string;
  readonly paths: readonly PathResult[];
  readonly message: string;
}

const eventSchema = z.object({
  testUrl: z.url({ protocol: /^https?$/, error: (i) => `testUrl is ${show(i.input)} but must be an http(s) URL.` }),
  smokeTest: smokeTestSchema,
});

function parseEvent(event: unknown): { testUrl: string; settings: SmokeTestSettings } {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    const raw = (event as { smokeTest?: { paths?: unknown } } | null)?.smokeTest?.paths;
    const problems = parsed.error.issues.map((issue) => {
      const [field, ...rest] = issue.path;
      const message =
        field === 'smokeTest' && rest.length > 0 ? smokeTestProblem(rest, issue.message, raw) : issue.message;
      return issue.code === 'unrecognized_keys' ? `smokeTest has unknown fields ${issue.keys.join(', ')}.` : message;
    });
    throw new BlueGreenError(INVALID_INPUT, [
      ...new Set(problems),
      'The smoke-test Task passes {"testUrl": <deploy-green testUrl>, "smokeTest": <the validated input smokeTest>}.',
    ]);
  }
  return { testUrl: parsed.data.testUrl, settings: parsed.data.smokeTest };
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

const excerpt = (body: string): string => show(body.replace(/\s+/g, ' ').trim(), 160);

/** What is wrong with one response, or undefined when it is what the smoke test expects. */
/** A compiled bodyPattern (RE2: linear in the body, see bodyPatternMatcher()) and its source, for messages. */
interface BodyPattern {
  readonly source: string;
  test(body: string): boolean;
}

function responseProblem(
  response: HttpResponse,
  expectStatus: number,
  pattern: BodyPattern | undefined,
): string | undefined {
  if (response.status !== expectStatus) {
    return `answered ${response.status} with body ${excerpt(response.body)}, but ${expectStatus} was expected`;
  }
  if (pattern && !pattern.test(response.body)) {
    return `answered ${response.status} but its body ${excerpt(response.body)} does not match /${echo(pattern.source)}/`;
  }
  return undefined;
}

export async function runSmokeTest(event: unknown, deps: SmokeTestDeps): Promise<SmokeTestSummary> {
  const { testUrl, settings } = parseEvent(event);
  const source = settings.bodyPattern;
  // parseEvent() checked that RE2 compiles it.
  const matcher = source === undefined ? undefined : bodyPatternMatcher(source);
  const pattern: BodyPattern | undefined =
    source === undefined || matcher === undefined ? undefined : { source, test: (body) => matcher.test(body) };
  const timeoutMs = deps.requestTimeoutMs ?? 5000;
  const firstDelay = deps.retryDelayMs ?? 1000;
  const results: PathResult[] = [];

  for (const path of settings.paths) {
    const url = joinUrl(testUrl, path);
    let last: { status?: number; problem: string } = { problem: 'was not tried' };
    let attempts = 0;
    let passed = false;
    while (attempts < settings.attempts) {
      if (deps.deadline !== undefined && deps.now() + timeoutMs > deps.deadline) {
        last = { ...last, problem: `${last.problem}; the smoke test ran out of time after ${attempts} tries` };
        break;
      }
      attempts += 1;
      try {
        const response = await deps.get(url, { timeoutMs });
        const problem = responseProblem(response, settings.expectStatus, pattern);
        if (problem === undefined) {
          last = { status: response.status, problem: '' };
          passed = true;
          break;
        }
        last = { status: response.status, problem };
      } catch (error) {
        last = { problem: `did not answer (${(error as Error).message || String(error)})` };
      }
      if (attempts < settings.attempts) await deps.sleep(Math.min(firstDelay * 2 ** (attempts - 1), 10_000));
    }
    results.push({
      path,
      url,
      passed,
      attempts,
      ...(last.status !== undefined && { status: last.status }),
      ...(!passed && { problem: last.problem }),
    });
  }

  const failed = results.filter((r) => !r.passed);
  const expectation = `${settings.expectStatus}${pattern ? ` and a body matching /${echo(pattern.source)}/` : ''}`;
  if (failed.length > 0) {
    throw new BlueGreenError(SMOKE_TEST_FAILED, [
      ...failed.map(
        (r) =>
          `Smoke test of ${r.path} (GET ${r.url}) failed after ${r.attempts} of ${settings.attempts} tries: it ${r.problem}.`,
      ),
      `Expected every path to answer ${expectation}. Fix green (or the smokeTest settings in the input) and deploy again.`,
    ]);
  }
  return {
    testUrl,
    expectStatus: settings.expectStatus,
    ...(settings.bodyPattern !== undefined && { bodyPattern: settings.bodyPattern }),
    paths: results,
    message: `Smoke test passed: ${results.map((r) => r.path).join(', ')} answered ${expectation} on ${testUrl}.`,
  };
}
