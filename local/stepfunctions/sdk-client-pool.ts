/**
 * The SDK clients local Step Functions calls local AWS with, one per service, endpoint and role, kept for the life of
 * the local Step Functions: building an SDK v3 client (config resolution, middleware stack) per Task cost more than
 * the call itself. Connections are not kept alive, as before (one per call), so no pooled socket can be closed by the
 * server under a request in flight.
 *
 * The clients log nothing (the SDK's default logger is a no-op), yet the SDK's logger middleware still walked every
 * input and output against its schema to mask sensitive members for that no-op logger (about 3% of a fault-property
 * case's CPU): it is removed from each pooled client. Nothing else in the stack reads what it computed.
 */
import * as http from 'node:http';

interface PooledClient {
  destroy(): void;
  readonly middlewareStack: { remove(toRemove: string): boolean };
}

/** The name @aws-sdk/core gives the middleware that logs each call (input and output, sensitive members masked). */
const LOGGER_MIDDLEWARE = 'loggerMiddleware';

export class SdkClientPool {
  private readonly clients = new Map<string, PooledClient>();

  /** The client for `key`, made by `create` on first use (given the request handler options to pass on). */
  get<T extends PooledClient>(key: string, create: (requestHandler: { httpAgent: http.Agent }) => T): T {
    const existing = this.clients.get(key);
    if (existing) return existing as T;
    const client = create({ httpAgent: new http.Agent({ keepAlive: false }) });
    client.middlewareStack.remove(LOGGER_MIDDLEWARE);
    this.clients.set(key, client);
    return client;
  }

  destroyAll(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
