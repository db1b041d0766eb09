/**
 * Invariant (a), "production stays healthy", checked continuously while a scenario runs:
 *
 * - once production forwards anywhere, it keeps forwarding (it never goes back to a fixed response), and it forwards
 *   only to target groups that exist, belong to a task set whose status is PRIMARY, and have at least one healthy
 *   target; during a traffic shift (production split by weight) one group's task set is PRIMARY and the others'
 *   ACTIVE, each with a healthy target;
 * - real HTTP requests to the production URL never fail (no connection error, no non-2xx answer) while a version is
 *   live.
 *
 * The emulator's state is read every `pollMs` wall milliseconds and, through the fault injector's call observer,
 * right before every API call a state machine makes: the state machines call the API one call at a time, so the
 * state seen before each call is the state after the previous one, and a window between two calls (production moved
 * before the task set was made primary, say) is always seen, however short it is in wall time.
 */
import type { FaultInjector } from '../faults/fault-plan';
import type { LocalStack } from '../../harness/demo/local-stack';
import { observe, type ServiceView } from '../../harness/demo/observe';
import { probe, type Probe } from '../../harness/demo/probe';

/** How long a production request may take before it counts as failed. */
const PROBE_TIMEOUT_MS = 10_000;

export type ProductionViolationKind =
  /** Production forwarded before (a version was live) and now answers with a fixed response. */
  | 'production-went-dark'
  /** Production forwards to a target group that does not exist. */
  | 'production-target-group-missing'
  /** Production forwards to a target group whose task set is missing or not PRIMARY. */
  | 'production-not-primary'
  /** Production forwards to a target group none of whose targets is healthy. */
  | 'production-no-healthy-target'
  /** A real HTTP request to production failed while a version was live. */
  | 'production-http-failure'
  /** The monitor could not read the emulator's state. */
  | 'observe-failed';

export interface ProductionViolation {
  readonly kind: ProductionViolationKind;
  readonly message: string;
  /** Wall-clock ms when this episode was first seen, and last seen. */
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** How many checks saw it in this episode (consecutive checks with the same kind and message). */
  readonly count: number;
  /** What saw it: `poll`, `call:<service> <operation>`, `http` or `final`. */
  readonly source: string;
  /** The emulator's view when first seen. */
  readonly view?: ServiceView;
  readonly probe?: Probe;
}

export interface ProductionMonitorOptions {
  /** Wall ms between state reads. @default 3 */
  readonly pollMs?: number;
  /** Wall ms between HTTP probes of production (one in flight at a time); 0 disables probing. @default 5 */
  readonly probeGapMs?: number;
  /** Check the state before every call the injector sees (all callers). */
  readonly injector?: FaultInjector;
}

export interface ProductionMonitor {
  /** Checks the state now (e.g. after an execution ended). */
  checkNow(source?: string): void;
  /** Violations so far, one per episode. */
  violations(): ProductionViolation[];
  /** Number of state checks and HTTP probes made so far. */
  stats(): { readonly checks: number; readonly probes: number };
  /** Stops polling and probing (after a final check) and returns every violation. */
  stop(): Promise<ProductionViolation[]>;
}

interface Finding {
  readonly kind: ProductionViolationKind;
  readonly message: string;
  readonly probe?: Probe;
}

/** What is wrong with production in one view; `wasLive` says whether production has forwarded before. */
export function productionProblems(view: ServiceView, wasLive: boolean): Finding[] {
  const production = view.production;
  if (production.kind === 'fixed') {
    return wasLive
      ? [
          {
            kind: 'production-went-dark',
            message: `production answers a fixed ${production.statusCode} after a version was live`,
          },
        ]
      : [];
  }
  if (production.targetGroupArns.length === 0) {
    return [{ kind: 'production-target-group-missing', message: 'production forwards to no target group' }];
  }
  // A traffic shift splits production by weight: the primary version (blue, fully scaled) and green, ACTIVE until the
  // shift ends. A split is healthy when one of its groups is PRIMARY and every group has a healthy target.
  const split = production.targetGroupArns.length > 1;
  const primaryInSplit =
    split &&
    production.targetGroupArns.some(
      (arn) => view.taskSets.find((ts) => ts.targetGroupArn === arn)?.status === 'PRIMARY',
    );
  return production.targetGroupArns.flatMap((arn): Finding[] => {
    const group = view.targetGroups.find((tg) => tg.arn === arn);
    if (!group) return [{ kind: 'production-target-group-missing', message: `target group ${arn} does not exist` }];
    const findings: Finding[] = [];
    const taskSet = view.taskSets.find((ts) => ts.targetGroupArn === arn);
    if (!taskSet) {
      findings.push({ kind: 'production-not-primary', message: `no task set uses target group ${group.name}` });
    } else if (taskSet.status !== 'PRIMARY' && !(primaryInSplit && taskSet.status === 'ACTIVE')) {
      findings.push({
        kind: 'production-not-primary',
        message: `production forwards to ${group.name}, whose task set is ${taskSet.status}`,
      });
    }
    if (!group.states.includes('healthy')) {
      findings.push({
        kind: 'production-no-healthy-target',
        message: `production forwards to ${group.name}, which has no healthy target (${JSON.stringify(group.states)})`,
      });
    }
    return findings;
  });
}

export function startProductionMonitor(stack: LocalStack, options: ProductionMonitorOptions = {}): ProductionMonitor {
  const pollMs = options.pollMs ?? 3;
  const probeGapMs = options.probeGapMs ?? 5;
  const recorded: ProductionViolation[] = [];
  /** Episodes still open: seen at the last check of their channel (state or http). */
  const open = new Map<string, number>();
  let wasLive = false;
  let checks = 0;
  let probes = 0;
  let running = true;

  /**
   * `span`: when what was found held. An HTTP failure's request was routed somewhere between when it was sent and
   * when it was answered, so an episode is taken to begin at its first failure's answer and to end at its last
   * failure's sending: a window that excuses it then contains a moment each request could have been routed in.
   */
  const report = (
    channel: 'state' | 'http',
    findings: readonly Finding[],
    source: string,
    view?: ServiceView,
    span?: { readonly first: number; readonly last: number },
  ) => {
    const now = Date.now();
    const first = span?.first ?? now;
    const last = span?.last ?? now;
    const seen = new Set<string>();
    for (const finding of findings) {
      const key = `${channel}|${finding.kind}|${finding.message}`;
      seen.add(key);
      const index = open.get(key);
      const existing = index === undefined ? undefined : recorded[index];
      if (index !== undefined && existing) {
        recorded[index] = { ...existing, lastSeen: last, count: existing.count + 1 };
      } else {
        open.set(key, recorded.length);
        recorded.push({
          ...finding,
          firstSeen: first,
          lastSeen: last,
          count: 1,
          source,
          ...(view && { view: structuredClone(view) }),
        });
      }
    }
    for (const key of [...open.keys()]) if (key.startsWith(`${channel}|`) && !seen.has(key)) open.delete(key);
  };

  const check = (source: string): ServiceView | undefined => {
    checks++;
    let view: ServiceView;
    try {
      view = observe(stack);
    } catch (error) {
      report('state', [{ kind: 'observe-failed', message: (error as Error).message }], source);
      return undefined;
    }
    report('state', productionProblems(view, wasLive), source, view);
    if (view.production.kind === 'forward') wasLive = true;
    return view;
  };

  check('start');
  const timer = setInterval(() => check('poll'), Math.max(1, pollMs));
  const unobserve = options.injector?.observe((call) => {
    if (running && call.principal !== undefined) check(`call:${call.service} ${call.operation}`);
  });

  const prober = (async () => {
    if (probeGapMs <= 0) return;
    while (running) {
      // A request counts only if production forwarded when it was sent and still forwards when it is answered: a
      // request racing the very first release (fixed 503 → forward) is not a failure, a dark production is caught
      // by the state checks.
      const forwardingBefore = observeQuietly(stack)?.production.kind === 'forward';
      const sentAt = Date.now();
      // 10 s: a request still unanswered then is a failure; a shorter limit made a loaded 2-core runner (the suite's
      // two workers, their task processes and other jobs) look like a failing production.
      const answer = await probe(stack.urls.production, PROBE_TIMEOUT_MS);
      probes++;
      const forwardingAfter = observeQuietly(stack)?.production.kind === 'forward';
      const failed = answer.status < 200 || answer.status > 299;
      report(
        'http',
        forwardingBefore && forwardingAfter && failed
          ? [
              {
                kind: 'production-http-failure',
                message: answer.status === 0 ? answer.body : `HTTP ${answer.status}: ${answer.body.slice(0, 80)}`,
                probe: answer,
              },
            ]
          : [],
        'http',
        undefined,
        { first: Date.now(), last: sentAt },
      );
      await new Promise((resolve) => setTimeout(resolve, probeGapMs));
    }
  })();

  return {
    checkNow: (source = 'final') => void check(source),
    violations: () => [...recorded],
    stats: () => ({ checks, probes }),
    stop: async () => {
      check('final');
      running = false;
      clearInterval(timer);
      unobserve?.();
      await prober;
      return [...recorded];
    },
  };
}

function observeQuietly(stack: LocalStack): ServiceView | undefined {
  try {
    return observe(stack);
  } catch {
    return undefined;
  }
}
