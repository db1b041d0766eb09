import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import * as path from 'node:path';
import { PortInUseError } from '../../local/dataplane/types';
import { assertPortsFree } from '../../harness/ports';

let taken: Server;
let takenPort: number;
beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen({ port: 0, host: '127.0.0.1' }, resolve));
  takenPort = (taken.address() as { port: number }).port;
});
afterAll(async () => new Promise<void>((resolve) => taken.close(() => resolve())));

test('a taken port is named with the option that changes it; 0 (any free port) is not checked', async () => {
  await expect(
    assertPortsFree([
      { port: 0, option: '--port' },
      { port: takenPort, option: '--test-port' },
    ]),
  ).rejects.toEqual(new PortInUseError(takenPort, '--test-port'));
  await expect(assertPortsFree([{ port: 0, option: '--port' }])).resolves.toBeUndefined();
});

test('npm start fails on a taken port before it synthesizes the stack', () => {
  const root = path.resolve(__dirname, '../..');
  const run = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/tsx/dist/cli.mjs'),
      'harness/main.ts',
      '--port',
      '0',
      '--prod-port',
      String(takenPort),
    ],
    { cwd: root, encoding: 'utf8', timeout: 120_000 },
  );
  expect(run.status).toBe(1);
  expect(run.stdout).not.toMatch(/Synthesizing/);
  expect(run.stderr).toContain(`Port ${takenPort} on 127.0.0.1 is already in use`);
  expect(run.stderr).toContain('--prod-port');
}, 130_000);
