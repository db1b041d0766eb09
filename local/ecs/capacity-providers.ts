/**
 * Capacity provider strategies (CreateCluster's default strategy, CreateTaskSet's strategy). Local AWS has no
 * CreateCapacityProvider, so the Fargate providers, which "are available to all accounts and only need to be
 * associated with a cluster" (API reference, CapacityProviderStrategyItem), are the only ones a cluster can have.
 */
import { invalidParameter } from './errors';
import { type Input, optionalArray, optionalNumber, requiredString } from './input';
import type { CapacityProviderStrategyItem, ClusterRecord } from './model';

export const FARGATE_PROVIDERS: ReadonlySet<string> = new Set(['FARGATE', 'FARGATE_SPOT']);

/** AWS's InvalidParameterException for a strategy naming a provider the cluster does not have (RunTask, CreateService). */
export const notAssociated = (): Error =>
  invalidParameter(
    'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
  );

export function parseStrategy(input: Input, member: string): CapacityProviderStrategyItem[] | undefined {
  const list = optionalArray(input, member);
  if (list === undefined) return undefined;
  return list.map((item) => {
    const entry = (item ?? {}) as Input;
    const capacityProvider = requiredString(entry, 'capacityProvider');
    const weight = optionalNumber(entry, 'weight') ?? 0;
    const base = optionalNumber(entry, 'base') ?? 0;
    // The API reference's ranges: weight 0-1000, base 0-100000.
    if (!Number.isInteger(weight) || weight < 0 || weight > 1000) {
      throw invalidParameter('The capacity provider strategy weight must be between 0 and 1000.');
    }
    if (!Number.isInteger(base) || base < 0 || base > 100000) {
      throw invalidParameter('The capacity provider strategy base must be between 0 and 100000.');
    }
    return { capacityProvider, weight, base };
  });
}

/** Every provider of the strategy must be associated with the cluster. */
export function checkAssociated(cluster: ClusterRecord, strategy: readonly CapacityProviderStrategyItem[]): void {
  for (const item of strategy) {
    if (!cluster.capacityProviders.includes(item.capacityProvider)) throw notAssociated();
  }
}

/** The launch type tasks started under a strategy get: FARGATE on the Fargate providers, else EC2. */
export function launchTypeOf(strategy: readonly CapacityProviderStrategyItem[]): string {
  return strategy.every((item) => FARGATE_PROVIDERS.has(item.capacityProvider)) ? 'FARGATE' : 'EC2';
}
