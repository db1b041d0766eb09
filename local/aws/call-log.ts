/**
 * Every call the local AWS server answered, in order: who called what with which input, and how it ended. Tests and
 * benchmarks read it to assert on the calls a deployment made (and which role made them).
 */
export interface CallRecord {
  /** Wall-clock time the call arrived (ISO-8601). */
  readonly time: string;
  readonly service: string;
  readonly operation: string;
  /** Role ARN the request was signed as, or undefined for other keys. */
  readonly principal: string | undefined;
  readonly input: Readonly<Record<string, unknown>>;
  readonly outcome: { readonly ok: true } | { readonly ok: false; readonly errorCode: string };
  readonly durationMs: number;
  /**
   * Set when a fault hook replaced the answer of this applied call (outcome `ok`): the error code the caller got
   * instead (`InternalFailure`), or `dropped` when the connection was closed without an answer.
   */
  readonly lostResponse?: string;
}

export class CallLog {
  private readonly records: CallRecord[] = [];

  record(entry: CallRecord): void {
    this.records.push(entry);
  }

  /** A copy of the records so far, optionally only those matching `filter`. */
  entries(filter?: { service?: string; operation?: string; principal?: string }): CallRecord[] {
    return this.records.filter(
      (r) =>
        (filter?.service === undefined || r.service === filter.service) &&
        (filter?.operation === undefined || r.operation === filter.operation) &&
        (filter?.principal === undefined || r.principal === filter.principal),
    );
  }

  clear(): void {
    this.records.length = 0;
  }
}
