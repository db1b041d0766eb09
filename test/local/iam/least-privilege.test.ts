import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { STACK_NAME } from '../../../examples/demo/create-app';
import { accessKeyForRole } from '../../../local/aws/principal';
import { localClientConfig } from '../../../local/aws/client-config';
import { runExecution, type ExecutionResult } from '../../../harness/demo/executions';
import type { LocalStack } from '../../../harness/demo/local-stack';
import { observe } from '../../../harness/demo/observe';
import { iamAuthorizer } from '../../../local/iam/enforce';
import { authorizationsFor } from '../../../local/iam/request-authorization';
import { checkCalls, unusedGrants, type UnusedGrant } from '../../../local/iam/least-privilege';
import type { PolicyStatement, SourcedStatement } from '../../../local/iam/policy';
import { AuthorizationRecord, localResourceTags } from '../../../local/iam/resource-tags';
import { localScalableTargets } from '../../../local/iam/scalable-targets';
import {
  controllerResourcesRole,
  greenWatchRole,
  lifecycleHooksRole,
  stateMachineRoles,
  type StateMachineRole,
} from '../../../local/iam/template-policies';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../../local/local-aws';
import { stackTemplate, startTestStack } from '../../support/harness';

/**
 * Least privilege, checked on the real flows: the synthesized stack runs in local AWS with IAM enforcement on, the
 * shipped state machines deploy, swap, clean up, fail and undo, and then every call in the call log is replayed
 * against the policies the template gives the role that signed it. Every state machine in the template is covered,
 * including ones added later (they are found by type, not by name).
 */
const scope = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT };
const CORE = ['DeployGreen', 'Swap', 'CleanUp'];
/**
 * The bake of the swaps that only set up a later step (a rollback, a sweep): three of swap's 10 s health polls, so
 * the bake makes every call it makes in a long one, and each is judged. The second release bakes the stack's default
 * (5 minutes); at this suite's 20x time scale each default bake is 15 s of idle wall time.
 */
const SHORT_BAKE = { bakeSeconds: 30 };

let stack: LocalStack;
/** Each call's authorizations with the resource tags it met (aws:ResourceTag), kept by the enforcement hook. */
const record = new AuthorizationRecord(scope, {
  resourceTags: localResourceTags(() => (stack as LocalStack | undefined)?.aws),
  scalableTargets: localScalableTargets(() => (stack as LocalStack | undefined)?.aws),
});
let roles: StateMachineRole[] = [];
/** What the enforcement hook evaluates; tests swap in altered copies. */
let enforced: readonly StateMachineRole[] = [];
const results: Array<{ machine: string; input: Record<string, unknown>; result: ExecutionResult }> = [];
/** Every execution so far with its role, for the integrations Step Functions runs itself (lambda:invoke). */
const executions = () =>
  results.map(({ machine, result }) => ({
    executionArn: result.executionArn,
    roleArn: roleOf(machine).roleArn,
    history: result.history,
  }));
/** All authorizations of the flows run so far, judged against `policies` (the template's unless given). */
const check = (policies: readonly StateMachineRole[] = roles) =>
  checkCalls(stack.aws.server.callLog.entries(), policies, scope, executions(), undefined, {
    authorizationsOf: record.of,
  });

/** `StateMachinesDeployGreen831FF7A2` → `DeployGreen`. */
const shortName = (role: StateMachineRole): string =>
  role.stateMachineLogicalId.replace(/^StateMachines/, '').replace(/[0-9A-F]{8}$/, '');
const roleOf = (name: string): StateMachineRole => {
  const found = roles.find((r) => shortName(r) === name);
  if (!found) throw new Error(`The template has no state machine ${name}; it has ${roles.map(shortName).join(', ')}.`);
  return found;
};
const extras = (pattern: RegExp): StateMachineRole[] =>
  roles.filter((r) => !CORE.includes(shortName(r)) && pattern.test(shortName(r)));

async function run(name: string, input: Record<string, unknown>): Promise<ExecutionResult> {
  const result = await runExecution(stack.sfn, roleOf(name).stateMachineArn, input, { pollMs: 50 });
  results.push({ machine: name, input, result });
  return result;
}

/** Replaces the statements of one role (by short name) in a copy of `roles`. */
function withStatements(
  name: string,
  change: (statements: readonly SourcedStatement[]) => SourcedStatement[],
): StateMachineRole[] {
  return roles.map((r) => (shortName(r) === name ? { ...r, statements: change(r.statements) } : r));
}
const editStatement = (s: SourcedStatement, edit: (st: PolicyStatement) => PolicyStatement): SourcedStatement => ({
  ...s,
  statement: edit(s.statement),
});
const asArray = (v: PolicyStatement['Action']): string[] =>
  v === undefined ? [] : typeof v === 'string' ? [v] : [...v];

beforeAll(async () => {
  // 20× real time rather than the usual 100×: deploy-green's first DescribeTargetHealth must not run before the
  // green tasks registered (see the report on ResultSelector over an empty TargetHealthDescriptions).
  stack = await startTestStack({ timeScale: 0.05, authorize: iamAuthorizer(() => enforced, scope, { record }) });
  roles = stateMachineRoles(stackTemplate(), { resources: stack.deployed.resources, ...scope });
  enforced = roles;
}, 120_000);
afterAll(async () => stack?.close());

describe('the flows, run with IAM enforcement on', () => {
  /** Fails with the execution's error and cause, so a failure says why. */
  const succeeded = async (name: string, input: Record<string, unknown>) => {
    const { status, error, cause } = await run(name, input);
    expect({ name, status, error, cause }).toEqual({ name, status: 'SUCCEEDED', error: undefined, cause: undefined });
  };
  const image = (tag: string) => `${stack.deployed.outputs.ImageRepositoryUri ?? ''}:${tag}`;

  test('bad input fails before anything is touched', async () => {
    const bad = await run('DeployGreen', { ...stack.service, commit: 'abc1234' });
    expect([bad.status, bad.error]).toEqual(['FAILED', 'BlueGreen.InvalidInput']);
    const wrong = await run('DeployGreen', { ...stack.service, service: 'nope', image: image('x'), commit: 'abc1234' });
    expect([wrong.status, wrong.error]).toEqual(['FAILED', 'BlueGreen.InvalidInput']);
  });

  test('first release: deploy-green, swap, clean-up', async () => {
    await succeeded('DeployGreen', { ...stack.service, image: image('blue'), commit: 'b10e000' });
    await succeeded('Swap', stack.service);
    await succeeded('CleanUp', stack.service);
  }, 120_000);

  test('a deploy-green that never gets healthy times out and undoes itself', async () => {
    const before = observe(stack);
    const failed = await run('DeployGreen', {
      ...stack.service,
      image: 'local/unhealthy:x',
      commit: 'bad0001',
      healthTimeoutSeconds: 30,
      // ECS replaces the unhealthy tasks; a high threshold keeps fail fast out of it, so the timeout path is judged.
      failFastThreshold: 200,
    });
    expect([failed.status, failed.error]).toEqual(['FAILED', 'BlueGreen.GreenNotHealthy']);
    expect(failed.failure?.undone).toBe('everything');
    expect(observe(stack).targetGroups.map((tg) => tg.arn)).toEqual(before.targetGroups.map((tg) => tg.arn));
  }, 120_000);

  test('a crash-looping deploy-green reads its stopped tasks, fails fast and undoes itself', async () => {
    const before = observe(stack);
    const failed = await run('DeployGreen', { ...stack.service, image: 'local/crash-on-start:x', commit: 'bad0002' });
    expect([failed.status, failed.error]).toEqual(['FAILED', 'BlueGreen.GreenTasksFailing']);
    expect(failed.failure?.undone).toBe('everything');
    expect(observe(stack).targetGroups.map((tg) => tg.arn)).toEqual(before.targetGroups.map((tg) => tg.arn));
  }, 120_000);

  test('second release beside the first (green tested at 50 %): deploy-green, swap, clean-up removes the old version', async () => {
    await succeeded('DeployGreen', {
      ...stack.service,
      image: image('green'),
      commit: '9ee0a00',
      smokeTest: { paths: ['/'] },
      // Tested at half size: swap scales green to full size (UpdateTaskSet) before production moves.
      testScalePercent: 50,
    });
    await succeeded('Swap', stack.service);
    await succeeded('CleanUp', stack.service);
    expect(observe(stack).taskSets).toEqual([expect.objectContaining({ status: 'PRIMARY' })]);
  }, 120_000);

  // State machines beyond the core three are found in the template and run where they apply, so their roles are
  // checked too: abort-like ones discard a green under test (and one still deploying), others run after a swap.
  test('every other state machine in the template runs, and the service ends with one live version', async () => {
    for (const abort of extras(/abort/i)) {
      await succeeded('DeployGreen', { ...stack.service, image: image('orange'), commit: '0a0a0a0' });
      await succeeded(shortName(abort), stack.service);
      // Abort a deployment still in flight: it must remove the deployment's own rules too.
      const inFlight = runExecution(
        stack.sfn,
        roleOf('DeployGreen').stateMachineArn,
        { ...stack.service, image: 'local/unhealthy:y', commit: '1f11647', healthTimeoutSeconds: 600 },
        { pollMs: 50 },
      );
      await until(() => observe(stack).taskSets.length === 2 && observe(stack).extraRules > 0);
      await run(shortName(abort), stack.service);
      const deploy = await inFlight;
      results.push({ machine: 'DeployGreen', input: {}, result: deploy });
      expect(deploy.status).toBe('FAILED');
    }
    for (const other of extras(/^(?!.*abort)/i)) {
      await succeeded('DeployGreen', { ...stack.service, image: image('purple'), commit: '9a9a9a9' });
      await succeeded('Swap', { ...stack.service, ...SHORT_BAKE });
      await succeeded(shortName(other), stack.service);
    }
    const view = observe(stack);
    expect(view.taskSets).toEqual([expect.objectContaining({ status: 'PRIMARY' })]);
    expect(view.extraRules).toBe(0);
  }, 180_000);
});

describe('ownership by tag and the lease, run with IAM enforcement on', () => {
  const image = (tag: string) => `${stack.deployed.outputs.ImageRepositoryUri ?? ''}:${tag}`;
  const names = () => observe(stack).targetGroups.map((tg) => tg.name);
  /** An ELBv2 client that signs as no role: what the test makes itself is not judged by IAM. */
  async function withElb<T>(use: (elb: ElasticLoadBalancingV2Client) => Promise<T>): Promise<T> {
    const elb = new ElasticLoadBalancingV2Client(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
    try {
      return await use(elb);
    } finally {
      elb.destroy();
    }
  }
  const createGroup = (name: string, tags: Record<string, string>) =>
    withElb(async (elb) => {
      const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      await elb.send(
        new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, ...(Tags.length && { Tags }) }),
      );
    });
  const service = () => stack.service.service;
  const ORPHAN = 'bg-demo-app-0a0b0c0d';
  const orphanLeft = () => names().includes(ORPHAN);
  const ours = () => ({ 'bluegreen:stack': STACK_NAME, 'bluegreen:service': service() });

  // Issue 9: abort deleted `bg-demo-app-canary` and `bg-demo-app-v2-1a2b3c4d`, which match the name prefix but are
  // not this stack's. Every sweep now keeps them; an orphan that carries this stack's tags is removed.
  test('sweeps remove this stack’s orphan and keep look-alikes (no tags, or another stack’s)', async () => {
    const lookAlikes = ['bg-demo-app-canary', 'bg-demo-app-v2-1a2b3c4d'];
    await createGroup('bg-demo-app-canary', {});
    await createGroup('bg-demo-app-v2-1a2b3c4d', { 'bluegreen:stack': 'OtherStack', 'bluegreen:service': service() });
    for (const machine of ['CleanUp', ...extras(/abort/i).map(shortName)]) {
      await createGroup(ORPHAN, ours());
      const result = await run(machine, stack.service);
      expect([machine, result.status, orphanLeft()]).toEqual([machine, 'SUCCEEDED', false]);
      expect(names()).toEqual(expect.arrayContaining(lookAlikes));
    }
    // Rollback sweeps after it removed a swapped green.
    for (const rollback of extras(/rollback/i)) {
      for (const [machine, input] of [
        ['DeployGreen', { ...stack.service, image: image('teal'), commit: '7ea1000' }],
        ['Swap', { ...stack.service, ...SHORT_BAKE }],
      ] as const) {
        expect([machine, (await run(machine, input)).status]).toEqual([machine, 'SUCCEEDED']);
      }
      await createGroup(ORPHAN, ours());
      const result = await run(shortName(rollback), stack.service);
      expect([shortName(rollback), result.status, orphanLeft()]).toEqual([shortName(rollback), 'SUCCEEDED', false]);
      expect(names()).toEqual(expect.arrayContaining(lookAlikes));
    }
  }, 180_000);

  test('a rule at priority 100 that the controller did not make is left alone; deploy-green refuses', async () => {
    const testListener = stack.aws.elbv2.state().listeners.find((l) => l.port === 8080)?.arn ?? '';
    const foreign = await withElb(async (elb) => {
      const { Rules } = await elb.send(
        new CreateRuleCommand({
          ListenerArn: testListener,
          Priority: 100,
          Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['1'] } }],
          Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain' } }],
        }),
      );
      return Rules?.[0]?.RuleArn ?? '';
    });
    const refused = await run('DeployGreen', { ...stack.service, image: image('olive'), commit: '01d0001' });
    expect([refused.status, refused.error]).toEqual(['FAILED', 'BlueGreen.ForeignRule']);
    expect(observe(stack).extraRules).toBe(1);
    await withElb((elb) => elb.send(new DeleteRuleCommand({ RuleArn: foreign })));
    expect(observe(stack).extraRules).toBe(0);
    expect(observe(stack).taskSets).toEqual([expect.objectContaining({ status: 'PRIMARY' })]);
  }, 120_000);

  test('while one operation holds the lease, the others read its holder and refuse; a stopped holder is taken over', async () => {
    const deployGreen = roleOf('DeployGreen').stateMachineArn;
    const name = `held-${Date.now()}`;
    const held = runExecution(
      stack.sfn,
      deployGreen,
      { ...stack.service, image: 'local/unhealthy:z', commit: '1ea5e00', healthTimeoutSeconds: 600 },
      { pollMs: 50, name },
    );
    await until(() => observe(stack).taskSets.length === 2 && observe(stack).extraRules > 0);
    for (const machine of ['Swap', 'CleanUp', 'DeployGreen', ...extras(/rollback/i).map(shortName)]) {
      const input =
        machine === 'DeployGreen' ? { ...stack.service, image: image('x'), commit: 'c0ffee0' } : stack.service;
      const refused = await run(machine, input);
      expect([machine, refused.status, refused.error]).toEqual([machine, 'FAILED', 'BlueGreen.OperationInProgress']);
    }
    // Stop the holder, so it never gives the lease back: abort finds the holder no longer RUNNING, takes the lease
    // over and removes what the stopped run left, each resource only after checking its owner tags.
    const executionArn = `${deployGreen.replace(':stateMachine:', ':execution:')}:${name}`;
    await stack.sfn.send(new StopExecutionCommand({ executionArn }));
    results.push({ machine: 'DeployGreen', input: {}, result: await held });
    for (const abort of extras(/abort/i)) {
      const result = await run(shortName(abort), stack.service);
      expect([result.status, result.error, result.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    }
    const view = observe(stack);
    expect(view.taskSets).toEqual([expect.objectContaining({ status: 'PRIMARY' })]);
    expect(view.extraRules).toBe(0);
  }, 180_000);
});

/** Polls (no fixed sleeps) until `condition` holds, or fails after `timeoutMs` of wall time. */
async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('least privilege of every state machine role', () => {
  test('the template has a role for every state machine, and each role made calls', () => {
    expect(roles.map(shortName)).toEqual(expect.arrayContaining(CORE));
    const { authorized } = check();
    for (const role of roles) {
      expect([shortName(role), authorized.some((a) => a.role.roleArn === role.roleArn)]).toEqual([
        shortName(role),
        true,
      ]);
    }
  });

  test('every call a state machine made is allowed by its own role (none would be AccessDenied on AWS)', () => {
    const calls = stack.aws.server.callLog.entries();
    // The stack's creation was signed by the controller-resources function (CreateService, CreateRule): judged too.
    const controller = controllerResourcesRole(stackTemplate(), { resources: stack.deployed.resources, ...scope });
    // swap's green watch function signs its own calls (the record, green's target health, SendTaskFailure): judged too.
    const watch = greenWatchRole(stackTemplate(), { resources: stack.deployed.resources, ...scope });
    // The lifecycle-hook runner signs its Lambda Invoke of the hooks (the built-in smoke test): judged too.
    const hooks = lifecycleHooksRole(stackTemplate(), { resources: stack.deployed.resources, ...scope });
    const checked = checkCalls(calls, [...roles, controller, watch, hooks], scope, executions(), undefined, {
      authorizationsOf: record.of,
    });
    expect(checked.violations.map((v) => v.message)).toEqual([]);
    expect(checked.otherPrincipals).toEqual([]);
    expect(calls.filter((c) => !c.outcome.ok && /AccessDenied/.test(c.outcome.errorCode))).toEqual([]);
    // The replay covered what the flows did, on both services.
    const actions = new Set(checked.authorized.map((a) => a.request.action));
    expect([...actions]).toEqual(
      expect.arrayContaining([
        'ecs:CreateTaskSet',
        'ecs:DeleteTaskSet',
        'ecs:UpdateServicePrimaryTaskSet',
        'elasticloadbalancing:CreateTargetGroup',
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:ModifyRule',
        'iam:PassRole',
      ]),
    );
  });

  test('every action a role grants is used by some flow (logs:* and xray:* are for Step Functions itself)', () => {
    const { authorized } = check();
    const unused = roles.flatMap((role) =>
      unusedGrants(
        role,
        authorized.filter((a) => a.role.roleArn === role.roleArn && a.decision === 'Allow').map((a) => a.request),
      ),
    );
    expect(unused.filter((u) => u.kind === 'action').map((u) => u.message)).toEqual([]);
  });

  /**
   * Resource-level findings in today's derivation (infra/lib/private/state-machine-permissions.ts), per the Service
   * Authorization Reference. They are harmless extra ARNs rather than extra actions, so they are listed here and
   * reported; the test fails when one appears or disappears so the list stays true.
   */
  // Each action is scoped to exactly the resource type the Service Authorization Reference lists. DescribeExecution
  // is granted on the executions of all five state machines because any of them can hold a service's lease; these
  // flows make only deploy-green a holder that another operation meets.
  const KNOWN_RESOURCE_FINDINGS: string[] = ['abort', 'clean-up', 'rollback', 'swap'].map(
    (name) =>
      `resource states:DescribeExecution arn:aws:states:us-east-1:123456789012:execution:${STACK_NAME}-${name}:*`,
  );
  const shape = (u: UnusedGrant): string => {
    const resource =
      u.resource === '*'
        ? '*'
        : /:service\/[^/]+\/[^/]+$/.test(u.resource)
          ? 'service'
          : /:task-set\/.*\*$/.test(u.resource)
            ? 'task-set/*'
            : /:listener-rule\/.*\*$/.test(u.resource)
              ? 'listener-rule/*'
              : u.resource;
    return `${u.kind} ${u.action} ${resource}`;
  };

  test('resource-level over-grants are exactly the known, documented ones', () => {
    const { authorized } = check();
    const findings = roles.flatMap((role) =>
      unusedGrants(
        role,
        authorized.filter((a) => a.role.roleArn === role.roleArn && a.decision === 'Allow').map((a) => a.request),
      ).filter((u) => u.kind !== 'action'),
    );
    for (const f of findings) console.info(`[least privilege] ${f.message}`);
    expect([...new Set(findings.map(shape))].sort()).toEqual([...KNOWN_RESOURCE_FINDINGS].sort());
  });
});

describe('the checker can fail', () => {
  test('a policy missing an action is detected, naming the call, role, action and resource', () => {
    const crippled = withStatements('DeployGreen', (statements) =>
      statements.map((s) =>
        editStatement(s, (st) => ({ ...st, Action: asArray(st.Action).filter((a) => a !== 'ecs:CreateTaskSet') })),
      ),
    );
    const { violations } = check(crippled);
    expect(violations.length).toBeGreaterThan(0);
    expect(new Set(violations.map((v) => v.request.action))).toEqual(new Set(['ecs:CreateTaskSet']));
    expect(violations[0]?.message).toMatch(
      /^ECS CreateTaskSet at .*: role StateMachinesDeployGreenRole\w+ would get AccessDenied \(no statement allows it\) for ecs:CreateTaskSet on arn:aws:ecs:us-east-1:123456789012:task-set\/[^/]+\/demo-app\/\*/,
    );
  });

  test('a resource scoped to another service is detected', () => {
    const elsewhere = withStatements('Swap', (statements) =>
      statements.map((s) =>
        editStatement(s, (st) => ({
          ...st,
          Resource: asArray(st.Resource).map((r) => r.replace(/(:service\/[^/]+\/)demo-app$/, '$1other-app')),
        })),
      ),
    );
    const { violations } = check(elsewhere);
    expect(new Set(violations.map((v) => v.request.action))).toEqual(
      new Set(['ecs:DescribeServices', 'ecs:UpdateServicePrimaryTaskSet']),
    );
    expect(violations.every((v) => /:service\/[^/]+\/demo-app$/.test(v.request.resource))).toBe(true);
  });

  test('an explicit deny and a wrong iam:PassedToService are detected', () => {
    const denied = withStatements('Swap', (statements) => [
      ...statements,
      {
        statement: { Effect: 'Deny', Action: 'elasticloadbalancing:Modify*', Resource: '*' },
        policy: 'AddedDeny',
        index: 0,
      },
    ]);
    const deny = check(denied).violations;
    expect(deny.length).toBeGreaterThan(0);
    expect(
      deny.every((v) => v.decision === 'ExplicitDeny' && v.request.action === 'elasticloadbalancing:ModifyRule'),
    ).toBe(true);

    const wrongService = withStatements('DeployGreen', (statements) =>
      statements.map((s) =>
        JSON.stringify(s.statement.Condition ?? {}).includes('iam:PassedToService')
          ? editStatement(s, (st) => ({
              ...st,
              Condition: { StringEquals: { 'iam:PassedToService': 'ecs.amazonaws.com' } },
            }))
          : s,
      ),
    );
    const pass = check(wrongService).violations;
    expect(new Set(pass.map((v) => v.request.action))).toEqual(new Set(['iam:PassRole']));
  });

  test('resource tags are judged as the calls met them: without them, every change to a created resource is refused', () => {
    const { violations } = checkCalls(stack.aws.server.callLog.entries(), roles, scope, executions(), undefined, {
      authorizationsOf: (call) => authorizationsFor(call, scope),
    });
    expect([...new Set(violations.map((v) => v.request.action))].sort()).toEqual([
      'ecs:DeleteTaskSet',
      'ecs:UpdateTaskSet',
      'elasticloadbalancing:DeleteRule',
      'elasticloadbalancing:DeleteTargetGroup',
      'elasticloadbalancing:ModifyRule',
      'elasticloadbalancing:ModifyTargetGroupAttributes',
    ]);
    expect(violations.every((v) => !v.request.resource.includes('*'))).toBe(true);
  });

  test('a grant no flow uses is reported', () => {
    const extra = withStatements('CleanUp', (statements) => [
      ...statements,
      { statement: { Effect: 'Allow', Action: ['ecs:DeleteService'], Resource: '*' }, policy: 'AddedGrant', index: 0 },
    ]);
    const { authorized } = check(extra);
    const cleanUp = extra.find((r) => shortName(r) === 'CleanUp') as StateMachineRole;
    const unused = unusedGrants(
      cleanUp,
      authorized.filter((a) => a.role.roleArn === cleanUp.roleArn).map((a) => a.request),
    ).filter((u) => u.kind === 'action');
    expect(unused.map((u) => u.message)).toEqual([
      expect.stringMatching(
        /^StateMachinesCleanUpRole\w+ \(AddedGrant statement 0\) grants ecs:DeleteService on \*, but no flow called it/,
      ),
    ]);
  });
});

describe('enforcement (opt-in): local AWS refuses what the role does not allow', () => {
  afterEach(() => {
    enforced = roles;
  });

  test('a signed call outside the role is AccessDenied on both protocols; an allowed one runs', async () => {
    const swapRole = roleOf('Swap').roleArn;
    const config = localClientConfig(stack.aws.endpoint, LOCAL_REGION, accessKeyForRole(swapRole));
    const elb = new ElasticLoadBalancingV2Client(config);
    const ecs = new ECSClient(config);
    try {
      const groups = observe(stack).targetGroups.length;
      await expect(
        elb.send(new CreateTargetGroupCommand({ Name: 'bg-demo-app-deadbeef', Protocol: 'HTTP', Port: 80 })),
      ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      expect(observe(stack).targetGroups).toHaveLength(groups);

      const { cluster, service } = stack.service;
      const allowed = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
      expect(allowed.services?.[0]?.serviceName).toBe(service);
      await expect(ecs.send(new DescribeServicesCommand({ cluster, services: ['other-app'] }))).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringMatching(/not authorized to perform: ecs:DescribeServices on resource: .*other-app/),
      });
      const last = stack.aws.server.callLog.entries({ principal: swapRole }).pop();
      expect(last?.outcome).toEqual({ ok: false, errorCode: 'AccessDeniedException' });
    } finally {
      elb.destroy();
      ecs.destroy();
    }
  });

  test('deploy-green without ecs:CreateTaskSet fails on AccessDenied and undoes what it made', async () => {
    enforced = withStatements('DeployGreen', (statements) =>
      statements.map((s) =>
        editStatement(s, (st) => ({ ...st, Action: asArray(st.Action).filter((a) => a !== 'ecs:CreateTaskSet') })),
      ),
    );
    const before = observe(stack);
    const repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
    const result = await runExecution(
      stack.sfn,
      roleOf('DeployGreen').stateMachineArn,
      { ...stack.service, image: `${repo}:denied`, commit: 'de11ed0' },
      { pollMs: 50 },
    );
    expect(result.status).toBe('FAILED');
    expect(result.cause).toMatch(/not authorized to perform: ecs:CreateTaskSet/);
    expect(result.failure?.undone).toBe('everything');
    const after = observe(stack);
    expect(after.targetGroups.map((t) => t.arn)).toEqual(before.targetGroups.map((t) => t.arn));
    expect(after.extraRules).toBe(0);
  }, 120_000);
});
