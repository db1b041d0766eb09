/**
 * The SDK clients local Step Functions calls local AWS with, one per service, endpoint and role, kept for the life of
 * the local Step Functions: building an SDK v3 client (config resolution, middleware stack) per Task cost more than
 * the call itself. Connections are not kept alive, as before (one per call), so no pooled socket can be closed by the
 * server under a request in flight.
 */
import * as http from 'node:http';

interface Destroyable {
  destroy(): void;
}

export class SdkClientPool {
  private readonly clients = new Map<string, Destroyable>();

  /** The client for `key`, made by `create` on first use (given the request handler options to pass on). */
  get<T extends Destroyable>(key: string, create: (requestHandler: { httpAgent: http.Agent }) => T): T {
    const existing = this.clients.get(key);
    if (existing) return existing as T;
    const client = create({ httpAgent: new http.Agent({ keepAlive: false }) });
    this.clients.set(key, client);
    return client;
  }

  destroyAll(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
