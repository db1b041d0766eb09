/** The SFN API of local Step Functions, exercised through `invoke` with JSON 1.0 wire names. */
import { createClock } from '../../../local/aws/clock';
import { createStepFunctionsService, type StepFunctionsService } from '../../../local/stepfunctions/service';
import { awsErrorOf, createMachine, CTX, eventTypes, outputOf, ROLE, runToEnd, start } from './harness';

const lambdaCalls: unknown[] = [];
const lambdas = {
  greet: (event: unknown): Promise<unknown> => {
    lambdaCalls.push(event);
    return Promise.resolve({ greeting: `hello ${(event as { who: string }).who}` });
  },
  explode: (): Promise<unknown> => {
    const error = new Error('the fuse was lit');
    error.name = 'FuseError';
    return Promise.reject(error);
  },
};

let sfn: StepFunctionsService;

function service(timeScale = 0.001): StepFunctionsService {
  return createStepFunctionsService({
    clock: createClock(timeScale),
    region: 'us-east-1',
    accountId: '123456789012',
    endpoint: () => 'http://127.0.0.1:9',
    lambdas,
  });
}

beforeEach(() => {
  lambdaCalls.length = 0;
  sfn = service();
});

afterEach(() => sfn.close());

const greet = {
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:greet:$LATEST', 'Payload.$': '$' },
};
const passThenGreet = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: 'world', ResultPath: '$.who', Next: 'Greet' },
    Greet: { ...greet, ResultSelector: { 'Greeting.$': '$.Payload.greeting' }, ResultPath: '$.result', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

describe('local Step Functions API', () => {
  describe('state machines', () => {
    it('creates, describes, lists, updates and deletes', async () => {
      const arn = await createMachine(sfn, 'greeter', passThenGreet);
      expect(arn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:greeter');

      const described = (await sfn.invoke('DescribeStateMachine', { stateMachineArn: arn }, CTX)) as Record<
        string,
        unknown
      >;
      expect(described).toMatchObject({
        stateMachineArn: arn,
        name: 'greeter',
        status: 'ACTIVE',
        roleArn: ROLE,
        type: 'STANDARD',
      });
      expect(JSON.parse(described['definition'] as string)).toEqual(passThenGreet);
      expect(typeof described['creationDate']).toBe('number');

      await createMachine(sfn, 'another', passThenGreet);
      const listed = (await sfn.invoke('ListStateMachines', { maxResults: 1 }, CTX)) as {
        stateMachines: Array<{ name: string }>;
        nextToken?: string;
      };
      expect(listed.stateMachines.map((m) => m.name)).toEqual(['another']);
      const rest = (await sfn.invoke('ListStateMachines', { nextToken: listed.nextToken }, CTX)) as {
        stateMachines: Array<{ name: string }>;
        nextToken?: string;
      };
      expect(rest.stateMachines.map((m) => m.name)).toEqual(['greeter']);
      expect(rest.nextToken).toBeUndefined();

      const updated = { StartAt: 'Only', States: { Only: { Type: 'Pass', Result: { v: 2 }, End: true } } };
      await sfn.invoke('UpdateStateMachine', { stateMachineArn: arn, definition: JSON.stringify(updated) }, CTX);
      expect(outputOf(await runToEnd(sfn, arn))).toEqual({ v: 2 });

      await sfn.invoke('DeleteStateMachine', { stateMachineArn: arn }, CTX);
      expect(await awsErrorOf(sfn.invoke('DescribeStateMachine', { stateMachineArn: arn }, CTX))).toMatchObject({
        code: 'StateMachineDoesNotExist',
      });
    });

    it('is idempotent for an identical create and rejects a conflicting one', async () => {
      const arn = await createMachine(sfn, 'greeter', passThenGreet);
      await expect(createMachine(sfn, 'greeter', passThenGreet)).resolves.toBe(arn);
      expect(
        await awsErrorOf(createMachine(sfn, 'greeter', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } })),
      ).toMatchObject({
        code: 'StateMachineAlreadyExists',
      });
    });

    it('rejects an invalid update without changing the state machine', async () => {
      const arn = await createMachine(sfn, 'greeter', passThenGreet);
      const error = await awsErrorOf(
        sfn.invoke(
          'UpdateStateMachine',
          { stateMachineArn: arn, definition: JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'P', States: {} }) },
          CTX,
        ),
      );
      expect(error.code).toBe('InvalidDefinition');
      expect(outputOf(await runToEnd(sfn, arn))).toMatchObject({ result: { Greeting: 'hello world' } });
    });

    it('tags state machines', async () => {
      const arn = await createMachine(sfn, 'greeter', passThenGreet);
      await sfn.invoke(
        'TagResource',
        {
          resourceArn: arn,
          tags: [
            { key: 'team', value: 'deploy' },
            { key: 'tier', value: '1' },
          ],
        },
        CTX,
      );
      await sfn.invoke('UntagResource', { resourceArn: arn, tagKeys: ['tier'] }, CTX);
      expect(await sfn.invoke('ListTagsForResource', { resourceArn: arn }, CTX)).toEqual({
        tags: [{ key: 'team', value: 'deploy' }],
      });
      expect(await awsErrorOf(sfn.invoke('ListTagsForResource', { resourceArn: `${arn}-gone` }, CTX))).toMatchObject({
        code: 'ResourceNotFound',
      });
    });
  });

  describe('lambda:invoke Tasks', () => {
    it('calls the registered handler with the Payload and returns Payload/StatusCode/ExecutedVersion', async () => {
      const arn = await createMachine(sfn, 'greeter', {
        StartAt: 'Greet',
        States: { Greet: { ...greet, End: true } },
      });
      const execution = await runToEnd(sfn, arn, { who: 'ecs' });
      expect(lambdaCalls).toEqual([{ who: 'ecs' }]);
      expect(outputOf(execution)).toEqual({
        Payload: { greeting: 'hello ecs' },
        StatusCode: 200,
        ExecutedVersion: '$LATEST',
      });
      const scheduled = execution.history.find((e) => e.type === 'TaskScheduled');
      expect(scheduled?.details).toMatchObject({ resourceType: 'lambda', resource: 'invoke', region: 'us-east-1' });
      expect(JSON.parse(scheduled?.details?.['parameters'] as string)).toEqual({
        FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:greet:$LATEST',
        Payload: { who: 'ecs' },
      });
    });

    it("surfaces a thrown error's name as the Error and the runtime's error payload (JSON) as the Cause", async () => {
      const arn = await createMachine(sfn, 'exploder', {
        StartAt: 'Explode',
        States: {
          Explode: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'explode' },
            Catch: [{ ErrorEquals: ['FuseError'], ResultPath: '$.caught', Next: 'Handled' }],
            End: true,
          },
          Handled: { Type: 'Pass', End: true },
        },
      });
      // The Cause is the Lambda runtime's error payload as a JSON string, as Step Functions reports it.
      const { caught } = outputOf(await runToEnd(sfn, arn)) as { caught: { Error: string; Cause: string } };
      expect(caught.Error).toBe('FuseError');
      expect(JSON.parse(caught.Cause)).toEqual({
        errorType: 'FuseError',
        errorMessage: 'the fuse was lit',
        trace: expect.arrayContaining([expect.stringMatching(/^FuseError: the fuse was lit/)]) as unknown,
      });
    });

    it('fails loudly for a function that is not registered, even under a States.ALL Catch', async () => {
      const arn = await createMachine(sfn, 'missing', {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'nobody' },
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Swallowed' }],
            End: true,
          },
          Swallowed: { Type: 'Succeed' },
        },
      });
      const execution = await runToEnd(sfn, arn);
      expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
      expect(execution.cause).toMatch(/'nobody' is not registered.*registered: greet, explode/);
    });
  });

  describe('executions', () => {
    it('records the AWS history: types, ids, previous ids, emulated timestamps and details', async () => {
      const arn = await createMachine(sfn, 'greeter', passThenGreet);
      const execution = await runToEnd(sfn, arn, { n: 1 });

      expect(execution.status).toBe('SUCCEEDED');
      expect(eventTypes(execution)).toEqual([
        'ExecutionStarted',
        'PassStateEntered',
        'PassStateExited',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSucceeded',
        'TaskStateExited',
        'SucceedStateEntered',
        'SucceedStateExited',
        'ExecutionSucceeded',
      ]);
      execution.history.forEach((event, i) => {
        expect(event.id).toBe(i + 1);
        expect(event.previousEventId).toBe(i);
        if (i > 0) expect(event.timestamp).toBeGreaterThanOrEqual(execution.history[i - 1]?.timestamp ?? 0);
      });
      const wire = (await sfn.invoke('GetExecutionHistory', { executionArn: execution.executionArn }, CTX)) as {
        events: Array<Record<string, unknown>>;
      };
      expect(wire.events[0]).toMatchObject({
        id: 1,
        previousEventId: 0,
        type: 'ExecutionStarted',
        executionStartedEventDetails: { input: '{"n":1}', roleArn: ROLE },
      });
      expect(typeof wire.events[0]?.['timestamp']).toBe('number');
      expect(wire.events[1]).toMatchObject({
        type: 'PassStateEntered',
        stateEnteredEventDetails: { name: 'Prepare', input: '{"n":1}' },
      });
      expect(wire.events[6]).toMatchObject({
        type: 'TaskSucceeded',
        taskSucceededEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke',
          output: JSON.stringify({ Payload: { greeting: 'hello world' }, StatusCode: 200, ExecutedVersion: '$LATEST' }),
        },
      });
      expect(wire.events[10]).toMatchObject({
        type: 'ExecutionSucceeded',
        executionSucceededEventDetails: {
          output: JSON.stringify({ n: 1, who: 'world', result: { Greeting: 'hello world' } }),
        },
      });
    });

    it('treats an explicit "ResultPath": "$" as AWS does (the result replaces the input)', async () => {
      const arn = await createMachine(sfn, 'replace', {
        StartAt: 'Replace',
        States: { Replace: { Type: 'Pass', Result: { replaced: true }, ResultPath: '$', End: true } },
      });
      expect(outputOf(await runToEnd(sfn, arn, { original: 1 }))).toEqual({ replaced: true });
    });

    it('evaluates `.$` keys nested inside static objects of Parameters and ItemSelector', async () => {
      const arn = await createMachine(sfn, 'nested-templates', {
        StartAt: 'Shape',
        States: {
          Shape: { Type: 'Pass', Parameters: { outer: { 'inner.$': '$.x' } }, Next: 'Each' },
          Each: {
            Type: 'Map',
            ItemsPath: '$.outer.inner',
            ItemSelector: { wrapped: { 'value.$': '$$.Map.Item.Value' } },
            ItemProcessor: { StartAt: 'Keep', States: { Keep: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      });
      expect(outputOf(await runToEnd(sfn, arn, { x: [1, 2] }))).toEqual([
        { wrapped: { value: 1 } },
        { wrapped: { value: 2 } },
      ]);
    });

    it('pages and reverses history, and can leave execution data out', async () => {
      const arn = await createMachine(sfn, 'greeter', passThenGreet);
      const { executionArn } = await runToEnd(sfn, arn);
      const first = (await sfn.invoke(
        'GetExecutionHistory',
        { executionArn, maxResults: 4, reverseOrder: true },
        CTX,
      )) as {
        events: Array<{ id: number }>;
        nextToken?: string;
      };
      expect(first.events.map((e) => e.id)).toEqual([11, 10, 9, 8]);
      const second = (await sfn.invoke(
        'GetExecutionHistory',
        { executionArn, maxResults: 4, reverseOrder: true, nextToken: first.nextToken },
        CTX,
      )) as {
        events: Array<{ id: number }>;
      };
      expect(second.events.map((e) => e.id)).toEqual([7, 6, 5, 4]);
      const bare = (await sfn.invoke('GetExecutionHistory', { executionArn, includeExecutionData: false }, CTX)) as {
        events: Array<Record<string, unknown>>;
      };
      expect(bare.events[0]?.['executionStartedEventDetails']).toEqual({ roleArn: ROLE });
    });

    it('describes a failed execution with the error and cause of its Fail state', async () => {
      const arn = await createMachine(sfn, 'failing', {
        StartAt: 'Stop',
        States: { Stop: { Type: 'Fail', Error: 'Deploy.Invalid', Cause: 'no image' } },
      });
      const { executionArn } = await runToEnd(sfn, arn);
      const described = (await sfn.invoke('DescribeExecution', { executionArn }, CTX)) as Record<string, unknown>;
      expect(described).toMatchObject({
        executionArn,
        stateMachineArn: arn,
        status: 'FAILED',
        error: 'Deploy.Invalid',
        cause: 'no image',
        input: '{}',
      });
      expect(described['stopDate']).toBeGreaterThanOrEqual(described['startDate'] as number);
      expect(described['output']).toBeUndefined();
    });

    it('fails without error or cause when the Fail state names neither, as on AWS (both optional)', async () => {
      const arn = await createMachine(sfn, 'bare-fail', {
        StartAt: 'Stop',
        States: {
          Stop: { Type: 'Pass', Next: 'Check' },
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: '$.only', IsPresent: true, Next: 'OnlyError' }],
            Default: 'Bare',
          },
          Bare: { Type: 'Fail' },
          OnlyError: { Type: 'Fail', Error: 'Deploy.Invalid' },
        },
      });
      const bare = await runToEnd(sfn, arn);
      expect(bare.status).toBe('FAILED');
      const described = (await sfn.invoke('DescribeExecution', { executionArn: bare.executionArn }, CTX)) as Record<
        string,
        unknown
      >;
      expect(described['status']).toBe('FAILED');
      expect(described).not.toHaveProperty('error');
      expect(described).not.toHaveProperty('cause');
      const failed = bare.history.find((e) => e.type === 'ExecutionFailed');
      expect(failed?.details ?? {}).toEqual({});

      const onlyError = await runToEnd(sfn, arn, { only: true });
      const described2 = (await sfn.invoke(
        'DescribeExecution',
        { executionArn: onlyError.executionArn },
        CTX,
      )) as Record<string, unknown>;
      expect(described2['error']).toBe('Deploy.Invalid');
      expect(described2).not.toHaveProperty('cause');
      expect(onlyError.history.find((e) => e.type === 'ExecutionFailed')?.details).toEqual({ error: 'Deploy.Invalid' });
    });

    it('scales Wait states with the clock: a 300 s Wait takes about 0.3 s at timeScale 0.001', async () => {
      const arn = await createMachine(sfn, 'waiter', {
        StartAt: 'Pause',
        States: {
          Pause: { Type: 'Wait', Seconds: 300, Next: 'PauseFromInput' },
          PauseFromInput: { Type: 'Wait', SecondsPath: '$.pause', Next: 'Done' },
          Done: { Type: 'Succeed' },
        },
      });
      const startedAt = Date.now();
      const execution = await runToEnd(sfn, arn, { pause: 200 });
      const elapsed = Date.now() - startedAt;
      expect(execution.status).toBe('SUCCEEDED');
      expect(outputOf(execution)).toEqual({ pause: 200 });
      expect(elapsed).toBeGreaterThanOrEqual(450);
      expect(elapsed).toBeLessThan(5000);
      expect(eventTypes(execution)).toEqual([
        'ExecutionStarted',
        'WaitStateEntered',
        'WaitStateExited',
        'WaitStateEntered',
        'WaitStateExited',
        'SucceedStateEntered',
        'SucceedStateExited',
        'ExecutionSucceeded',
      ]);
      // Emulated time passed as AWS would count it: 500 s.
      const [first, last] = [execution.history[0], execution.history.at(-1)];
      expect((last?.timestamp ?? 0) - (first?.timestamp ?? 0)).toBeGreaterThanOrEqual(450_000);
    });

    it('waits until a Timestamp in emulated time', async () => {
      const clock = createClock(0.001);
      const local = createStepFunctionsService({
        clock,
        region: 'us-east-1',
        accountId: '123456789012',
        endpoint: () => '',
      });
      const arn = await createMachine(local, 'until', {
        StartAt: 'Until',
        States: { Until: { Type: 'Wait', TimestampPath: '$.at', End: true } },
      });
      const at = new Date(clock.now() + 200_000).toISOString();
      const startedAt = Date.now();
      const execution = await runToEnd(local, arn, { at });
      await local.close();
      expect(execution.status).toBe('SUCCEEDED');
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(150);
      expect(Date.now() - startedAt).toBeLessThan(5000);
    });

    it('scales Retry intervals keeping BackoffRate: 10 s then 20 s take about 0.3 s at timeScale 0.01', async () => {
      let attempts = 0;
      const flaky = createStepFunctionsService({
        clock: createClock(0.01),
        region: 'us-east-1',
        accountId: '123456789012',
        endpoint: () => '',
        lambdas: {
          flaky: () => {
            attempts += 1;
            return attempts < 3
              ? Promise.reject(Object.assign(new Error('busy'), { name: 'Busy' }))
              : Promise.resolve('ok');
          },
        },
      });
      const arn = await createMachine(flaky, 'flaky', {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'flaky' },
            Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 10, BackoffRate: 2, MaxAttempts: 3 }],
            OutputPath: '$.Payload',
            End: true,
          },
        },
      });
      const startedAt = Date.now();
      const execution = await runToEnd(flaky, arn);
      const elapsed = Date.now() - startedAt;
      await flaky.close();
      expect(outputOf(execution)).toBe('ok');
      expect(attempts).toBe(3);
      expect(elapsed).toBeGreaterThanOrEqual(280);
      expect(elapsed).toBeLessThan(5000);
    });

    it('times a Task out after its scaled TimeoutSeconds with States.Timeout, which Catch can handle', async () => {
      const hanging = createStepFunctionsService({
        clock: createClock(0.001),
        region: 'us-east-1',
        accountId: '123456789012',
        endpoint: () => '',
        lambdas: { hang: () => new Promise<unknown>(() => undefined) },
      });
      const arn = await createMachine(hanging, 'hang', {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'hang' },
            TimeoutSeconds: 100,
            Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'TimedOut' }],
            End: true,
          },
          TimedOut: { Type: 'Pass', End: true },
        },
      });
      const execution = await runToEnd(hanging, arn);
      await hanging.close();
      expect(outputOf(execution)).toEqual({ Error: 'States.Timeout', Cause: 'States.Timeout' });
      expect(eventTypes(execution)).toContain('TaskTimedOut');
    });

    it('times out an execution after its scaled TimeoutSeconds', async () => {
      const arn = await createMachine(sfn, 'slow', {
        TimeoutSeconds: 60,
        StartAt: 'Pause',
        States: { Pause: { Type: 'Wait', Seconds: 3600, End: true } },
      });
      const execution = await runToEnd(sfn, arn);
      expect(execution).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
      expect(eventTypes(execution).at(-1)).toBe('ExecutionTimedOut');
    });

    it('stops a running execution: ABORTED with the given error and cause, in description and history', async () => {
      const realTime = service(1);
      const arn = await createMachine(realTime, 'long', {
        StartAt: 'Pause',
        States: { Pause: { Type: 'Wait', Seconds: 3600, End: true } },
      });
      const executionArn = await start(realTime, arn);
      const stopped = (await realTime.invoke(
        'StopExecution',
        { executionArn, error: 'Deploy.Cancelled', cause: 'operator' },
        CTX,
      )) as {
        stopDate: number;
      };
      expect(typeof stopped.stopDate).toBe('number');
      const execution = await realTime.waitForExecution(executionArn);
      await realTime.close();
      expect(execution).toMatchObject({ status: 'ABORTED', error: 'Deploy.Cancelled', cause: 'operator' });
      expect(eventTypes(execution)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted']);
      expect(execution.history.at(-1)?.details).toEqual({ error: 'Deploy.Cancelled', cause: 'operator' });
    });

    it('rejects a second execution with the same name unless it is an identical start of a running one', async () => {
      const realTime = service(1);
      const long = await createMachine(realTime, 'long', {
        StartAt: 'Pause',
        States: { Pause: { Type: 'Wait', Seconds: 3600, End: true } },
      });
      const first = await start(realTime, long, { a: 1 }, 'deploy-1');
      await expect(start(realTime, long, { a: 1 }, 'deploy-1')).resolves.toBe(first);
      expect(await awsErrorOf(start(realTime, long, { a: 2 }, 'deploy-1'))).toMatchObject({
        code: 'ExecutionAlreadyExists',
      });
      await realTime.close();

      const arn = await createMachine(sfn, 'greeter', passThenGreet);
      await sfn.waitForExecution(await start(sfn, arn, {}, 'once'));
      expect(await awsErrorOf(start(sfn, arn, {}, 'once'))).toMatchObject({ code: 'ExecutionAlreadyExists' });
    });

    it('validates execution input and names, and unknown ARNs', async () => {
      const arn = await createMachine(sfn, 'greeter', passThenGreet);
      for (const input of ['{', '{"a":', 'not json']) {
        expect(await awsErrorOf(sfn.invoke('StartExecution', { stateMachineArn: arn, input }, CTX))).toMatchObject({
          code: 'InvalidExecutionInput',
        });
      }
      expect(await awsErrorOf(start(sfn, arn, {}, 'has space'))).toMatchObject({ code: 'InvalidName' });
      expect(await awsErrorOf(start(sfn, `${arn}-gone`))).toMatchObject({ code: 'StateMachineDoesNotExist' });
      expect(
        await awsErrorOf(
          sfn.invoke(
            'DescribeExecution',
            { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:greeter:nope' },
            CTX,
          ),
        ),
      ).toMatchObject({ code: 'ExecutionDoesNotExist' });
      expect(await awsErrorOf(sfn.invoke('DescribeExecution', { executionArn: 'not-an-arn' }, CTX))).toMatchObject({
        code: 'InvalidArn',
      });
    });

    it('accepts any JSON value as input, as AWS does', async () => {
      const arn = await createMachine(sfn, 'echo', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
      for (const input of ['[1,2]', '"text"', '42', 'true', 'null']) {
        const started = (await sfn.invoke('StartExecution', { stateMachineArn: arn, input }, CTX)) as {
          executionArn: string;
        };
        const done = await sfn.waitForExecution(started.executionArn);
        expect(done.status).toBe('SUCCEEDED');
        expect(JSON.parse(done.output ?? '')).toEqual(JSON.parse(input));
        const described = (await sfn.invoke('DescribeExecution', { executionArn: started.executionArn }, CTX)) as {
          input: string;
        };
        expect(described.input).toBe(input);
      }
    });

    it('rejects input over 262144 UTF-8 bytes with ValidationException and accepts exactly that size', async () => {
      const arn = await createMachine(sfn, 'echo', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
      // "é" is 2 bytes in UTF-8: 131070 of them plus the quotes are 262142 bytes but only 131072 characters.
      const tooBig = JSON.stringify('é'.repeat(131_072));
      expect(tooBig.length).toBeLessThan(262_144);
      expect(await awsErrorOf(sfn.invoke('StartExecution', { stateMachineArn: arn, input: tooBig }, CTX))).toEqual({
        code: 'ValidationException',
        message:
          "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
      });
      const limit = JSON.stringify('x'.repeat(262_142));
      expect(Buffer.byteLength(limit)).toBe(262_144);
      const started = (await sfn.invoke('StartExecution', { stateMachineArn: arn, input: limit }, CTX)) as {
        executionArn: string;
      };
      expect((await sfn.waitForExecution(started.executionArn)).status).toBe('SUCCEEDED');
    });

    it('lists executions newest first, filtered by status and paged', async () => {
      const arn = await createMachine(sfn, 'greeter', passThenGreet);
      const failing = await createMachine(sfn, 'failing', {
        StartAt: 'F',
        States: { F: { Type: 'Fail', Error: 'E' } },
      });
      for (const name of ['a', 'b', 'c']) await sfn.waitForExecution(await start(sfn, arn, {}, name));
      await sfn.waitForExecution(await start(sfn, failing, {}, 'x'));

      const page = (await sfn.invoke('ListExecutions', { stateMachineArn: arn, maxResults: 2 }, CTX)) as {
        executions: Array<{ name: string; status: string }>;
        nextToken?: string;
      };
      expect(page.executions.map((e) => e.name)).toEqual(['c', 'b']);
      const next = (await sfn.invoke('ListExecutions', { stateMachineArn: arn, nextToken: page.nextToken }, CTX)) as {
        executions: Array<{ name: string }>;
      };
      expect(next.executions.map((e) => e.name)).toEqual(['a']);
      const failed = (await sfn.invoke(
        'ListExecutions',
        { stateMachineArn: failing, statusFilter: 'FAILED' },
        CTX,
      )) as { executions: Array<{ name: string }> };
      expect(failed.executions.map((e) => e.name)).toEqual(['x']);
      const running = (await sfn.invoke('ListExecutions', { stateMachineArn: arn, statusFilter: 'RUNNING' }, CTX)) as {
        executions: unknown[];
      };
      expect(running.executions).toEqual([]);
    });

    it('close() stops running executions', async () => {
      const realTime = service(1);
      const arn = await createMachine(realTime, 'long', {
        StartAt: 'Pause',
        States: { Pause: { Type: 'Wait', SecondsPath: '$.s', End: true } },
      });
      const executionArn = await start(realTime, arn, { s: 3600 });
      await realTime.close();
      expect(realTime.executions().find((e) => e.executionArn === executionArn)?.status).toBe('ABORTED');
    });
  });
});
