/**
 * The callback pattern (`arn:aws:states:::lambda:invoke.waitForTaskToken`) through the real @aws-sdk/client-sfn
 * client and the local AWS HTTP server: the token in `$$.Task.Token`, SendTaskSuccess / SendTaskFailure /
 * SendTaskHeartbeat and their errors, timeouts in emulated time, Stop during the wait, and the history AWS records.
 */
import {
  CreateStateMachineCommand,
  GetExecutionHistoryCommand,
  InvalidDefinition,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { createClock, type Clock } from '../../../local/aws/clock';
import { startLocalAws, type LocalAws } from '../../../local/aws/server';
import type { ExecutionSnapshot } from '../../../local/stepfunctions/execution';
import { createStepFunctionsService, type StepFunctionsService } from '../../../local/stepfunctions/service';
import { CTX, ROLE, createMachine, start } from './harness';

/** What the callback Lambda receives: the token, and whatever else the Payload passes. */
interface BakeEvent {
  readonly token: string;
  readonly [key: string]: unknown;
}

/** Events a registered Lambda received, awaited one by one (the test waits on them, never on time). */
class Mailbox {
  private readonly events: BakeEvent[] = [];
  private readonly waiting: Array<(event: BakeEvent) => void> = [];

  deliver(event: BakeEvent): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(event);
    else this.events.push(event);
  }

  next(): Promise<BakeEvent> {
    const event = this.events.shift();
    return event ? Promise.resolve(event) : new Promise((resolve) => this.waiting.push(resolve));
  }
}

// 1 emulated second = 1 ms of wall time.
let clock: Clock;
let sfn: StepFunctionsService;
let aws: LocalAws;
let client: SFNClient;
let bake: Mailbox;

beforeAll(async () => {
  clock = createClock(0.001);
  sfn = createStepFunctionsService({ clock, region: 'us-east-1', accountId: '123456789012', endpoint: () => '' });
  aws = await startLocalAws({ port: 0, services: [sfn], region: 'us-east-1', accountId: '123456789012' });
  client = new SFNClient({
    endpoint: aws.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

beforeEach(() => {
  const mailbox = new Mailbox();
  bake = mailbox;
  sfn.registerLambda('bake', (event) => {
    mailbox.deliver(event as BakeEvent);
    return Promise.resolve({ accepted: true });
  });
});

afterAll(async () => {
  client.destroy();
  await sfn.close();
  await aws.close();
});

/** A callback Task named Bake, with the given extra fields, whose Catch / Retry routes are added by the caller. */
function bakeMachine(bakeState: Record<string, unknown>, extraStates: Record<string, unknown> = {}) {
  return {
    StartAt: 'Bake',
    States: {
      Bake: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'bake', Payload: { 'token.$': '$$.Task.Token', 'green.$': '$.green' } },
        End: true,
        ...bakeState,
      },
      ...extraStates,
    },
  };
}

let machines = 0;
async function run(definition: unknown, input: unknown = { green: 'tg-green' }): Promise<string> {
  machines += 1;
  return start(sfn, await createMachine(sfn, `callback-${machines}`, definition), input);
}

async function historyOf(executionArn: string): Promise<HistoryEvent[]> {
  return (await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
}

const types = (events: readonly HistoryEvent[]): string[] => events.map((e) => e.type ?? '?');
const taskEvents = (events: readonly HistoryEvent[]): string[] =>
  types(events).filter((t) => /^Task(Scheduled|Started|Submitted|Succeeded|Failed|TimedOut)$/.test(t));
const seconds = (event: HistoryEvent | undefined): number => event?.timestamp?.getTime() ?? NaN;

/** The AWS error code a client call fails with. */
async function errorCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as { name: string }).name;
  }
  throw new Error('expected the call to fail');
}

const succeed = (taskToken: string, output: unknown) =>
  client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
const fail = (taskToken: string, error?: string, cause?: string) =>
  client.send(new SendTaskFailureCommand({ taskToken, error, cause }));
const heartbeat = (taskToken: string) => client.send(new SendTaskHeartbeatCommand({ taskToken }));

describe('callback Tasks (lambda:invoke.waitForTaskToken)', () => {
  test('SendTaskSuccess: its output is the Task result (ResultSelector, ResultPath); history as AWS records it; the token is then closed', async () => {
    const executionArn = await run(
      bakeMachine({ TimeoutSeconds: 86400, ResultSelector: { 'verdict.$': '$.verdict' }, ResultPath: '$.bake' }),
    );
    const event = await bake.next();
    expect(event.green).toBe('tg-green');
    expect(typeof event.token).toBe('string');
    expect(event.token.length).toBeLessThanOrEqual(2048);
    expect(sfn.executions().find((e) => e.executionArn === executionArn)?.status).toBe('RUNNING');

    await succeed(event.token, { verdict: 'healthy', p99: 120 });
    const done = await sfn.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toEqual({ green: 'tg-green', bake: { verdict: 'healthy' } });

    const events = await historyOf(executionArn);
    expect(taskEvents(events)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
    const scheduled = events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails;
    expect(scheduled).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      timeoutInSeconds: 86400,
    });
    expect(JSON.parse(scheduled?.parameters ?? '{}')).toEqual({
      FunctionName: 'bake',
      Payload: { token: event.token, green: 'tg-green' },
    });
    // TaskSubmitted carries the Lambda's invoke result; TaskSucceeded the callback's output.
    const submitted = events.find((e) => e.type === 'TaskSubmitted')?.taskSubmittedEventDetails;
    expect(JSON.parse(submitted?.output ?? 'null')).toMatchObject({ Payload: { accepted: true }, StatusCode: 200 });
    const succeeded = events.find((e) => e.type === 'TaskSucceeded')?.taskSucceededEventDetails;
    expect(JSON.parse(succeeded?.output ?? 'null')).toEqual({ verdict: 'healthy', p99: 120 });

    // A used token is closed: every Send* answers TaskTimedOut.
    expect(await errorCode(succeed(event.token, {}))).toBe('TaskTimedOut');
    expect(await errorCode(fail(event.token, 'Late'))).toBe('TaskTimedOut');
    expect(await errorCode(heartbeat(event.token))).toBe('TaskTimedOut');
  });

  test('SendTaskFailure: its error is the Task error, caught by name (not by an earlier catcher of another name)', async () => {
    const executionArn = await run(
      bakeMachine(
        {
          End: undefined,
          Next: 'Promote',
          Catch: [
            { ErrorEquals: ['BlueGreen.Other'], Next: 'Wrong' },
            { ErrorEquals: ['BlueGreen.GreenUnhealthy'], ResultPath: '$.failure', Next: 'RollBack' },
          ],
        },
        {
          Promote: { Type: 'Pass', End: true },
          Wrong: { Type: 'Fail', Error: 'Wrong' },
          RollBack: { Type: 'Pass', End: true },
        },
      ),
    );
    const { token } = await bake.next();
    await fail(token, 'BlueGreen.GreenUnhealthy', 'p99 above 800 ms for 3 minutes');
    const done = await sfn.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toEqual({
      green: 'tg-green',
      failure: { Error: 'BlueGreen.GreenUnhealthy', Cause: 'p99 above 800 ms for 3 minutes' },
    });
    const events = await historyOf(executionArn);
    expect(taskEvents(events)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskFailed']);
    expect(events.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      error: 'BlueGreen.GreenUnhealthy',
      cause: 'p99 above 800 ms for 3 minutes',
    });
    expect(types(events)).toContain('PassStateEntered');
    expect(await errorCode(succeed(token, {}))).toBe('TaskTimedOut');
  });

  test('TimeoutSecondsPath times out in emulated time as States.Timeout, which States.TaskFailed does not catch', async () => {
    const executionArn = await run(
      bakeMachine(
        {
          End: undefined,
          Next: 'Promote',
          TimeoutSecondsPath: '$.bakeSeconds',
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], Next: 'Wrong' },
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'TimedOut' },
          ],
        },
        {
          Promote: { Type: 'Pass', End: true },
          Wrong: { Type: 'Fail', Error: 'Wrong' },
          TimedOut: { Type: 'Pass', End: true },
        },
      ),
      { green: 'tg-green', bakeSeconds: 30 },
    );
    const { token } = await bake.next();
    const done = await sfn.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toMatchObject({ timeout: { Error: 'States.Timeout' } });

    const events = await historyOf(executionArn);
    expect(taskEvents(events)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskTimedOut']);
    expect(events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails?.timeoutInSeconds).toBe(30);
    const timedOut = events.find((e) => e.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails?.error).toBe('States.Timeout');
    // Not before 30 emulated seconds after the Task started.
    const started = events.find((e) => e.type === 'TaskStarted');
    expect(seconds(timedOut) - seconds(started)).toBeGreaterThanOrEqual(30_000 - 5);
    expect(await errorCode(succeed(token, {}))).toBe('TaskTimedOut');
  });

  test('HeartbeatSeconds: each SendTaskHeartbeat restarts the heartbeat clock; silence past it is States.HeartbeatTimeout', async () => {
    const executionArn = await run(
      bakeMachine(
        {
          TimeoutSeconds: 86400,
          HeartbeatSeconds: 1000,
          End: undefined,
          Next: 'Promote',
          Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.lost', Next: 'Lost' }],
        },
        { Promote: { Type: 'Pass', End: true }, Lost: { Type: 'Pass', End: true } },
      ),
    );
    const { token } = await bake.next();
    // Two heartbeats 300 emulated seconds apart, well inside the 1000-second window each time.
    let lastHeartbeat = 0;
    for (let i = 0; i < 2; i += 1) {
      await clock.sleep(300);
      // The heartbeat clock restarts while the call is handled: after this instant.
      lastHeartbeat = clock.now();
      await heartbeat(token);
    }
    const done = await sfn.waitForExecution(executionArn);
    expect(JSON.parse(done.output ?? 'null')).toMatchObject({ lost: { Error: 'States.HeartbeatTimeout' } });

    const events = await historyOf(executionArn);
    expect(taskEvents(events)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskTimedOut']);
    expect(events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails).toMatchObject({
      timeoutInSeconds: 86400,
      heartbeatInSeconds: 1000,
    });
    const timedOut = events.find((e) => e.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails?.error).toBe('States.HeartbeatTimeout');
    // The heartbeats moved the deadline: the Task timed out 1000 s after the last one, not after TaskStarted.
    expect(seconds(timedOut)).toBeGreaterThanOrEqual(lastHeartbeat + 1000 * 1000 - 1000);
    expect(await errorCode(heartbeat(token))).toBe('TaskTimedOut');
  });

  test('a Lambda error fails the Task at once with the Lambda error (no TaskSubmitted), and closes the token', async () => {
    sfn.registerLambda('bake', (event) => {
      bake.deliver(event as BakeEvent);
      const error = new Error('cannot watch green');
      error.name = 'BlueGreen.WatchFailed';
      return Promise.reject(error);
    });
    const executionArn = await run(
      bakeMachine(
        {
          TimeoutSeconds: 86400,
          End: undefined,
          Next: 'Promote',
          Catch: [{ ErrorEquals: ['BlueGreen.WatchFailed'], ResultPath: '$.error', Next: 'Broken' }],
        },
        { Promote: { Type: 'Pass', End: true }, Broken: { Type: 'Pass', End: true } },
      ),
    );
    const { token } = await bake.next();
    const done = await sfn.waitForExecution(executionArn);
    expect(JSON.parse(done.output ?? 'null')).toMatchObject({ error: { Error: 'BlueGreen.WatchFailed' } });
    const events = await historyOf(executionArn);
    expect(taskEvents(events)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskFailed']);
    expect(await errorCode(succeed(token, {}))).toBe('TaskTimedOut');
  });

  test('a Retry gives the new attempt a new token; the first attempt’s token is closed', async () => {
    const executionArn = await run(
      bakeMachine({ TimeoutSeconds: 86400, Retry: [{ ErrorEquals: ['BlueGreen.Flaky'], IntervalSeconds: 1 }] }),
    );
    const first = await bake.next();
    await fail(first.token, 'BlueGreen.Flaky');
    const second = await bake.next();
    expect(second.token).not.toBe(first.token);
    expect(await errorCode(succeed(first.token, {}))).toBe('TaskTimedOut');
    await succeed(second.token, { ok: true });
    const done = await sfn.waitForExecution(executionArn);
    expect(JSON.parse(done.output ?? 'null')).toEqual({ ok: true });
    expect(taskEvents(await historyOf(executionArn))).toEqual([
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
    ]);
  });

  test('StopExecution during the wait ends it: ABORTED, no Task result, and every Send* is refused as TaskTimedOut', async () => {
    const executionArn = await run(bakeMachine({ TimeoutSeconds: 86400, HeartbeatSeconds: 3600 }));
    const { token } = await bake.next();
    await client.send(new StopExecutionCommand({ executionArn, error: 'Operator.Stop' }));
    const done = await sfn.waitForExecution(executionArn);
    expect(done.status).toBe('ABORTED');
    expect(await errorCode(succeed(token, {}))).toBe('TaskTimedOut');
    expect(await errorCode(fail(token, 'X'))).toBe('TaskTimedOut');
    expect(await errorCode(heartbeat(token))).toBe('TaskTimedOut');
    const events = await historyOf(executionArn);
    expect(types(events)).not.toContain('TaskSucceeded');
    expect(types(events).at(-1)).toBe('ExecutionAborted');
  });

  test('a TimeoutSecondsPath that does not select a positive integer fails the execution with States.Runtime, uncaught', async () => {
    const executionArn = await run(
      bakeMachine(
        {
          TimeoutSecondsPath: '$.bakeSeconds',
          End: undefined,
          Next: 'Promote',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        },
        { Promote: { Type: 'Pass', End: true }, Caught: { Type: 'Pass', End: true } },
      ),
      { green: 'tg-green', bakeSeconds: 0 },
    );
    const done: ExecutionSnapshot = await sfn.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(done.cause).toMatch(/TimeoutSecondsPath '\$\.bakeSeconds' must select a positive integer/);
  });
});

describe('SendTask* API errors', () => {
  let token: string;
  let executionArn: string;

  beforeAll(async () => {
    sfn.registerLambda('bake', (event) => {
      bake.deliver(event as BakeEvent);
      return Promise.resolve(null);
    });
    executionArn = await run(bakeMachine({ TimeoutSeconds: 86400 }));
    ({ token } = await bake.next());
  });

  afterAll(async () => {
    await client.send(new StopExecutionCommand({ executionArn }));
  });

  test('InvalidToken for text that is not a task token; TaskDoesNotExist for a token another service issued', async () => {
    expect(await errorCode(succeed('not-a-token', {}))).toBe('InvalidToken');
    expect(await errorCode(fail('not-a-token'))).toBe('InvalidToken');
    expect(await errorCode(heartbeat('not-a-token'))).toBe('InvalidToken');

    const other = createStepFunctionsService({
      clock,
      region: 'us-east-1',
      accountId: '123456789012',
      endpoint: () => '',
    });
    const elsewhere = new Mailbox();
    other.registerLambda('bake', (event) => {
      elsewhere.deliver(event as BakeEvent);
      return Promise.resolve(null);
    });
    const created = (await other.invoke(
      'CreateStateMachine',
      { name: 'other', definition: JSON.stringify(bakeMachine({ TimeoutSeconds: 86400 })), roleArn: ROLE },
      CTX,
    )) as { stateMachineArn: string };
    await other.invoke('StartExecution', { stateMachineArn: created.stateMachineArn, input: '{"green":"g"}' }, CTX);
    const foreign = await elsewhere.next();
    await other.close();
    expect(await errorCode(succeed(foreign.token, {}))).toBe('TaskDoesNotExist');
  });

  test('InvalidOutput for output that is not JSON; the task stays open', async () => {
    const sent = client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"verdict": healthy}' }));
    expect(await errorCode(sent)).toBe('InvalidOutput');
    await heartbeat(token);
  });

  test('the model’s length limits are ValidationException: token 1–2048, output 262144 bytes, error 256, cause 32768', async () => {
    expect(await errorCode(succeed('A'.repeat(2049), {}))).toBe('ValidationException');
    expect(await errorCode(client.send(new SendTaskHeartbeatCommand({ taskToken: '' })))).toBe('ValidationException');
    const big = JSON.stringify({ pad: 'é'.repeat(131072) }); // 262,155 bytes in UTF-8, fewer characters
    expect(await errorCode(client.send(new SendTaskSuccessCommand({ taskToken: token, output: big })))).toBe(
      'ValidationException',
    );
    expect(await errorCode(fail(token, 'E'.repeat(257)))).toBe('ValidationException');
    expect(await errorCode(fail(token, 'E', 'c'.repeat(32769)))).toBe('ValidationException');
    // At the limits the calls are accepted by validation (the task is still open).
    await heartbeat(token);
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify('x'.repeat(262142)) })),
    ).resolves.toBeDefined();
    expect((await sfn.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
  });
});

describe('definitions', () => {
  test('other .waitForTaskToken integrations and a heartbeat not below the timeout are refused at creation', async () => {
    const create = (definition: unknown) =>
      client.send(
        new CreateStateMachineCommand({ name: 'refused', definition: JSON.stringify(definition), roleArn: ROLE }),
      );
    const sqs = bakeMachine({ Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken' });
    await expect(create(sqs)).rejects.toBeInstanceOf(InvalidDefinition);
    await expect(create(sqs)).rejects.toThrow(/only for arn:aws:states:::lambda:invoke\.waitForTaskToken/);
    await expect(create(bakeMachine({ TimeoutSeconds: 60, HeartbeatSeconds: 60 }))).rejects.toThrow(
      /HeartbeatSeconds \(60\) must be smaller than TimeoutSeconds \(60\)/,
    );
  });
});
