import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { Duration } from 'aws-cdk-lib';
import { SCALABLE_DIMENSION, SCALING_POLICY_NAME } from '../../contract';
import { followExecution, runExecution, statesEntered, type ExecutionResult } from '../../harness/demo/executions';
import type { LocalStack } from '../../harness/demo/local-stack';
import { observe } from '../../harness/demo/observe';
import { localClientConfig } from '../../local/aws/client-config';
import { AwsError } from '../../local/aws/service';
import { FaultInjector } from '../../oracles/faults/fault-plan';
import { iamAuthorizer } from '../../local/iam/enforce';
import { checkCalls } from '../../local/iam/least-privilege';
import { AuthorizationRecord, localResourceTags } from '../../local/iam/resource-tags';
import { localScalableTargets } from '../../local/iam/scalable-targets';
import { stateMachineRoles, type StateMachineRole } from '../../local/iam/template-policies';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../local/local-aws';
import { startTestStack, synthVariant } from '../support/harness';
import { userEnv } from '../cli/run-bin';
import { runInProcess } from '../cli/run-in-process';
import { MACHINE_TEST_TIMEOUT } from './machine-stack';

/**
 * Autoscaling through deployments (contract/autoscaling.ts), on local AWS with a stack that has `autoScaling`, its
 * state machines' roles enforced by local IAM: the policy tracks the target group production forwards to after every
 * release, undo, rollback and Stop recovery; its scale-in is disabled only while two versions run; and the service
 * scaling out in the middle of a deployment fails no execution (task sets follow the desired count).
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

const scope = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT };
const SCALING = { minCapacity: 2, maxCapacity: 8, targetRequestsPerTarget: 1000 };

let stack: LocalStack;
let repo: string;
/** Never armed with a plan: its gates hold a state machine's call so a test can act while it waits (holdCall). */
const injector = new FaultInjector();
let aas: ApplicationAutoScalingClient;
let cw: CloudWatchClient;
const record = new AuthorizationRecord(scope, {
  resourceTags: localResourceTags(() => (stack as LocalStack | undefined)?.aws),
  scalableTargets: localScalableTargets(() => (stack as LocalStack | undefined)?.aws),
});
let roles: StateMachineRole[] = [];
/** What local IAM enforces: the template's roles, or a copy a test narrowed. */
let enforced: readonly StateMachineRole[] = [];
/** The template's roles with `action` taken out of `machine`'s statements. */
function without(machine: keyof LocalStack['stateMachines'], action: string): StateMachineRole[] {
  const role = roleOf(machine);
  return roles.map((r) =>
    r !== role
      ? r
      : {
          ...r,
          statements: r.statements.filter((s) => {
            const actions = s.statement.Action;
            return !(Array.isArray(actions) ? actions.includes(action) : actions === action);
          }),
        },
  );
}
const executions: Array<{ executionArn: string; roleArn: string; history: ExecutionResult['history'] }> = [];

const template = synthVariant(() => ({ autoScaling: SCALING, bakeTime: Duration.seconds(30) }));
const resourceId = () => `service/${stack.service.cluster}/${stack.service.service}`;

const roleOf = (machine: keyof LocalStack['stateMachines']): StateMachineRole => {
  const arn = stack.stateMachines[machine];
  const role = roles.find((r) => r.stateMachineArn === arn);
  if (!role) throw new Error(`no role for ${machine}`);
  return role;
};
async function run(machine: keyof LocalStack['stateMachines'], input: Record<string, unknown> = {}) {
  const result = await runExecution(stack.sfn, stack.stateMachines[machine], { ...stack.service, ...input });
  executions.push({ executionArn: result.executionArn, roleArn: roleOf(machine).roleArn, history: result.history });
  return result;
}
async function succeed(machine: keyof LocalStack['stateMachines'], input: Record<string, unknown> = {}) {
  const result = await run(machine, input);
  if (result.status !== 'SUCCEEDED')
    throw new Error(`${machine} ended ${result.status}: ${result.error} ${result.cause}`);
  return result;
}

/**
 * What Application Auto Scaling says now: the target group the controller's policy tracks, whether it has scale-in
 * disabled, and whether the scalable target is suspended in any way (the controller never suspends it).
 */
async function scaling(): Promise<{ trackedTargetGroup?: string; scaleInDisabled?: boolean }> {
  const targets = await aas.send(
    new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId()] }),
  );
  const suspended = targets.ScalableTargets?.[0]?.SuspendedState ?? {};
  expect(Object.values(suspended).filter((v) => v === true)).toEqual([]);
  const policies = await aas.send(
    new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId() }),
  );
  const policy = policies.ScalingPolicies?.find((p) => p.PolicyName === SCALING_POLICY_NAME);
  const label =
    policy?.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.ResourceLabel ?? undefined;
  const disabled = policy?.TargetTrackingScalingPolicyConfiguration?.DisableScaleIn;
  return {
    ...(label !== undefined && { trackedTargetGroup: label.replace(/^app\/[^/]+\/[^/]+\//, '') }),
    ...(disabled !== undefined && { scaleInDisabled: disabled }),
  };
}
/** `targetgroup/NAME/ID` of the target group production forwards to (all of it, after a swap). */
function production(): string {
  const view = observe(stack).production;
  if (view.kind !== 'forward' || view.targetGroupArns.length !== 1) throw new Error('production is not on one version');
  return (view.targetGroupArns[0] ?? '').split(':').slice(5).join(':');
}

/** Starts swap and resolves once it entered `state` (its history), with its execution ARN. */
async function swapUntil(state: string, input: Record<string, unknown>): Promise<string> {
  const arn = await start('swap', input);
  for (let i = 0; i < 2000; i++) {
    const history = await stack.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000 }));
    if (statesEntered(history.events ?? []).includes(state)) return arn;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`swap never entered ${state}`);
}
async function ended(arn: string): Promise<ExecutionResult> {
  const result = await followExecution(stack.sfn, arn, { pollMs: 25 });
  executions.push({ executionArn: arn, roleArn: roleOf('swap').roleArn, history: result.history });
  return result;
}

beforeAll(async () => {
  stack = await startTestStack({
    template,
    timeScale: 0.05,
    faults: injector,
    authorize: iamAuthorizer(() => enforced, scope, { record }),
  });
  roles = stateMachineRoles(template, { resources: stack.deployed.resources, ...scope });
  enforced = roles;
  repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
  aas = new ApplicationAutoScalingClient(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
  cw = new CloudWatchClient(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
}, 120_000);
afterAll(async () => {
  aas?.destroy();
  cw?.destroy();
  await stack?.close();
});

test('the first release: a policy swap may not put leaves production on green; clean-up then creates it on the live version, scale-in enabled', async () => {
  expect(await scaling()).toEqual({});
  await succeed('deployGreen', { image: `${repo}:blue`, commit: 'a'.repeat(40) });
  // The swap's role loses PutScalingPolicy (an IAM change, or Application Auto Scaling refusing): not a reason to take
  // production off a healthy green.
  enforced = without('swap', 'application-autoscaling:PutScalingPolicy');
  let swapped: ExecutionResult;
  try {
    swapped = await succeed('swap', { bakeSeconds: 0 });
  } finally {
    enforced = roles;
  }
  const live = production();
  const output = swapped.output as { autoScaling?: { enabled: boolean; error?: { Error: string } } };
  expect(output.autoScaling?.enabled).toBe(true);
  expect(output.autoScaling?.error?.Error).toMatch(/^ApplicationAutoScaling\./);
  expect(await scaling()).toEqual({});
  await succeed('cleanUp');
  expect(production()).toBe(live);
  expect(await scaling()).toEqual({ trackedTargetGroup: live, scaleInDisabled: false });
});

test('swap disables scale-in and tracks green once production is there; clean-up enables it', async () => {
  const blue = production();
  await succeed('deployGreen', { image: `${repo}:green`, commit: 'b'.repeat(40) });
  expect(await scaling()).toEqual({ trackedTargetGroup: blue, scaleInDisabled: false });
  await succeed('swap', { bakeSeconds: 0 });
  const green = production();
  expect(green).not.toBe(blue);
  expect(await scaling()).toEqual({ trackedTargetGroup: green, scaleInDisabled: true });
  await succeed('cleanUp');
  expect(await scaling()).toEqual({ trackedTargetGroup: green, scaleInDisabled: false });
});

test('a swap undone in its bake tracks blue again with scale-in enabled', async () => {
  const blue = production();
  await succeed('deployGreen', { image: `${repo}:green`, commit: 'c'.repeat(40) });
  // A bake of 10 emulated minutes (30 s of wall time), ended by the built-in 5xx alarm going to ALARM: the green watch
  // wakes swap, which undoes (a swap the alarm did not wake would succeed after its bake, and fail this test).
  const arn = await swapUntil('WatchBake', { bakeSeconds: 600 });
  expect((await scaling()).scaleInDisabled).toBe(true);
  expect((await scaling()).trackedTargetGroup).not.toBe(blue);
  await cw.send(
    new SetAlarmStateCommand({ AlarmName: await fiveXxOn(production()), StateValue: 'ALARM', StateReason: 'test' }),
  );
  const undone = await ended(arn);
  expect(undone.status).toBe('FAILED');
  expect(statesEntered(undone.history)).toEqual(expect.arrayContaining(['UndoTrackBlueRequests']));
  expect(production()).toBe(blue);
  expect(await scaling()).toEqual({ trackedTargetGroup: blue, scaleInDisabled: false });
  await succeed('abort');
  expect(await scaling()).toEqual({ trackedTargetGroup: blue, scaleInDisabled: false });
});

test('rollback tracks the version it brings back; a swap stopped mid-bake is recovered by rollback', async () => {
  const blue = production();
  await succeed('deployGreen', { image: `${repo}:green`, commit: 'd'.repeat(40) });
  const arn = await swapUntil('WatchBake', { bakeSeconds: 600 });
  await stack.sfn.send(new StopExecutionCommand({ executionArn: arn, error: 'Operator.Stop' }));
  await ended(arn);
  // Stopped with production on green: scale-in stays disabled until the recovery ends.
  expect(await scaling()).toEqual({ trackedTargetGroup: production(), scaleInDisabled: true });
  await succeed('rollback');
  expect(production()).toBe(blue);
  expect(await scaling()).toEqual({ trackedTargetGroup: blue, scaleInDisabled: false });
});

test('the service scaling out between deploy-green and swap fails nothing: every task set follows the desired count', async () => {
  await succeed('deployGreen', { image: `${repo}:green`, commit: 'e'.repeat(40) });
  // As target tracking would: Application Auto Scaling raises the desired count (here through MinCapacity).
  await aas.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: 'ecs',
      ScalableDimension: SCALABLE_DIMENSION,
      ResourceId: resourceId(),
      MinCapacity: 4,
    }),
  );
  expect(observe(stack).desiredCount).toBe(4);
  await succeed('swap', { bakeSeconds: 0 });
  expect(observe(stack).taskSets.map((ts) => ts.computedDesiredCount)).toEqual([4, 4]);
  await succeed('cleanUp');
  const view = observe(stack);
  expect(view.taskSets.map((ts) => [ts.computedDesiredCount, ts.runningCount])).toEqual([[4, 4]]);
  expect(await scaling()).toEqual({ trackedTargetGroup: production(), scaleInDisabled: false });
});

/**
 * Holds the `nth` PutScalingPolicy of `machine`'s next execution (by its role) until the test releases it: the
 * execution sits in that state, so the test can start other operations and press Stop exactly there. `refused`: the
 * Stop won the race and the call never reaches Application Auto Scaling; `applied`: it was already on its way.
 */
function holdPutScalingPolicy(
  machine: keyof LocalStack['stateMachines'],
  nth: number,
): {
  machine: keyof LocalStack['stateMachines'];
  reached: Promise<void>;
  release(how: 'refused' | 'applied'): void;
} {
  const roleArn = roleOf(machine).roleArn;
  let seen = 0;
  let reached: () => void = () => undefined;
  let release: (error: AwsError | undefined) => void = () => undefined;
  const answered = new Promise<AwsError | undefined>((resolve) => (release = resolve));
  const remove = injector.gate((call) => {
    if (call.principal !== roleArn || call.operation !== 'PutScalingPolicy' || ++seen !== nth) return undefined;
    reached();
    return answered;
  });
  return {
    machine,
    reached: new Promise<void>((resolve) => (reached = resolve)),
    release: (how) => {
      remove();
      release(
        how === 'refused'
          ? new AwsError('RequestCanceled', 'The execution was stopped before this call.', 400)
          : undefined,
      );
    },
  };
}

/**
 * The built-in 5XX alarm's name once the green watch has pointed it at `targetGroup` (`targetgroup/NAME/ID`): set to
 * ALARM earlier, it would be the previous green's alarm, which the watch deletes and creates again.
 */
async function fiveXxOn(targetGroup: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const alarms = await cw.send(new DescribeAlarmsCommand({ MaxRecords: 100 }));
    const alarm = (alarms.MetricAlarms ?? []).find((a) => a.AlarmName?.endsWith('-green-5xx'));
    if (alarm?.Dimensions?.some((d) => d.Name === 'TargetGroup' && d.Value === targetGroup))
      return alarm.AlarmName ?? '';
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the 5XX alarm never watched ${targetGroup}`);
}

/** `bluegreen status` against the local stack: its picture, and its JSON view's `scaling`. */
async function status(): Promise<{ text: string; scaling: unknown }> {
  const cli = (...args: string[]) =>
    runInProcess(['--local', '--endpoint-url', stack.aws.endpoint, 'status', ...args], {
      env: userEnv() as Record<string, string>,
    });
  const [text, json] = await Promise.all([cli(), cli('--json')]);
  expect([text.code, json.code]).toEqual([0, 0]);
  return { text: text.stdout, scaling: (JSON.parse(json.stdout) as { scaling?: unknown }).scaling };
}

/** Starts `machine` and returns its execution ARN without waiting. */
async function start(machine: keyof LocalStack['stateMachines'], input: Record<string, unknown> = {}): Promise<string> {
  const started = await stack.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stack.stateMachines[machine],
      input: JSON.stringify({ ...stack.service, ...input }),
    }),
  );
  return started.executionArn ?? '';
}

/** Stops a held execution, then lets its held call go as `how` says; resolves once Step Functions says ABORTED. */
async function stopWhileHeld(
  arn: string,
  held: ReturnType<typeof holdPutScalingPolicy>,
  how: 'refused' | 'applied',
): Promise<void> {
  await stack.sfn.send(new StopExecutionCommand({ executionArn: arn, error: 'Operator.Stop' }));
  held.release(how);
  const described = await stack.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
  expect(described.status).toBe('ABORTED');
  const history = await stack.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000 }));
  executions.push({ executionArn: arn, roleArn: roleOf(held.machine).roleArn, history: history.events ?? [] });
}

/** Another operation on the service while one holds its lease is refused, naming the holder; nothing changes. */
async function refusedMeanwhile(
  machine: keyof LocalStack['stateMachines'],
  holder: string,
  input: Record<string, unknown> = {},
): Promise<void> {
  const before = await scaling();
  const result = await run(machine, input);
  expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.OperationInProgress']);
  expect(result.cause).toContain(holder);
  expect(await scaling()).toEqual(before);
}

// Stop at the autoscaling states, and operations started meanwhile.
test('swap stopped at DisableScaleIn, after Application Auto Scaling applied it: clean-up and abort meanwhile are refused; rollback (the documented recovery) then tracks blue with scale-in enabled', async () => {
  const blue = production();
  await succeed('deployGreen', { image: `${repo}:green`, commit: '1'.repeat(40) });
  const held = holdPutScalingPolicy('swap', 1);
  const arn = await start('swap', { bakeSeconds: 0 });
  await held.reached;
  await refusedMeanwhile('cleanUp', arn);
  await refusedMeanwhile('abort', arn);
  await stopWhileHeld(arn, held, 'applied');
  // Stopped with production still on blue and the policy's scale-in disabled.
  expect(production()).toBe(blue);
  expect(await scaling()).toEqual({ trackedTargetGroup: blue, scaleInDisabled: true });
  await succeed('rollback');
  expect(production()).toBe(blue);
  expect(await scaling()).toEqual({ trackedTargetGroup: blue, scaleInDisabled: false });
});

test('swap stopped at TrackGreenRequests before it reached Application Auto Scaling: production is on green, the policy on blue; swap again tracks green, clean-up enables scale-in', async () => {
  const blue = production();
  await succeed('deployGreen', { image: `${repo}:green`, commit: '2'.repeat(40) });
  const held = holdPutScalingPolicy('swap', 2);
  const arn = await start('swap', { bakeSeconds: 0 });
  await held.reached;
  await refusedMeanwhile('rollback', arn);
  await stopWhileHeld(arn, held, 'refused');
  const green = production();
  expect(green).not.toBe(blue);
  expect(await scaling()).toEqual({ trackedTargetGroup: blue, scaleInDisabled: true });
  await succeed('swap', { bakeSeconds: 0 });
  expect(production()).toBe(green);
  expect(await scaling()).toEqual({ trackedTargetGroup: green, scaleInDisabled: true });
  await succeed('cleanUp');
  expect(await scaling()).toEqual({ trackedTargetGroup: green, scaleInDisabled: false });
});

test("swap stopped at its undo's UndoTrackBlueRequests: production is back on blue with the policy still on green; abort tracks blue with scale-in enabled", async () => {
  const blue = production();
  await succeed('deployGreen', { image: `${repo}:green`, commit: '3'.repeat(40) });
  const held = holdPutScalingPolicy('swap', 3);
  const arn = await swapUntil('WatchBake', { bakeSeconds: 600 });
  const green = production();
  await cw.send(
    new SetAlarmStateCommand({ AlarmName: await fiveXxOn(green), StateValue: 'ALARM', StateReason: 'test' }),
  );
  await Promise.race([
    held.reached,
    followExecution(stack.sfn, arn, { pollMs: 25 }).then((r) => {
      throw new Error(`swap ended ${r.status} before its undo put the policy back`);
    }),
  ]);
  await refusedMeanwhile('deployGreen', arn, { image: `${repo}:blue`, commit: '5'.repeat(40) });
  await stopWhileHeld(arn, held, 'refused');
  expect(production()).toBe(blue);
  expect(await scaling()).toEqual({ trackedTargetGroup: green, scaleInDisabled: true });
  // status says so, and that production's version is not what the policy tracks.
  const stopped = await status();
  expect(stopped.scaling).toEqual({ trackedTargetGroup: green, scaleInDisabled: true });
  expect(stopped.text).toMatch(/^! autoscaling: .* is not a target group production forwards to/m);
  await succeed('abort');
  expect(production()).toBe(blue);
  expect(await scaling()).toEqual({ trackedTargetGroup: blue, scaleInDisabled: false });
});

test('clean-up stopped at TrackLiveRequests, after Application Auto Scaling applied it: clean-up again leaves the policy on the live version with scale-in enabled', async () => {
  await succeed('deployGreen', { image: `${repo}:green`, commit: '4'.repeat(40) });
  await succeed('swap', { bakeSeconds: 0 });
  const live = production();
  const held = holdPutScalingPolicy('cleanUp', 1);
  const arn = await start('cleanUp');
  await held.reached;
  await refusedMeanwhile('swap', arn);
  await stopWhileHeld(arn, held, 'applied');
  await succeed('cleanUp');
  expect(production()).toBe(live);
  expect(observe(stack).taskSets).toHaveLength(1);
  expect(await scaling()).toEqual({ trackedTargetGroup: live, scaleInDisabled: false });
  const after = await status();
  expect(after.scaling).toEqual({ trackedTargetGroup: live, scaleInDisabled: false });
  expect(after.text).toMatch(/^Autoscaling: tracks requests per target of \S+ \(blue \(live\)\), scale-in enabled$/m);
  expect(after.text).not.toMatch(/^! autoscaling/m);
});

test('a scalable target deregistered by hand: deploy-green, swap and clean-up go on without it', async () => {
  await aas.send(
    new DeregisterScalableTargetCommand({
      ServiceNamespace: 'ecs',
      ScalableDimension: SCALABLE_DIMENSION,
      ResourceId: resourceId(),
    }),
  );
  const before = production();
  await succeed('deployGreen', { image: `${repo}:green`, commit: 'f'.repeat(40) });
  const swapped = await succeed('swap', { bakeSeconds: 0 });
  expect((swapped.output as { autoScaling?: { error?: unknown } }).autoScaling?.error).toBeUndefined();
  await succeed('cleanUp');
  expect(production()).not.toBe(before);
  expect(await scaling()).toEqual({});
});

test('every call the state machines made is allowed by their own roles (none would be AccessDenied on AWS)', () => {
  const calls = stack.aws.server.callLog.entries();
  const checked = checkCalls(calls, roles, scope, executions, undefined, { authorizationsOf: record.of });
  expect(checked.violations.map((v) => v.message)).toEqual([]);
  // Only the PutScalingPolicy the first test took from the swap's role was refused (with its retries: Step Functions
  // names an access denial Application Auto Scaling's model does not list as the base exception, which is retried).
  const denied = calls.filter((c) => !c.outcome.ok && /AccessDenied/.test(c.outcome.errorCode));
  expect(denied.length).toBeGreaterThan(0);
  expect([...new Set(denied.map((c) => c.operation))]).toEqual(['PutScalingPolicy']);
  const actions = new Set(checked.authorized.map((a) => a.request.action));
  expect([...actions]).toEqual(expect.arrayContaining(['application-autoscaling:PutScalingPolicy']));
});
