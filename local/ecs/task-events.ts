/**
 * `ECS Task State Change` events (ECS developer guide, "Amazon ECS task state change events"): one each time a task's
 * lastStatus or desiredStatus changes, its creation included, sent to the event bus local AWS wires in. The detail is
 * the task as DescribeTasks returns it (wire.ts), with the timestamps as ISO strings instead of epoch seconds (as
 * the guide says), plus `updatedAt`, and the ENI attachment's type spelt `eni` as in the guide's example (DescribeTasks
 * says `ElasticNetworkInterface`); `version` is the task's version, so a consumer can drop duplicates.
 */
import { localEvent, type LocalEvent } from '../events/event-bus';
import type { TaskRecord } from './model';
import type { EcsStore } from './store';
import { taskToWire } from './wire';

export const TASK_STATE_CHANGE = 'ECS Task State Change';

const TIMESTAMPS = ['createdAt', 'startedAt', 'stoppingAt', 'stoppedAt'] as const;

/** Emulated milliseconds → the ISO timestamp (with milliseconds) the event's detail carries. */
const iso = (ms: number): string => new Date(Math.round(ms)).toISOString();

export function taskStateChangeEvent(store: EcsStore, task: TaskRecord, now: number): LocalEvent {
  const { tags: _tags, ...wire } = taskToWire(store, task);
  const detail: Record<string, unknown> = { ...wire, updatedAt: iso(now) };
  for (const field of TIMESTAMPS) {
    const ms = task[field];
    if (ms === undefined) delete detail[field];
    else detail[field] = iso(ms);
  }
  if (Array.isArray(detail.attachments)) {
    detail.attachments = (detail.attachments as Array<Record<string, unknown>>).map((attachment) =>
      attachment.type === 'ElasticNetworkInterface' ? { ...attachment, type: 'eni' } : attachment,
    );
  }
  // The event carries only the members that have a value, as JSON without undefined would.
  for (const [field, value] of Object.entries(detail)) if (value === undefined) delete detail[field];
  return localEvent({
    source: 'aws.ecs',
    'detail-type': TASK_STATE_CHANGE,
    account: store.scope.accountId,
    region: store.scope.region,
    resources: [task.arn],
    time: now,
    detail: JSON.parse(JSON.stringify(detail)) as Record<string, unknown>,
  });
}
