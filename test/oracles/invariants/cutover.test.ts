import type { CallRecord } from '../../../local/aws/call-log';
import { cutoverWindows, excusingWindow } from '../../../oracles/invariants/cutover';
import type { ProductionViolation } from '../../../oracles/invariants/production-monitor';

const SWAP = 'arn:aws:iam::000000000000:role/Swap';
const OTHER = 'arn:aws:iam::000000000000:role/DeployGreen';
const PROD = 'arn:rule/prod';
const T0 = Date.parse('2026-11-23T10:00:00.000Z');

const call = (
  at: number,
  operation: string,
  input: Record<string, unknown> = {},
  principal = SWAP,
  ok = true,
  durationMs = 2,
): CallRecord => ({
  time: new Date(T0 + at).toISOString(),
  service: operation === 'ModifyRule' ? 'Elastic Load Balancing v2' : 'ECS',
  operation,
  principal,
  input,
  outcome: ok ? { ok: true } : { ok: false, errorCode: 'ClientException' },
  durationMs,
});
const moveProduction = (at: number, principal = SWAP, ok = true) =>
  call(at, 'ModifyRule', { RuleArn: PROD }, principal, ok);
const notPrimary = (from: number, to: number, status = 'ACTIVE'): ProductionViolation => ({
  kind: 'production-not-primary',
  message: `production forwards to bg-green, whose task set is ${status}`,
  firstSeen: T0 + from,
  lastSeen: T0 + to,
  count: 1,
  source: 'poll',
});
const roles = new Set([SWAP]);

describe('cutoverWindows', () => {
  test('a swap: opens when production moves, closes when the same role makes green primary', () => {
    const windows = cutoverWindows(
      [call(0, 'DescribeRules'), moveProduction(10), call(40, 'UpdateServicePrimaryTaskSet')],
      PROD,
      roles,
    );
    expect(windows).toEqual([
      {
        kind: 'cutover',
        principal: SWAP,
        startMs: T0 + 10,
        endMs: T0 + 42,
        closedBy: 'UpdateServicePrimaryTaskSet',
        callsBetween: 0,
      },
    ]);
  });

  test("a re-run that moves production again and then makes it primary continues the stopped run's window", () => {
    const windows = cutoverWindows(
      [moveProduction(10), moveProduction(500), call(520, 'UpdateServicePrimaryTaskSet')],
      PROD,
      roles,
    );
    expect(windows.map((w) => [w.kind, w.startMs, w.endMs, w.closedBy])).toEqual([
      ['cutover', T0 + 10, T0 + 502, 'ModifyRule'],
      ['cutover', T0 + 10, T0 + 522, 'UpdateServicePrimaryTaskSet'],
    ]);
  });

  test('a failed UpdateServicePrimaryTaskSet keeps it open until the undo moves production back', () => {
    const windows = cutoverWindows(
      [moveProduction(10), call(40, 'UpdateServicePrimaryTaskSet', {}, SWAP, false), moveProduction(60)],
      PROD,
      roles,
    );
    // The undo's ModifyRule closes the window and a continuation opens (from the same start) that only a later
    // UpdateServicePrimaryTaskSet of the same role would close; it never does here, so it excuses nothing.
    expect(windows.map((w) => [w.closedBy, w.endMs, w.callsBetween])).toEqual([
      ['ModifyRule', T0 + 62, 1],
      [undefined, undefined, 0],
    ]);
  });

  test('a window that never closes (the undo failed) has no end; other roles and other rules open nothing', () => {
    expect(
      cutoverWindows(
        [
          moveProduction(0, OTHER),
          call(5, 'ModifyRule', { RuleArn: 'arn:rule/test' }),
          moveProduction(10),
          moveProduction(20, SWAP, false),
        ],
        PROD,
        roles,
      ),
    ).toEqual([
      { kind: 'cutover', principal: SWAP, startMs: T0 + 10, endMs: undefined, closedBy: undefined, callsBetween: 1 },
    ]);
  });
});

describe('watch windows (swap bake)', () => {
  const bake = [
    moveProduction(10),
    call(20, 'UpdateServicePrimaryTaskSet'),
    call(100, 'DescribeTargetHealth'),
    moveProduction(200),
    call(230, 'UpdateServicePrimaryTaskSet'),
  ];
  const noHealthy = (from: number, to: number): ProductionViolation => ({
    ...notPrimary(from, to),
    kind: 'production-no-healthy-target',
    message: 'production forwards to bg-green, which has no healthy target (["unhealthy"])',
  });

  test('a watch opens when the swap role made green primary and ends when it moves production back', () => {
    const windows = cutoverWindows(bake, PROD, roles, roles);
    expect(windows.map((w) => [w.kind, w.startMs - T0, (w.endMs ?? 0) - T0, w.closedBy])).toEqual([
      ['cutover', 10, 22, 'UpdateServicePrimaryTaskSet'],
      ['watch', 10, 202, 'ModifyRule'],
      ['cutover', 200, 232, 'UpdateServicePrimaryTaskSet'],
    ]);
    expect(excusingWindow(noHealthy(150, 201), windows)?.kind).toBe('watch');
    expect(excusingWindow(noHealthy(150, 240), windows)).toBeUndefined();
    expect(excusingWindow(notPrimary(150, 199), windows)).toBeUndefined();
  });

  test('a bake that passes (no reaction) excuses nothing, and only watchers watch', () => {
    const passed = cutoverWindows(bake.slice(0, 3), PROD, roles, roles);
    expect(passed.map((w) => [w.kind, w.endMs])).toEqual([
      ['cutover', T0 + 22],
      ['watch', undefined],
    ]);
    expect(excusingWindow(noHealthy(150, 160), passed)).toBeUndefined();
    expect(cutoverWindows(bake, PROD, roles).filter((w) => w.kind === 'watch')).toEqual([]);
  });
});

describe('excusingWindow', () => {
  const windows = cutoverWindows([moveProduction(10), call(40, 'UpdateServicePrimaryTaskSet')], PROD, roles);

  test('excuses only an ACTIVE-not-primary episode wholly inside a closed window', () => {
    expect(excusingWindow(notPrimary(12, 41), windows)).toBe(windows[0]);
    expect(excusingWindow(notPrimary(12, 43), windows)).toBeUndefined();
    expect(excusingWindow(notPrimary(5, 20), windows)).toBeUndefined();
    expect(excusingWindow(notPrimary(12, 20, 'DRAINING'), windows)).toBeUndefined();
    expect(
      excusingWindow({ ...notPrimary(12, 20), kind: 'production-no-healthy-target', message: 'x' }, windows),
    ).toBeUndefined();
  });

  test('an open window excuses nothing', () => {
    const open = cutoverWindows([moveProduction(10)], PROD, roles);
    expect(excusingWindow(notPrimary(12, 13), open)).toBeUndefined();
  });
});

describe('a traffic shift', () => {
  const BLUE = 'arn:tg/blue';
  const GREEN = 'arn:tg/green';
  const forwardTo = (at: number, ...groups: string[]) =>
    call(at, 'ModifyRule', {
      RuleArn: PROD,
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: { TargetGroups: groups.map((TargetGroupArn, i) => ({ TargetGroupArn, Weight: i + 1 })) },
        },
      ],
    });
  const degraded = (from: number, to: number): ProductionViolation => ({
    kind: 'production-http-failure',
    message: 'HTTP 503',
    firstSeen: T0 + from,
    lastSeen: T0 + to,
    count: 1,
    source: 'http',
  });

  test('completed (green alone): one shift window that excuses nothing, then the cutover and the bake as usual', () => {
    const windows = cutoverWindows(
      [
        forwardTo(10, BLUE, GREEN),
        forwardTo(100, BLUE, GREEN),
        forwardTo(200, GREEN),
        call(210, 'UpdateServicePrimaryTaskSet'),
      ],
      PROD,
      roles,
      roles,
    );
    expect(windows.map((w) => [w.kind, w.startMs - T0, w.closedBy, w.callsBetween])).toEqual([
      ['shift', 10, 'ShiftCompleted', 1],
      ['cutover', 200, 'UpdateServicePrimaryTaskSet', 0],
      ['watch', 200, undefined, 0],
    ]);
    expect(excusingWindow(degraded(50, 60), windows)).toBeUndefined();
  });

  test('moved back to blue alone (the watch reacted): its episodes are excused, and only they', () => {
    const windows = cutoverWindows([forwardTo(10, BLUE, GREEN), forwardTo(100, BLUE)], PROD, roles, roles);
    expect(windows.map((w) => [w.kind, w.closedBy])).toEqual([
      ['shift', 'ModifyRule'],
      ['cutover', undefined],
    ]);
    expect(excusingWindow(degraded(50, 101), windows)).toBe(windows[0]);
    expect(excusingWindow(degraded(5, 60), windows)).toBeUndefined();
    expect(excusingWindow(degraded(50, 200), windows)).toBeUndefined();
  });

  test('a role that does not watch (rollback) splits nothing: its move is a plain cutover', () => {
    const windows = cutoverWindows([forwardTo(10, BLUE, GREEN)], PROD, roles);
    expect(windows.map((w) => w.kind)).toEqual(['cutover']);
  });
});
