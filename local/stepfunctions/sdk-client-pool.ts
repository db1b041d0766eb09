/**
 * The SDK clients local Step Functions calls local AWS with, one per service, endpoint and role, kept for the life of
 * the local Step Functions: building an SDK v3 client (config resolution, middleware stack) per Task cost more than
 * the call itself. Connections are kept alive between calls, as the SDK's own default agent does: a new TCP connection
 * per call (connect, first write, close on both ends) was ~8% of a fault-property case's CPU. Local AWS never closes
 * an idle connection (server.ts: keepAliveTimeout 0), so a pooled socket is not closed under a request; a connection
 * the fault injector drops is destroyed by the server and the agent opens a new one for the next attempt
 * (task-errors.ts: withDroppedConnectionRetry), and a refused connection is still refused (the pool holds no socket
 * once local AWS closed them all).
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
    const client = create({ httpAgent: new http.Agent({ keepAlive: true }) });
    client.middlewareStack.remove(LOGGER_MIDDLEWARE);
    this.clients.set(key, client);
    return client;
  }

  destroyAll(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
