/**
 * The local data plane: real HTTP processes for ECS tasks, real HTTP health checks for target groups, and real HTTP
 * listeners for the load balancer. The ECS and ELBv2 emulators (control plane) drive it through these types only.
 */
import type { Clock } from '../aws/clock';

/** What a task started from an image does. Images map to behaviours in local/dataplane/images.ts (README table). */
export type TaskBehaviour =
  /** Serves the demo app with the image's colour; /healthz answers 200. */
  | 'healthy'
  /** The process exits with code 1 right after start, before it listens. */
  | 'crash-on-start'
  /** Serves pages, but /healthz answers 500, so health checks fail. */
  | 'unhealthy'
  /** Serves pages; /healthz passes for `flapSeconds`, then fails for `flapSeconds`, and so on. */
  | 'flapping'
  /** Healthy, but `errorPercent` % of production page requests (X-Forwarded-Port 80) answer 500. */
  | 'production-errors'
  /** Healthy, but 5 % of production page requests (X-Forwarded-Port 80) answer only after `latencySeconds`. */
  | 'production-slow';

export interface ImageSpec {
  readonly behaviour: TaskBehaviour;
  /** Colour shown by the page, e.g. `blue`, `green`. */
  readonly colour: string;
  /** Emulated seconds the process waits before it starts listening (slow start). */
  readonly startupSeconds: number;
  /** `flapping` only: emulated seconds of each passing and each failing /healthz period. */
  readonly flapSeconds?: number;
  /** `production-errors` only: the share of production page requests that answer 500, in percent. */
  readonly errorPercent?: number;
  /** `production-slow` only: emulated seconds the slow production requests take. */
  readonly latencySeconds?: number;
}

export interface TaskLaunchSpec {
  readonly image: string;
  /** Shown on the page and in the `X-App-Version` header. */
  readonly commit: string;
  readonly buildTime?: string;
  /** Extra environment for the process (container environment from the task definition). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Emulated seconds between SIGTERM and SIGKILL on stop (ECS stopTimeout); defaults to 30 as in ECS. */
  readonly stopTimeoutSeconds?: number;
}

export interface TaskExit {
  readonly exitCode: number | null;
  /** ECS-style stoppedReason, e.g. `Essential container in task exited`. */
  readonly reason: string;
}

/** One running task: a real OS process listening on 127.0.0.1:port. */
export interface TaskProcess {
  readonly pid: number;
  readonly host: string;
  /** Port the process listens on once started; 0 until then. */
  readonly port: number;
  /** Resolves once the process listens; rejects if it exits first. */
  readonly ready: Promise<void>;
  /** Resolves when the process ends, for any reason. */
  readonly exited: Promise<TaskExit>;
  /** SIGTERM, then SIGKILL after a grace period. Idempotent. */
  stop(reason: string): Promise<void>;
}

/** Health check settings of a target group, as ELBv2 stores them. */
export interface HealthCheckConfig {
  readonly path: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThresholdCount: number;
  readonly unhealthyThresholdCount: number;
  /** ELBv2 Matcher.HttpCode: `200`, `200,302` or `200-299`. */
  readonly matcher: string;
  /** An explicit HealthCheckPort; absent for `traffic-port` (each target is checked on its registered port). */
  readonly port?: number;
}

/** ELBv2 TargetHealth.State values. */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';

export interface TargetHealthStatus {
  readonly state: TargetState;
  /** ELBv2 TargetHealth.Reason, e.g. `Elb.RegistrationInProgress`, `Target.FailedHealthChecks`. */
  readonly reason?: string;
  readonly description?: string;
}

/** Where a registered target (ip:port as ELBv2 sees it) really listens on this machine. */
export type TargetResolver = (id: string, port: number) => { host: string; port: number } | undefined;

export interface TargetGroupHealthOptions {
  readonly config: HealthCheckConfig;
  readonly clock: Clock;
  readonly resolve: TargetResolver;
}

export interface RouteTarget {
  readonly host: string;
  readonly port: number;
  readonly healthy: boolean;
}

/** What a listener does with a request, decided from the rules as they stand at that moment. */
export type RouteDecision =
  | { readonly kind: 'fixed'; readonly statusCode: number; readonly contentType: string; readonly body: string }
  | {
      readonly kind: 'forward';
      readonly groups: ReadonlyArray<{
        readonly weight: number;
        readonly targets: readonly RouteTarget[];
        /** Who the group is (ELBv2: the target group ARN), passed back in ListenerRequestOutcome. */
        readonly id?: string;
      }>;
    };

export interface ListenerRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * What became of one client request, for metrics (local CloudWatch's AWS/ApplicationELB): reported once the answer's
 * headers are out. Health checks never pass through a listener, so they are never reported (as on AWS).
 */
export interface ListenerRequestOutcome {
  /** ListenerOptions.id (ELBv2: the listener ARN). */
  readonly listenerId?: string;
  /** The id of the forward group a target was chosen from (ELBv2: the target group ARN); absent when none was. */
  readonly groupId?: string;
  readonly statusCode: number;
  /** `target`: the target answered; `elb`: the listener answered itself (fixed response, 502, 503, 500). */
  readonly from: 'target' | 'elb';
  /** `target` only: wall milliseconds from sending the request to the target until its response headers. */
  readonly targetResponseWallMs?: number;
  /**
   * `target` only, when the target declared one (listener/emulated-delay.ts): the part of that time it spent waiting
   * on the emulated clock on purpose. Absent: the whole answer time was the target's and the host's own work.
   */
  readonly targetEmulatedDelay?: TargetEmulatedDelay;
}

/** A deliberate wait on the emulated clock inside a target's answer (a demo image's slow request). */
export interface TargetEmulatedDelay {
  /** Emulated seconds the target waited. */
  readonly seconds: number;
  /** The wall milliseconds that wait is on the target's clock (emulated seconds × time scale), not timer lateness. */
  readonly wallMs: number;
}

export interface ListenerOptions {
  readonly host?: string;
  readonly port: number;
  readonly route: (request: ListenerRequest) => RouteDecision;
  /** Command-line option that sets this port, named in PortInUseError; defaults to `--port`. */
  readonly portOption?: string;
  /** Who the listener is (ELBv2: the listener ARN), passed back in ListenerRequestOutcome. */
  readonly id?: string;
  /** The port clients address (ELBv2: the listener's port, e.g. 80), sent as X-Forwarded-Port. @default port */
  readonly forwardedPort?: number;
  /** Called once per client request with what became of it (metrics); must not throw. */
  readonly onRequest?: (outcome: ListenerRequestOutcome) => void;
}

export interface ListenerServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Thrown when a port is taken: names the port and the option that changes it. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly option: string,
  ) {
    super(`Port ${port} on 127.0.0.1 is already in use. Free it, or choose another port with ${option}.`);
    this.name = 'PortInUseError';
  }
}
