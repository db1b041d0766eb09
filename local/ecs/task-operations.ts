/** ListTasks and DescribeTasks. Stopped tasks stay describable, as on AWS (for a while there). */
import { shortName, taskArn } from './arns';
import { invalidParameter } from './errors';
import { optionalNumber, optionalString, stringList } from './input';
import type { OperationHandler } from './operation-context';
import { paginate } from './pagination';
import { taskToWire } from './wire';

/**
 * ListTasks. `startedBy` must be the only filter besides the desired status: AWS answers "cannot specify startedBy
 * with other arguments" (InvalidParameterException) to startedBy with family, serviceName, launchType or
 * containerInstance (the API reference: "When you specify startedBy as the filter, it must be the only filter that
 * you use"; the message as reported in aws/aws-sdk-go-v2#1893). Stopped tasks are listed with `desiredStatus`
 * STOPPED for an hour after they stopped (the scheduler forgets them then). Fargate tasks have no container
 * instance, so a `containerInstance` filter lists nothing.
 */
export const listTasks: OperationHandler = ({ store }, input) => {
  const cluster = store.cluster(optionalString(input, 'cluster'));
  const serviceName = optionalString(input, 'serviceName');
  const startedBy = optionalString(input, 'startedBy');
  const family = optionalString(input, 'family');
  const launchType = optionalString(input, 'launchType');
  const containerInstance = optionalString(input, 'containerInstance');
  if (
    startedBy !== undefined &&
    [serviceName, family, launchType, containerInstance].some((filter) => filter !== undefined)
  ) {
    throw invalidParameter('cannot specify startedBy with other arguments');
  }
  if (serviceName !== undefined) store.service(cluster, serviceName);
  const desiredStatus = optionalString(input, 'desiredStatus') ?? 'RUNNING';
  const taskArns = [...store.tasks.values()]
    .filter((t) => t.clusterName === cluster.name)
    .filter(() => containerInstance === undefined)
    .filter((t) => serviceName === undefined || t.serviceName === shortName(serviceName))
    .filter((t) => startedBy === undefined || t.taskSetId === startedBy)
    .filter((t) => family === undefined || shortName(t.taskDefinitionArn).split(':')[0] === family)
    .filter((t) => launchType === undefined || t.launchType === launchType)
    .filter((t) => t.desiredStatus === desiredStatus)
    .map((t) => t.arn);
  return paginate('taskArns', taskArns, optionalNumber(input, 'maxResults'), optionalString(input, 'nextToken'));
};

export const describeTasks: OperationHandler = ({ store }, input) => {
  const cluster = store.cluster(optionalString(input, 'cluster'));
  const requested = stringList(input, 'tasks') ?? [];
  if (requested.length === 0) throw invalidParameter('Tasks cannot be empty.');
  if (requested.length > 100) throw invalidParameter('Tasks cannot have more than 100 elements.');
  const tasks: unknown[] = [];
  const failures: unknown[] = [];
  for (const ref of requested) {
    const task = store.tasks.get(shortName(ref));
    if (task === undefined || task.clusterName !== cluster.name) {
      failures.push({ arn: ref.startsWith('arn:') ? ref : taskArn(store.scope, cluster.name, ref), reason: 'MISSING' });
    } else {
      tasks.push(taskToWire(store, task));
    }
  }
  return { tasks, failures };
};

/** The stoppedReason of a task StopTask stopped without a reason (unverified: the API reference gives none). */
export const STOPPED_BY_USER = 'Task stopped by user';

/**
 * StopTask: the task's desired status turns STOPPED at once (stopCode `UserInitiated`, stoppedReason the given
 * `reason`, "Up to 255 characters are allowed in this message"), and it stops as the scheduler's tasks do
 * (deregistration, then SIGTERM). A task of a task set is then replaced by the service scheduler. Stopping a stopped
 * task returns it unchanged. An unknown task is InvalidParameterException "The referenced task was not found.".
 */
export const stopTask: OperationHandler = ({ store, scheduler }, input) => {
  const cluster = store.cluster(optionalString(input, 'cluster'));
  const ref = optionalString(input, 'task');
  if (ref === undefined || ref === '') throw invalidParameter('task can not be blank.');
  const reason = optionalString(input, 'reason');
  if (reason !== undefined && reason.length > 255) {
    throw invalidParameter('Reason cannot be longer than 255 characters.');
  }
  const task = store.tasks.get(shortName(ref));
  if (task === undefined || task.clusterName !== cluster.name) {
    throw invalidParameter('The referenced task was not found.');
  }
  scheduler.stopTask(task, reason ?? STOPPED_BY_USER, 'UserInitiated');
  const response = { task: taskToWire(store, task) };
  scheduler.reconcileAll();
  return response;
};
