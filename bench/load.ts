import { fork } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { LoadSamples, LoadStartMessage } from './load-worker';

export interface LoadHandle {
  /** Stops the load and returns every response and error it recorded. */
  stop(): Promise<LoadSamples>;
}

/**
 * Starts autocannon against `url` in a child process (see load-worker.ts for why) and resolves once it runs; `rate`
 * caps the requests per wall second from all connections (default: as fast as the machine allows).
 */
export async function startLoad(url: string, connections: number, rate?: number): Promise<LoadHandle> {
  const child = fork(path.join(__dirname, 'load-worker.ts'), [], {
    execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const samples = new Promise<LoadSamples>((resolve, reject) => {
    child.on('message', (m: { type: string }) => {
      if (m.type === 'samples') resolve(m as LoadSamples);
    });
    child.on('exit', (code) => reject(new Error(`load worker exited (${String(code)}) before sending samples`)));
    child.on('error', reject);
  });
  samples.catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: { type: string }): void => {
      if (m.type === 'started') {
        child.off('message', onMessage);
        resolve();
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`load worker exited (${String(code)}) while starting`)));
    const start: LoadStartMessage = { type: 'start', url, connections, ...(rate !== undefined && { rate }) };
    child.send(start);
  });
  return {
    stop: () => {
      child.send({ type: 'stop' });
      return samples;
    },
  };
}
