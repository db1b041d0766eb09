/**
 * The ownership tags every resource the controller creates carries, stated once: the state machines' ASL sets them,
 * IAM conditions on them (infra/lib/private/state-machine-permissions.ts) and the custom resources check them.
 */
export const OWNERSHIP_TAG_KEYS = { stack: 'bluegreen:stack', service: 'bluegreen:service' } as const;

export interface Owner {
  readonly StackName: string;
  readonly ServiceName: string;
}

/** The tags as `{Key, Value}` (ELBv2) pairs. */
export function ownerTags(owner: Owner): Array<{ Key: string; Value: string }> {
  return [
    { Key: OWNERSHIP_TAG_KEYS.stack, Value: owner.StackName },
    { Key: OWNERSHIP_TAG_KEYS.service, Value: owner.ServiceName },
  ];
}

/** Whether a tag list (either casing) names this owner. */
export function isOwnedBy(
  tags: ReadonlyArray<{ Key?: string; Value?: string; key?: string; value?: string }> | undefined,
  owner: Owner,
): boolean {
  const value = (key: string): string | undefined => {
    const tag = (tags ?? []).find((t) => (t.Key ?? t.key) === key);
    return tag?.Value ?? tag?.value;
  };
  return value(OWNERSHIP_TAG_KEYS.stack) === owner.StackName && value(OWNERSHIP_TAG_KEYS.service) === owner.ServiceName;
}
