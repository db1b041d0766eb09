/**
 * Target health of one ELBv2 target group, from real HTTP health checks against the processes behind the targets.
 *
 * State machine, as documented for Application Load Balancers:
 * - a registered target starts `initial` (Elb.RegistrationInProgress, then Elb.InitialHealthChecking once checks run);
 * - a new target must pass ONE check to become `healthy` (ALB docs: "After your target is registered, it must pass one
 *   health check to be considered healthy"); `newTargetHealthyChecks` makes that stricter if wanted;
 * - `healthy` → `unhealthy` after UnhealthyThresholdCount consecutive failures, and back after HealthyThresholdCount
 *   consecutive successes; an `initial` target that fails UnhealthyThresholdCount times in a row becomes `unhealthy`;
 * - deregistration: `draining` (Target.DeregistrationInProgress) for the deregistration delay, then gone;
 * - a group no listener uses is not health checked and reports `unused` (Target.NotInUse).
 */
import type { Clock } from '../../aws/clock';
import type { RouteTarget, TargetGroupHealthOptions, TargetHealthStatus } from '../types';
import { parseMatcher, type StatusMatcher } from './matcher';
import { probeTarget, type ProbeResult } from './probe';

export interface LocalTargetGroupHealthOptions extends TargetGroupHealthOptions {
  /** Whether a listener uses the group at creation; defaults to true. The ELBv2 emulator updates it with setInUse. */
  readonly inUse?: boolean;
  /** Consecutive passed checks a newly registered target needs to become healthy; ALB uses 1. */
  readonly newTargetHealthyChecks?: number;
  /**
   * Lower bound, in wall milliseconds, for a check's timeout. At timeScale 0.01 a 5 s timeout is 50 ms of wall time,
   * which a busy machine can miss while forking processes; this keeps fast tests from seeing false Target.Timeout.
   */
  readonly minTimeoutWallMs?: number;
}

export interface TargetHealthDescription {
  readonly id: string;
  readonly port: number;
  readonly health: TargetHealthStatus;
}

/** A target's health changed; `health` is undefined once the target is removed (after draining). */
export interface TargetHealthChange {
  readonly id: string;
  readonly port: number;
  readonly health: TargetHealthStatus | undefined;
}

export type TargetHealthListener = (change: TargetHealthChange) => void;

/**
 * 1 s: with 200 ms, healthy targets turned unhealthy (Target.Timeout) with no fault injected once the 2-core machine
 * ran at a load above about 10 (the scenario suites, CI sharing the cores). A crashed or failing target is still seen
 * at once: a refused connection or a 5xx answer does not wait for the timeout.
 */
const DEFAULT_MIN_TIMEOUT_WALL_MS = 1000;

const REGISTRATION_IN_PROGRESS: TargetHealthStatus = {
  state: 'initial',
  reason: 'Elb.RegistrationInProgress',
  description: 'Target registration is in progress',
};
const INITIAL_HEALTH_CHECKING: TargetHealthStatus = {
  state: 'initial',
  reason: 'Elb.InitialHealthChecking',
  description: 'Initial health checking in progress',
};
const HEALTHY: TargetHealthStatus = { state: 'healthy' };
const DRAINING: TargetHealthStatus = {
  state: 'draining',
  reason: 'Target.DeregistrationInProgress',
  description: 'Target deregistration is in progress',
};
const NOT_IN_USE: TargetHealthStatus = {
  state: 'unused',
  reason: 'Target.NotInUse',
  description: 'Target group is not configured to receive traffic from the load balancer',
};

interface TrackedTarget {
  readonly id: string;
  readonly port: number;
  health: TargetHealthStatus;
  consecutivePasses: number;
  consecutiveFailures: number;
  /** Bumped whenever the target restarts its life cycle, so a check started before that is ignored. */
  generation: number;
  checking: boolean;
  stopChecks: (() => void) | undefined;
  drain: AbortController | undefined;
}

export class TargetGroupHealth {
  private readonly targets = new Map<string, TrackedTarget>();
  private readonly listeners = new Set<TargetHealthListener>();
  private readonly matches: StatusMatcher;
  private readonly clock: Clock;
  private readonly newTargetHealthyChecks: number;
  private readonly checkTimeoutMs: number;
  /** Aborts in-flight checks on close, so no socket outlives the group. */
  private readonly closing = new AbortController();
  private inUse: boolean;
  private closed = false;

  constructor(private readonly options: LocalTargetGroupHealthOptions) {
    this.matches = parseMatcher(options.config.matcher);
    this.clock = options.clock;
    this.inUse = options.inUse ?? true;
    this.newTargetHealthyChecks = Math.max(1, options.newTargetHealthyChecks ?? 1);
    this.checkTimeoutMs = Math.max(
      this.clock.wallMs(options.config.timeoutSeconds),
      options.minTimeoutWallMs ?? DEFAULT_MIN_TIMEOUT_WALL_MS,
    );
  }

  /** RegisterTargets for one target. Registering a registered target does nothing; a draining one starts over. */
  register(id: string, port: number): void {
    this.assertOpen();
    const key = keyOf(id, port);
    const existing = this.targets.get(key);
    if (existing !== undefined && existing.health.state !== 'draining') return;
    existing?.drain?.abort();
    const target: TrackedTarget = existing ?? {
      id,
      port,
      health: REGISTRATION_IN_PROGRESS,
      consecutivePasses: 0,
      consecutiveFailures: 0,
      generation: 0,
      checking: false,
      stopChecks: undefined,
      drain: undefined,
    };
    target.drain = undefined;
    this.targets.set(key, target);
    this.restart(target);
  }

  /** DeregisterTargets for one target: draining for the delay (emulated seconds), then removed. */
  deregister(id: string, port: number, deregistrationDelaySeconds: number): void {
    this.assertOpen();
    const target = this.targets.get(keyOf(id, port));
    if (target === undefined || target.health.state === 'draining') return;
    this.stopChecking(target);
    target.generation++;
    this.setHealth(target, DRAINING);
    if (deregistrationDelaySeconds <= 0) {
      this.remove(target);
      return;
    }
    const drain = new AbortController();
    target.drain = drain;
    this.clock.sleep(deregistrationDelaySeconds, drain.signal).then(
      () => {
        if (target.drain === drain) this.remove(target);
      },
      () => undefined, // aborted: re-registered or the group closed
    );
  }

  describe(): TargetHealthDescription[] {
    return [...this.targets.values()].map(({ id, port, health }) => ({ id, port, health }));
  }

  /** The targets a listener may route to: registered, not draining, and resolvable to a listening address. */
  routeTargets(): RouteTarget[] {
    const routes: RouteTarget[] = [];
    for (const target of this.targets.values()) {
      if (target.health.state === 'draining') continue;
      const address = this.options.resolve(target.id, target.port);
      // Port 0: the task exists but does not listen yet (TaskProcess.port before `ready`); nothing to send to.
      if (address === undefined || address.port === 0) continue;
      routes.push({ host: address.host, port: address.port, healthy: target.health.state === 'healthy' });
    }
    return routes;
  }

  /** Calls `listener` on every change of a target's health; returns a function that unsubscribes. */
  onChange(listener: TargetHealthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether a listener rule forwards to this group. ELBv2 health checks only groups in use. */
  setInUse(inUse: boolean): void {
    this.assertOpen();
    if (inUse === this.inUse) return;
    this.inUse = inUse;
    for (const target of this.targets.values()) {
      if (target.health.state !== 'draining') this.restart(target);
    }
  }

  /** Stops all health checks and draining timers. The group cannot be used afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    for (const target of this.targets.values()) {
      this.stopChecking(target);
      target.drain?.abort();
    }
    this.listeners.clear();
  }

  /** Starts the target's life cycle over: initial and checked if the group is in use, unused otherwise. */
  private restart(target: TrackedTarget): void {
    this.stopChecking(target);
    target.generation++;
    target.consecutivePasses = 0;
    target.consecutiveFailures = 0;
    this.setHealth(target, this.inUse ? REGISTRATION_IN_PROGRESS : NOT_IN_USE, true);
    if (this.inUse) this.startChecking(target);
  }

  private startChecking(target: TrackedTarget): void {
    const runCheck = (): void => this.check(target);
    // The first check runs right away; ALB then checks every HealthCheckIntervalSeconds.
    const first = setImmediate(runCheck);
    const stopInterval = this.clock.every(this.options.config.intervalSeconds, runCheck);
    target.stopChecks = () => {
      clearImmediate(first);
      stopInterval();
    };
  }

  private stopChecking(target: TrackedTarget): void {
    target.stopChecks?.();
    target.stopChecks = undefined;
  }

  private check(target: TrackedTarget): void {
    // A check slower than the interval is not overlapped by the next one, as each ALB check is independent.
    if (this.closed || target.checking) return;
    target.checking = true;
    const generation = target.generation;
    probeTarget({
      address: this.options.resolve(target.id, this.options.config.port ?? target.port),
      path: this.options.config.path,
      matches: this.matches,
      timeoutMs: this.checkTimeoutMs,
      signal: this.closing.signal,
    })
      .then((result) => {
        target.checking = false;
        if (!this.closed && target.generation === generation) this.record(target, result);
      })
      .catch(() => {
        target.checking = false;
      });
  }

  private record(target: TrackedTarget, result: ProbeResult): void {
    const { healthyThresholdCount, unhealthyThresholdCount } = this.options.config;
    const state = target.health.state;
    if (result.passed) {
      target.consecutivePasses++;
      target.consecutiveFailures = 0;
      const needed = state === 'initial' ? this.newTargetHealthyChecks : healthyThresholdCount;
      if (state !== 'healthy' && target.consecutivePasses >= needed) this.setHealth(target, HEALTHY);
      else if (state === 'initial') this.setHealth(target, INITIAL_HEALTH_CHECKING);
      return;
    }
    target.consecutiveFailures++;
    target.consecutivePasses = 0;
    const failed: TargetHealthStatus = { state: 'unhealthy', reason: result.reason, description: result.description };
    if (state === 'unhealthy' || target.consecutiveFailures >= unhealthyThresholdCount) this.setHealth(target, failed);
    else if (state === 'initial') this.setHealth(target, INITIAL_HEALTH_CHECKING);
  }

  private remove(target: TrackedTarget): void {
    const key = keyOf(target.id, target.port);
    if (this.targets.get(key) !== target) return;
    this.targets.delete(key);
    this.emit({ id: target.id, port: target.port, health: undefined });
  }

  /** Records a new health; listeners hear of real changes, and of every restart (`announce`) even if it looks alike. */
  private setHealth(target: TrackedTarget, health: TargetHealthStatus, announce = false): void {
    const previous = target.health;
    target.health = health;
    const unchanged =
      previous.state === health.state &&
      previous.reason === health.reason &&
      previous.description === health.description;
    if (announce || !unchanged) this.emit({ id: target.id, port: target.port, health });
  }

  private emit(change: TargetHealthChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        // Health checks run on timers: a throwing listener must not crash the emulator or stop the checks.
        process.emitWarning(`TargetGroupHealth change listener failed: ${String(error)}`);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('TargetGroupHealth is closed (its target group was deleted).');
  }
}

function keyOf(id: string, port: number): string {
  return `${id}:${port}`;
}
