/**
 * A declarative fault plan for local AWS, and the FaultInjector that applies it through the server's fault hook.
 *
 * A plan says which API calls fail (by service, operation and call number, with real wire error codes) and what the
 * green version's tasks do on the data plane (an image whose behaviour is crash-on-start, unhealthy, slow-start or
 * flapping; see local/dataplane/images.ts), what the lifecycle hooks answer (oracles/faults/hooks.ts), and the inputs
 * that shape a release (swap's traffic shift, green's size under test). One injector serves a whole local stack: give
 * it to `startLocalAwsStack({ faults: injector })` once, then `arm(plan)` before each scenario and `disarm()` after it,
 * so a stack can be reused across many property-test cases.
 */
import type { BUILT_IN_ALARMS, TrafficShift } from '../../contract';
import type { HookBehaviours } from './hooks';
import type { FaultCall, FaultHook, LostResponse } from '../../local/aws/faults';
import { AwsError } from '../../local/aws/service';
import {
  FAULT_SERVICES,
  STEP_FUNCTIONS_ERROR_NAMES,
  wireError,
  wireErrorCode,
  type ApiErrorKind,
  type FaultService,
} from './wire-errors';

/** Make calls of one service operation fail. */
export interface ApiFault {
  readonly service: FaultService;
  /** Operation as the API reference spells it: `CreateTaskSet`, `ModifyRule`. */
  readonly operation: string;
  readonly kind: ApiErrorKind;
  /**
   * 1-based number of the first call that fails, counting calls of this service operation made by state machine
   * roles since the plan was armed.
   */
  readonly call: number;
  /** Number of the last call that fails (inclusive); defaults to `call`. `Infinity` fails every call from `call` on. */
  readonly through?: number;
}

/** What the green version's tasks do. `healthy` is no data-plane fault. */
export type GreenBehaviour =
  | { readonly kind: 'healthy' }
  /** The process exits before it listens: tasks never run, ECS keeps replacing them. */
  | { readonly kind: 'crash-on-start' }
  /** Runs and serves pages, but /healthz answers 500: targets never become healthy. */
  | { readonly kind: 'unhealthy' }
  /** Healthy, but listens only after `seconds` emulated seconds. */
  | { readonly kind: 'slow-start'; readonly seconds: number }
  /** /healthz passes for `seconds`, fails for `seconds`, and so on: targets flap between healthy and unhealthy. */
  | { readonly kind: 'flapping'; readonly seconds: number };

/**
 * A lost response: the service applies the call, then the caller gets a 5xx (`server-error`, the service's own 500)
 * or no answer at all (`drop`: the connection is closed). The caller cannot tell it from a call that was never made,
 * so it retries a change that already happened. Counted like ApiFault (same call numbers).
 */
export interface LostResponseFault {
  /** An SDK service id: a FaultService, or another service local AWS serves (e.g. `DynamoDB`). */
  readonly service: string;
  readonly operation: string;
  readonly answer: 'server-error' | 'drop';
  readonly call: number;
  readonly through?: number;
}

/**
 * An alarm gate tripping (contract/green-watch.ts): one of green's built-in alarms goes to ALARM (SetAlarmState,
 * applied on local CloudWatch) just as the green-watch function reads the watched alarms for the `read`-th time in the
 * flow. The function reads them as each of swap's watches begins (1 = as the first traffic-shift step's watch begins,
 * or the bake's when production moves all at once) and as it ends (swap's check), then once more for clean-up (its
 * check of the live version before the previous one is removed). Firing at a read, not at a time, makes the outcome
 * exact whatever the machine's load (oracles/faults/alarm-gate.ts; judged in oracles/invariants/flow.ts):
 * - an alarm that still watched a previous green's target group (at read 1, or where a short watch ended before the
 *   function had pointed the alarms at the new green) is created again for this green, so that ALARM belonged to
 *   another green and must not fail this swap;
 * - one that watched this green must keep the step from succeeding whenever the function's answer to that read
 *   decided something: swap sends production back to blue, clean-up keeps the version it could go back to.
 * A `read` beyond the flow's last never fires.
 */
export interface AlarmFault {
  /** The built-in alarm's name suffix (BUILT_IN_ALARMS): green's 5XX count, p99 response time or healthy hosts. */
  readonly alarm: (typeof BUILT_IN_ALARMS)[keyof typeof BUILT_IN_ALARMS];
  /** Which of the function's reads of the alarms in the flow (1-based). */
  readonly read: number;
}

export interface FaultPlan {
  readonly api?: readonly ApiFault[];
  /** Applied calls whose answer is lost (see LostResponseFault). */
  readonly lost?: readonly LostResponseFault[];
  /** The green version's data-plane behaviour; the scenario deploys `greenImage(plan.green)`. */
  readonly green?: GreenBehaviour;
  /** How swap moves production (its `trafficShift` input). @default - the stack's default (all at once) */
  readonly trafficShift?: TrafficShift;
  /**
   * deploy-green's `testScalePercent` (1-100): green runs at that share of the service's desired count under test,
   * and swap scales it to full size before production moves. @default - full size (the input is not given)
   */
  readonly testScalePercent?: number;
  /**
   * What the fault stack's lifecycle hook at each stage does (oracles/faults/hooks.ts); a stage not named succeeds.
   * Invoke faults on the hooks' functions are `api` faults of service `Lambda`, operation `Invoke`.
   */
  readonly hooks?: HookBehaviours;
  /** A built-in alarm of green's that goes to ALARM as swap's watch reads the alarms. @default - none does */
  readonly alarm?: AlarmFault;
}

/** One fault the injector answered a call with. */
export interface InjectedFault {
  readonly service: FaultService;
  readonly operation: string;
  readonly kind: ApiErrorKind;
  /** The call's number (as in ApiFault.call). */
  readonly n: number;
  /** Error code sent on the wire, e.g. `Throttling`. */
  readonly wireCode: string;
  /** What Step Functions calls it, e.g. `ElasticLoadBalancingV2.ElasticLoadBalancingV2Exception`. */
  readonly stepFunctionsError: string;
  /** Wall-clock time (ms since the epoch). */
  readonly at: number;
}

/** One lost response the injector caused. */
export interface LostResponseRecord {
  readonly service: string;
  readonly operation: string;
  readonly n: number;
  readonly answer: 'server-error' | 'drop';
  /** Wall-clock time (ms since the epoch). */
  readonly at: number;
}

/** Sees every call before the fault plan does (and before the service runs it). */
export type CallObserver = (call: FaultCall) => void;

/**
 * Sees every call (all callers) before the fault plan and may hold it: a returned promise delays the call until it
 * settles, and an error it resolves to answers the call instead of the service. Used for operator actions that must
 * land at an exact point of an execution (oracles/faults/operator.ts).
 */
export type CallGate = (call: FaultCall) => Promise<AwsError | undefined> | undefined;

export interface FaultInjectorOptions {
  /**
   * Which callers' calls count and can fail. Default: calls signed as a role (the state machines), so a test's own
   * SDK calls (setup, recovery) are never failed and never shift the call numbers.
   */
  readonly countsCaller?: (principal: string | undefined) => boolean;
}

const isRole = (principal: string | undefined): boolean => principal !== undefined;

export class FaultInjector implements FaultHook {
  private plan: FaultPlan = {};
  private readonly counts = new Map<string, number>();
  private readonly log: InjectedFault[] = [];
  private readonly observers = new Set<CallObserver>();
  private readonly gates = new Set<CallGate>();
  private readonly lostLog: LostResponseRecord[] = [];
  /** The counted number of each call in flight, for afterInvoke (the same object is passed to both hooks). */
  private readonly numbers = new WeakMap<FaultCall, number>();
  private readonly countsCaller: (principal: string | undefined) => boolean;

  constructor(options: FaultInjectorOptions = {}) {
    this.countsCaller = options.countsCaller ?? isRole;
  }

  /** Applies `plan` from now on; call numbers and the injected-fault log start again from zero. */
  arm(plan: FaultPlan): void {
    for (const fault of plan.api ?? []) validateFault(fault);
    for (const fault of plan.lost ?? []) validateFault(fault);
    this.plan = plan;
    this.counts.clear();
    this.log.length = 0;
    this.lostLog.length = 0;
  }

  /** The plan armed now (`{}` when disarmed): what the fault stack's hook functions answer by. */
  armed(): FaultPlan {
    return this.plan;
  }

  /** No more faults (the log of what was injected is kept until the next arm). */
  disarm(): void {
    this.plan = {};
  }

  /** Registers an observer of every call (all callers); returns a function that removes it. */
  observe(observer: CallObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Registers a gate (see CallGate); returns a function that removes it. */
  gate(gate: CallGate): () => void {
    this.gates.add(gate);
    return () => this.gates.delete(gate);
  }

  /** The lost responses caused since the last arm, in order. */
  lostResponses(): LostResponseRecord[] {
    return [...this.lostLog];
  }

  /** The faults injected since the last arm, in order. */
  injected(): InjectedFault[] {
    return [...this.log];
  }

  /** How many counted calls of a service operation were made since the last arm. */
  callCount(service: FaultService, operation: string): number {
    return this.counts.get(`${service}:${operation}`) ?? 0;
  }

  hold(call: FaultCall): Promise<AwsError | undefined> | undefined {
    for (const gate of this.gates) {
      const held = gate(call);
      if (held) return held;
    }
    return undefined;
  }

  beforeInvoke(call: FaultCall): AwsError | undefined {
    for (const observer of this.observers) observer(call);
    return this.planFault(call);
  }

  afterInvoke(call: FaultCall): LostResponse | undefined {
    const n = this.numbers.get(call);
    if (n === undefined) return undefined;
    const fault = (this.plan.lost ?? []).find(
      (f) => f.service === call.service && f.operation === call.operation && n >= f.call && n <= (f.through ?? f.call),
    );
    if (!fault) return undefined;
    this.lostLog.push({ service: call.service, operation: call.operation, n, answer: fault.answer, at: Date.now() });
    return fault.answer === 'drop' ? { kind: 'drop' } : { kind: 'error', error: lostResponseError(call.service) };
  }

  private planFault(call: FaultCall): AwsError | undefined {
    if (!this.countsCaller(call.principal)) return undefined;
    const key = `${call.service}:${call.operation}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    this.numbers.set(call, n);
    const fault = (this.plan.api ?? []).find(
      (f) => f.service === call.service && f.operation === call.operation && n >= f.call && n <= (f.through ?? f.call),
    );
    if (!fault) return undefined;
    this.log.push({
      service: fault.service,
      operation: fault.operation,
      kind: fault.kind,
      n,
      wireCode: wireErrorCode(fault.service, fault.kind),
      stepFunctionsError: STEP_FUNCTIONS_ERROR_NAMES[fault.service][fault.kind],
      at: Date.now(),
    });
    return wireError(fault.service, fault.kind);
  }
}

/** The 5xx a service answers a lost response with: its own server error, or DynamoDB's / a generic 500. */
export function lostResponseError(service: string): AwsError {
  const known = FAULT_SERVICES.find((s) => s === service);
  if (known) return wireError(known, 'server-error');
  return new AwsError('InternalServerError', 'Internal server error (injected lost response)', 500);
}

function validateFault(fault: { readonly call: number; readonly through?: number; readonly operation: string }): void {
  const through = fault.through ?? fault.call;
  if (!Number.isInteger(fault.call) || fault.call < 1) {
    throw new Error(`ApiFault.call must be a whole number from 1 (got ${fault.call} for ${fault.operation}).`);
  }
  if (!(through >= fault.call) || (!Number.isInteger(through) && through !== Infinity)) {
    throw new Error(
      `ApiFault.through must be a whole number ≥ call, or Infinity (got ${through} for ${fault.operation}).`,
    );
  }
  if (!/^[A-Z][A-Za-z0-9]+$/.test(fault.operation)) {
    throw new Error(
      `ApiFault.operation must be spelled as in the API reference, e.g. CreateTaskSet (got ${fault.operation}).`,
    );
  }
}

/**
 * The image deploy-green is given for a green behaviour: `local/<repository>:<colour>[-slow-N|-flap-N]`. The
 * repository picks the behaviour and the colour word is what the page and `X-App-Version` show.
 */
export function greenImage(green: GreenBehaviour = { kind: 'healthy' }, colour = 'green'): string {
  switch (green.kind) {
    case 'healthy':
      return `local/demo-app:${colour}`;
    case 'crash-on-start':
      return `local/crash-on-start:${colour}`;
    case 'unhealthy':
      return `local/unhealthy:${colour}`;
    case 'slow-start':
      return `local/slow-start:${colour}-slow-${green.seconds}`;
    case 'flapping':
      return `local/flapping:${colour}-flap-${green.seconds}`;
  }
}
