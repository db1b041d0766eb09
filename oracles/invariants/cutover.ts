/**
 * The one moment invariant (a) cannot hold strictly: a cutover. Moving production (ELBv2 ModifyRule) and making the
 * same task set primary (ECS UpdateServicePrimaryTaskSet) are two calls to two services with no atomic API, so
 * between them production forwards to a task set that is healthy but still ACTIVE. The window is bounded by the
 * execution itself: it opens when the swap (or rollback) role moves production and closes when the same role's next
 * successful UpdateServicePrimaryTaskSet or production ModifyRule (the undo) returns. A window closed by a ModifyRule
 * goes on (same start) until that role's next UpdateServicePrimaryTaskSet: a rollback stopped between moving
 * production back and making the previous version primary, re-run (the README's recovery), moves production again
 * and then makes it primary; the whole stretch is one cutover, bounded by the role's own calls.
 *
 * A `production-not-primary` episode is excused only when it lies wholly inside such a window and the task set is
 * ACTIVE (not DRAINING or missing). A window that never closes (the undo itself failed) excuses nothing. A run
 * stopped inside its cutover (an operator's Stop between the two calls) leaves the window open; the documented
 * recovery, run by another role (rollback after a stopped swap), closes it with its own first production move or
 * primary change: until then production is the stopped run's doing, from then on the recovery's.
 *
 * The second: a green that degrades after the swap's gate. swap then watches green (the bake) and, when it turns
 * unhealthy, moves production back to blue. The watch counts from the moment production moved to green (green may
 * turn between the gate's last read and the cutover's end, and only the bake can see that). Until the move back,
 * production forwards to a group without a healthy target (ELBv2 fails open, so requests are still answered). A
 * `production-no-healthy-target` episode is excused only when it lies wholly inside a watch that ended with the
 * swap role moving production back: the controller saw it and reacted. So is a `production-http-failure` episode: ECS
 * stops (and replaces) a task whose target fails its health checks, as it does on AWS, so green's targets drain and
 * production answers 503 (or 502 for a crashed task) until the watch moves it back; that reaction time is what
 * `npm run bench` measures. A watch that ends without reacting (the bake passed, or the swap stopped) excuses nothing.
 *
 * A traffic shift is watched the same way: from swap's first split of production (blue primary, green by weight) to
 * the move to green alone (`ShiftCompleted`: nothing excused, and the cutover and bake follow as without a shift) or
 * back to blue alone (the shift's watch reacted: its episodes on green are excused).
 */
import type { CallRecord } from '../../local/aws/call-log';
import type { ProductionViolation } from './production-monitor';

export interface CutoverWindow {
  /**
   * `cutover`: between moving production and making its task set primary; `watch`: swap's bake; `shift`: a traffic
   * shift (production split between blue, primary, and green, by weight), watched step by step.
   */
  readonly kind: 'cutover' | 'watch' | 'shift';
  readonly principal: string;
  /** Wall ms: arrival of the ModifyRule that moved production. */
  readonly startMs: number;
  /** Wall ms: the closing call returned; undefined while (or if) it never did. */
  readonly endMs: number | undefined;
  /**
   * For a watch, only `ModifyRule` (production moved back) closes it. A shift is closed by `ModifyRule` when production
   * went back to blue alone (the watch reacted), or by `ShiftCompleted` when it went to green alone (nothing to excuse).
   */
  readonly closedBy: 'UpdateServicePrimaryTaskSet' | 'ModifyRule' | 'ShiftCompleted' | undefined;
  /** Calls the same role made inside the window besides the closing one (0 for swap: the two calls are adjacent). */
  readonly callsBetween: number;
}

const ELB = 'Elastic Load Balancing v2';

/** The cutover and watch windows in a call log, for the given roles (watches: `watchers` only) and production rule. */
export function cutoverWindows(
  calls: readonly CallRecord[],
  productionRuleArn: string,
  principals: ReadonlySet<string>,
  watchers: ReadonlySet<string> = new Set(),
): CutoverWindow[] {
  const windows: CutoverWindow[] = [];
  /**
   * `undo`: a cutover opened by a watch's reaction (moving production back); no watch follows it. `green`: a shift's
   * green target group (the second of the split).
   */
  const open = new Map<
    string,
    { kind: 'cutover' | 'watch' | 'shift'; startMs: number; callsBetween: number; undo?: true; green?: string }
  >();
  const movesProduction = (c: CallRecord) =>
    c.service === ELB && c.operation === 'ModifyRule' && c.input.RuleArn === productionRuleArn && c.outcome.ok;
  const makesPrimary = (c: CallRecord) =>
    c.service === 'ECS' && c.operation === 'UpdateServicePrimaryTaskSet' && c.outcome.ok;
  const endOf = (c: CallRecord) => Date.parse(c.time) + c.durationMs;
  for (const call of calls) {
    const principal = call.principal;
    if (principal === undefined || !principals.has(principal)) continue;
    // A cutover another role left open (its run was stopped between moving production and making a task set primary)
    // ends when the documented recovery, run by this role, moves production or makes a task set primary: production
    // is consistent again from then on, whoever made it so. The lease lets only one role change the service at a time,
    // so another role's open cutover is always a stopped run's.
    if (movesProduction(call) || makesPrimary(call)) {
      for (const [other, window] of open) {
        if (other === principal || window.kind !== 'cutover') continue;
        windows.push({
          principal: other,
          ...withoutBookkeeping(window),
          endMs: endOf(call),
          closedBy: makesPrimary(call) ? 'UpdateServicePrimaryTaskSet' : 'ModifyRule',
        });
        open.delete(other);
      }
    }
    const current = open.get(principal);
    const groups = movesProduction(call) ? forwardedGroups(call) : [];
    if (watchers.has(principal) && groups.length > 1 && current?.kind !== 'shift') {
      // A swap splitting production: green (the second group) is watched from this moment, step by step.
      if (current)
        windows.push({ principal, ...withoutBookkeeping(current), endMs: endOf(call), closedBy: 'ModifyRule' });
      open.set(principal, { kind: 'shift', startMs: Date.parse(call.time), callsBetween: 0, green: groups[1] });
    } else if (current?.kind === 'shift' && movesProduction(call)) {
      if (groups.length > 1) {
        current.callsBetween++;
        continue;
      }
      const completed = groups.length === 1 && groups[0] === current.green;
      windows.push({
        principal,
        ...withoutBookkeeping(current),
        endMs: endOf(call),
        closedBy: completed ? 'ShiftCompleted' : 'ModifyRule',
      });
      // Completed: green alone now, and made primary next (a cutover that opens the bake's watch). Moved back: the
      // undo's cutover, which opens no watch.
      open.set(principal, {
        kind: 'cutover',
        startMs: Date.parse(call.time),
        callsBetween: 0,
        ...(completed ? {} : { undo: true as const }),
      });
    } else if (current?.kind === 'cutover' && (movesProduction(call) || makesPrimary(call))) {
      const { undo } = current;
      windows.push({
        principal,
        ...withoutBookkeeping(current),
        endMs: endOf(call),
        closedBy: makesPrimary(call) ? 'UpdateServicePrimaryTaskSet' : 'ModifyRule',
      });
      open.delete(principal);
      // Production moved again before any task set was made primary (an undo moving it back, or a re-run after a
      // stop moving it where the stopped run had): the cutover goes on, from the same start, until the same role
      // makes a task set primary; if it never does, the continuation excuses nothing. It never starts a watch.
      if (movesProduction(call)) {
        open.set(principal, { kind: 'cutover', startMs: current.startMs, callsBetween: 0, undo: true });
      }
      // A swap that made green primary now watches it; moving production back ends the watch (and opens a cutover).
      if (makesPrimary(call) && watchers.has(principal) && !undo) {
        // The watch covers green from the moment production moved to it: green may turn between the gate's last
        // read and the cutover's end, and only the bake can see that.
        open.set(principal, { kind: 'watch', startMs: current.startMs, callsBetween: 0 });
      }
    } else if (current?.kind === 'watch' && movesProduction(call)) {
      windows.push({ principal, ...withoutBookkeeping(current), endMs: endOf(call), closedBy: 'ModifyRule' });
      open.set(principal, { kind: 'cutover', startMs: Date.parse(call.time), callsBetween: 0, undo: true });
    } else if (current) {
      current.callsBetween++;
    } else if (movesProduction(call)) {
      open.set(principal, { kind: 'cutover', startMs: Date.parse(call.time), callsBetween: 0 });
    }
  }
  for (const [principal, current] of open) {
    windows.push({ principal, ...withoutBookkeeping(current), endMs: undefined, closedBy: undefined });
  }
  return windows;
}

/** A window's public fields, without the loop's bookkeeping (`undo`, `green`). */
function withoutBookkeeping<T extends { undo?: true; green?: string }>(window: T): Omit<T, 'undo' | 'green'> {
  const { undo: _undo, green: _green, ...rest } = window;
  return rest;
}

/** The target groups a production ModifyRule forwards to (a weighted ForwardConfig lists several), in order. */
function forwardedGroups(call: CallRecord): string[] {
  const actions = (call.input.Actions ?? []) as Array<{
    TargetGroupArn?: string;
    ForwardConfig?: { TargetGroups?: Array<{ TargetGroupArn?: string }> };
  }>;
  const forward = actions.find((a) => a.ForwardConfig?.TargetGroups !== undefined || a.TargetGroupArn !== undefined);
  const listed = forward?.ForwardConfig?.TargetGroups?.flatMap((g) => (g.TargetGroupArn ? [g.TargetGroupArn] : []));
  return listed && listed.length > 0 ? listed : forward?.TargetGroupArn ? [forward.TargetGroupArn] : [];
}

/** The closed window that excuses this episode, if any. */
export function excusingWindow(
  violation: ProductionViolation,
  windows: readonly CutoverWindow[],
): CutoverWindow | undefined {
  const inside = (w: CutoverWindow): boolean =>
    w.endMs !== undefined && violation.firstSeen >= w.startMs && violation.lastSeen <= w.endMs;
  if (violation.kind === 'production-not-primary' && /, whose task set is ACTIVE$/.test(violation.message)) {
    return windows.find((w) => w.kind === 'cutover' && inside(w));
  }
  if (violation.kind === 'production-no-healthy-target' || violation.kind === 'production-http-failure') {
    // Only a watch (the bake) or a shift that reacted: production moved back to blue.
    return windows.find((w) => (w.kind === 'watch' || w.kind === 'shift') && w.closedBy === 'ModifyRule' && inside(w));
  }
  return undefined;
}
