import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionResult } from '../../../harness/demo/executions';
import type { ServiceView } from '../../../harness/demo/observe';
import { taskAttempts } from '../../../oracles/invariants/history';
import { productionProblems } from '../../../oracles/invariants/production-monitor';
import {
  failureClaim,
  orphanProblems,
  roles,
  scaleProblems,
  truthProblems,
} from '../../../oracles/invariants/state-checks';

const tg = (name: string, states: string[] = ['healthy', 'healthy']) => ({ arn: `arn:tg/${name}`, name, states });
const ts = (name: string, status: string, extra: Partial<ServiceView['taskSets'][number]> = {}) => ({
  arn: `arn:ts/${name}`,
  status,
  stabilityStatus: 'STEADY_STATE',
  runningCount: 2,
  computedDesiredCount: 2,
  targetGroupArn: `arn:tg/${name}`,
  ...extra,
});
const forward = (...names: string[]) => ({
  kind: 'forward' as const,
  targetGroupArns: names.map((n) => `arn:tg/${n}`),
});
const fixed = { kind: 'fixed' as const, statusCode: '503' };

/** Blue live, green under test. */
const underTest: ServiceView = {
  desiredCount: 2,
  taskSets: [ts('blue', 'PRIMARY'), ts('green', 'ACTIVE')],
  production: forward('blue'),
  test: forward('green'),
  previous: fixed,
  extraRules: 0,
  targetGroups: [tg('blue'), tg('green')],
};

describe('(a) productionProblems', () => {
  test('none while production forwards to a PRIMARY task set with a healthy target, or before any release', () => {
    expect(productionProblems(underTest, true)).toEqual([]);
    expect(productionProblems({ ...underTest, production: fixed }, false)).toEqual([]);
  });

  test.each<[string, ServiceView, boolean, string[]]>([
    [
      'forwarding to an ACTIVE task set',
      { ...underTest, production: forward('green') },
      true,
      ['production-not-primary'],
    ],
    [
      'no healthy target',
      { ...underTest, targetGroups: [tg('blue', ['unhealthy', 'initial']), tg('green')] },
      true,
      ['production-no-healthy-target'],
    ],
    [
      'a deleted target group',
      { ...underTest, targetGroups: [tg('green')] },
      true,
      ['production-target-group-missing'],
    ],
    ['dark after a release', { ...underTest, production: fixed }, true, ['production-went-dark']],
    [
      'a target group no task set uses',
      { ...underTest, taskSets: [ts('green', 'ACTIVE')] },
      true,
      ['production-not-primary'],
    ],
  ])('flags %s', (_name, view, wasLive, kinds) => {
    expect(productionProblems(view, wasLive).map((f) => f.kind)).toEqual(kinds);
  });
});

describe('(b) orphanProblems and roles', () => {
  test('blue live + green under test, and swapped + blue kept for a rollback, are tidy', () => {
    expect(roles(underTest)).toEqual({ live: 'arn:ts/blue', underTest: 'arn:ts/green', others: [] });
    expect(orphanProblems(underTest)).toEqual([]);
    const swapped: ServiceView = {
      ...underTest,
      taskSets: [ts('blue', 'ACTIVE'), ts('green', 'PRIMARY')],
      production: forward('green'),
      previous: forward('blue'),
    };
    expect(roles(swapped)).toEqual({ live: 'arn:ts/green', standby: 'arn:ts/blue', others: [] });
    expect(orphanProblems(swapped)).toEqual([]);
  });

  test('flags a previous-version rule that forwards to anything but the version kept for a rollback', () => {
    expect(orphanProblems({ ...underTest, previous: forward('blue') })).toEqual([
      'the previous-version rule forwards to arn:tg/blue, which is not the version kept for a rollback',
    ]);
  });

  test('flags a target group without a task set, a leftover rule, a task set nothing uses', () => {
    const view: ServiceView = {
      ...underTest,
      taskSets: [ts('blue', 'PRIMARY'), ts('old', 'ACTIVE')],
      test: fixed,
      extraRules: 1,
      targetGroups: [tg('blue'), tg('old'), tg('stray')],
    };
    expect(orphanProblems(view)).toEqual([
      'target group stray is used by no task set',
      '1 listener rule(s) besides the controller-owned ones',
      'task set arn:ts/old (ACTIVE) is neither live, nor under test, nor kept for a rollback',
    ]);
  });

  test('flags a task set whose target group was deleted under it', () => {
    expect(orphanProblems({ ...underTest, targetGroups: [tg('blue')] })).toEqual(
      expect.arrayContaining([expect.stringMatching(/uses target group arn:tg\/green, which does not exist/)]),
    );
  });
});

let nextId = 1;
/** A history event with the fields every event has. */
const ev = (event: Record<string, unknown>): HistoryEvent =>
  ({ id: nextId++, timestamp: new Date(), ...event }) as HistoryEvent;

const result = (status: string, extra: Partial<ExecutionResult> = {}): ExecutionResult => ({
  executionArn: 'arn:exec',
  status,
  history: [],
  ...extra,
});

describe('(c) truthProblems', () => {
  const baseline: ServiceView = {
    ...underTest,
    taskSets: [ts('blue', 'PRIMARY')],
    test: fixed,
    targetGroups: [tg('blue')],
  };

  test('an "Undone" failure whose state equals the state before is truthful; a changed state is not', () => {
    const failed = result('FAILED', {
      error: 'Ecs.ClientException',
      cause: JSON.stringify({
        message: 'Refused. Undone: the green task set … was removed',
        undone: 'everything',
        next: ['deploy-green'],
      }),
    });
    expect(truthProblems('deployGreen', failed, baseline, baseline)).toEqual([]);
    expect(truthProblems('deployGreen', failed, baseline, underTest)).toEqual([
      expect.stringMatching(/^the cause says everything was undone, but the state changed: taskSets/),
    ]);
  });

  test('a failure that names no service, or does not say what was undone, is flagged', () => {
    const runtime = result('FAILED', { error: 'TypeError', cause: 'x is undefined' });
    expect(truthProblems('swap', runtime, baseline, baseline)).toEqual([
      'error "TypeError" names no service',
      'the cause does not say what was undone: "x is undefined"',
    ]);
  });

  test('a partial clean-up may leave old task sets, but must leave production alone', () => {
    const partial = result('FAILED', {
      error: 'Ecs.ServerException',
      cause: JSON.stringify({
        message: 'Boom. Clean-up stopped part-way; production is unaffected and clean-up is safe to re-run.',
        undone: 'partly',
        next: ['clean-up'],
      }),
    });
    expect(failureClaim(partial.cause)).toBe('partial');
    // The claim is the structured field, not the prose: the same words without it say nothing.
    expect(failureClaim(JSON.parse(partial.cause ?? '{}').message)).toBe('unclear');
    expect(truthProblems('cleanUp', partial, underTest, { ...underTest, test: fixed })).toEqual([]);
    expect(truthProblems('cleanUp', partial, underTest, { ...underTest, production: forward('green') })).toHaveLength(
      2,
    );
  });

  test('a SUCCEEDED deploy-green must name a green that its last poll saw healthy and the test rule serves', () => {
    const history: HistoryEvent[] = [
      ev({ type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'DescribeGreenTaskSet' } }),
      ev({
        type: 'TaskSucceeded',
        taskSucceededEventDetails: {
          resource: 'x',
          resourceType: 'x',
          output: JSON.stringify({
            TaskSets: [{ StabilityStatus: 'STEADY_STATE', RunningCount: 2, ComputedDesiredCount: 2 }],
          }),
        },
      }),
      ev({ type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'DescribeGreenTargetHealth' } }),
      ev({
        type: 'TaskSucceeded',
        taskSucceededEventDetails: {
          resource: 'x',
          resourceType: 'x',
          output: JSON.stringify({
            TargetHealthDescriptions: [
              { TargetHealth: { State: 'healthy' } },
              { TargetHealth: { State: 'unhealthy' } },
            ],
          }),
        },
      }),
    ];
    const succeeded = result('SUCCEEDED', {
      history,
      output: { green: { taskSetArn: 'arn:ts/green', targetGroupArn: 'arn:tg/green' } },
    });
    expect(truthProblems('deployGreen', succeeded, baseline, underTest)).toEqual([
      'the last poll saw target states ["healthy","unhealthy"]',
    ]);
  });
});

describe('taskAttempts', () => {
  test('lists failed attempts and the final success of one Task state', () => {
    const history: HistoryEvent[] = [
      ev({ type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'A' } }),
      ev({ type: 'TaskFailed', taskFailedEventDetails: { error: 'Ecs.EcsException' } }),
      ev({ type: 'TaskSucceeded' }),
      ev({ type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'B' } }),
      ev({ type: 'TaskFailed', taskFailedEventDetails: { error: 'Ecs.ClientException' } }),
    ];
    expect(taskAttempts(history, 'A')).toEqual(['Ecs.EcsException', 'succeeded']);
    expect(taskAttempts(history, 'B')).toEqual(['Ecs.ClientException']);
  });
});

describe('(c) scaleProblems (green at a reduced size under test)', () => {
  const result = (status: string, undone?: string): ExecutionResult => ({
    executionArn: 'arn:x',
    status,
    history: [],
    ...(undone !== undefined && { cause: JSON.stringify({ message: 'm', undone, next: ['abort'] }) }),
  });

  test('swap succeeded: production serves a task set at 100 %', () => {
    expect(scaleProblems('swap', result('SUCCEEDED'), {}, { 'arn:g': 100 }, 'arn:g')).toEqual([]);
    expect(scaleProblems('swap', result('SUCCEEDED'), {}, { 'arn:g': 50 }, 'arn:g')).toEqual([
      "swap succeeded, but production's task set runs at 50 %, not 100 %",
    ]);
  });

  test('nothing changed or everything undone: every remaining task set has the scale it had', () => {
    expect(
      scaleProblems('deployGreen', result('FAILED', 'nothing-changed'), { 'arn:b': 100 }, { 'arn:b': 60 }, 'arn:b'),
    ).toEqual(['the cause says nothing was changed, but task set arn:b runs at 60 % (it was 100 %)']);
    // A task set the execution removed, or a partial stop, says nothing here.
    expect(scaleProblems('cleanUp', result('FAILED', 'everything'), { 'arn:g': 100 }, {}, undefined)).toEqual([]);
    expect(scaleProblems('swap', result('FAILED', 'partly'), { 'arn:g': 50 }, { 'arn:g': 100 }, undefined)).toEqual([]);
  });

  test("swap's undo leaving a reduced green at full size is reported (the undo scales it back)", () => {
    const undone = scaleProblems('swap', result('FAILED', 'everything'), { 'arn:g': 50 }, { 'arn:g': 100 }, 'arn:b');
    expect(undone).toEqual(['the cause says everything was undone, but task set arn:g runs at 100 % (it was 50 %)']);
  });
});
