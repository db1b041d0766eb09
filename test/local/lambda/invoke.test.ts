/**
 * Invoke through the real @aws-sdk/client-lambda client against local AWS: the invocation types, a function error as
 * the Node.js runtime reports it, every FunctionName form, and the documented errors with their status and shape.
 */
import {
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  ResourceNotFoundException,
  type InvokeCommandInput,
} from '@aws-sdk/client-lambda';
import { localClientConfig } from '../../../local/aws/client-config';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';
import { errorOf, gate, json } from './support';

const ARN = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function`;

let aws: RunningLocalAws;
let lambda: LambdaClient;
const received: unknown[] = [];

beforeAll(async () => {
  aws = await startLocalAwsStack({ timeScale: 0.01, ports: { api: 0, listeners: {} } });
  lambda = new LambdaClient(localClientConfig(aws.endpoint, LOCAL_REGION));
  aws.lambda.register('echo', (event) => {
    received.push(event);
    return Promise.resolve({ echoed: event });
  });
  aws.lambda.register('nothing', () => Promise.resolve(undefined));
  aws.lambda.register('fails', () => Promise.reject(new TypeError('hook refused: green is not ready')));
  aws.lambda.register('throws-string', () => Promise.reject('plain text' as unknown as Error));
});
afterAll(async () => {
  lambda?.destroy();
  await aws?.close();
});
beforeEach(() => {
  received.length = 0;
});

const invoke = (input: InvokeCommandInput) => lambda.send(new InvokeCommand(input));
const payload = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));

describe('RequestResponse', () => {
  test('answers 200 with the handler response as the payload, executed at $LATEST', async () => {
    const out = await invoke({ FunctionName: 'echo', Payload: payload({ hook: 'BeforeSwap', n: 1 }) });
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(out.FunctionError).toBeUndefined();
    expect(out.LogResult).toBeUndefined();
    expect(json(out.Payload)).toEqual({ echoed: { hook: 'BeforeSwap', n: 1 } });
    expect(received).toEqual([{ hook: 'BeforeSwap', n: 1 }]);
  });

  test('is the default invocation type; no payload is the event {}; any JSON value is an event', async () => {
    expect(json((await invoke({ FunctionName: 'echo' })).Payload)).toEqual({ echoed: {} });
    expect(json((await invoke({ FunctionName: 'echo', Payload: payload('text') })).Payload)).toEqual({
      echoed: 'text',
    });
    expect(json((await invoke({ FunctionName: 'echo', Payload: payload([1, null]) })).Payload)).toEqual({
      echoed: [1, null],
    });
  });

  test('a handler that returns nothing answers the payload null', async () => {
    const out = await invoke({ FunctionName: 'nothing', InvocationType: 'RequestResponse' });
    expect(out.StatusCode).toBe(200);
    expect(Buffer.from(out.Payload ?? new Uint8Array()).toString()).toBe('null');
  });

  test('each invocation gets its own copy of the event', async () => {
    const event = { nested: { list: [1] } };
    await invoke({ FunctionName: 'echo', Payload: payload(event) });
    await invoke({ FunctionName: 'echo', Payload: payload(event) });
    expect(received[0]).toEqual(event);
    expect(received[0]).not.toBe(received[1]);
  });

  test('LogType Tail returns the invocation log (base64), START to REPORT', async () => {
    const out = await invoke({ FunctionName: 'echo', LogType: 'Tail' });
    const log = Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');
    expect(log).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
    expect(log).toMatch(/\nEND RequestId: [0-9a-f-]{36}\nREPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms/);
  });
});

describe('a function error', () => {
  test('answers 200 with X-Amz-Function-Error Unhandled and the runtime error payload', async () => {
    const out = await invoke({ FunctionName: 'fails', Payload: payload({}) });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(out.ExecutedVersion).toBe('$LATEST');
    const error = json(out.Payload) as { errorType: string; errorMessage: string; trace: string[] };
    expect(error).toEqual({
      errorType: 'TypeError',
      errorMessage: 'hook refused: green is not ready',
      trace: expect.any(Array) as unknown,
    });
    expect(error.trace[0]).toBe('TypeError: hook refused: green is not ready');
  });

  test('a thrown value that is not an Error is named by its type', async () => {
    const out = await invoke({ FunctionName: 'throws-string' });
    expect(out.FunctionError).toBe('Unhandled');
    expect(json(out.Payload)).toEqual({ errorType: 'string', errorMessage: 'plain text', trace: [] });
  });

  test('the log tail carries the runtime error line', async () => {
    const out = await invoke({ FunctionName: 'fails', LogType: 'Tail' });
    expect(Buffer.from(out.LogResult ?? '', 'base64').toString()).toMatch(
      /\tERROR\tInvoke Error \t\{"errorType":"TypeError"/,
    );
  });
});

describe('Event', () => {
  test('answers 202 with no payload before the handler has finished, then runs it', async () => {
    const release = gate();
    const ran = gate();
    const events: unknown[] = [];
    aws.lambda.register('slow-hook', async (event) => {
      events.push(event);
      await release.promise;
      ran.open();
      return 'done';
    });
    const out = await invoke({ FunctionName: 'slow-hook', InvocationType: 'Event', Payload: payload({ id: 7 }) });
    expect(out.StatusCode).toBe(202);
    expect(Buffer.from(out.Payload ?? []).length).toBe(0);
    expect(out.ExecutedVersion).toBeUndefined();
    // The caller has its answer while the handler is still held.
    release.open();
    await ran.promise;
    await aws.lambda.settled();
    expect(events).toEqual([{ id: 7 }]);
  });

  test('a failing Event invocation is not reported to the caller', async () => {
    const out = await invoke({ FunctionName: 'fails', InvocationType: 'Event', LogType: 'Tail' });
    expect(out.StatusCode).toBe(202);
    expect(out.FunctionError).toBeUndefined();
    expect(out.LogResult).toBeUndefined();
    await aws.lambda.settled();
  });
});

describe('DryRun', () => {
  test('answers 204 without running the function', async () => {
    const out = await invoke({ FunctionName: 'echo', InvocationType: 'DryRun', Payload: payload({ x: 1 }) });
    expect(out.StatusCode).toBe(204);
    expect(received).toEqual([]);
  });

  test('still checks the function exists', async () => {
    expect(await errorOf(invoke({ FunctionName: 'nope', InvocationType: 'DryRun' }))).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
    });
  });
});

describe('FunctionName forms and qualifiers', () => {
  test.each([
    ['name', { FunctionName: 'echo' }],
    ['name:$LATEST', { FunctionName: 'echo:$LATEST' }],
    ['partial ARN', { FunctionName: `${LOCAL_ACCOUNT}:function:echo` }],
    ['partial ARN:$LATEST', { FunctionName: `${LOCAL_ACCOUNT}:function:echo:$LATEST` }],
    ['full ARN', { FunctionName: `${ARN}:echo` }],
    ['full ARN:$LATEST', { FunctionName: `${ARN}:echo:$LATEST` }],
    ['name with Qualifier $LATEST', { FunctionName: 'echo', Qualifier: '$LATEST' }],
    ['full ARN with Qualifier $LATEST', { FunctionName: `${ARN}:echo`, Qualifier: '$LATEST' }],
  ])('%s invokes the function', async (_form, input) => {
    const out = await invoke({ ...input, Payload: payload({ form: _form }) });
    expect(out.StatusCode).toBe(200);
    expect(json(out.Payload)).toEqual({ echoed: { form: _form } });
  });

  test.each([
    ['an alias in the name', { FunctionName: 'echo:live' }, `${ARN}:echo:live`],
    ['a version in the name', { FunctionName: `${ARN}:echo:1` }, `${ARN}:echo:1`],
    ['an alias as Qualifier', { FunctionName: 'echo', Qualifier: 'live' }, `${ARN}:echo:live`],
    [
      'another account',
      { FunctionName: '210987654321:function:echo' },
      'arn:aws:lambda:us-east-1:210987654321:function:echo',
    ],
    [
      'another region',
      { FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:echo' },
      'arn:aws:lambda:eu-west-1:123456789012:function:echo',
    ],
  ])('%s is not found (no versions or aliases locally)', async (_case, input, arn) => {
    const error = await errorOf(invoke(input));
    expect(error).toEqual({
      name: 'ResourceNotFoundException',
      message: `Function not found: ${arn}`,
      status: 404,
      type: 'User',
    });
  });

  test('a Qualifier that contradicts the one in the name is InvalidParameterValueException', async () => {
    expect(await errorOf(invoke({ FunctionName: 'echo:live', Qualifier: '$LATEST' }))).toEqual({
      name: 'InvalidParameterValueException',
      message: 'The derived qualifier from the function name does not match the specified qualifier.',
      status: 400,
      type: 'User',
    });
  });
});

describe('errors', () => {
  test('an unknown function is ResourceNotFoundException (404) with the function ARN, as the SDK models it', async () => {
    let thrown: unknown;
    try {
      await invoke({ FunctionName: 'no-such-hook' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ResourceNotFoundException);
    expect(thrown).toMatchObject({
      message: `Function not found: ${ARN}:no-such-hook`,
      Type: 'User',
      $metadata: { httpStatusCode: 404 },
    });
  });

  test('a payload that is not JSON is InvalidRequestContentException (400)', async () => {
    const error = await errorOf(invoke({ FunctionName: 'echo', Payload: Buffer.from('{"hook": ') }));
    expect(error).toMatchObject({ name: 'InvalidRequestContentException', status: 400, type: 'User' });
    expect(error.message).toMatch(/^Could not parse request body into json: Could not parse payload into json: /);
    expect(received).toEqual([]);
  });

  test('a RequestResponse payload over 6 MB is RequestEntityTooLargeException (413); 6 MB itself is accepted', async () => {
    const limit = 6 * 1024 * 1024;
    const atLimit = Buffer.from(JSON.stringify('x'.repeat(limit - 2)));
    expect(atLimit.length).toBe(limit);
    expect((await invoke({ FunctionName: 'nothing', Payload: atLimit })).StatusCode).toBe(200);
    const over = Buffer.from(JSON.stringify('x'.repeat(limit - 1)));
    expect(await errorOf(invoke({ FunctionName: 'nothing', Payload: over }))).toEqual({
      name: 'RequestEntityTooLargeException',
      message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
      status: 413,
      type: 'User',
    });
  });

  test('an Event payload over 1 MB is RequestEntityTooLargeException (413); 300 KB is accepted', async () => {
    const kb300 = Buffer.from(JSON.stringify('x'.repeat(300 * 1024)));
    expect((await invoke({ FunctionName: 'nothing', InvocationType: 'Event', Payload: kb300 })).StatusCode).toBe(202);
    const over = Buffer.from(JSON.stringify('x'.repeat(1024 * 1024)));
    expect(await errorOf(invoke({ FunctionName: 'nothing', InvocationType: 'Event', Payload: over }))).toEqual({
      name: 'RequestEntityTooLargeException',
      message: `${over.length} byte payload is too large for the Event invocation type (limit 1048576 bytes)`,
      status: 413,
      type: 'User',
    });
    await aws.lambda.settled();
  });

  test('members that break their constraints are one ValidationException (400)', async () => {
    const error = await errorOf(
      invoke({ FunctionName: 'bad name', InvocationType: 'Later' as 'Event', LogType: 'All' as 'Tail' }),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^3 validation errors detected: Value 'bad name' at 'functionName' failed/);
    expect(error.message).toMatch(
      /Value 'Later' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: \[Event, RequestResponse, DryRun\]/,
    );
    expect(error.message).toMatch(/Value 'All' at 'logType'/);
    expect((await errorOf(invoke({ FunctionName: 'f'.repeat(171) }))).message).toMatch(
      /at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 170/,
    );
  });

  test('a Lambda operation local AWS does not emulate is UnknownOperationException', async () => {
    expect(await errorOf(lambda.send(new ListFunctionsCommand({})))).toMatchObject({
      name: 'UnknownOperationException',
      status: 400,
    });
  });
});

test('every call is in the call log as Lambda Invoke, failures with their error code', async () => {
  aws.server.callLog.clear();
  await invoke({ FunctionName: 'echo', Payload: payload({ a: 1 }) });
  await errorOf(invoke({ FunctionName: 'missing' }));
  expect(aws.server.callLog.entries({ service: 'Lambda' })).toEqual([
    expect.objectContaining({
      operation: 'Invoke',
      input: { FunctionName: 'echo', Payload: '{"a":1}' },
      outcome: { ok: true },
    }),
    expect.objectContaining({
      operation: 'Invoke',
      input: { FunctionName: 'missing' },
      outcome: { ok: false, errorCode: 'ResourceNotFoundException' },
    }),
  ]);
});

test('registration: register replaces the code, deregister removes the function; names follow CreateFunction', async () => {
  aws.lambda.register('versioned', () => Promise.resolve(1));
  aws.lambda.register('versioned', () => Promise.resolve(2));
  expect(json((await invoke({ FunctionName: 'versioned' })).Payload)).toBe(2);
  expect(aws.lambda.functions()).toContainEqual({ name: 'versioned', arn: `${ARN}:versioned` });
  expect(aws.lambda.deregister('versioned')).toBe(true);
  expect(aws.lambda.deregister('versioned')).toBe(false);
  expect((await errorOf(invoke({ FunctionName: 'versioned' }))).name).toBe('ResourceNotFoundException');
  expect(() => aws.lambda.register('bad.name', () => Promise.resolve(null))).toThrow(
    /1-64 letters, digits, '-' or '_'/,
  );
});
