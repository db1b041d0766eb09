/**
 * Runs the tty printer with the real ora spinner on a fake terminal (a Writable with isTTY) in a process of its
 * own: jest cannot load ora, an ES module. Polls a recorded history in a few steps with real pauses (the spinner
 * animates meanwhile), closes the printer and prints what the terminal received as JSON. It never calls
 * process.exit: the process ends only if nothing (no spinner timer) is left running.
 * Usage: node --require tsx/cjs live-view-harness.ts COLUMNS
 */
import { Writable } from 'node:stream';
import { createPrinter } from '../../cli/printer';
import { buildProgress, logEntries } from '../../cli/progress';
import { recordedHistory } from './history-fixtures';

const columns = Number(process.argv[2] ?? '80');
let output = '';
const terminal = Object.assign(
  new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      output += chunk.toString();
      done();
    },
  }),
  { isTTY: true, columns },
);

async function main(): Promise<void> {
  const history = recordedHistory('deploy-green-succeeded');
  const printer = createPrinter('tty', terminal);
  printer.started({
    machine: 'deploy-green',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:DeployGreen:harness',
    resumed: false,
  });
  let seen = 0;
  let beforeEnd = '';
  const polls = 4;
  for (let i = 1; i <= polls; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    // The last poll sees the end; the one before it, everything else.
    const part = i === polls ? history : history.slice(0, Math.ceil((history.length * i) / polls) - 1);
    if (i === polls) beforeEnd = output;
    const fresh = logEntries(part).filter((e) => e.id > seen);
    seen = Math.max(seen, ...fresh.map((e) => e.id));
    const newest = part[part.length - 1]?.timestamp ?? new Date();
    printer.update(buildProgress('deploy-green', part, newest), fresh);
  }
  printer.close();
  setImmediate(() => {
    const timers = process.getActiveResourcesInfo().filter((r) => r === 'Timeout');
    process.stdout.write(JSON.stringify({ output, beforeEnd, timers }));
  });
}

void main();
