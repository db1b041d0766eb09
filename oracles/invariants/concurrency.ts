/**
 * The oracle for two operations on one service at once (double-clicks, clean-up while rollback runs, …): at most one
 * of them changes anything at a time. Precisely, for two executions A and B that both ended:
 *
 * - neither was aborted or timed out, and a failure names a BlueGreen or service error;
 * - if both changed something (any ECS or ELBv2 call that is not a read; the lease table is the lock itself and does
 *   not count), their changes do not interleave and the later one *asked for the lease* (its last AcquireLease or
 *   TakeOverLease, the attempt that got it) only
 *   after the earlier one's last change: a second operation that asked while the first was still changing things
 *   must fail fast instead. (Not "started": every machine first checks its input, which reads nothing of the
 *   service, so a second operation started during the first may find the lease already given back, and then acts
 *   on what the first left, after it.)
 * - an execution refused with `BlueGreen.OperationInProgress` changed nothing and names the holder (the other
 *   execution, by its name).
 *
 * Changes are read from each execution's own history (TaskScheduled of a changing action, and the event that ended
 * that attempt), so two executions of the same state machine (same role) are told apart. An attempt the service
 * refused with a 4xx (the old lock's CreateRule answered PriorityInUse, say) changed nothing and does not count.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionResult } from '../../harness/demo/executions';

export interface Change {
  /** `aws-sdk:ecs createTaskSet`. */
  readonly call: string;
  /** Emulated epoch ms. */
  readonly startMs: number;
  readonly endMs: number;
}

const CHANGING = /^(create|delete|modify|update|register|deregister|set|add|remove|put|tag|untag|start|stop)/i;

/** Task errors after which the call may still have been applied (unmodeled or server-side errors, timeouts). */
const MAY_HAVE_APPLIED =
  /^(Ecs\.(EcsException|ServerException)|ElasticLoadBalancingV2\.ElasticLoadBalancingV2Exception|States\.(Timeout|TaskFailed|ALL))$/;

const time = (event: HistoryEvent): number => (event.timestamp instanceof Date ? event.timestamp.getTime() : 0);

/** The calls of an execution that change the service's resources (ECS, ELBv2), with when each attempt ran. */
export function changesOf(history: readonly HistoryEvent[]): Change[] {
  const changes: Change[] = [];
  let pending: { call: string; startMs: number } | undefined;
  for (const event of history) {
    const scheduled = event.taskScheduledEventDetails;
    if (event.type === 'TaskScheduled' && scheduled) {
      const type = scheduled.resourceType ?? '';
      const isServiceCall = /^aws-sdk:(ecs|elasticloadbalancing)/.test(type);
      pending =
        isServiceCall && CHANGING.test(scheduled.resource ?? '')
          ? { call: `${type} ${scheduled.resource}`, startMs: time(event) }
          : undefined;
    }
    if (pending && /^Task(Succeeded|Failed|TimedOut)$/.test(event.type ?? '')) {
      // An attempt the service refused (a 4xx such as PriorityInUse or TargetGroupNotFound) changed nothing; one that
      // failed with a 5xx, a throttling code or a timeout may have been applied (a lost answer), so it counts.
      const error = event.taskFailedEventDetails?.error ?? '';
      if (event.type !== 'TaskFailed' || MAY_HAVE_APPLIED.test(error)) changes.push({ ...pending, endMs: time(event) });
      pending = undefined;
    }
  }
  // An attempt cut short by a stop still counts from when it was scheduled.
  if (pending) changes.push({ ...pending, endMs: Number.POSITIVE_INFINITY });
  return changes;
}

export interface TimedResult {
  readonly label: string;
  readonly result: ExecutionResult;
  /** Emulated epoch ms of the start and the end (from the history). */
  readonly startMs: number;
  readonly endMs: number;
  /**
   * Emulated epoch ms it last asked for the lease (entered AcquireLease or TakeOverLease): the attempt that got it, if
   * it did (a first attempt may meet the holder and find it gone on the re-read, then ask again). The start if it
   * never asked.
   */
  readonly leaseAskedMs: number;
}

export function timed(label: string, result: ExecutionResult): TimedResult {
  const times = result.history.map(time).filter((t) => t > 0);
  const startMs = times.length > 0 ? Math.min(...times) : 0;
  const asked = result.history.filter((event) =>
    ['AcquireLease', 'TakeOverLease'].includes(event.stateEnteredEventDetails?.name ?? ''),
  );
  return {
    label,
    result,
    startMs,
    endMs: times.length > 0 ? Math.max(...times) : 0,
    leaseAskedMs: asked.length > 0 ? Math.max(...asked.map(time)) : startMs,
  };
}

const ERROR_NAME = /^(BlueGreen|Ecs|ElasticLoadBalancingV2|States)\.[A-Za-z0-9]+$/;

/** Problems of a pair in words (empty = the oracle holds). */
export function pairProblems(a: TimedResult, b: TimedResult): string[] {
  const problems: string[] = [];
  const changes = new Map([a, b].map((x) => [x, changesOf(x.result.history)]));
  for (const x of [a, b]) {
    const { status, error } = x.result;
    if (status !== 'SUCCEEDED' && status !== 'FAILED') problems.push(`${x.label} ended ${status}`);
    if (status === 'FAILED' && !ERROR_NAME.test(error ?? '')) {
      problems.push(`${x.label} failed with ${JSON.stringify(error)}, which names no service`);
    }
    if (error === 'BlueGreen.OperationInProgress') {
      const other = x === a ? b : a;
      const otherName = other.result.executionArn.split(':').pop() ?? '?';
      if ((changes.get(x) ?? []).length > 0) {
        problems.push(`${x.label} failed with OperationInProgress after changing things: ${calls(changes.get(x))}`);
      }
      if (!(x.result.cause ?? '').includes(otherName)) {
        problems.push(`${x.label}'s OperationInProgress does not name the holder ${otherName}: ${x.result.cause}`);
      }
    }
  }
  const ca = changes.get(a) ?? [];
  const cb = changes.get(b) ?? [];
  if (ca.length > 0 && cb.length > 0) {
    const [first, second] = (ca[0]?.startMs ?? 0) <= (cb[0]?.startMs ?? 0) ? [a, b] : [b, a];
    const firstChanges = changes.get(first) ?? [];
    const secondChanges = changes.get(second) ?? [];
    const firstDone = Math.max(...firstChanges.map((c) => c.endMs));
    const secondBegins = Math.min(...secondChanges.map((c) => c.startMs));
    if (secondBegins < firstDone) {
      problems.push(
        `both changed things at the same time: ${first.label} (${calls(firstChanges)}) and ${second.label} ` +
          `(${calls(secondChanges)}) interleave`,
      );
    } else if (second.leaseAskedMs < firstDone) {
      problems.push(
        `${second.label} asked for the lease while ${first.label} was still changing things, and changed things too ` +
          `(${calls(secondChanges)}) instead of failing fast`,
      );
    }
  }
  return problems;
}

function calls(changes: readonly Change[] | undefined): string {
  return (changes ?? []).map((c) => c.call.replace(/^aws-sdk:/, '')).join(', ');
}
