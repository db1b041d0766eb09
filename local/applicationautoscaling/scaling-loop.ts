/**
 * Target tracking on the emulated clock: once a minute (on the minute, as the one-minute metrics close), every
 * scalable target with scaling policies is evaluated over the minutes that just closed (tracked-metrics.ts), the
 * decision engine decides (decision.ts), and a scale-out or scale-in is applied through local ECS's UpdateService.
 * Each change is recorded as a scaling activity; the target keeps when it last scaled out and in (cooldowns).
 */
import type { Clock } from '../aws/clock';
import { decide, type Decision } from './decision';
import { ecsServiceId } from './resource-ids';
import type { ScalableResources } from './scalable-resources';
import type { AutoScalingStore } from './store';
import { trackedPolicy } from './tracked-metrics';

const MINUTE = 60_000;

export interface ScalingLoop {
  /** Evaluates every target now, over the minutes that closed by `minuteEnd` (default: the last whole minute). */
  evaluate(minuteEnd?: number): Promise<void>;
  close(): void;
}

export function createScalingLoop(options: {
  readonly store: AutoScalingStore;
  readonly resources: ScalableResources;
  readonly clock: Clock;
}): ScalingLoop {
  const { store, resources, clock } = options;
  const closing = new AbortController();

  const evaluateTarget = async (key: string, minuteEnd: number): Promise<Decision | undefined> => {
    const target = store.targets.get(key);
    const service = target && ecsServiceId(target.resourceId);
    if (!target || !service) return undefined;
    const policies = store.policiesOf(target);
    const current = resources.desiredCount(service);
    if (policies.length === 0 || current === undefined) return undefined;
    const now = clock.now();
    const decision = decide(
      {
        now,
        current,
        minCapacity: target.minCapacity,
        maxCapacity: target.maxCapacity,
        scaleInSuspended: target.suspended.dynamicScalingIn,
        scaleOutSuspended: target.suspended.dynamicScalingOut,
        ...(target.lastScaleOut && { lastScaleOut: target.lastScaleOut }),
        ...(target.lastScaleIn && { lastScaleIn: target.lastScaleIn }),
      },
      policies.map((p) => trackedPolicy(p, service, current, minuteEnd, resources)),
    );
    if (decision.action === 'none') return decision;
    const direction = decision.action === 'scale-out' ? 'out' : 'in';
    try {
      await resources.setDesiredCount(service, decision.to);
    } catch (error) {
      store.recordActivity({
        at: now,
        resourceId: target.resourceId,
        from: decision.from,
        to: decision.to,
        direction,
        cause: decision.reason,
        failed: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return decision;
    }
    if (direction === 'out') {
      target.lastScaleOut = { at: now, to: decision.to };
      // A scale-out ends a scale-in cooldown (API reference, ScaleInCooldown).
      delete target.lastScaleIn;
    } else {
      target.lastScaleIn = { at: now, to: decision.to };
    }
    store.recordActivity({
      at: now,
      resourceId: target.resourceId,
      from: decision.from,
      to: decision.to,
      direction,
      cause: decision.reason,
    });
    return decision;
  };

  const evaluate = async (minuteEnd = Math.floor(clock.now() / MINUTE) * MINUTE): Promise<void> => {
    for (const key of [...store.targets.keys()]) {
      try {
        await evaluateTarget(key, minuteEnd);
      } catch (error) {
        // One target's failure (a metric read that throws) must not stop the others or the loop.
        process.emitWarning(`local Application Auto Scaling could not evaluate ${key}: ${String(error)}`);
      }
    }
  };

  const run = async (signal: AbortSignal): Promise<void> => {
    let next = (Math.floor(clock.now() / MINUTE) + 1) * MINUTE;
    for (;;) {
      for (let wait = next - clock.now(); wait > 0; wait = next - clock.now()) await clock.sleep(wait / 1000, signal);
      if (signal.aborted) return;
      await evaluate(next);
      // A busy process may wake late: evaluate the minute that closed last, once, rather than every missed one.
      next = Math.max(next + MINUTE, Math.floor(clock.now() / MINUTE) * MINUTE);
    }
  };
  run(closing.signal).catch(() => undefined);

  return { evaluate, close: () => closing.abort(new Error('local Application Auto Scaling was closed')) };
}
