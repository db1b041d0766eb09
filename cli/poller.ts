/**
 * Follows one execution through the public API: DescribeExecution for the status, GetExecutionHistory (every page)
 * for the events. Each poll hands the new events and the rebuilt progress to `onUpdate`; it stops when the execution
 * ends, when `timeoutMs` passes (the execution keeps running) or when `signal` aborts (Ctrl-C; likewise).
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { Hints } from './hints';
import type { MachineKind } from './machines';
import { buildProgress, logEntries, type LogEntry, type Progress } from './progress';

export interface FollowOptions {
  readonly machine: MachineKind | undefined;
  readonly pollMs: number;
  /** Stop following after this many ms (undefined: until the end). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly onUpdate: (progress: Progress, newEntries: readonly LogEntry[]) => void;
  /**
   * The service's timestamps are on another clock than this machine's (local AWS's emulated one): elapsed times
   * then come from the history alone, never from the wall clock minus an emulated start.
   */
  readonly emulatedClock?: boolean;
  /** How the next commands are printed (hints.ts); plain `bluegreen …` by default. */
  readonly hints?: Hints;
}

export type FollowOutcome =
  | { readonly kind: 'ended'; readonly progress: Progress }
  | { readonly kind: 'timeout' | 'interrupted'; readonly progress: Progress };

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function fetchHistory(
  sfn: SFNClient,
  executionArn: string,
  signal?: AbortSignal,
): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData: true }),
      { abortSignal: signal },
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export async function followExecution(
  sfn: SFNClient,
  executionArn: string,
  options: FollowOptions,
): Promise<FollowOutcome> {
  const now = options.now ?? (() => new Date());
  const wait = options.sleep ?? sleep;
  const deadline = options.timeoutMs === undefined ? undefined : now().getTime() + options.timeoutMs;
  let lastId = 0;
  const build = (history: readonly HistoryEvent[], described?: Parameters<typeof buildProgress>[3]): Progress =>
    buildProgress(options.machine, history, options.emulatedClock ? undefined : now(), described, options.hints);
  let progress = build([]);
  let endedPolls = 0;
  for (;;) {
    if (options.signal?.aborted) return { kind: 'interrupted', progress };
    let described;
    let history: HistoryEvent[];
    try {
      described = await sfn.send(new DescribeExecutionCommand({ executionArn }), { abortSignal: options.signal });
      history = await fetchHistory(sfn, executionArn, options.signal);
    } catch (error) {
      if (options.signal?.aborted) return { kind: 'interrupted', progress };
      throw error;
    }
    // The history can lag DescribeExecution by a moment: finish only once the end event is in it too.
    const ended =
      described.status !== 'RUNNING' &&
      history.some((e) => /^Execution(Succeeded|Failed|TimedOut|Aborted)$/.test(e.type ?? ''));
    progress = build(history, ended ? described : { startDate: described.startDate, input: described.input });
    const fresh = logEntries(history).filter((e) => e.id > lastId);
    lastId = Math.max(lastId, ...fresh.map((e) => e.id));
    options.onUpdate(progress, fresh);
    if (described.status !== 'RUNNING') endedPolls += 1;
    if (ended || endedPolls >= 3) {
      return { kind: 'ended', progress: build(history, described) };
    }
    if (deadline !== undefined && now().getTime() >= deadline) return { kind: 'timeout', progress };
    const remaining = deadline === undefined ? options.pollMs : Math.min(options.pollMs, deadline - now().getTime());
    await wait(Math.max(0, remaining), options.signal);
  }
}
