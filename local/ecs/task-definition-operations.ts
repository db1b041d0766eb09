/** RegisterTaskDefinition, DescribeTaskDefinition, DeregisterTaskDefinition and ListTaskDefinitions. */
import { clientError, invalidParameter } from './errors';
import { optionalNumber, optionalString, requiredString, stringList } from './input';
import type { TaskDefinitionRecord } from './model';
import type { OperationContext, OperationHandler } from './operation-context';
import { paginate } from './pagination';
import { taskDefinitionToWire } from './wire';

export const registerTaskDefinition: OperationHandler = ({ store }, input) => {
  const record = store.taskDefinitions.register(input);
  return { taskDefinition: taskDefinitionToWire(record), tags: record.tags };
};

export const describeTaskDefinition: OperationHandler = ({ store }, input) => {
  const record = store.taskDefinitions.resolve(requiredString(input, 'taskDefinition'));
  if (record === undefined) throw clientError('Unable to describe task definition.');
  const withTags = (stringList(input, 'include') ?? []).includes('TAGS');
  return { taskDefinition: taskDefinitionToWire(record), ...(withTags ? { tags: record.tags } : {}) };
};

export const deregisterTaskDefinition: OperationHandler = ({ store }, input) => {
  const record = store.taskDefinitions.deregister(requiredString(input, 'taskDefinition'));
  return { taskDefinition: taskDefinitionToWire(record) };
};

const STATUSES = new Set(['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS']);

/** Whether a live task or a task set of a service that is not INACTIVE still uses the revision. */
function referenced({ store }: OperationContext, record: TaskDefinitionRecord): boolean {
  for (const task of store.tasks.values()) {
    if (task.taskDefinitionArn === record.arn && task.lastStatus !== 'STOPPED') return true;
  }
  for (const service of store.services.values()) {
    if (service.status === 'INACTIVE') continue;
    for (const taskSet of service.taskSets.values()) if (taskSet.taskDefinitionArn === record.arn) return true;
  }
  return false;
}

/**
 * API reference, ListTaskDefinitions: `familyPrefix` is the full family name (not a prefix); `status` ACTIVE by
 * default, INACTIVE revisions are listed "as long as an active task or service still references them"; `sort` ASC
 * lists families lexicographically and revisions in ascending order, DESC reverses both. Local AWS never deletes a
 * task definition, so DELETE_IN_PROGRESS lists nothing.
 */
export const listTaskDefinitions: OperationHandler = (ctx, input) => {
  const family = optionalString(input, 'familyPrefix');
  const status = optionalString(input, 'status') ?? 'ACTIVE';
  if (!STATUSES.has(status)) throw invalidParameter(`Invalid status ${status}.`);
  const sort = optionalString(input, 'sort') ?? 'ASC';
  if (sort !== 'ASC' && sort !== 'DESC') throw invalidParameter(`Invalid sort ${sort}.`);
  const matching = ctx.store.taskDefinitions
    .all()
    .filter((td) => family === undefined || td.family === family)
    .filter((td) => td.status === status && (status !== 'INACTIVE' || referenced(ctx, td)))
    .sort((a, b) => (a.family === b.family ? a.revision - b.revision : a.family < b.family ? -1 : 1));
  if (sort === 'DESC') matching.reverse();
  const arns = matching.map((td) => td.arn);
  return paginate('taskDefinitionArns', arns, optionalNumber(input, 'maxResults'), optionalString(input, 'nextToken'));
};
