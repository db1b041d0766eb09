/**
 * Green target groups are named `<prefix>-<8 hex>` by deploy-green (the hex part is the first block of a UUID), and
 * ELBv2 allows at most 32 characters. The prefix is therefore limited to 32 - 1 - 8 = 23 characters.
 */
export const TARGET_GROUP_NAME_MAX = 32;
export const DEPLOYMENT_ID_LENGTH = 8;
export const TARGET_GROUP_PREFIX_MAX = TARGET_GROUP_NAME_MAX - 1 - DEPLOYMENT_ID_LENGTH;

/** The default prefix for a service: `bg-` and the service name, cut to fit and never ending in a hyphen. */
export function defaultTargetGroupPrefix(serviceName: string): string {
  return `bg-${serviceName}`.slice(0, TARGET_GROUP_PREFIX_MAX).replace(/-+$/, '');
}
