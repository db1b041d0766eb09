/** RegisterTaskDefinition, DescribeTaskDefinition and DeregisterTaskDefinition. */
import { clientError } from './errors';
import { requiredString, stringList } from './input';
import type { OperationHandler } from './operation-context';
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
