/**
 * `npm start` checks its ports before the synth (about half a minute), so a taken port fails at once, naming the port
 * and the option that changes it, instead of after the synth. Local AWS binds the same ports again right after; a
 * port taken in between still fails there, with the same error.
 */
import { createServer } from 'node:net';
import { PortInUseError } from '../local/dataplane/types';

/** Rejects with PortInUseError for the first of `ports` (0 = any free port, not checked) that 127.0.0.1 cannot bind. */
export async function assertPortsFree(
  ports: ReadonlyArray<{ readonly port: number; readonly option: string }>,
): Promise<void> {
  for (const { port, option } of ports) {
    if (port === 0) continue;
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, option) : error),
      );
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve()));
    });
  }
}
