/**
 * Load generator child process: autocannon against one URL until the parent says stop, recording every response
 * (completion time, latency, status, X-App-Version) and every request error. It runs in its own process so that the
 * load generator does not share an event loop with local AWS, whose listeners proxy the very requests it measures.
 */
import autocannon from 'autocannon';
import type { IncomingHttpHeaders } from 'http';

export interface LoadStartMessage {
  readonly type: 'start';
  readonly url: string;
  readonly connections: number;
  /** Requests per wall second from all connections together (autocannon's overallRate). @default as fast as possible */
  readonly rate?: number;
}
export interface LoadStopMessage {
  readonly type: 'stop';
}
export interface LoadSamples {
  readonly type: 'samples';
  /** Wall ms (Date.now) when each response completed. */
  readonly end: Float64Array;
  /** Latency in ms as autocannon measured it. */
  readonly latency: Float64Array;
  readonly status: Uint16Array;
  /** Index into `versions` of the X-App-Version header ('' when absent). */
  readonly version: Uint16Array;
  readonly versions: string[];
  /** Wall ms of each request error (connection refused/reset, timeout). */
  readonly errorTimes: number[];
  readonly errorMessages: string[];
}

function start(message: LoadStartMessage): void {
  const cap = 4_000_000;
  const end = new Float64Array(cap);
  const latency = new Float64Array(cap);
  const status = new Uint16Array(cap);
  const version = new Uint16Array(cap);
  const versions: string[] = [''];
  const versionIndex = new Map<string, number>([['', 0]]);
  const errorTimes: number[] = [];
  const errorMessages: string[] = [];
  let n = 0;
  // autocannon calls a request's onResponse synchronously right before it emits 'response' for the same client.
  let lastVersion = 0;
  const instance = autocannon(
    {
      url: message.url,
      connections: message.connections,
      ...(message.rate !== undefined && { overallRate: message.rate }),
      duration: 3600,
      timeout: 10,
      requests: [
        {
          method: 'GET',
          path: '/',
          onResponse: (_status: number, _body: string, _context: object, headers: IncomingHttpHeaders | undefined) => {
            const raw = headers?.['x-app-version'] ?? headers?.['X-App-Version' as 'x-app-version'];
            const v = Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? '');
            let i = versionIndex.get(v);
            if (i === undefined) {
              i = versions.length;
              versions.push(v);
              versionIndex.set(v, i);
            }
            lastVersion = i;
          },
        },
      ],
    },
    // With a callback autocannon returns its instance (events, stop) instead of a promise.
    () => undefined,
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (n < cap) {
      end[n] = Date.now();
      latency[n] = responseTime;
      status[n] = statusCode;
      version[n] = lastVersion;
      n++;
    }
    lastVersion = 0;
  });
  instance.on('reqError', (error: Error) => {
    errorTimes.push(Date.now());
    if (errorMessages.length < 20) errorMessages.push(error.message);
  });
  process.on('message', (m: LoadStopMessage) => {
    if (m.type !== 'stop') return;
    instance.stop();
    const samples: LoadSamples = {
      type: 'samples',
      end: end.slice(0, n),
      latency: latency.slice(0, n),
      status: status.slice(0, n),
      version: version.slice(0, n),
      versions,
      errorTimes,
      errorMessages,
    };
    process.send?.(samples, () => process.exit(0));
  });
  process.send?.({ type: 'started' });
}

process.on('message', (m: LoadStartMessage) => {
  if (m.type === 'start') start(m);
});
