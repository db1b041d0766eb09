import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { HookEvent, HookResponse } from '../../contract';
import { runExecution, statesEntered, type ExecutionResult } from '../../harness/demo/executions';
import { startLocalStack, type LocalStack } from '../../harness/demo/local-stack';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import type { CfnTemplate } from '../../harness/deploy/deploy-template';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../local/local-aws';
import { synthVariant } from '../support/harness';
import { MACHINE_TEST_TIMEOUT } from './machine-stack';

/**
 * Lifecycle hooks (contract/lifecycle-hooks.ts) on local AWS, with a stack synthesized with `lifecycleHooks`: two
 * Lambda hooks (POST_SCALE_UP, POST_PRODUCTION_TRAFFIC_SHIFT) invoked by the runner through local Lambda's Invoke API,
 * and a state-machine hook (PRE_BLUE_REMOVAL) started and polled through local Step Functions. Each hook's answer is
 * set by the test; what the machines do with it is read from the executions, the service and real HTTP probes.
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

const fnArn = (name: string): string => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
const CHECKS_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:bg-test-checks`;
const GATE_TIMEOUT_SECONDS = 120;

/** The real stack with three hooks, synthesized without bundling (local AWS runs the handlers in process). */
function hookedTemplate(): CfnTemplate {
  return synthVariant((app) => {
    const elsewhere = new Stack(app, 'Hooks');
    return {
      lifecycleHooks: [
        {
          name: 'Gate',
          stage: 'POST_SCALE_UP',
          function: lambda.Function.fromFunctionArn(elsewhere, 'Gate', fnArn('bg-test-gate')),
          timeout: Duration.seconds(GATE_TIMEOUT_SECONDS),
          details: { budget: 1 },
        },
        {
          name: 'Verify',
          stage: 'POST_PRODUCTION_TRAFFIC_SHIFT',
          function: lambda.Function.fromFunctionArn(elsewhere, 'Verify', fnArn('bg-test-verify')),
        },
        {
          name: 'Checks',
          stage: 'PRE_BLUE_REMOVAL',
          stateMachine: sfn.StateMachine.fromStateMachineArn(elsewhere, 'Checks', CHECKS_ARN),
        },
      ],
    };
  });
}

type Hook = (event: HookEvent) => HookResponse | Promise<HookResponse>;
const calls: Record<'gate' | 'verify' | 'checks', HookEvent[]> = { gate: [], verify: [], checks: [] };
let gate: Hook = () => ({ hookStatus: 'SUCCEEDED' });
let verify: Hook = () => ({ hookStatus: 'SUCCEEDED' });
let checks: (event: HookEvent) => unknown = () => ({ checked: true });

let stack: LocalStack;
let repo: string;
const run = (machine: keyof LocalStack['stateMachines'], input: Record<string, unknown> = {}) =>
  runExecution(stack.sfn, stack.stateMachines[machine], { ...stack.service, ...input });
const deploy = (colour: string, commit: string) => run('deployGreen', { image: `${repo}:${colour}`, commit });
async function succeed(result: Promise<ExecutionResult>): Promise<ExecutionResult> {
  const done = await result;
  if (done.status !== 'SUCCEEDED') throw new Error(`set-up ended ${done.status}: ${done.error} ${done.cause}`);
  return done;
}

beforeAll(async () => {
  stack = await startLocalStack(hookedTemplate(), {
    timeScale: 0.01,
    ports: { api: 0, listeners: { 80: 0, 8080: 0 } },
  });
  repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
  stack.aws.lambda.register('bg-test-gate', async (event) => {
    calls.gate.push(event as HookEvent);
    return gate(event as HookEvent);
  });
  stack.aws.lambda.register('bg-test-verify', async (event) => {
    calls.verify.push(event as HookEvent);
    return verify(event as HookEvent);
  });
  // The state-machine hook: one Task invoking a function, which throws to fail the execution.
  stack.aws.sfn.registerLambda('bg-test-checks-step', async (event) => {
    calls.checks.push(event as HookEvent);
    return checks(event as HookEvent);
  });
  await stack.sfn.send(
    new CreateStateMachineCommand({
      name: 'bg-test-checks',
      roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/bg-test-checks`,
      definition: JSON.stringify({
        StartAt: 'Check',
        States: {
          Check: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: fnArn('bg-test-checks-step'), 'Payload.$': '$' },
            OutputPath: '$.Payload',
            End: true,
          },
        },
      }),
    }),
  );
});
afterAll(async () => stack?.close());
/** Every hook passes, and no call is counted yet. */
function allPass(): void {
  for (const list of Object.values(calls)) list.length = 0;
  gate = () => ({ hookStatus: 'SUCCEEDED' });
  verify = () => ({ hookStatus: 'SUCCEEDED' });
  checks = () => ({ checked: true });
}
beforeEach(allPass);

describe('POST_SCALE_UP (deploy-green, before testers see green)', () => {
  afterEach(async () => {
    if (observe(stack).taskSets.length > 0) await succeed(run('abort'));
  });

  test('IN_PROGRESS is called again after its callBackDelay, with the hookDetails it returned; the test listener opens only after SUCCEEDED', async () => {
    gate = (event) =>
      event.invocation < 3
        ? { hookStatus: 'IN_PROGRESS', callBackDelay: 5, hookDetails: { n: event.invocation } }
        : { hookStatus: 'SUCCEEDED' };
    const result = await deploy('green', 'c0ffee1');
    expect(result.status).toBe('SUCCEEDED');
    expect(calls.gate.map((e) => [e.stage, e.invocation, e.hookDetails])).toEqual([
      ['POST_SCALE_UP', 1, { budget: 1 }],
      ['POST_SCALE_UP', 2, { n: 1 }],
      ['POST_SCALE_UP', 3, { n: 2 }],
    ]);
    const green = (result.output as { green: { taskSetArn: string } }).green.taskSetArn;
    expect(calls.gate[0]).toMatchObject({
      machine: 'deploy-green',
      executionArn: result.executionArn,
      cluster: stack.service.cluster,
      green: { taskSetArn: green },
      input: { commit: 'c0ffee1' },
    });
    const states = statesEntered(result.history);
    expect(states.filter((s) => s === 'WaitPostScaleUpHook')).toHaveLength(2);
    expect(states.lastIndexOf('PollPostScaleUpHooks')).toBeLessThan(states.indexOf('PointTestListenerAtGreen'));
    expect(await probe(stack.urls.test)).toMatchObject({ status: 200, colour: 'green' });
  });

  test('FAILED undoes deploy-green before testers see green; the cause names the hook and its reason', async () => {
    const before = observe(stack);
    gate = () => ({ hookStatus: 'FAILED', reason: 'the change ticket is not approved' });
    const result = await deploy('green', 'c0ffee2');
    expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.LifecycleHookFailed']);
    expect(result.failure).toMatchObject({ undone: 'everything', next: ['deploy-green'] });
    expect(result.failure?.message).toMatch(
      /lifecycle hook Gate \(Lambda function .*:function:bg-test-gate\) at POST_SCALE_UP failed: it answered FAILED: the change ticket is not approved/,
    );
    expect(statesEntered(result.history)).not.toContain('PointTestListenerAtGreen');
    expect(observe(stack)).toMatchObject({ taskSets: before.taskSets, test: before.test, extraRules: 0 });
  });

  test(`a hook still IN_PROGRESS at its timeout (${GATE_TIMEOUT_SECONDS} s) fails the stage`, async () => {
    gate = () => ({ hookStatus: 'IN_PROGRESS', callBackDelay: 50 });
    const result = await deploy('green', 'c0ffee3');
    expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.LifecycleHookFailed']);
    expect(result.failure?.message).toMatch(
      /did not answer SUCCEEDED within its timeout of 120 s \(3 calls answered IN_PROGRESS\)/,
    );
    expect(calls.gate).toHaveLength(3);
  });

  test('a hook that throws fails the stage with its error', async () => {
    gate = () => {
      throw new TypeError('cannot read the ticket');
    };
    const result = await deploy('green', 'c0ffee4');
    expect(result.error).toBe('BlueGreen.LifecycleHookFailed');
    expect(result.failure?.message).toMatch(/the function failed \(Unhandled: TypeError: cannot read the ticket\)/);
  });
});

describe('POST_PRODUCTION_TRAFFIC_SHIFT (swap) and PRE_BLUE_REMOVAL (clean-up)', () => {
  beforeAll(async () => {
    // blue live: a whole release with every hook passing.
    allPass();
    await succeed(deploy('blue', 'b10e001'));
    await succeed(run('swap', { bakeSeconds: 0 }));
    await succeed(run('cleanUp'));
  });

  test('swap: a FAILED hook moves production back to blue; the cause names the hook', async () => {
    await succeed(deploy('green', 'c0ffee5'));
    verify = () => ({ hookStatus: 'FAILED', reason: 'synthetic checkout failed' });
    const result = await run('swap', { bakeSeconds: 0 });
    expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.LifecycleHookFailed']);
    expect(result.failure?.message).toMatch(
      /lifecycle hook Verify .* at POST_PRODUCTION_TRAFFIC_SHIFT failed: .*synthetic checkout failed/,
    );
    expect(calls.verify.map((e) => [e.machine, e.stage])).toEqual([['swap', 'POST_PRODUCTION_TRAFFIC_SHIFT']]);
    expect(statesEntered(result.history)).toEqual(
      expect.arrayContaining(['UndoProductionToBlue', 'UndoMakeBluePrimary']),
    );
    expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
    await succeed(run('abort'));
  });

  test('clean-up: a failing state-machine hook removes nothing; once it succeeds, clean-up removes blue', async () => {
    await succeed(deploy('green', 'c0ffee6'));
    await succeed(run('swap', { bakeSeconds: 0 }));
    expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
    const before = observe(stack).taskSets.map((ts) => ts.arn);
    expect(before).toHaveLength(2);

    checks = () => {
      throw new Error('the old version still has open sessions');
    };
    const refused = await run('cleanUp');
    expect([refused.status, refused.error]).toEqual(['FAILED', 'BlueGreen.LifecycleHookFailed']);
    expect(refused.failure).toMatchObject({ undone: 'nothing-changed', next: ['clean-up', 'rollback'] });
    expect(refused.failure?.message).toMatch(
      /lifecycle hook Checks \(state machine .*:stateMachine:bg-test-checks\) at PRE_BLUE_REMOVAL failed: its execution .* ended FAILED/,
    );
    expect(observe(stack).taskSets.map((ts) => ts.arn)).toEqual(before);
    expect(calls.checks[0]).toMatchObject({ stage: 'PRE_BLUE_REMOVAL', machine: 'clean-up', invocation: 1 });

    checks = () => ({ checked: true });
    const cleaned = await run('cleanUp');
    expect(cleaned.status).toBe('SUCCEEDED');
    expect(observe(stack).taskSets).toHaveLength(1);
    expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
  });
});
