/** TagResource, UntagResource and ListTagsForResource on clusters, services, task sets and task definitions. */
import { AwsError } from '../aws/service';
import { requiredString, stringList, tags as parseTags } from './input';
import type { Tag } from './model';
import type { OperationHandler } from './operation-context';
import type { EcsStore } from './store';

const resourceNotFound = (): AwsError =>
  new AwsError('ResourceNotFoundException', 'The specified resource could not be found.');

/** The record holding the tags of an ECS resource ARN, or undefined if there is none. */
function findTaggable(store: EcsStore, arn: string): { tags: Tag[] } | undefined {
  const resource = /^arn:aws[a-z-]*:ecs:[^:]*:[^:]*:([a-z-]+)\/(.+)$/.exec(arn);
  if (resource === null) throw new AwsError('InvalidParameterException', 'The ARN provided is invalid.');
  const [, type, path = ''] = resource;
  const parts = path.split('/');
  switch (type) {
    case 'cluster':
      return store.clusters.get(path);
    case 'service':
      return store.services.get(`${parts[0]}/${parts[1]}`);
    case 'task-set':
      return store.services.get(`${parts[0]}/${parts[1]}`)?.taskSets.get(parts.slice(2).join('/'));
    case 'task-definition':
      return store.taskDefinitions.resolve(path);
    default:
      return undefined;
  }
}

/** The record holding the tags of an ECS resource ARN, or a ResourceNotFoundException. */
function taggable(store: EcsStore, arn: string): { tags: Tag[] } {
  const found = findTaggable(store, arn);
  if (found === undefined) throw resourceNotFound();
  return found;
}

/** The current tags of an existing cluster, service, task set or task definition; undefined if there is none. */
export function resourceTags(store: EcsStore, arn: string): Readonly<Record<string, string>> | undefined {
  const found = /^arn:aws[a-z-]*:ecs:/.test(arn) ? findTaggable(store, arn) : undefined;
  return found && Object.fromEntries(found.tags.map((t) => [t.key, t.value]));
}

export const tagResource: OperationHandler = ({ store }, input) => {
  const resource = taggable(store, requiredString(input, 'resourceArn'));
  const added = parseTags(input);
  resource.tags = [...resource.tags.filter((t) => !added.some((a) => a.key === t.key)), ...added];
  return {};
};

export const untagResource: OperationHandler = ({ store }, input) => {
  const resource = taggable(store, requiredString(input, 'resourceArn'));
  const removed = new Set(stringList(input, 'tagKeys') ?? []);
  resource.tags = resource.tags.filter((t) => !removed.has(t.key));
  return {};
};

export const listTagsForResource: OperationHandler = ({ store }, input) => ({
  tags: taggable(store, requiredString(input, 'resourceArn')).tags,
});
