import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { HookConfig, HookRunRequest, HookRunResult } from '../../../contract';
import { hookExecutionName, readHookConfigs } from '../../../lambdas/lifecycle-hooks/core';
import { createHandler } from '../../../lambdas/lifecycle-hooks/handler';

const lambda = mockClient(LambdaClient);
const sfn = mockClient(SFNClient);
const FN = (name: string): string => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:checks';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:s-deploy-green:abc';

const hooks: HookConfig[] = [
  { name: 'First', stage: 'POST_SCALE_UP', kind: 'lambda', arn: FN('first'), timeoutSeconds: 60, details: { n: 1 } },
  { name: 'Second', stage: 'POST_SCALE_UP', kind: 'lambda', arn: FN('second'), timeoutSeconds: 60 },
  { name: 'Checks', stage: 'PRE_BLUE_REMOVAL', kind: 'state-machine', arn: SM, timeoutSeconds: 100 },
];
const run = createHandler({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  variables: { LIFECYCLE_HOOKS: JSON.stringify(hooks) },
});

const T0 = '2026-12-01T10:00:00.000Z';
const at = (seconds: number): string => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const request = (stage: HookRunRequest['stage'], now = T0, from?: HookRunResult): HookRunRequest => ({
  stage,
  now,
  event: { machine: 'deploy-green', executionArn: EXECUTION, cluster: 'c', service: 's' },
  ...(from?.progress !== undefined && { progress: from.progress }),
  ...(from !== undefined && { succeeded: from.succeeded }),
});
const answer = (payload: unknown, functionError?: string) => ({
  StatusCode: 200,
  Payload: Buffer.from(JSON.stringify(payload)) as unknown as InvokeCommandOutput['Payload'],
  ...(functionError !== undefined && { FunctionError: functionError }),
});
/** What each invoked function was sent. */
const invoked = (): Array<{ fn: string; event: Record<string, unknown> }> =>
  lambda.commandCalls(InvokeCommand).map((c) => ({
    fn: String(c.args[0].input.FunctionName),
    event: JSON.parse(Buffer.from(c.args[0].input.Payload as Uint8Array).toString('utf8')) as Record<string, unknown>,
  }));

beforeEach(() => {
  lambda.reset();
  sfn.reset();
});

test('a stage without hooks succeeds at once, calling nothing', async () => {
  await expect(run(request('POST_PRODUCTION_TRAFFIC_SHIFT'))).resolves.toEqual({
    status: 'SUCCEEDED',
    callBackDelay: 0,
    succeeded: [],
  });
  expect(invoked()).toEqual([]);
});

test('hooks run one call at a time, in order; the machine is told to call again at once between hooks', async () => {
  lambda.on(InvokeCommand).resolves(answer({ hookStatus: 'SUCCEEDED' }));
  const first = await run(request('POST_SCALE_UP'));
  expect(first).toMatchObject({ status: 'IN_PROGRESS', callBackDelay: 0, succeeded: ['First'] });
  const second = await run(request('POST_SCALE_UP', at(1), first));
  expect(second).toEqual({ status: 'SUCCEEDED', callBackDelay: 0, succeeded: ['First', 'Second'] });
  expect(invoked().map((c) => [c.fn, c.event['stage'], c.event['invocation'], c.event['hookDetails']])).toEqual([
    [FN('first'), 'POST_SCALE_UP', 1, { n: 1 }],
    [FN('second'), 'POST_SCALE_UP', 1, undefined],
  ]);
  expect(invoked()[0]?.event).toMatchObject({ machine: 'deploy-green', executionArn: EXECUTION, cluster: 'c' });
});

test('IN_PROGRESS: called again after its callBackDelay, with the hookDetails it returned, until SUCCEEDED', async () => {
  lambda
    .on(InvokeCommand)
    .resolvesOnce(answer({ hookStatus: 'IN_PROGRESS', callBackDelay: 5, hookDetails: { step: 2 } }))
    .resolvesOnce(answer({ hookStatus: 'IN_PROGRESS' }))
    .resolves(answer({ hookStatus: 'SUCCEEDED' }));
  const one = await run(request('POST_SCALE_UP'));
  expect(one).toMatchObject({ status: 'IN_PROGRESS', callBackDelay: 5, succeeded: [] });
  const two = await run(request('POST_SCALE_UP', at(5), one));
  expect(two).toMatchObject({ status: 'IN_PROGRESS', callBackDelay: 30 });
  const three = await run(request('POST_SCALE_UP', at(35), two));
  expect(three).toMatchObject({ status: 'IN_PROGRESS', callBackDelay: 0, succeeded: ['First'] });
  expect(invoked().map((c) => [c.event['invocation'], c.event['hookDetails']])).toEqual([
    [1, { n: 1 }],
    [2, { step: 2 }],
    [3, { step: 2 }],
  ]);
});

test('a hook still IN_PROGRESS at its timeout fails without another call', async () => {
  lambda.on(InvokeCommand).resolves(answer({ hookStatus: 'IN_PROGRESS', callBackDelay: 40 }));
  const one = await run(request('POST_SCALE_UP'));
  const two = await run(request('POST_SCALE_UP', at(40), one));
  const three = await run(request('POST_SCALE_UP', at(80), two));
  expect(three.status).toBe('FAILED');
  expect(three.message).toMatch(/lifecycle hook First .* at POST_SCALE_UP failed: .*within its timeout of 60 s/);
  expect(invoked()).toHaveLength(2);
});

test.each([
  [
    'FAILED with a reason',
    answer({ hookStatus: 'FAILED', reason: 'error budget spent' }),
    /answered FAILED: error budget spent/,
  ],
  ['no hookStatus', answer({ ok: true }), /returned \{"ok":true\}, not \{"hookStatus"/],
  ['an unknown hookStatus', answer({ hookStatus: 'DONE' }), /not \{"hookStatus"/],
  [
    'a function error',
    answer({ errorType: 'TypeError', errorMessage: 'x is undefined' }, 'Unhandled'),
    /the function failed \(Unhandled: TypeError: x is undefined\)/,
  ],
])('%s counts as FAILED, naming the hook and why', async (_what, response, why) => {
  lambda.on(InvokeCommand).resolves(response);
  const result = await run(request('POST_SCALE_UP'));
  expect(result.status).toBe('FAILED');
  expect(result.message).toMatch(
    /^The lifecycle hook First \(Lambda function arn:aws:lambda:.*:first\) at POST_SCALE_UP failed: /,
  );
  expect(result.message).toMatch(why);
});

test('a state-machine hook is started once (a name stable for the stage), polled, and succeeds with its execution', async () => {
  const name = hookExecutionName('PRE_BLUE_REMOVAL', 0, EXECUTION);
  const arn = `arn:aws:states:us-east-1:123456789012:execution:checks:${name}`;
  sfn.on(StartExecutionCommand).resolves({ executionArn: arn, startDate: new Date() });
  sfn
    .on(DescribeExecutionCommand)
    .resolvesOnce({ status: 'RUNNING', executionArn: arn, stateMachineArn: SM, startDate: new Date() })
    .resolves({
      status: 'SUCCEEDED',
      output: '{"checked":true}',
      executionArn: arn,
      stateMachineArn: SM,
      startDate: new Date(),
    });
  const one = await run(request('PRE_BLUE_REMOVAL'));
  expect(one).toMatchObject({ status: 'IN_PROGRESS', progress: { executionArn: arn } });
  const two = await run(request('PRE_BLUE_REMOVAL', at(10), one));
  expect(two).toEqual({ status: 'SUCCEEDED', callBackDelay: 0, succeeded: ['Checks'] });
  expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([name]);
  expect(name.length).toBeLessThanOrEqual(80);
  expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
});

test('a StartExecution whose answer was lost is found by its name on the retry', async () => {
  sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
  sfn
    .on(DescribeExecutionCommand)
    .resolves({ status: 'RUNNING', executionArn: 'x', stateMachineArn: SM, startDate: new Date() });
  const one = await run(request('PRE_BLUE_REMOVAL'));
  expect(one.progress?.executionArn).toBe(
    `arn:aws:states:us-east-1:123456789012:execution:checks:${hookExecutionName('PRE_BLUE_REMOVAL', 0, EXECUTION)}`,
  );
});

test('a state-machine hook that fails, or answers FAILED in its output, fails the stage with its error', async () => {
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
  sfn.on(DescribeExecutionCommand).resolves({
    status: 'FAILED',
    error: 'Checks.Failed',
    cause: 'p99 too high',
    executionArn: 'arn:x',
    stateMachineArn: SM,
    startDate: new Date(),
  });
  const failed = await run(request('PRE_BLUE_REMOVAL'));
  expect(failed.message).toMatch(/ended FAILED \(Checks.Failed: p99 too high\)/);
  sfn.on(DescribeExecutionCommand).resolves({
    status: 'SUCCEEDED',
    output: JSON.stringify({ hookStatus: 'FAILED', reason: 'not yet' }),
    executionArn: 'arn:x',
    stateMachineArn: SM,
    startDate: new Date(),
  });
  expect((await run(request('PRE_BLUE_REMOVAL'))).message).toMatch(/answered FAILED: not yet/);
});

test('a state-machine hook still running at its timeout is stopped, and the stage fails', async () => {
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
  sfn
    .on(DescribeExecutionCommand)
    .resolves({ status: 'RUNNING', executionArn: 'arn:x', stateMachineArn: SM, startDate: new Date() });
  sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });
  const one = await run(request('PRE_BLUE_REMOVAL'));
  const two = await run(request('PRE_BLUE_REMOVAL', at(100), one));
  expect(two.status).toBe('FAILED');
  expect(two.message).toMatch(/within its timeout of 100 s.*so it was stopped/);
  expect(sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input.executionArn)).toEqual(['arn:x']);
});

test('a request the machines did not write, and a configuration the construct did not write, are refused', async () => {
  await expect(run({ stage: 'SOMEWHERE' })).rejects.toThrow(/not a request as the state machines send it/);
  expect(() => readHookConfigs('[{"name":"x"}]')).toThrow(/LIFECYCLE_HOOKS is not a list of hooks/);
  expect(readHookConfigs(undefined)).toEqual([]);
});
