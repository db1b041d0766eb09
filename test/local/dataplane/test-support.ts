/** Helpers for data plane tests: an in-process HTTP server whose answers the test controls, and polling. */
import http from 'http';

export interface ControlledServer {
  readonly port: number;
  /** Status /healthz (or any path) answers with; change it to flip a target's health. */
  status: number;
  /** Wall ms to wait before answering, to provoke timeouts. */
  delayMs: number;
  /** Extra headers every answer carries. */
  responseHeaders: Record<string, string>;
  readonly requests: string[];
  /** Status of every answer, in order: lets tests count consecutive passes/failures of health checks. */
  readonly answers: number[];
  /** Headers of every request, in order. */
  readonly headers: http.IncomingHttpHeaders[];
  /** TCP connections accepted so far (keep-alive reuse keeps this low). */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startControlledServer(name = 'server'): Promise<ControlledServer> {
  const state = { status: 200, delayMs: 0, responseHeaders: {} as Record<string, string> };
  const requests: string[] = [];
  const answers: number[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    headers.push(req.headers);
    const answer = (): void => {
      answers.push(state.status);
      res.writeHead(state.status, { 'Content-Type': 'text/plain', 'X-Served-By': name, ...state.responseHeaders });
      res.end(name);
    };
    if (state.delayMs > 0) setTimeout(answer, state.delayMs);
    else answer();
  });
  server.on('connection', () => connections++);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    get status() {
      return state.status;
    },
    set status(value: number) {
      state.status = value;
    },
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(value: number) {
      state.delayMs = value;
    },
    get responseHeaders() {
      return state.responseHeaders;
    },
    set responseHeaders(value: Record<string, string>) {
      state.responseHeaders = value;
    },
    requests,
    answers,
    headers,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls `predicate` every few ms until it holds; fails with `what` after `timeoutMs` of wall time. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** True while a process with this pid exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface SimpleResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A GET with its own agent so tests do not share pooled sockets. */
export function get(port: number, path = '/', agent?: http.Agent): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** How many of the last answers in a row had this status. */
export function trailingRun(answers: readonly number[], status: number): number {
  let run = 0;
  for (let i = answers.length - 1; i >= 0 && answers[i] === status; i--) run++;
  return run;
}
