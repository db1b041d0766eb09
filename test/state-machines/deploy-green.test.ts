import { taskPids } from '../../bench/crash';
import { runExecution, statesEntered } from '../../harness/demo/executions';
import { observe } from '../../harness/demo/observe';
import { probe } from '../../harness/demo/probe';
import {
  MACHINE_TEST_TIMEOUT,
  nothingLive,
  oneVersionLive,
  startMachineStack,
  type MachineStack,
} from './machine-stack';

/**
 * deploy-green: starts the new version (green) beside the live one, waits for its health, optionally smoke-tests it,
 * and opens only the test listener to it. Production is never touched. Run on local AWS with the shipped machine.
 */
jest.setTimeout(MACHINE_TEST_TIMEOUT);

let ms: MachineStack;
beforeAll(async () => {
  ms = await startMachineStack();
});
afterAll(async () => ms?.close());

describe('on a fresh stack (nothing ever deployed)', () => {
  test('the listeners answer with clear fixed responses and nothing runs', async () => {
    const { stack } = ms;
    const view = observe(stack);
    expect(view.desiredCount).toBe(0);
    expect(view.taskSets).toEqual([]);
    expect(view.production).toEqual({ kind: 'fixed', statusCode: '503' });
    expect(view.test).toEqual({ kind: 'fixed', statusCode: '503' });
    expect((await probe(stack.urls.production)).body).toMatch(/No version is live yet/);
    expect((await probe(stack.urls.test)).body).toMatch(/No green deployment is under test/);
  });

  test('the first deploy-green sets the desired count, waits for health, then opens the test listener only', async () => {
    const { stack } = ms;
    const result = await ms.deploy('blue', 'b10e000');
    expect(result.status).toBe('SUCCEEDED');
    const states = statesEntered(result.history);
    expect(states).toContain('SetServiceDesiredCount');
    // The test rule moves only after the health gate passed.
    expect(states.lastIndexOf('IsGreenHealthy')).toBeLessThan(states.indexOf('PointTestListenerAtGreen'));

    const view = observe(stack);
    expect(view.desiredCount).toBe(2);
    expect(view.taskSets).toHaveLength(1);
    const [green] = view.taskSets;
    expect(green).toMatchObject({
      status: 'ACTIVE',
      stabilityStatus: 'STEADY_STATE',
      runningCount: 2,
      computedDesiredCount: 2,
    });
    expect(view.test).toEqual({ kind: 'forward', targetGroupArns: [green?.targetGroupArn] });
    expect(view.production).toEqual({ kind: 'fixed', statusCode: '503' });
    expect(view.extraRules).toBe(0);
    expect(view.targetGroups.find((tg) => tg.arn === green?.targetGroupArn)?.states).toEqual(['healthy', 'healthy']);
    expect(view.targetGroups.map((tg) => tg.name)).toEqual([expect.stringMatching(/^bg-demo-app-[0-9a-f]{8}$/)]);

    expect(await probe(stack.urls.test)).toMatchObject({ status: 200, colour: 'blue' });
    expect((await probe(stack.urls.production)).status).toBe(503);
  });
});

describe('smoke test of green through the test listener (nothing live)', () => {
  beforeAll(async () => nothingLive(ms));
  afterEach(async () => nothingLive(ms));

  test('a passing smoke test runs against the test listener and deploy-green succeeds', async () => {
    const { stack } = ms;
    const result = await ms.deploy('green', 'c0ffee1', {
      smokeTest: { paths: ['/', '/healthz'], bodyPattern: 'green|ok' },
    });
    expect(result.status).toBe('SUCCEEDED');
    const states = statesEntered(result.history);
    // The smoke test is the first lifecycle hook at POST_TEST_TRAFFIC_SHIFT, run once the test listener points at green.
    expect(states.indexOf('PointTestListenerAtGreen')).toBeLessThan(states.indexOf('RunPostTestTrafficShiftHooks'));
    expect(await probe(stack.urls.test)).toMatchObject({ status: 200, colour: 'green' });
    expect((await ms.run('abort')).status).toBe('SUCCEEDED');
  });

  test('a failing smoke test undoes the deployment and says which path failed', async () => {
    const { stack } = ms;
    const before = observe(stack);
    const result = await ms.deploy('orange', 'c0ffee1', {
      smokeTest: { paths: ['/'], bodyPattern: 'purple', attempts: 1 },
    });
    expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.LifecycleHookFailed']);
    expect(result.failure?.message).toMatch(/lifecycle hook SmokeTest .* at POST_TEST_TRAFFIC_SHIFT failed/);
    expect(result.failure?.message).toMatch(/\//);
    expect(result.failure?.message).toMatch(/purple/);
    expect(result.failure).toMatchObject({ undone: 'everything', next: ['deploy-green'] });
    expect(statesEntered(result.history)).toEqual(
      expect.arrayContaining(['UndoRestoreTestListener', 'UndoDeleteGreenTaskSet', 'UndoDeleteGreenTargetGroup']),
    );
    expect(observe(stack)).toMatchObject({
      taskSets: before.taskSets,
      production: before.production,
      test: before.test,
      extraRules: 0,
    });
    expect(observe(stack).targetGroups).toEqual([]);
  });
});

describe('with a version live (blue)', () => {
  beforeAll(async () => oneVersionLive(ms));
  afterEach(async () => oneVersionLive(ms));

  test('green runs beside blue; test serves green while production still serves blue', async () => {
    const { stack } = ms;
    const blue = observe(stack).taskSets[0];
    const result = await ms.deploy('green', '9ee0a00');
    expect(result.status).toBe('SUCCEEDED');
    expect(statesEntered(result.history)).not.toContain('SetServiceDesiredCount');
    const view = observe(stack);
    expect(view.taskSets).toHaveLength(2);
    const green = view.taskSets.find((ts) => ts.arn !== blue?.arn);
    expect(view.taskSets.find((ts) => ts.arn === blue?.arn)?.status).toBe('PRIMARY');
    expect(green).toMatchObject({ status: 'ACTIVE', stabilityStatus: 'STEADY_STATE', runningCount: 2 });
    expect(view.production).toEqual({ kind: 'forward', targetGroupArns: [blue?.targetGroupArn] });
    expect(view.test).toEqual({ kind: 'forward', targetGroupArns: [green?.targetGroupArn] });
    expect(await probe(stack.urls.production)).toMatchObject({ status: 200, colour: 'blue' });
    expect(await probe(stack.urls.test)).toMatchObject({ status: 200, colour: 'green' });
  });

  describe('a failing green is undone long before the health timeout (fail fast), saying why', () => {
    /** `repository` in the demo image registry (local/dataplane/images.ts: the repository name is the behaviour). */
    const image = (repository: string, tag: string): string => `${ms.repo.replace(/[^/]+$/, repository)}:${tag}`;
    /** Health polls deploy-green made: each one waits 10 emulated seconds first. */
    const polls = (states: readonly string[]): number => states.filter((s) => s === 'WaitForGreen').length;
    const HEALTH_TIMEOUT_POLLS = 600 / 10;

    test('a crash-looping green: GreenTasksFailing after 3 failed tasks, quoting ECS, and everything undone', async () => {
      const { stack } = ms;
      const before = observe(stack);
      const result = await ms.run('deployGreen', {
        ...stack.service,
        image: image('crash-on-start', 'green'),
        commit: 'c4a5401',
      });
      expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.GreenTasksFailing']);
      const states = statesEntered(result.history);
      expect(polls(states)).toBeLessThan(HEALTH_TIMEOUT_POLLS / 4);
      expect(states).not.toContain('NoteGreenNotHealthy');
      expect(result.failure?.message).toMatch(/^Green keeps failing: \d+ of its tasks failed/);
      expect(result.failure?.message).toMatch(
        /task [0-9a-f]{32}: Essential container in task exited \(EssentialContainerExited; \[.*exit code 1.*\]\)/,
      );
      expect(result.failure?.message).toMatch(/Undone: everything/);
      expect(result.failure).toMatchObject({ undone: 'everything', next: ['deploy-green'] });
      expect(states).toEqual(expect.arrayContaining(['UndoDeleteGreenTaskSet', 'UndoDeleteGreenTargetGroup']));
      expect(observe(stack)).toMatchObject({
        taskSets: before.taskSets,
        production: before.production,
        test: before.test,
        extraRules: 0,
      });
    });

    test('the input failFastThreshold overrides the stack default: 1 failed task is enough', async () => {
      const result = await ms.run('deployGreen', {
        ...ms.stack.service,
        image: image('crash-on-start', 'green-1'),
        commit: 'c4a5402',
        failFastThreshold: 1,
      });
      expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.GreenTasksFailing']);
      expect(result.failure?.message).toMatch(/^Green keeps failing: \d+ of its tasks failed \(the limit is 1\)/);
      expect(result.failure).toMatchObject({ undone: 'everything' });
    });

    test('a green failing its health checks: ECS replaces its tasks, GreenTasksFailing after 3, quoting ECS, undone', async () => {
      const { stack } = ms;
      const before = observe(stack);
      const result = await ms.run('deployGreen', {
        ...stack.service,
        image: image('unhealthy', 'red'),
        commit: 'bad0001',
      });
      expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.GreenTasksFailing']);
      const states = statesEntered(result.history);
      expect(polls(states)).toBeLessThan(HEALTH_TIMEOUT_POLLS / 4);
      // ECS stops (and replaces) a task whose target fails its health checks: those stops are the failures counted.
      expect(result.failure?.message).toMatch(/^Green keeps failing: \d+ of its tasks failed \(the limit is 3\)/);
      expect(result.failure?.message).toMatch(
        /Task failed ELB health checks in \(target-group .*\(ServiceSchedulerInitiated;/,
      );
      expect(result.failure).toMatchObject({ undone: 'everything', next: ['deploy-green'] });
      expect(observe(stack)).toMatchObject({ taskSets: before.taskSets, test: before.test, extraRules: 0 });
    });

    test('a healthy green with one task replaced early (below the threshold) is not failed', async () => {
      const { stack } = ms;
      // Listens only after 120 emulated seconds, so a task can be killed before green is healthy.
      const commit = 'a11ce01';
      const running = runExecution(stack.sfn, stack.stateMachines.deployGreen, {
        ...stack.service,
        image: image('slow-start', 'green-slow-120'),
        commit,
      });
      // The task processes carry the image tag as their commit (local/ecs/launch-spec.ts).
      let pids: number[] = [];
      for (let tries = 0; pids.length < 2; tries++) {
        if (tries > 3000) throw new Error('the two green task processes never started');
        pids = await taskPids('green-slow-120');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      process.kill(pids[0] as number, 'SIGKILL'); // exit code 137: EssentialContainerExited, one failure
      const result = await running;
      expect(result.status).toBe('SUCCEEDED');
      // It saw the stopped task, and kept waiting.
      expect(statesEntered(result.history)).toContain('ClassifyGreenStoppedTasks');
      expect(statesEntered(result.history)).not.toContain('NoteFailingByTasks');
    });
  });

  describe('refusals', () => {
    test('a deploy-green while a green is under test fails fast with DeploymentInProgress and touches nothing', async () => {
      const { stack } = ms;
      expect((await ms.deploy('green', '9ee0a00')).status).toBe('SUCCEEDED');
      const before = observe(stack);
      const result = await ms.deploy('orange', 'abc1234');
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('BlueGreen.DeploymentInProgress');
      expect(result.failure).toMatchObject({ undone: 'nothing-changed', next: ['swap', 'abort'] });
      // It names the green task set, and not production's (PRIMARY) one as part of "a green deployment".
      const named = (status: string) =>
        before.taskSets.filter((t) => t.status === status).map((t) => t.arn.slice(t.arn.lastIndexOf('/') + 1));
      expect(named('ACTIVE')).toHaveLength(1);
      for (const id of named('ACTIVE')) expect(result.failure?.message).toContain(id);
      for (const id of named('PRIMARY')) expect(result.failure?.message).not.toContain(id);
      expect(statesEntered(result.history)).not.toContain('CreateGreenTargetGroup');
      expect(observe(stack)).toEqual(before);
    });
  });

  describe('input validation: InvalidInput names the field and changes nothing', () => {
    const cases: Array<[string, (service: MachineStack['stack']['service'], repo: string) => object, RegExp]> = [
      [
        'neither image nor taskDefinition',
        (service) => ({ ...service, commit: 'abc1234' }),
        /image and taskDefinition are both missing but exactly one is required/,
      ],
      [
        'no commit',
        (service, repo) => ({ ...service, image: `${repo}:x` }),
        /commit is missing but must be 7-40 hexadecimal characters/,
      ],
      [
        'a bad commit and a bad image (both named)',
        (service) => ({ ...service, image: 'Not An Image', commit: 'xyz' }),
        /commit is 'xyz' but must be 7-40 hexadecimal.*image is 'Not An Image' but must be a container image URI/,
      ],
      [
        'healthTimeoutSeconds below its minimum',
        (service, repo) => ({ ...service, image: `${repo}:x`, commit: 'abc1234', healthTimeoutSeconds: 5 }),
        /healthTimeoutSeconds/,
      ],
      [
        'failFastThreshold above its maximum',
        (service, repo) => ({ ...service, image: `${repo}:x`, commit: 'abc1234', failFastThreshold: 201 }),
        /failFastThreshold is 201 but must be a whole number from 1 to 200/,
      ],
      [
        'a service that does not exist',
        (service, repo) => ({ cluster: service.cluster, service: 'nope', image: `${repo}:x`, commit: 'abc1234' }),
        /Input field service is nope/,
      ],
    ];
    test.each(cases)('%s', async (_name, input, cause) => {
      const { stack } = ms;
      const before = observe(stack);
      const result = await ms.run('deployGreen', { ...input(stack.service, ms.repo) });
      expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.InvalidInput']);
      expect(result.failure?.message).toMatch(cause);
      // Service-not-found names the service, so the input is what to fix, like every other case here.
      expect(result.failure).toMatchObject({ undone: 'nothing-changed', next: ['fix-input'] });
      expect(observe(stack)).toEqual(before);
    });
  });
});
