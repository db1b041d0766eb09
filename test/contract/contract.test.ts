import * as fs from 'node:fs';
import * as path from 'node:path';
import { ERROR_NAMES, GREEN_DEGRADED, MACHINE_NAMES, MACHINES, machineByName, WATCH_UNAVAILABLE } from '../../contract';

const ROOT = path.resolve(__dirname, '..', '..');
const asl = (name: string): string => fs.readFileSync(path.join(ROOT, 'state-machines', `${name}.asl.json`), 'utf8');

test('every machine the contract names ships an ASL file, and no other ASL file ships', () => {
  const shipped = fs
    .readdirSync(path.join(ROOT, 'state-machines'))
    .filter((file) => file.endsWith('.asl.json'))
    .map((file) => file.replace(/\.asl\.json$/, ''));
  expect([...shipped].sort()).toEqual([...MACHINE_NAMES].sort());
});

test('the error names are exactly the BlueGreen.* errors the machines can fail with', () => {
  const raised = new Set(
    MACHINE_NAMES.flatMap((name) => [...asl(name).matchAll(/"(BlueGreen\.[A-Za-z]+)"/g)].map((m) => m[1])),
  );
  // The green watch's two Task errors are caught inside swap (retried, or turned into GreenUnhealthy*): never an
  // execution's error, so not among ERROR_NAMES.
  const taskOnly = [GREEN_DEGRADED, WATCH_UNAVAILABLE];
  for (const name of taskOnly) expect(raised.has(name)).toBe(true);
  expect([...raised].filter((name) => !taskOnly.includes(name as never)).sort()).toEqual([...ERROR_NAMES].sort());
});

test('names, construct ids, outputs and commands are each unique', () => {
  for (const field of ['name', 'constructId', 'outputKey', 'command'] as const) {
    const values = Object.values(MACHINES).map((m) => m[field]);
    expect(new Set(values).size).toBe(values.length);
  }
  expect(machineByName('clean-up')).toBe('cleanUp');
  expect(machineByName('cleanup')).toBeUndefined();
});
