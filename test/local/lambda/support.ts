/** Shared by the local Lambda suites: the error an SDK call fails with, and a promise released from outside. */

export interface CallError {
  readonly name: string;
  readonly message: string;
  readonly status: number;
  /** The error shape's `Type` member (`User`, `Service`), when the body has one. */
  readonly type: string | undefined;
}

/** The error a call fails with, or fails the test if it succeeds. */
export async function errorOf(call: Promise<unknown>): Promise<CallError> {
  try {
    await call;
  } catch (error) {
    const e = error as { name: string; message: string; Type?: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode ?? 0, type: e.Type };
  }
  throw new Error('expected the call to fail');
}

export interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

export const json = (payload: Uint8Array | undefined): unknown =>
  JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8'));
