// @ts-check
/**
 * The process behind one local ECS task: a tiny HTTP server standing in for the demo-app container.
 *
 * Plain CommonJS JavaScript on purpose: `node server.js` starts in ~50 ms, where running a .ts entry through tsx costs
 * ~300 ms more per task, and blue/green tests start many tasks. Only Node built-ins, no build step.
 *
 * Started by local/dataplane/task-process.ts with child_process.fork; argv[2] is the JSON config below. It reports
 * `{ type: 'listening', port }` over IPC once it listens, and exits when the IPC channel closes, so a task can never
 * outlive the emulator that started it (even if the parent is SIGKILLed).
 *
 * @typedef {object} TaskServerConfig
 * @property {'healthy' | 'crash-on-start' | 'unhealthy' | 'flapping' | 'production-errors' | 'production-slow'} behaviour
 * @property {string} colour
 * @property {string} commit
 * @property {string} buildTime
 * @property {number} startupWallMs  wall milliseconds to wait before listening (slow start, already scaled)
 * @property {number} [flapWallMs]    flapping: wall milliseconds of each passing and each failing /healthz period
 * @property {number} [errorPercent]  production-errors: percent of production page requests that answer 500
 * @property {number} [latencyWallMs] production-slow: wall milliseconds of every 20th production page request
 * @property {number} [latencySeconds] production-slow: the same delay in emulated seconds (reported, see below)
 * @property {string} templatePath   demo-app/index.html
 * @property {string} host
 */
'use strict';

const fs = require('fs');
const http = require('http');

/** @type {TaskServerConfig} */
const config = JSON.parse(process.argv[2] ?? '{}');

// The parent going away (exit, crash, SIGKILL) closes the IPC channel: stop at once, as the container would.
process.on('disconnect', () => process.exit(0));

if (config.behaviour === 'crash-on-start') {
  console.error(`demo-app: simulated crash on start (colour ${config.colour}, commit ${config.commit})`);
  process.exit(1);
}

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Stamp the page once, as the real build does with sed.
const page = fs
  .readFileSync(config.templatePath, 'utf8')
  .replaceAll('%%COLOUR%%', escapeHtml(config.colour))
  .replaceAll('%%COMMIT%%', escapeHtml(config.commit))
  .replaceAll('%%BUILD_TIME%%', escapeHtml(config.buildTime));
const version = `${config.colour}/${config.commit}`;
/** Wall time the server started listening; flapping periods count from it, passing first. */
let listeningSince = 0;

/** @returns {number} the /healthz status right now */
function healthStatus() {
  if (config.behaviour === 'unhealthy') return 500;
  if (config.behaviour === 'flapping') {
    const period = Math.max(1, config.flapWallMs ?? 0);
    return Math.floor((Date.now() - listeningSince) / period) % 2 === 0 ? 200 : 500;
  }
  return 200;
}

let stopping = false;

/**
 * Set on an answer this server delayed on purpose on the emulated clock: `<emulated seconds>; wall-ms=<wall ms>`.
 * The listener's proxy takes it out (clients never see it) and local CloudWatch counts that part of the answer time
 * in emulated seconds and the rest as wall time, unscaled. Kept in step with local/dataplane/listener/emulated-delay.ts.
 */
const EMULATED_DELAY_HEADER = 'X-Local-Emulated-Delay';

/** The ALB forwards production traffic from listener port 80; health checks and the test listener are not it. */
const PRODUCTION_PORT = '80';
/** Production page requests seen so far; the misbehaving images act on an even share of them. */
let productionRequests = 0;

/**
 * Whether the production request just counted falls in the `percent` share: with a counter, not at random, so
 * exactly `percent` % of every hundred requests do (at 5 %, every 20th).
 * @param {number} percent
 */
function inShare(percent) {
  const n = productionRequests;
  return Math.floor((n * percent) / 100) > Math.floor(((n - 1) * percent) / 100);
}

/**
 * The misbehaviour of this request, if it is a production page request of a misbehaving image.
 * @param {import('http').IncomingMessage} req
 * @returns {{ kind: 'error' } | { kind: 'slow', ms: number, seconds: number } | undefined}
 */
function misbehaviour(req) {
  if (config.behaviour !== 'production-errors' && config.behaviour !== 'production-slow') return undefined;
  if (req.headers['x-forwarded-port'] !== PRODUCTION_PORT) return undefined;
  productionRequests += 1;
  if (config.behaviour === 'production-errors')
    return inShare(config.errorPercent ?? 0) ? { kind: 'error' } : undefined;
  return inShare(5) ? { kind: 'slow', ms: config.latencyWallMs ?? 0, seconds: config.latencySeconds ?? 0 } : undefined;
}

/**
 * @param {import('http').IncomingMessage} req
 * @param {import('http').ServerResponse} res
 */
function servePage(req, res) {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(req.method === 'HEAD' ? undefined : page);
}

const server = http.createServer((req, res) => {
  res.setHeader('X-App-Version', version);
  // While stopping, tell keep-alive clients (the listener's agent) to drop this connection after the response.
  if (stopping) res.setHeader('Connection', 'close');
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    const status = healthStatus();
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(status === 200 ? 'ok\n' : 'unhealthy\n');
  } else if (path === '/' || path === '/index.html') {
    const odd = misbehaviour(req);
    if (odd?.kind === 'error') {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('internal error (production only)\n');
    } else if (odd?.kind === 'slow') {
      res.setHeader(EMULATED_DELAY_HEADER, `${odd.seconds}; wall-ms=${odd.ms}`);
      setTimeout(() => servePage(req, res), odd.ms);
    } else {
      servePage(req, res);
    }
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  }
});
// Longer than the listener's idle timeout, as AWS recommends for targets behind an ALB, so the proxy (not the target)
// closes idle keep-alive connections and never reuses a socket the target is closing.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

process.on('SIGTERM', () => {
  stopping = true;
  // Finish in-flight requests, drop idle keep-alive sockets, then exit 0 like a well-behaved container.
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});

setTimeout(() => {
  server.listen(0, config.host, () => {
    listeningSince = Date.now();
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    process.send?.({ type: 'listening', port });
  });
}, config.startupWallMs);
