/** AddTags and DescribeTags on load balancers, listeners, rules and target groups, and tags for local IAM. */
import { AwsError } from '../aws/service';
import { ruleNotFound, validation } from './errors';
import { list, strings, type WireTag } from './input';
import type { OperationHandler } from './operation-context';
import type { Elbv2Store } from './store';

/** The resource an ARN names must exist; the error is the one its own lookups throw. */
function checkTaggable(store: Elbv2Store, arn: string): void {
  if (arn.includes(':loadbalancer/')) store.loadBalancer(arn);
  else if (arn.includes(':listener/')) store.listener(arn);
  else if (arn.includes(':listener-rule/')) {
    if (!store.rules.has(arn)) throw ruleNotFound();
  } else if (arn.includes(':targetgroup/')) store.targetGroup(arn);
  else throw validation(`'${arn}' is not a valid Elastic Load Balancing resource ARN`);
}

export const addTags: OperationHandler = ({ store }, input) => {
  const resourceArns = strings(input['ResourceArns']);
  const tags = list<WireTag>(input['Tags']);
  const keys = tags.map((t) => t.Key);
  if (new Set(keys).size !== keys.length) throw new AwsError('DuplicateTagKeys', 'Tag keys must be unique');
  resourceArns.forEach((arn) => checkTaggable(store, arn));
  resourceArns.forEach((arn) => store.setTags(arn, tags));
  return {};
};

export const describeTags: OperationHandler = ({ store }, input) => {
  const resourceArns = strings(input['ResourceArns']);
  resourceArns.forEach((arn) => checkTaggable(store, arn));
  return {
    TagDescriptions: resourceArns.map((arn) => ({
      ResourceArn: arn,
      Tags: [...(store.tags.get(arn) ?? new Map<string, string>())].map(([Key, Value]) => ({ Key, Value })),
    })),
  };
};

/** The current tags of an existing load balancer, listener, rule or target group; undefined if there is none. */
export function resourceTags(store: Elbv2Store, arn: string): Readonly<Record<string, string>> | undefined {
  const exists =
    store.loadBalancers.has(arn) || store.listeners.has(arn) || store.rules.has(arn) || store.targetGroups.has(arn);
  return exists ? Object.fromEntries(store.tags.get(arn) ?? []) : undefined;
}
