/**
 * Forwards one client request to one target over a shared keep-alive agent, as an ALB node does: hop-by-hop headers
 * are dropped, X-Forwarded-* are added, and a target that cannot be reached gives 502. A target's
 * X-Local-Emulated-Delay (emulated-delay.ts) is taken out of its answer and passed to `observe` for the metrics.
 */
import http from 'http';
import { sendAlbError } from './alb-responses';
import { takeEmulatedDelay } from './emulated-delay';
import type { RouteTarget, TargetEmulatedDelay } from '../types';

/** RFC 9110 hop-by-hop headers: they describe one connection and must not be forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface ProxyContext {
  readonly agent: http.Agent;
  /** The listener's port, for X-Forwarded-Port. */
  readonly listenerPort: number;
  /**
   * Told once what answered: the target (with the wall time to its response headers and any emulated delay it
   * declared) or the ALB itself (502).
   */
  readonly observe?: (outcome: {
    readonly statusCode: number;
    readonly from: 'target' | 'elb';
    readonly targetResponseWallMs?: number;
    readonly targetEmulatedDelay?: TargetEmulatedDelay;
  }) => void;
}

export function proxyRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  target: RouteTarget,
  context: ProxyContext,
): void {
  const headers = forwardedRequestHeaders(req, context.listenerPort);
  // A bodiless request can be replayed safely if a pooled keep-alive socket turns out to be closed by the target
  // (a task being stopped): without this, every blue/green switch would show a few 502s under load.
  const replayable = (req.method === 'GET' || req.method === 'HEAD') && !hasBody(req);

  const sentAt = performance.now();
  const attempt = (isRetry: boolean): void => {
    const upstream = http.request({
      host: target.host,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
      agent: context.agent,
    });
    upstream.on('response', (upstreamRes) => {
      const targetResponseWallMs = performance.now() - sentAt;
      const responseHeaders = withoutHopByHop(upstreamRes.headers);
      // The target's report of its emulated wait is for the metrics only: the client never sees it.
      const targetEmulatedDelay = takeEmulatedDelay(responseHeaders);
      context.observe?.({
        statusCode: upstreamRes.statusCode ?? 502,
        from: 'target',
        targetResponseWallMs,
        ...(targetEmulatedDelay !== undefined && { targetEmulatedDelay }),
      });
      res.writeHead(upstreamRes.statusCode ?? 502, responseHeaders);
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => res.destroy());
    });
    upstream.on('error', () => {
      if (!isRetry && replayable && upstream.reusedSocket && !res.headersSent) {
        attempt(true);
      } else if (!res.headersSent) {
        sendAlbError(res, 502);
        context.observe?.({ statusCode: 502, from: 'elb' });
      } else {
        res.destroy();
      }
    });
    // The client went away before the answer was complete: stop the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (replayable) {
      upstream.end();
    } else {
      req.pipe(upstream);
    }
  };
  attempt(false);
}

function forwardedRequestHeaders(req: http.IncomingMessage, listenerPort: number): http.OutgoingHttpHeaders {
  const headers = withoutHopByHop(req.headers);
  const clientIp = req.socket.remoteAddress ?? '';
  const priorFor = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = priorFor === undefined ? clientIp : `${String(priorFor)}, ${clientIp}`;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(listenerPort);
  return headers;
}

function withoutHopByHop(source: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const listed = new Set(
    String(source.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ''),
  );
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !listed.has(name)) headers[name] = value;
  }
  return headers;
}

function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
