/**
 * One ALB listener as a real HTTP server on 127.0.0.1: every request asks `route` what the rules say right now, then
 * gets the fixed response or is proxied to a target (weighted group, round robin, fail-open; 503 with no target).
 */
import http from 'http';
import { sendAlbError, sendFixedResponse } from './listener/alb-responses';
import { proxyRequest } from './listener/proxy';
import { TargetPicker } from './listener/target-picker';
import {
  PortInUseError,
  type ListenerOptions,
  type ListenerRequestOutcome,
  type ListenerServer,
  type RouteDecision,
} from './types';

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT_OPTION = '--port';
/** ALB's default idle timeout: how long a client's keep-alive connection may stay idle. */
const ALB_IDLE_TIMEOUT_MS = 60_000;

export interface LocalListenerOptions extends ListenerOptions {
  /** Picks target groups by weight; injectable so tests are deterministic. Defaults to Math.random. */
  readonly random?: () => number;
}

export async function startListener(options: LocalListenerOptions): Promise<ListenerServer> {
  const host = options.host ?? DEFAULT_HOST;
  // Keep-alive to the targets: load tests run 50+ concurrent connections, and a new TCP connection per request would
  // dominate the latency. LIFO reuses the warmest sockets, so fewer sit idle long enough to go stale.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256, scheduling: 'lifo' });
  const picker = new TargetPicker(options.random);
  let listenerPort = options.port;

  const report = (outcome: Omit<ListenerRequestOutcome, 'listenerId'>): void => {
    if (!options.onRequest) return;
    try {
      options.onRequest({ ...(options.id !== undefined && { listenerId: options.id }), ...outcome });
    } catch (error) {
      process.emitWarning(`Listener on port ${listenerPort}: request observer failed: ${String(error)}`);
    }
  };

  const server = http.createServer((req, res) => {
    let decision: RouteDecision;
    try {
      decision = options.route({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers });
    } catch (error) {
      process.emitWarning(`Listener on port ${listenerPort}: routing failed: ${String(error)}`);
      sendAlbError(res, 500);
      report({ statusCode: 500, from: 'elb' });
      return;
    }
    if (decision.kind === 'fixed') {
      sendFixedResponse(res, decision);
      report({ statusCode: decision.statusCode, from: 'elb' });
      return;
    }
    const picked = picker.pickWithGroup(decision.groups);
    if (picked === undefined) {
      sendAlbError(res, 503);
      report({ statusCode: 503, from: 'elb' });
      return;
    }
    const groupId = picked.groupId;
    proxyRequest(req, res, picked.target, {
      agent,
      listenerPort: options.forwardedPort ?? listenerPort,
      ...(options.onRequest && {
        observe: (outcome) => report({ ...(groupId !== undefined && { groupId }), ...outcome }),
      }),
    });
  });
  server.keepAliveTimeout = ALB_IDLE_TIMEOUT_MS;
  server.headersTimeout = ALB_IDLE_TIMEOUT_MS + 1_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      agent.destroy();
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(options.port, options.portOption ?? DEFAULT_PORT_OPTION)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(options.port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  listenerPort = typeof address === 'object' && address !== null ? address.port : options.port;

  let closing: Promise<void> | undefined;
  return {
    port: listenerPort,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive clients would hold the server open until they idle out; a deleted listener drops them now.
        server.closeAllConnections();
        agent.destroy();
      });
      return closing;
    },
  };
}
