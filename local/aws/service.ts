/**
 * The contract every emulated AWS service implements. The HTTP server (local/aws/server.ts) decodes the wire
 * protocol, finds the service, and calls `invoke`; the service never sees HTTP. Keeping protocol and behaviour apart
 * lets the same ECS/ELBv2/SFN models serve the SDK clients, the AWS CLI and in-process tests.
 */

/** Who made a call: the role the caller signed as (see local/aws/principal.ts), used for least-privilege checks. */
export interface CallContext {
  readonly principal?: string;
  readonly region: string;
  readonly accountId: string;
}

/** An AWS-shaped error. `code` is the error code on the wire (e.g. `ServiceNotFoundException`, `ResourceInUse`). */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number = 400,
    /** Whether clients should treat it as a sender (4xx) or receiver (5xx) fault. */
    readonly fault: 'client' | 'server' = httpStatus >= 500 ? 'server' : 'client',
  ) {
    super(message);
    this.name = code;
  }
}

export interface EmulatedService {
  /** The SDK's service id, e.g. `ECS`, `Elastic Load Balancing v2`, `SFN`. */
  readonly serviceId: string;
  /** Operation names as the API reference spells them (`CreateTaskSet`). */
  readonly operations: ReadonlySet<string>;
  /**
   * Runs one operation. `input` uses the wire member names of the protocol (camelCase for ECS/SFN JSON,
   * PascalCase for ELBv2 query, already decoded from `Member.N` lists into arrays).
   * Throws AwsError for documented errors.
   */
  invoke(operation: string, input: Record<string, unknown>, ctx: CallContext): Promise<unknown>;
}
