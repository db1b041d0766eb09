import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { Duration } from 'aws-cdk-lib';
import {
  APPROVAL_REJECTED,
  APPROVAL_SUPERSEDED,
  readWaitingApproval,
  type ApprovalStage,
  type WaitingApproval,
} from '../../contract';
import { followExecution, runExecution, type ExecutionResult } from '../../harness/demo/executions';
import { startLocalStack, type LocalStack } from '../../harness/demo/local-stack';
import { observe } from '../../harness/demo/observe';
import { probe, type Probe } from '../../harness/demo/probe';
import { derivedExecutionName, executionArnOf } from '../../lambdas/approvals/core';
import { synthVariant } from '../support/harness';
import { userEnv } from './run-bin';
import { runInProcess } from './run-in-process';

/**
 * The CLI and the clean-up approval as a Step Functions task-token wait (swapApprovalMode 'step-functions',
 * contract/approvals.ts), on local AWS: every swap that moves production starts a clean-up that waits for
 * ApproveCleanUp. `status` shows that waiter and names approve / reject --stage ApproveCleanUp; `approve` answers it
 * (blue is removed, production serves green throughout); `approve --stage ApproveSwap` is refused naming the stage
 * that waits; `reject --stage ApproveCleanUp` ends it and rollback runs; after a rollback by hand the waiter is not
 * answered and production does not change.
 *
 * Nothing here depends on the wall clock's speed: the windows are a day (864 s of wall time at the stack's time
 * scale, far beyond the file), and every wait polls for its condition.
 */
jest.setTimeout(120_000);

let stack: LocalStack;
let repo: string;

const run = (machine: keyof LocalStack['stateMachines'], input: Record<string, unknown> = {}) =>
  runExecution(stack.sfn, stack.stateMachines[machine], { ...stack.service, ...input }, { pollMs: 25 });
async function succeed(result: Promise<ExecutionResult>): Promise<ExecutionResult> {
  const done = await result;
  if (done.status !== 'SUCCEEDED') throw new Error(`set-up ended ${done.status}: ${done.error} ${done.cause}`);
  return done;
}
const ended = (executionArn: string) => followExecution(stack.sfn, executionArn, { pollMs: 25 });
const cli = (...args: string[]) =>
  runInProcess(['--local', '--endpoint-url', stack.aws.endpoint, ...args], {
    env: userEnv() as Record<string, string>,
  });

/** The service's deployment item as the machines keep it: the record, and the approval that waits. */
function item(): { record: Record<string, unknown>; approval?: WaitingApproval } {
  const items = stack.aws.dynamodb.state().tables.flatMap((table) => table.items);
  const found = items.find((i) => i['record'] !== undefined);
  const text = (key: string): string | undefined => {
    const value = found?.[key];
    return value !== undefined && 'S' in value ? value.S : undefined;
  };
  const approval = readWaitingApproval(text('approval'));
  return { record: JSON.parse(text('record') ?? '{}') as Record<string, unknown>, ...(approval && { approval }) };
}

/** Polls until `check` gives a value (the condition, never a fixed sleep); fails after `what` did not happen. */
async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The approval waiting at `stage` in the item, once its waiter has kept its token. */
const waiting = (stage: ApprovalStage, executionArn?: string) =>
  until(`a waiter at ${stage}`, () => {
    const approval = item().approval;
    return approval?.stage === stage && (executionArn === undefined || approval.executionArn === executionArn)
      ? approval
      : undefined;
  });

/**
 * Until `executionArn` is the only execution of the stack that runs: the waiters an earlier step replaced end on
 * their own (failed as superseded), and status's next commands are about what runs.
 */
const onlyRunning = (executionArn: string) =>
  until(`${executionArn} to be the only execution running`, async () => {
    const lists = await Promise.all(
      Object.values(stack.stateMachines).map((stateMachineArn) =>
        stack.sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' })),
      ),
    );
    const running = lists.flatMap((l) => l.executions ?? []).map((e) => e.executionArn);
    return running.length === 1 && running[0] === executionArn ? true : undefined;
  });

/** The task sets production forwards to now (through their target groups). */
function productionTaskSets(): string[] {
  const view = observe(stack);
  const groups = view.production.kind === 'forward' ? view.production.targetGroupArns : [];
  return view.taskSets
    .filter((t) => t.targetGroupArn !== undefined && groups.includes(t.targetGroupArn))
    .map((t) => t.arn);
}

/** The production watches still probing (a failed test stops its own in afterEach, so none outlives the stack). */
const watches = new Set<() => Promise<Probe[]>>();
afterEach(async () => {
  for (const stop of watches) await stop();
});

/** Probes production every few milliseconds until stopped: what it served all along. */
function watchProduction(): { stop(): Promise<Probe[]> } {
  const seen: Probe[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      seen.push(await probe(stack.urls.production));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const stop = async (): Promise<Probe[]> => {
    stopped = true;
    watches.delete(stop);
    await loop;
    return seen;
  };
  watches.add(stop);
  return { stop };
}

/**
 * A release up to the clean-up waiter: deploy-green (which starts the swap that waits), `bluegreen approve` of that
 * swap, the swap to its end, and the clean-up it started, waiting at ApproveCleanUp for the green production serves.
 */
async function releaseToCleanUpWaiter(colour: string, commit: string) {
  const deployed = await succeed(run('deployGreen', { image: `${repo}:${colour}`, commit }));
  const swapArn = (deployed.output as { swapApproval?: { swapExecutionArn?: string } }).swapApproval?.swapExecutionArn;
  expect(swapArn).toMatch(/^arn:/);
  const swapWaiter = await waiting('ApproveSwap', swapArn);
  const blue = (item().record['live'] as { taskSetArn?: string } | undefined)?.taskSetArn;
  const approved = await cli('approve', '--stage', 'ApproveSwap');
  expect(approved.code).toBe(0);
  expect((await ended(swapWaiter.executionArn)).status).toBe('SUCCEEDED');
  const cleanUpArn = executionArnOf(
    stack.stateMachines.cleanUp,
    derivedExecutionName('approval', swapWaiter.executionArn),
  );
  const cleanUp = await waiting('ApproveCleanUp', cleanUpArn);
  return { green: swapWaiter.green, blue, cleanUp };
}

beforeAll(async () => {
  const template = synthVariant(() => ({
    swapApprovalMode: 'step-functions',
    swapApprovalTimeout: Duration.days(1),
    cleanUpApprovalTimeout: Duration.days(1),
    bakeTime: Duration.seconds(10),
  }));
  stack = await startLocalStack(template, { timeScale: 0.01, ports: { api: 0, listeners: { 80: 0, 8080: 0 } } });
  repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
  // The first release, by hand: deploy-green, swap and clean-up. The waiters they start are each replaced by the
  // next one (a newer waiter fails the older as superseded), and the last is for a version no longer current.
  await succeed(run('deployGreen', { image: `${repo}:blue`, commit: 'b1e0001' }));
  await succeed(run('swap'));
  await succeed(run('cleanUp'));
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
});
afterAll(async () => stack?.close());

test('status shows the waiting clean-up and its next commands; approve --stage ApproveSwap is refused; approve removes blue while production serves green', async () => {
  const { green, blue, cleanUp } = await releaseToCleanUpWaiter('green', 'c0ffee1');
  const production = watchProduction();
  expect(blue).toMatch(/^arn:/);
  expect(cleanUp.green.taskSetArn).toBe(green.taskSetArn);
  await onlyRunning(cleanUp.executionArn);

  const status = await cli('status');
  expect(status.code).toBe(0);
  expect(status.stdout).toContain(
    `ApproveCleanUp (a task-token wait): clean-up ${cleanUp.executionArn} waits for the approval to remove blue, keeping green`,
  );
  expect(status.stdout).toContain(`(task set ${green.taskSetArn}) since `);
  expect(status.stdout).not.toContain('ApproveSwap (a task-token wait)');
  expect(status.stdout).toMatch(
    new RegExp(
      `Next: \\S.* approve, or \\S.* reject --stage ApproveCleanUp, or \\S.* watch ${cleanUp.executionArn}\\n`,
    ),
  );
  const json = JSON.parse((await cli('--json', 'status')).stdout) as Record<string, unknown>;
  expect(json['cleanUpApproval']).toMatchObject({ stage: 'ApproveCleanUp', executionArn: cleanUp.executionArn });
  expect(json['swapApproval']).toBeUndefined();

  // wait does not follow an execution that only waits for testers (it may wait for days): it names the answer.
  const waited = await cli('--json', 'wait');
  expect(waited.code).toBe(0);
  expect(JSON.parse(waited.stdout)).toEqual({
    command: 'wait',
    status: 'NONE',
    waitingForApproval: { stage: 'ApproveCleanUp', executionArn: cleanUp.executionArn },
  });

  const refused = await cli('approve', '--stage', 'ApproveSwap');
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('ApproveCleanUp');
  expect(refused.stderr).toMatch(/To answer it: \S.* approve --stage ApproveCleanUp\n$/);
  expect(item().approval?.executionArn).toBe(cleanUp.executionArn);

  const approved = await cli('--json', 'approve');
  expect(approved.code).toBe(0);
  expect(JSON.parse(approved.stdout)).toMatchObject({
    kind: 'step-functions',
    stageName: 'ApproveCleanUp',
    executionArn: cleanUp.executionArn,
    result: 'Approved',
  });
  expect((await ended(cleanUp.executionArn)).status).toBe('SUCCEEDED');
  expect(observe(stack).taskSets.map((t) => t.arn)).toEqual([green.taskSetArn]);
  const served = await production.stop();
  expect(served.length).toBeGreaterThan(0);
  expect(served.filter((p) => p.status !== 200 || p.colour !== 'green')).toEqual([]);
});

test('reject --stage ApproveCleanUp ends the waiting clean-up, and rollback puts production back on the previous version', async () => {
  const { green, blue, cleanUp } = await releaseToCleanUpWaiter('blue', 'b1e0002');
  expect(productionTaskSets()).toEqual([green.taskSetArn]);
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });

  const rejected = await cli('reject', '--stage', 'ApproveCleanUp', '--comment', 'p99 regressed');
  expect(rejected.code).toBe(0);
  const waiter = await ended(cleanUp.executionArn);
  expect({ status: waiter.status, error: waiter.error }).toEqual({ status: 'FAILED', error: APPROVAL_REJECTED });
  const rollbackArn = executionArnOf(
    stack.stateMachines.rollback,
    derivedExecutionName('rejected', cleanUp.executionArn),
  );
  expect((await ended(rollbackArn)).status).toBe('SUCCEEDED');
  expect(productionTaskSets()).toEqual([blue]);
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
  expect(observe(stack).taskSets.map((t) => t.arn)).toEqual([blue]);
});

test('after a rollback by hand while a clean-up waits, approve is refused and changes nothing', async () => {
  const { blue, cleanUp } = await releaseToCleanUpWaiter('blue', 'b1e0003');
  await succeed(run('rollback'));
  const before = { production: productionTaskSets(), taskSets: observe(stack).taskSets };
  expect(before.production).toEqual([blue]);
  // The waiter left behind is not what runs: status does not point at it, and names what the phase (stable) takes.
  await onlyRunning(cleanUp.executionArn);
  const status = await cli('status');
  expect(status.stdout).toContain(`clean-up ${cleanUp.executionArn}`);
  expect(status.stdout).not.toContain('Waiting for approval:');
  expect(status.stdout).toMatch(/^Next: \S.* deploy /m);
  expect(status.stdout).not.toMatch(/^Next: .*(watch|wait|approve)/m);

  const refused = await cli('approve');
  expect(refused.code).toBe(2);
  expect(refused.stdout).toBe('');
  // The waiter, for a green production no longer serves, is ended without acting.
  const waiter = await ended(cleanUp.executionArn);
  expect({ status: waiter.status, error: waiter.error }).toEqual({ status: 'FAILED', error: APPROVAL_SUPERSEDED });
  expect(productionTaskSets()).toEqual(before.production);
  expect(observe(stack).taskSets).toEqual(before.taskSets);
  expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'green' });
});
