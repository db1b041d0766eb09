import type { HistoryEvent } from '@aws-sdk/client-sfn';
import {
  approvalExpiry,
  bakeProgress,
  changeKey,
  describeLease,
  describePhase,
  renderStatus,
  runningFor,
  statusLines,
  statusNext,
  versionOf,
  type StatusView,
  type TaskSetView,
} from '../../cli/status-model';

const lease = {
  holder: 'arn:aws:states:us-east-1:123456789012:execution:EcsBlueGreen-swap:1',
  machine: 'swap',
  operation: 'moving production to green and baking it',
  since: '2026-11-30T10:00:00.000Z',
};

test('the phase is printed with what it means', () => {
  expect(describePhase({ phase: 'baking' })).toBe(
    'baking (baking: production serves green, the previous version is kept to go back to)',
  );
  expect(describePhase({ phase: 'something-new' })).toBe('something-new (unknown phase)');
});

test('the lease holder is named, and a holder that no longer runs is called stale', () => {
  expect(describeLease(undefined)).toBe('free');
  expect(describeLease({ ...lease, holderRunning: true })).toBe(
    `held by swap (moving production to green and baking it) ${lease.holder} since 2026-11-30T10:00:00Z`,
  );
  // On local AWS the state machines write the lease on its emulated clock.
  expect(describeLease({ ...lease, holderRunning: true }, true)).toMatch(/ since 2026-11-30T10:00:00Z emulated$/);
  expect(describeLease({ ...lease, holderRunning: false })).toMatch(
    /^stale: swap .* no longer runs; the next operation takes it over$/,
  );
});

describe('in flight and next', () => {
  const arn = 'arn:aws:states:us-east-1:123456789012:execution:EcsBlueGreen-swap:2';
  const hints = { prefix: 'npx bluegreen --local' };

  test('how long an execution has run: from its start date, at least up to its newest event', () => {
    const e = { machine: 'swap' as const, executionArn: arn, startedAt: '2026-01-01T00:00:00Z' };
    expect(runningFor(e, new Date('2026-01-01T00:01:30Z'))).toBe(90_000);
    // A clock behind the service's (or local AWS's faster emulated clock) never shows 0s for a run with events.
    expect(runningFor({ ...e, lastEventAt: '2026-01-01T00:02:00Z' }, new Date('2025-12-31T23:00:00Z'))).toBe(120_000);
    expect(runningFor({ machine: 'swap', executionArn: arn }, new Date())).toBeUndefined();
  });

  test('next: follow what runs; else answer the pending approval; else by the recorded phase', () => {
    const approval = { pipelineName: 'P', stageName: 'ApproveSwap', actionName: 'ApproveSwap' };
    const inFlight = [{ machine: 'swap' as const, executionArn: arn, startedAt: '2026-01-01T00:00:00Z' }];
    const record = { phase: 'testing' };
    expect(statusNext({ inFlight, pendingApprovals: [approval], record }, hints)).toEqual([
      `npx bluegreen --local watch ${arn}`,
      'npx bluegreen --local wait',
    ]);
    expect(statusNext({ inFlight: [], pendingApprovals: [approval], record }, hints)).toEqual([
      'npx bluegreen --local approve --stage ApproveSwap',
      'npx bluegreen --local reject --stage ApproveSwap',
    ]);
    expect(statusNext({ inFlight: [], pendingApprovals: [], record }, hints)).toEqual([
      'npx bluegreen --local swap',
      'npx bluegreen --local abort',
    ]);
    expect(statusNext({ inFlight: [], pendingApprovals: [], record: { phase: 'swapped' } }, hints)).toEqual([
      'npx bluegreen --local cleanup',
      'npx bluegreen --local rollback',
    ]);
  });

  test('next while only the swap waiting for testers runs (task-token approval): answer it, or follow it', () => {
    const inFlight = [{ machine: 'swap' as const, executionArn: arn, startedAt: '2026-01-01T00:00:00Z' }];
    const swapApproval = {
      stage: 'ApproveSwap' as const,
      executionArn: arn,
      green: { taskSetArn: 'arn:ts', commit: 'c0ffee1' },
      requestedAt: '2026-01-01T00:00:00Z',
      expiresAt: '2026-01-08T00:00:00Z',
    };
    const record = { phase: 'testing' };
    expect(statusNext({ inFlight, pendingApprovals: [], record, swapApproval }, hints)).toEqual([
      'npx bluegreen --local approve',
      'npx bluegreen --local reject --stage ApproveSwap',
      `npx bluegreen --local watch ${arn}`,
    ]);
    // Something else runs too (an abort someone started): follow what runs first.
    const abort = { machine: 'abort' as const, executionArn: `${arn}-abort`, startedAt: '2026-01-01T00:01:00Z' };
    expect(statusNext({ inFlight: [...inFlight, abort], pendingApprovals: [], record, swapApproval }, hints)).toEqual([
      `npx bluegreen --local watch ${arn}-abort`,
      'npx bluegreen --local wait',
    ]);
  });

  test('next while only the clean-up waiting for testers runs: approve, reject --stage ApproveCleanUp, or follow it', () => {
    const cleanUp = 'arn:aws:states:us-east-1:123456789012:execution:EcsBlueGreen-clean-up:approval-1';
    const inFlight = [{ machine: 'clean-up' as const, executionArn: cleanUp, startedAt: '2026-01-01T00:00:00Z' }];
    const cleanUpApproval = {
      stage: 'ApproveCleanUp' as const,
      executionArn: cleanUp,
      green: { taskSetArn: 'arn:ts', commit: 'c0ffee1' },
      requestedAt: '2026-01-01T00:00:00Z',
      expiresAt: '2026-01-08T00:00:00Z',
    };
    const record = { phase: 'swapped', live: { taskSetArn: 'arn:ts' }, previous: { taskSetArn: 'arn:blue' } };
    expect(statusNext({ inFlight, pendingApprovals: [], record, cleanUpApproval }, hints)).toEqual([
      'npx bluegreen --local approve',
      'npx bluegreen --local reject --stage ApproveCleanUp',
      `npx bluegreen --local watch ${cleanUp}`,
    ]);
    // The swap that started it has not released its lease yet: follow the swap, not the waiter (which `wait`, the
    // newest execution, would follow for as long as it waits).
    const swap = { machine: 'swap' as const, executionArn: arn, startedAt: '2025-12-31T23:59:00Z' };
    expect(statusNext({ inFlight: [swap, ...inFlight], pendingApprovals: [], record, cleanUpApproval }, hints)).toEqual(
      [`npx bluegreen --local watch ${arn}`],
    );
  });

  test('a stale waiter (for a version no longer current) is not what runs: next goes by the phase, and wait is not offered', () => {
    const stale = 'arn:aws:states:us-east-1:123456789012:execution:EcsBlueGreen-clean-up:approval-0';
    const staleApproval = {
      stage: 'ApproveCleanUp' as const,
      executionArn: stale,
      green: { taskSetArn: 'arn:old' },
      requestedAt: '2026-01-01T00:00:00Z',
      expiresAt: '2026-01-08T00:00:00Z',
    };
    const leftover = { machine: 'clean-up' as const, executionArn: stale, startedAt: '2026-01-01T00:00:00Z' };
    const record = { phase: 'testing', green: { taskSetArn: 'arn:new' } };
    expect(statusNext({ inFlight: [leftover], pendingApprovals: [], record, staleApproval }, hints)).toEqual([
      'npx bluegreen --local swap',
      'npx bluegreen --local abort',
    ]);
    // Something else runs too: follow it; `wait` (the newest) only when that is not the leftover.
    const abort = { machine: 'abort' as const, executionArn: `${arn}-abort`, startedAt: '2025-12-31T00:00:00Z' };
    expect(statusNext({ inFlight: [leftover, abort], pendingApprovals: [], record, staleApproval }, hints)).toEqual([
      `npx bluegreen --local watch ${arn}-abort`,
    ]);
    const later = { ...abort, startedAt: '2026-01-02T00:00:00Z' };
    expect(statusNext({ inFlight: [leftover, later], pendingApprovals: [], record, staleApproval }, hints)).toEqual([
      `npx bluegreen --local watch ${arn}-abort`,
      'npx bluegreen --local wait',
    ]);
  });

  test('a pending approval is shown instead of "In flight: none"', () => {
    const view = {
      stack: 'EcsBlueGreen',
      record: { phase: 'testing' },
      production: { url: 'http://p/', status: 200, rule: { kind: 'unknown' as const } },
      test: { url: 'http://t/', status: 200, rule: { kind: 'unknown' as const } },
      taskSets: [],
      inFlight: [],
      pendingApprovals: [
        {
          pipelineName: 'Pipe',
          stageName: 'ApproveSwap',
          actionName: 'ApproveSwapAction',
          since: '2026-01-01T00:00:00.000Z',
        },
      ],
      next: ['bluegreen approve', 'bluegreen reject'],
      ownership: [],
    };
    const text = renderStatus(view);
    expect(text).not.toContain('In flight: none');
    expect(text).toContain('ApproveSwap (action ApproveSwapAction) in pipeline Pipe since 2026-01-01T00:00:00Z');
    expect(text).toContain('Next: bluegreen approve, or bluegreen reject');
  });
});

/** A StatusView to vary: green under test beside the live blue, nothing running. */
function view(overrides: Partial<StatusView> = {}): StatusView {
  const taskSet = (id: string, role: string, status: string, targets: Record<string, number>): TaskSetView => ({
    id: `ecs-svc/${id}`,
    arn: `arn:aws:ecs:us-east-1:123456789012:task-set/c/demo-app/ecs-svc/${id}`,
    status,
    stability: 'STEADY_STATE',
    running: 2,
    desired: 2,
    taskDefinition: `App:${id}`,
    targetGroupArn: `arn:tg/${id}`,
    targetGroupName: `bg-${id}`,
    targets,
    role,
    image: `local/demo-app:${id === '1' ? 'blue' : 'green'}`,
    commit: id === '1' ? 'b1e0000' : '9ee0000',
  });
  return {
    stack: 'EcsBlueGreen',
    clock: 'wall',
    record: {
      phase: 'testing',
      green: { taskSetArn: 'arn:aws:ecs:us-east-1:123456789012:task-set/c/demo-app/ecs-svc/2', commit: '9ee0000' },
    },
    production: {
      url: 'http://p/',
      status: 200,
      version: 'blue/b1e0000',
      rule: { kind: 'forward', targetGroupArns: ['arn:tg/1'] },
    },
    test: {
      url: 'http://t/',
      status: 200,
      version: 'green/9ee0000',
      rule: { kind: 'forward', targetGroupArns: ['arn:tg/2'] },
    },
    taskSets: [taskSet('1', 'production', 'PRIMARY', { healthy: 2 }), taskSet('2', 'test', 'ACTIVE', { healthy: 2 })],
    inFlight: [],
    pendingApprovals: [],
    next: ['bluegreen swap', 'bluegreen abort'],
    ownership: [],
    ...overrides,
  };
}

describe('the picture', () => {
  test('each version: which it is, image, commit, task set status, running/desired, what it serves, targets', () => {
    const lines = statusLines(view(), { now: new Date('2026-01-01T00:00:00Z') });
    const row = (version: string): string[] => (lines.find((l) => l.startsWith(`${version}  `)) ?? '').split(/\s{2,}/);
    expect(row('blue (live)')).toEqual([
      'blue (live)',
      'ecs-svc/1',
      'local/demo-app:blue',
      'b1e0000',
      'PRIMARY',
      'STEADY_STATE',
      '2/2',
      'production',
      'App:1',
      'bg-1',
      '2 healthy',
    ]);
    expect(row('green').slice(0, 4)).toEqual(['green', 'ecs-svc/2', 'local/demo-app:green', '9ee0000']);
    expect(lines).toContain('Phase: testing (green under test)');
    expect(lines.find((l) => l.startsWith('production'))).toMatch(/blue\/b1e0000 \(HTTP 200\)\s+task set ecs-svc\/1/);
  });

  test('versionOf: green, blue kept to go back to, and what production serves is live', () => {
    const record = { phase: 'baking', green: { taskSetArn: 'g' }, previous: { taskSetArn: 'b' } };
    expect(versionOf({ arn: 'g', role: 'production', status: 'PRIMARY' }, record)).toBe('green (live)');
    expect(versionOf({ arn: 'b', role: '-', status: 'ACTIVE' }, record)).toBe('blue (previous)');
    expect(versionOf({ arn: 'x', role: 'production+test', status: 'PRIMARY' }, { phase: 'stable' })).toBe(
      'blue (live)',
    );
    expect(versionOf({ arn: 'y', role: '-', status: 'ACTIVE' }, { phase: 'stable' })).toBe('other');
    // After a swap (phase swapped: a clean-up may wait for its approval) the record names green as `live`.
    const swapped = { phase: 'swapped', live: { taskSetArn: 'g' }, previous: { taskSetArn: 'b' } };
    expect(versionOf({ arn: 'g', role: 'production', status: 'PRIMARY' }, swapped)).toBe('green (live)');
    expect(versionOf({ arn: 'b', role: '-', status: 'ACTIVE' }, swapped)).toBe('blue (previous)');
  });

  test('a pending approval says when it expires: since + timeoutInMinutes, CodePipeline’s 7 days by default', () => {
    expect(approvalExpiry('2026-01-01T00:00:00.000Z', undefined)).toBe('2026-01-08T00:00:00.000Z');
    expect(approvalExpiry('2026-01-01T00:00:00.000Z', 60)).toBe('2026-01-01T01:00:00.000Z');
    expect(approvalExpiry(undefined, 60)).toBeUndefined();
    const approval = {
      pipelineName: 'Pipe',
      stageName: 'ApproveCleanUp',
      actionName: 'ApproveCleanUp',
      since: '2026-01-01T00:00:00.000Z',
      timeoutMinutes: 10080,
      expiresAt: '2026-01-08T00:00:00.000Z',
    };
    const wall = statusLines(view({ pendingApprovals: [approval] }), { now: new Date('2026-01-01T00:30:00Z') });
    expect(wall.join('\n')).toMatch(
      /ApproveCleanUp \(action ApproveCleanUp\) in pipeline Pipe since 2026-01-01T00:00:00Z; expires 2026-01-08T00:00:00Z \(in 6d 23h\) unless answered \(timeout 7d 00h\)/,
    );
    // Local AWS: the times are its emulated clock's, labelled so; "in …" from the wall clock would be wrong there.
    const local = statusLines(view({ clock: 'emulated', pendingApprovals: [approval] }), { now: new Date() }).join(
      '\n',
    );
    expect(local).toContain(
      'since 2026-01-01T00:00:00Z emulated; expires 2026-01-08T00:00:00Z emulated unless answered',
    );
  });

  describe('an execution waiting on a task token for approval (swapApprovalMode step-functions)', () => {
    const waiter = {
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:EcsBlueGreen-clean-up:approval-1',
      green: { taskSetArn: 'arn:green', commit: 'c0ffee1' },
      requestedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-08T00:00:00.000Z',
    };
    const swapped = { phase: 'swapped', live: { taskSetArn: 'arn:green' }, previous: { taskSetArn: 'arn:blue' } };
    const waiting = (v: StatusView): string[] => {
      const lines = statusLines(v, { now: new Date('2026-01-01T00:30:00Z') });
      return lines.slice(lines.indexOf('Waiting for approval:') + 1, lines.indexOf('Waiting for approval:') + 2);
    };

    test('a clean-up at ApproveCleanUp: it removes blue once approved, keeps green, and an expiry starts rollback', () => {
      const [line] = waiting(view({ record: swapped, cleanUpApproval: { stage: 'ApproveCleanUp', ...waiter } }));
      expect(line).toBe(
        `  ApproveCleanUp (a task-token wait): clean-up ${waiter.executionArn} waits for the approval to remove blue, keeping green c0ffee1 (task set arn:green) since 2026-01-01T00:00:00Z; expires 2026-01-08T00:00:00Z unless answered, which starts rollback as a rejection does`,
      );
      expect(line).not.toMatch(/ApproveSwap|abort|\bswap\b/);
    });

    test('after a first release (no blue) the clean-up removes nothing, and an expiry rolls nothing back', () => {
      const first = { phase: 'swapped', live: { taskSetArn: 'arn:green' } };
      const [line] = waiting(view({ record: first, cleanUpApproval: { stage: 'ApproveCleanUp', ...waiter } }));
      expect(line).toMatch(/^ {2}ApproveCleanUp \(a task-token wait\): clean-up .* to close the test listener/);
      expect(line).toContain('no blue to remove');
      expect(line).not.toContain('starts rollback');
    });

    test('a swap at ApproveSwap says so, as before', () => {
      const [line] = waiting(view({ swapApproval: { stage: 'ApproveSwap', ...waiter } }));
      expect(line).toMatch(
        /^ {2}ApproveSwap \(a task-token wait\): swap .* waits for the approval of green c0ffee1 .* starts abort/,
      );
    });

    test('a stale waiter is marked in flight as a leftover that acts on nothing, and is not waiting for approval', () => {
      const leftover = { stage: 'ApproveCleanUp' as const, ...waiter };
      const lines = statusLines(
        view({
          inFlight: [{ machine: 'clean-up', executionArn: waiter.executionArn }],
          staleApproval: leftover,
        }),
      );
      expect(lines).not.toContain('Waiting for approval:');
      expect(lines.find((l) => l.includes(waiter.executionArn))).toMatch(
        /: a leftover wait at ApproveCleanUp for green task set arn:green, .* it acts on nothing/,
      );
    });

    test('the emulated clock is labelled, as for the pipeline’s approvals', () => {
      const [line] = waiting(
        view({ clock: 'emulated', record: swapped, cleanUpApproval: { stage: 'ApproveCleanUp', ...waiter } }),
      );
      expect(line).toContain('since 2026-01-01T00:00:00Z emulated; expires 2026-01-08T00:00:00Z emulated');
    });
  });
});

describe('the bake', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const at = (s: number): Date => new Date(t0 + s * 1000);
  const entered = (id: number, name: string, s: number): HistoryEvent => ({
    id,
    type: name.startsWith('Wait') ? 'WaitStateEntered' : 'PassStateEntered',
    timestamp: at(s),
    stateEnteredEventDetails: { name },
  });
  const started: HistoryEvent = {
    id: 1,
    type: 'ExecutionStarted',
    timestamp: at(0),
    executionStartedEventDetails: { input: JSON.stringify({ cluster: 'c', service: 's', bakeSeconds: 120 }) },
  };
  const baking = [
    started,
    entered(2, 'MakeGreenPrimary', 1),
    entered(3, 'StartBake', 2),
    entered(4, 'IsThereABake', 2),
    entered(5, 'WatchBake', 44),
  ];

  test('from the swap’s history: started at StartBake, length from the record, else the input, else 300 s', () => {
    const options = { executionArn: 'arn:swap', greenTargets: { healthy: 1, unhealthy: 1 } };
    expect(bakeProgress(baking, options)).toEqual({
      executionArn: 'arn:swap',
      startedAt: at(2).toISOString(),
      elapsedSeconds: 42,
      totalSeconds: 120,
      unhealthy: 1,
      targets: 2,
    });
    expect(bakeProgress(baking, { ...options, recordedSeconds: 300 })?.totalSeconds).toBe(300);
    expect(
      bakeProgress([{ ...started, executionStartedEventDetails: { input: '{}' } }, ...baking.slice(1)], options)
        ?.totalSeconds,
    ).toBe(300);
  });

  test('on the wall clock it runs to now; on the emulated clock (no now) only to the newest event; never past its length', () => {
    const options = { executionArn: 'arn:swap' };
    expect(bakeProgress(baking, { ...options, now: at(62) })?.elapsedSeconds).toBe(60);
    expect(bakeProgress(baking, options)?.elapsedSeconds).toBe(42);
    expect(bakeProgress(baking, { ...options, now: at(1000) })?.elapsedSeconds).toBe(120);
  });

  test('no bake before StartBake, after the bake step, or once the execution ended', () => {
    const options = { executionArn: 'arn:swap' };
    expect(bakeProgress(baking.slice(0, 2), options)).toBeUndefined();
    expect(bakeProgress([...baking, entered(6, 'NoteSwapped', 130)], options)).toBeUndefined();
    expect(
      bakeProgress([...baking, { id: 6, type: 'ExecutionSucceeded', timestamp: at(130) }], options),
    ).toBeUndefined();
  });

  test('the picture shows it as "42 s of 120 s, 0 unhealthy", labelled as emulated seconds on local AWS', () => {
    const bake = {
      executionArn: 'a',
      startedAt: at(2).toISOString(),
      elapsedSeconds: 42,
      totalSeconds: 120,
      unhealthy: 0,
      targets: 2,
    };
    expect(statusLines(view({ bake }))).toContain('Bake: 42 s of 120 s, 0 unhealthy of 2 green targets');
    expect(statusLines(view({ bake, clock: 'emulated' }))).toContain(
      'Bake: 42 s of 120 s, 0 unhealthy of 2 green targets (seconds of local AWS’s emulated clock)',
    );
  });
});

describe('changeKey: what counts as a change for status --watch off a terminal', () => {
  const bake = {
    executionArn: 'a',
    startedAt: '2026-01-01T00:00:00.000Z',
    elapsedSeconds: 30,
    totalSeconds: 300,
    unhealthy: 0,
    targets: 2,
  };
  const running = { machine: 'swap' as const, executionArn: 'arn:swap', startedAt: '2026-01-01T00:00:00.000Z' };

  test('how long something has run is not a change; the bake counts in tenths', () => {
    expect(changeKey(view({ inFlight: [{ ...running, lastEventAt: '2026-01-01T00:00:10.000Z' }] }))).toBe(
      changeKey(view({ inFlight: [{ ...running, lastEventAt: '2026-01-01T00:05:00.000Z' }] })),
    );
    expect(changeKey(view({ bake }))).toBe(changeKey(view({ bake: { ...bake, elapsedSeconds: 59 } })));
    expect(changeKey(view({ bake }))).not.toBe(changeKey(view({ bake: { ...bake, elapsedSeconds: 60 } })));
  });

  test('health, phase and approvals are', () => {
    const base = changeKey(view());
    expect(changeKey(view({ record: { phase: 'baking' } }))).not.toBe(base);
    expect(changeKey(view({ bake }))).not.toBe(changeKey(view({ bake: { ...bake, unhealthy: 1 } })));
    const [blue, green] = view().taskSets as [TaskSetView, TaskSetView];
    expect(changeKey(view({ taskSets: [blue, { ...green, targets: { healthy: 1, unhealthy: 1 } }] }))).not.toBe(base);
  });
});

test('a production rule shadowed by a rule with the same conditions and a smaller priority is said', () => {
  const view = {
    stack: 'Migration',
    record: { phase: 'stable' },
    production: {
      url: 'http://p/',
      status: 200,
      rule: { kind: 'unknown' as const },
      shadowedBy: { ruleArn: 'arn:old-rule', priority: '10' },
    },
    test: { url: 'http://t/', status: 200, rule: { kind: 'unknown' as const } },
    taskSets: [],
    inFlight: [],
    pendingApprovals: [],
    next: [],
    ownership: [],
  };
  expect(renderStatus(view)).toContain(
    'rule arn:old-rule (priority 10) has the same conditions and a smaller priority',
  );
  expect(renderStatus({ ...view, production: { ...view.production, shadowedBy: undefined } })).not.toContain(
    'smaller priority',
  );
});

describe('autoscaling: what the controller’s policy tracks', () => {
  const tg = (id: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/bg-${id}/${id}${id}${id}`;
  const base = view();
  const withGroups: Partial<StatusView> = {
    taskSets: base.taskSets.map((ts, i) => ({ ...ts, targetGroupArn: tg(String(i + 1)) })),
    production: { ...base.production, rule: { kind: 'forward', targetGroupArns: [tg('1')] } },
    test: { ...base.test, rule: { kind: 'forward', targetGroupArns: [tg('2')] } },
  };
  const lines = (overrides: Partial<StatusView>) => statusLines(view({ ...withGroups, ...overrides }));

  test('the group it tracks, by the version it belongs to, and whether scale-in is disabled', () => {
    const picture = lines({ scaling: { trackedTargetGroup: 'targetgroup/bg-1/111', scaleInDisabled: false } });
    expect(picture).toContain('Autoscaling: tracks requests per target of bg-1 (blue (live)), scale-in enabled');
    expect(picture.filter((l) => l.startsWith('! autoscaling'))).toEqual([]);
    // No policy (no autoScaling): nothing is said.
    expect(lines({}).filter((l) => /autoscaling/i.test(l))).toEqual([]);
    expect(lines({ scaling: { unknown: 'AccessDeniedException: no' } })).toContain(
      'Autoscaling: unknown (AccessDeniedException: no)',
    );
  });

  test('tracking a group production does not forward to is a warning, unless an operation is running to fix it', () => {
    const offProduction = { scaling: { trackedTargetGroup: 'targetgroup/bg-2/222', scaleInDisabled: true } };
    const picture = lines(offProduction);
    expect(picture).toContain('Autoscaling: tracks requests per target of bg-2 (green), scale-in disabled');
    expect(
      picture.filter((l) => l.startsWith('! autoscaling: bg-2 is not a target group production forwards to')),
    ).toHaveLength(1);
    const running = {
      holder: 'arn:x',
      machine: 'swap',
      operation: 'swapping',
      since: '2026-01-01T00:00:00Z',
      holderRunning: true,
    };
    expect(lines({ ...offProduction, lease: running }).filter((l) => l.startsWith('! autoscaling'))).toEqual([]);
    expect(
      lines({ ...offProduction, lease: { ...running, holderRunning: false } }).filter((l) =>
        l.startsWith('! autoscaling'),
      ),
    ).toHaveLength(1);
  });
});
