import {
  InvokeCommand,
  LambdaClient,
  LambdaServiceException,
  ResourceNotFoundException,
  ServiceException,
  TooManyRequestsException,
  type InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { HookConfig, HookRunRequest, HookRunResult } from '../../../contract';
import {
  invokeErrorVerdict,
  MAX_UNANSWERED_DELAY_SECONDS,
  unansweredDelay,
} from '../../../lambdas/lifecycle-hooks/core';
import { createHandler } from '../../../lambdas/lifecycle-hooks/handler';

/**
 * A Lambda hook whose Invoke gets no answer for now (throttled, Lambda's own 5xx, no response) is called again later
 * (IN_PROGRESS with the same progress and a back-off, until the hook's timeout); an Invoke Lambda refuses for good
 * fails the hook; the hook's own FAILED still fails it.
 */
const lambda = mockClient(LambdaClient);
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:gate';
const hooks: HookConfig[] = [
  { name: 'Gate', stage: 'POST_SCALE_UP', kind: 'lambda', arn: FN, timeoutSeconds: 60, details: { n: 1 } },
];
const run = createHandler({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  variables: { LIFECYCLE_HOOKS: JSON.stringify(hooks) },
});

const T0 = '2026-12-01T10:00:00.000Z';
const at = (seconds: number): string => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const request = (now = T0, from?: HookRunResult): HookRunRequest => ({
  stage: 'POST_SCALE_UP',
  now,
  event: { machine: 'deploy-green', executionArn: 'arn:x', cluster: 'c', service: 's' },
  ...(from?.progress !== undefined && { progress: from.progress }),
  ...(from !== undefined && { succeeded: from.succeeded }),
});
const answer = (payload: unknown) => ({
  StatusCode: 200,
  Payload: Buffer.from(JSON.stringify(payload)) as unknown as InvokeCommandOutput['Payload'],
});
const throttled = (retryAfterSeconds?: string) =>
  new TooManyRequestsException({
    message: 'Rate Exceeded.',
    $metadata: { httpStatusCode: 429 },
    Reason: 'ConcurrentInvocationLimitExceeded',
    ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
  });
const internal = () =>
  new ServiceException({ message: 'internal error', Message: 'internal error', $metadata: { httpStatusCode: 500 } });
/** The invocation numbers and hookDetails each Invoke sent. */
const sent = (): unknown[][] =>
  lambda.commandCalls(InvokeCommand).map((c) => {
    const event = JSON.parse(Buffer.from(c.args[0].input.Payload as Uint8Array).toString('utf8')) as {
      invocation: number;
      hookDetails?: unknown;
    };
    return [event.invocation, event.hookDetails];
  });

beforeEach(() => lambda.reset());

test('a throttled or 5xx Invoke is called again later with the same progress, backing off; then the answer counts', async () => {
  lambda
    .on(InvokeCommand)
    .rejectsOnce(throttled())
    .rejectsOnce(internal())
    .resolvesOnce(answer({ hookStatus: 'IN_PROGRESS', callBackDelay: 5, hookDetails: { step: 2 } }))
    .rejectsOnce(throttled())
    .resolves(answer({ hookStatus: 'SUCCEEDED' }));
  const one = await run(request());
  expect(one).toMatchObject({ status: 'IN_PROGRESS', callBackDelay: 2, succeeded: [] });
  expect(one.progress).toMatchObject({ invocation: 1, hookDetails: { n: 1 }, unanswered: 1 });
  const two = await run(request(at(2), one));
  expect(two).toMatchObject({ status: 'IN_PROGRESS', callBackDelay: 4 });
  expect(two.progress).toMatchObject({
    invocation: 1,
    unanswered: 2,
    lastUnanswered: expect.stringMatching(/^ServiceException \(HTTP 500\)/),
  });
  const three = await run(request(at(6), two));
  // The hook answered: its own callBackDelay, and the count of unanswered Invokes starts again.
  expect(three).toMatchObject({ status: 'IN_PROGRESS', callBackDelay: 5 });
  expect(three.progress).toEqual({ index: 0, invocation: 2, startedAt: T0, hookDetails: { step: 2 } });
  const four = await run(request(at(11), three));
  expect(four).toMatchObject({ status: 'IN_PROGRESS', callBackDelay: 2, progress: { invocation: 2, unanswered: 1 } });
  const five = await run(request(at(13), four));
  expect(five).toEqual({ status: 'SUCCEEDED', callBackDelay: 0, succeeded: ['Gate'] });
  // The hook saw invocations 1 (three times: two got no answer), then 2 (twice) with the details it returned.
  expect(sent()).toEqual([
    [1, { n: 1 }],
    [1, { n: 1 }],
    [1, { n: 1 }],
    [2, { step: 2 }],
    [2, { step: 2 }],
  ]);
});

test("Lambda's Retry-After is the delay; no delay runs past the hook's timeout, where the hook fails naming the last error", async () => {
  lambda.on(InvokeCommand).rejectsOnce(throttled('7')).rejects(throttled());
  const one = await run(request());
  expect(one).toMatchObject({ status: 'IN_PROGRESS', callBackDelay: 7 });
  const two = await run(request(at(55), one));
  // 4 s of back-off, but only 5 s are left: the next call is at the timeout.
  expect(two).toMatchObject({ status: 'IN_PROGRESS', callBackDelay: 4 });
  const three = await run(request(at(58), two));
  expect(three.callBackDelay).toBe(2);
  const last = await run(request(at(60), three));
  expect(last.status).toBe('FAILED');
  expect(last.message).toMatch(
    /lifecycle hook Gate .* failed: it did not answer SUCCEEDED within its timeout of 60 s \(0 calls answered IN_PROGRESS; the last 3 Invokes got no answer: TooManyRequestsException \(HTTP 429\): Rate Exceeded\.\)/,
  );
  expect(sent()).toHaveLength(3);
});

test('an Invoke Lambda refuses for good fails the hook at once, naming the error', async () => {
  lambda.on(InvokeCommand).rejects(
    new ResourceNotFoundException({
      message: '',
      Message: `Function not found: ${FN}`,
      $metadata: { httpStatusCode: 404 },
    }),
  );
  const result = await run(request());
  expect(result.status).toBe('FAILED');
  expect(result.message).toMatch(
    /lifecycle hook Gate .* failed: Lambda refused to invoke it \(ResourceNotFoundException \(HTTP 404\): Function not found/,
  );
});

test('a hook that answers FAILED after Invokes that got no answer still fails', async () => {
  lambda
    .on(InvokeCommand)
    .rejectsOnce(internal())
    .resolves(answer({ hookStatus: 'FAILED', reason: 'ticket rejected' }));
  const one = await run(request());
  expect(one.status).toBe('IN_PROGRESS');
  const two = await run(request(at(2), one));
  expect(two.status).toBe('FAILED');
  expect(two.message).toMatch(/answered FAILED: ticket rejected/);
});

test('an error that is not an answer of Lambda fails the runner (the machine undoes), as before', async () => {
  lambda.on(InvokeCommand).rejects(new TypeError('cannot read properties of undefined'));
  await expect(run(request())).rejects.toThrow(/cannot read properties/);
});

describe('invokeErrorVerdict', () => {
  const modelled = (e: unknown) => e instanceof LambdaServiceException && e.constructor !== LambdaServiceException;
  const generic = (name: string, status: number) =>
    new LambdaServiceException({ name, $fault: 'server', message: name, $metadata: { httpStatusCode: status } });

  test.each([
    ['throttled', throttled(), 'transient'],
    ["Lambda's internal error", internal(), 'transient'],
    ['an unmodelled 503', generic('ServiceUnavailable', 503), 'transient'],
    ['an unmodelled 400', generic('Weird', 400), 'refused'],
    ['a function not ready yet', Object.assign(generic('ResourceNotReadyException', 502)), 'transient'],
    ['no response (reset)', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient'],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'transient'],
    ['a bug', new TypeError('x'), 'unknown'],
    ['not an error', 'boom', 'unknown'],
  ])('%s is %s', (_what, error, kind) => {
    expect(invokeErrorVerdict(error, modelled).kind).toBe(kind);
  });

  test('a modelled configuration error answered with a 5xx is refused (no wait fixes it)', () => {
    const kms = new LambdaServiceException({
      name: 'KMSAccessDeniedException',
      $fault: 'server',
      message: 'KMS access denied',
      $metadata: { httpStatusCode: 502 },
    });
    expect(invokeErrorVerdict(kms, () => true).kind).toBe('refused');
  });
});

test('unansweredDelay: 2, 4, 8, … capped, and never past the timeout', () => {
  expect([1, 2, 3, 4].map((n) => unansweredDelay(n, undefined, 3600))).toEqual([2, 4, 8, 16]);
  expect(unansweredDelay(20, undefined, 3600)).toBe(MAX_UNANSWERED_DELAY_SECONDS);
  expect(unansweredDelay(3, 30, 3600)).toBe(30);
  expect(unansweredDelay(3, undefined, 2.5)).toBe(3);
  expect(unansweredDelay(3, undefined, -4)).toBe(1);
});

describe('a state-machine hook whose Step Functions calls get no answer for now', () => {
  const sfn = mockClient(SFNClient);
  const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:gate';
  const machineHooks: HookConfig[] = [
    { name: 'Gate', stage: 'POST_SCALE_UP', kind: 'state-machine', arn: MACHINE, timeoutSeconds: 60 },
  ];
  const runMachine = createHandler({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    variables: { LIFECYCLE_HOOKS: JSON.stringify(machineHooks) },
  });
  const throttledSfn = () =>
    new SFNServiceException({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
  beforeEach(() => sfn.reset());
  afterAll(() => sfn.restore());

  test('a throttled StartExecution, then DescribeExecution, is called again later; the execution started is kept', async () => {
    const arn = `${MACHINE.replace(':stateMachine:', ':execution:')}:run-1`;
    sfn.on(StartExecutionCommand).rejectsOnce(throttledSfn()).resolves({ executionArn: arn, startDate: new Date() });
    sfn.on(DescribeExecutionCommand).rejectsOnce(throttledSfn()).resolves({ status: 'SUCCEEDED', output: '{}' });
    const one = await runMachine(request());
    expect(one).toMatchObject({
      status: 'IN_PROGRESS',
      callBackDelay: 2,
      progress: { unanswered: 1, lastUnanswered: expect.stringMatching(/^ThrottlingException \(HTTP 400\)/) },
    });
    const two = await runMachine(request(at(2), one));
    expect(two).toMatchObject({
      status: 'IN_PROGRESS',
      callBackDelay: 4,
      progress: { executionArn: arn, unanswered: 2 },
    });
    const three = await runMachine(request(at(6), two));
    expect(three).toEqual({ status: 'SUCCEEDED', callBackDelay: 0, succeeded: ['Gate'] });
    // Started once: the retries looked at the execution the second call started.
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
    expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input.executionArn)).toEqual([arn, arn]);
  });

  test('still no answer at the hook’s timeout: the hook fails naming the last error', async () => {
    sfn.on(StartExecutionCommand).rejects(throttledSfn());
    const one = await runMachine(request());
    const late = await runMachine(request(at(60), one));
    expect(late).toMatchObject({ status: 'FAILED' });
    expect(JSON.stringify(late)).toContain('ThrottlingException');
  });

  test('a call Step Functions refuses for good fails the hook at once', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(
        new StateMachineDoesNotExist({ message: 'State Machine Does Not Exist', $metadata: { httpStatusCode: 400 } }),
      );
    const result = await runMachine(request());
    expect(result).toMatchObject({ status: 'FAILED' });
    expect(JSON.stringify(result)).toContain('StateMachineDoesNotExist');
  });
});
