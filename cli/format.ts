/** Small text helpers shared by the printer and the commands. */
import type { Undone } from '../contract';

/** 4s, 42s, 1m 05s, 1h 02m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** A time as printed: ISO without milliseconds, and ` emulated` when it is local AWS's emulated clock. */
export function clockTime(iso: string, emulated: boolean): string {
  return `${iso.replace(/\.\d+Z$/, 'Z')}${emulated ? ' emulated' : ''}`;
}

/** Left-aligned columns separated by two spaces, header first. */
export function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The last part of an ARN (task set id, target group name/id, execution name). */
export function shortArn(arn: string | undefined): string {
  if (!arn) return '-';
  const family = /:task-definition\/(.+)$/.exec(arn)?.[1];
  if (family) return family;
  const parts = arn.split(/[:/]/);
  return parts[parts.length - 1] ?? arn;
}

/** What became of a run's changes (contract/results.ts Undone), in words; undefined when there is nothing to say. */
export function describeUndone(undone: Undone): string | undefined {
  switch (undone) {
    case 'not-needed':
      return undefined;
    case 'nothing-changed':
      return 'nothing: no change was made.';
    case 'everything':
      return 'everything this run changed; AWS is as the run found it.';
    case 'partly':
      return 'nothing; part of the work is done, production is unaffected, and running it again finishes it.';
    case 'failed':
      return 'the undo failed too: what this run made may still exist (see above).';
  }
}
