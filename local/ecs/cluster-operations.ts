/** CreateCluster, DescribeClusters and ListClusters. */
import { clusterArn, shortName } from './arns';
import { checkAssociated, FARGATE_PROVIDERS, parseStrategy } from './capacity-providers';
import { clientError, invalidParameter } from './errors';
import { optionalNumber, optionalString, stringList, tags } from './input';
import type { OperationHandler } from './operation-context';
import { paginate } from './pagination';
import { DEFAULT_CLUSTER } from './store';
import { clusterToWire } from './wire';

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** Idempotent: creating an existing cluster returns it, as AWS does. */
export const createCluster: OperationHandler = ({ store }, input) => {
  const name = optionalString(input, 'clusterName') ?? DEFAULT_CLUSTER;
  if (!CLUSTER_NAME.test(name)) {
    throw invalidParameter('Cluster name can have up to 255 letters, numbers, hyphens and underscores.');
  }
  let cluster = store.clusters.get(name);
  if (cluster === undefined) {
    const capacityProviders = stringList(input, 'capacityProviders') ?? [];
    if (capacityProviders.some((provider) => !FARGATE_PROVIDERS.has(provider))) {
      // Local AWS has no CreateCapacityProvider: only the Fargate providers exist.
      throw invalidParameter(
        'The specified capacity provider was not found. Specify a valid capacity provider and try again.',
      );
    }
    cluster = {
      name,
      arn: clusterArn(store.scope, name),
      createdAt: store.now(),
      tags: tags(input),
      capacityProviders,
      defaultCapacityProviderStrategy: parseStrategy(input, 'defaultCapacityProviderStrategy') ?? [],
    };
    checkAssociated(cluster, cluster.defaultCapacityProviderStrategy);
    store.clusters.set(name, cluster);
  }
  return { cluster: clusterToWire(store, cluster) };
};

export const describeClusters: OperationHandler = ({ store }, input) => {
  const requested = stringList(input, 'clusters') ?? [DEFAULT_CLUSTER];
  if (requested.length > 100) throw clientError('Clusters cannot have more than 100 elements.');
  const clusters: unknown[] = [];
  const failures: unknown[] = [];
  for (const ref of requested) {
    const cluster = store.clusters.get(shortName(ref));
    if (cluster === undefined) failures.push({ arn: clusterArn(store.scope, shortName(ref)), reason: 'MISSING' });
    else clusters.push(clusterToWire(store, cluster));
  }
  return { clusters, failures };
};

/** The cluster ARNs, in creation order, paged (maxResults 1-100, nextToken). */
export const listClusters: OperationHandler = ({ store }, input) => {
  const arns = [...store.clusters.values()].map((c) => c.arn);
  return paginate('clusterArns', arns, optionalNumber(input, 'maxResults'), optionalString(input, 'nextToken'));
};
