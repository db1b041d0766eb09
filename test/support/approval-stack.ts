import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionDoesNotExist,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Duration } from 'aws-cdk-lib';
import { APPROVAL_REJECTED, readWaitingApproval, type ApprovalStage, type WaitingApproval } from '../../contract';
import {
  allEvents,
  followExecution,
  runExecution,
  statesEntered,
  type ExecutionResult,
} from '../../harness/demo/executions';
import { startLocalStack, type LocalStack } from '../../harness/demo/local-stack';
import { observe } from '../../harness/demo/observe';
import { probe, type Probe } from '../../harness/demo/probe';
import type { CfnTemplate } from '../../harness/deploy/deploy-template';
import { derivedExecutionName, executionArnOf } from '../../lambdas/approvals/core';
import { iamAuthorizer } from '../../local/iam/enforce';
import { checkCalls, type ExecutionRecord } from '../../local/iam/least-privilege';
import { AuthorizationRecord, localResourceTags } from '../../local/iam/resource-tags';
import { localScalableTargets } from '../../local/iam/scalable-targets';
import { approvalsRole, stateMachineRoles, type RolePolicies } from '../../local/iam/template-policies';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../local/local-aws';
import type { FaultInjector } from '../../oracles/faults/fault-plan';
import { orphanProblems, roles } from '../../oracles/invariants/state-checks';
import { synthVariant } from './harness';

/**
 * A local stack whose approvals are Step Functions task-token waits (swapApprovalMode 'step-functions',
 * contract/approvals.ts), for the clean-up approval's suites (test/state-machines/clean-up-approval*.test.ts): the
 * state machines' roles and the approvals function's role enforced by local IAM (a call signed as one of them that
 * its role does not allow is AccessDenied, as on AWS), the deployment item read as the approvals function reads it, the
 * executions the approvals function starts found by the names it gives them, and a replay of every call against the
 * roles at the end.
 */

export type Machine = keyof LocalStack['stateMachines'];

const scope = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT };

/** The service's deployment item: the waiting approval, the lease's holder, the record's phase and versions. */
export interface ItemView {
  readonly approval?: WaitingApproval;
  readonly leaseHolder?: string;
  readonly phase: string;
  readonly live?: string;
  readonly previous?: string;
}

/** What runs and where traffic goes, for "nothing was changed" comparisons. */
export interface Snapshot {
  readonly taskSets: string[];
  readonly targetGroups: string[];
  readonly production: unknown;
  readonly test: unknown;
  readonly previous: unknown;
}

export interface ProductionWatch {
  /** Stops probing; every answer production gave while watched, in order. */
  stop(): Promise<Probe[]>;
}

export interface ApprovalStack {
  readonly stack: LocalStack;
  readonly repo: string;
  /** Each machine's role ARN, and the approvals function's. */
  readonly roleArns: Readonly<Record<Machine | 'approvals', string>>;
  /** The approvals function's name, as local Step Functions runs it (`stack.aws.sfn.registeredLambda`). */
  readonly approvalsFunction: string;
  run(machine: Machine, input?: Record<string, unknown>): Promise<ExecutionResult>;
  /** Set-up, not the behaviour under test: runs `machine` and throws unless it succeeded. */
  succeed(machine: Machine, input?: Record<string, unknown>): Promise<ExecutionResult>;
  start(machine: Machine, input?: Record<string, unknown>): Promise<string>;
  ended(executionArn: string): Promise<ExecutionResult>;
  stop(executionArn: string): Promise<void>;
  /** RUNNING, SUCCEEDED, …, or `none` when no such execution was ever started. */
  statusOf(executionArn: string): Promise<string>;
  item(): ItemView;
  /** The approval `executionArn` keeps once its wait has begun (polled; throws if it never begins). */
  waiting(executionArn: string, stage: ApprovalStage): Promise<WaitingApproval>;
  /** The execution the approvals function starts to wait for approval, named after the one that asked (`from`). */
  waiterOf(machine: 'swap' | 'cleanUp', from: string): string;
  /** The rollback (or abort) a rejected or expired wait of `waiter` starts, by the name the approvals function gives. */
  rejectionOf(machine: 'rollback' | 'abort', waiter: string): string;
  /** SendTaskSuccess as `bluegreen approve` sends it: the version approved. */
  approve(pending: WaitingApproval, taskSetArn?: string): Promise<void>;
  /** SendTaskFailure as `bluegreen reject` sends it. */
  reject(pending: WaitingApproval, comment: string): Promise<void>;
  /** Every execution of `machine`, newest first. */
  executions(machine: Machine): Promise<string[]>;
  /** The colour production serves now, and the other one (the next release's). */
  colours(): Promise<{ live: string; next: string }>;
  /**
   * deploy-green of the colour production does not serve, in step-functions mode: green under test and the swap it
   * started, waiting for ApproveSwap.
   */
  deploy(): Promise<{ deployGreen: string; swap: string; pending: WaitingApproval; live: string; green: string }>;
  /**
   * deploy(), then ApproveSwap answered: the swap moves production to green and starts the clean-up that waits for
   * ApproveCleanUp, returned once its wait has begun.
   */
  release(): Promise<{
    swap: ExecutionResult;
    cleanUp: string;
    pending: WaitingApproval;
    blue: string;
    green: string;
    blueTaskSet: string;
    blueTargetGroup: string;
  }>;
  snapshot(): Snapshot;
  /** Probes production in a loop until stopped. */
  watchProduction(): ProductionWatch;
  /** One version live on `colour` and nothing else: nothing orphaned, test listener closed, no lease. */
  expectOneVersionLive(colour: string): Promise<void>;
  /** Every signed call and every integration Step Functions ran, judged against the roles: what AWS would deny. */
  iamViolations(): Promise<string[]>;
  close(): Promise<void>;
}

export interface ApprovalStackOptions {
  readonly cleanUpApprovalTimeout: Duration;
  readonly swapApprovalTimeout: Duration;
  readonly bakeTime: Duration;
  readonly faults?: FaultInjector;
  /** A template synthesized already (the props above are then only what it was synthesized with). */
  readonly template?: CfnTemplate;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until it returns a value, for at most `seconds` of wall time (generous: CI shares two cores). */
export async function until<T>(what: string, read: () => T | undefined | Promise<T | undefined>, seconds = 90) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export function approvalTemplate(options: Omit<ApprovalStackOptions, 'faults' | 'template'>): CfnTemplate {
  return synthVariant(() => ({
    swapApprovalMode: 'step-functions',
    swapApprovalTimeout: options.swapApprovalTimeout,
    cleanUpApprovalTimeout: options.cleanUpApprovalTimeout,
    bakeTime: options.bakeTime,
  }));
}

export async function startApprovalStack(options: ApprovalStackOptions): Promise<ApprovalStack> {
  const template = options.template ?? approvalTemplate(options);
  // The resource lookups of the record need the stack, which exists only once the authorizer is installed.
  const started: { stack?: LocalStack } = {};
  const record = new AuthorizationRecord(scope, {
    resourceTags: localResourceTags(() => started.stack?.aws),
    scalableTargets: localScalableTargets(() => started.stack?.aws),
  });
  let enforced: readonly RolePolicies[] = [];
  const s = await startLocalStack(template, {
    timeScale: 0.01,
    ports: { api: 0, listeners: { 80: 0, 8080: 0 } },
    authorize: iamAuthorizer(() => enforced, scope, { record }),
    ...(options.faults && { faults: options.faults }),
  });
  started.stack = s;
  const machineRoles = stateMachineRoles(template, { resources: s.deployed.resources, ...scope });
  const approvals = approvalsRole(template, { resources: s.deployed.resources, ...scope });
  enforced = [...machineRoles, approvals];
  const machines = Object.keys(s.stateMachines) as Machine[];
  const roleArns = Object.fromEntries([
    ...(await Promise.all(
      machines.map(async (m) => {
        const described = await s.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: s.stateMachines[m] }));
        return [m, described.roleArn ?? ''] as const;
      }),
    )),
    ['approvals', approvals.roleArn],
  ]) as Record<Machine | 'approvals', string>;
  const repo = s.deployed.outputs.ImageRepositoryUri ?? '';
  const approvalsLogicalId = Object.keys(template.Resources).find((id) =>
    /^StateMachinesApprovalsFunction[0-9A-F]{8}$/.test(id),
  );
  const approvalsFunction = s.deployed.resources.get(approvalsLogicalId ?? '')?.ref ?? '';
  if (s.aws.sfn.registeredLambda(approvalsFunction) === undefined) {
    throw new Error(`the approvals function (${approvalsLogicalId}) does not run locally`);
  }

  const run = (machine: Machine, input: Record<string, unknown> = {}) =>
    runExecution(s.sfn, s.stateMachines[machine], { ...s.service, ...input }, { pollMs: 25 });
  const succeed = async (machine: Machine, input: Record<string, unknown> = {}) => {
    const done = await run(machine, input);
    if (done.status !== 'SUCCEEDED') {
      throw new Error(`set-up: ${machine} ended ${done.status}: ${done.error} ${done.cause}`);
    }
    return done;
  };
  const ended = (executionArn: string) => followExecution(s.sfn, executionArn, { pollMs: 25 });

  function item(): ItemView {
    const found = s.aws.dynamodb
      .state()
      .tables.flatMap((table) => table.items)
      .find((i) => i['service'] !== undefined && ('record' in i || 'lease' in i || 'approval' in i));
    const text = (value: unknown): string | undefined =>
      value !== null && typeof value === 'object' && 'S' in value ? String((value as { S: unknown }).S) : undefined;
    const approval = readWaitingApproval(text(found?.['approval']));
    const lease = found?.['lease'];
    const leaseHolder =
      lease !== undefined && 'M' in lease ? text((lease.M as Record<string, unknown>)['holder']) : undefined;
    const recordText = text(found?.['record']);
    const parsed = recordText
      ? (JSON.parse(recordText) as {
          phase: string;
          live?: { taskSetArn?: string };
          previous?: { taskSetArn?: string };
        })
      : { phase: 'none' };
    return {
      ...(approval && { approval }),
      ...(leaseHolder !== undefined && { leaseHolder }),
      phase: parsed.phase,
      ...(parsed.live?.taskSetArn !== undefined && { live: parsed.live.taskSetArn }),
      ...(parsed.previous?.taskSetArn !== undefined && { previous: parsed.previous.taskSetArn }),
    };
  }

  const waiting = (executionArn: string, stage: ApprovalStage) =>
    until(`${executionArn} to wait at ${stage}`, () => {
      const pending = item().approval;
      return pending?.executionArn === executionArn && pending.stage === stage ? pending : undefined;
    });

  const waiterOf = (machine: 'swap' | 'cleanUp', from: string) =>
    executionArnOf(s.stateMachines[machine], derivedExecutionName('approval', from));
  const rejectionOf = (machine: 'rollback' | 'abort', waiter: string) =>
    executionArnOf(s.stateMachines[machine], derivedExecutionName('rejected', waiter));

  async function statusOf(executionArn: string): Promise<string> {
    try {
      return (await s.sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'UNKNOWN';
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return 'none';
      throw error;
    }
  }

  async function colours(): Promise<{ live: string; next: string }> {
    const live = (await probe(s.urls.production, 10_000)).colour ?? 'none';
    return { live, next: live === 'blue' ? 'green' : 'blue' };
  }

  let commits = 0;
  async function deploy() {
    const { live, next } = await colours();
    const commit = `${next === 'blue' ? 'b1e' : 'c0f'}${String(++commits).padStart(4, '0')}`;
    const deployed = await succeed('deployGreen', { image: `${repo}:${next}`, commit });
    const output = deployed.output as { swapApproval?: { swapExecutionArn?: string } };
    const swap = output.swapApproval?.swapExecutionArn ?? '';
    if (swap !== waiterOf('swap', deployed.executionArn)) throw new Error(`deploy-green started ${swap}`);
    const pending = await waiting(swap, 'ApproveSwap');
    return { deployGreen: deployed.executionArn, swap, pending, live, green: next };
  }

  const approve = async (pending: WaitingApproval, taskSetArn = pending.green.taskSetArn) => {
    await s.sfn.send(
      new SendTaskSuccessCommand({ taskToken: pending.token, output: JSON.stringify({ green: { taskSetArn } }) }),
    );
  };
  const reject = async (pending: WaitingApproval, comment: string) => {
    await s.sfn.send(
      new SendTaskFailureCommand({ taskToken: pending.token, error: APPROVAL_REJECTED, cause: comment }),
    );
  };

  async function release() {
    const blueTaskSet = roles(observe(s)).live ?? '';
    const blueTargetGroup = observe(s).taskSets.find((t) => t.arn === blueTaskSet)?.targetGroupArn ?? '';
    const { swap: swapArn, pending: swapApproval, live, green } = await deploy();
    await approve(swapApproval);
    const swap = await ended(swapArn);
    if (swap.status !== 'SUCCEEDED') throw new Error(`set-up: the approved swap ended ${swap.status}: ${swap.cause}`);
    const cleanUp = waiterOf('cleanUp', swapArn);
    const pending = await waiting(cleanUp, 'ApproveCleanUp');
    return { swap, cleanUp, pending, blue: live, green, blueTaskSet, blueTargetGroup };
  }

  function snapshot(): Snapshot {
    const view = observe(s);
    return {
      taskSets: view.taskSets.map((t) => t.arn).sort(),
      targetGroups: view.targetGroups.map((t) => t.arn).sort(),
      production: view.production,
      test: view.test,
      previous: view.previous,
    };
  }

  /** Watches still probing: a test that failed before stopping its own has it stopped by close(). */
  const watches = new Set<ProductionWatch>();
  function watchProduction(): ProductionWatch {
    const seen: Probe[] = [];
    let watching = true;
    const loop = (async () => {
      while (watching) {
        seen.push(await probe(s.urls.production, 10_000));
        await sleep(20);
      }
    })();
    const watch: ProductionWatch = {
      stop: async () => {
        watching = false;
        watches.delete(watch);
        await loop;
        return seen;
      },
    };
    watches.add(watch);
    return watch;
  }

  async function expectOneVersionLive(colour: string): Promise<void> {
    const view = observe(s);
    expect(orphanProblems(view)).toEqual([]);
    expect(roles(view)).toEqual({ live: expect.any(String), others: [] });
    expect(view.taskSets).toHaveLength(1);
    expect(view.test).toEqual({ kind: 'fixed', statusCode: '503' });
    expect(await probe(s.urls.production, 10_000)).toMatchObject({ status: 200, colour });
    expect(item().leaseHolder).toBeUndefined();
  }

  async function executions(machine: Machine): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await s.sfn.send(
        new ListExecutionsCommand({ stateMachineArn: s.stateMachines[machine], nextToken, maxResults: 1000 }),
      );
      arns.push(...(page.executions ?? []).map((e) => e.executionArn ?? ''));
      nextToken = page.nextToken;
    } while (nextToken);
    return arns;
  }

  async function iamViolations(): Promise<string[]> {
    const histories: ExecutionRecord[] = [];
    for (const machine of machines) {
      for (const executionArn of await executions(machine)) {
        histories.push({ executionArn, roleArn: roleArns[machine], history: await allEvents(s.sfn, executionArn) });
      }
    }
    const checked = checkCalls(s.aws.server.callLog.entries(), enforced, scope, histories, undefined, {
      authorizationsOf: record.of,
    });
    // The replay judged what this feature adds: clean-up invoking the approvals function, and the approvals function
    // starting the clean-up that waits and the rollback a rejection starts.
    const judged = new Set(
      checked.authorized.map((x) => `${x.role.roleArn} ${x.request.action} ${x.request.resource}`),
    );
    const approvalsFunction = [...judged].find((j) => /:function:\S*ApprovalsFunction/.test(j))?.split(' ')[2];
    const missing = [
      `${roleArns.cleanUp} lambda:InvokeFunction ${approvalsFunction ?? '(the approvals function)'}`,
      `${approvals.roleArn} states:StartExecution ${s.stateMachines.cleanUp}`,
      `${approvals.roleArn} states:StartExecution ${s.stateMachines.rollback}`,
    ].filter((expected) => !judged.has(expected));
    return [...missing.map((m) => `the replay judged no ${m}`), ...checked.violations.map((v) => v.message)];
  }

  return {
    stack: s,
    repo,
    roleArns,
    approvalsFunction,
    run,
    succeed,
    start: async (machine, input = {}) => {
      const started = await s.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: s.stateMachines[machine],
          input: JSON.stringify({ ...s.service, ...input }),
        }),
      );
      return started.executionArn ?? '';
    },
    ended,
    stop: async (executionArn) => {
      await s.sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator.Stopped', cause: 'pressed Stop' }));
    },
    statusOf,
    item,
    waiting,
    waiterOf,
    rejectionOf,
    approve,
    reject,
    executions,
    colours,
    deploy,
    release,
    snapshot,
    watchProduction,
    expectOneVersionLive,
    iamViolations,
    close: async () => {
      await Promise.all([...watches].map((w) => w.stop()));
      await s.close();
    },
  };
}

/** Names of the states an execution entered, from its result. */
export const entered = (result: ExecutionResult): string[] => statesEntered(result.history);
