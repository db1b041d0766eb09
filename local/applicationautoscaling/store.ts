/**
 * Everything local Application Auto Scaling knows: scalable targets by identity (namespace, resource ID, dimension),
 * their scaling policies by name, and the scaling activities the policies caused.
 */
import { objectNotFound } from './errors';
import type { ScalableTargetRecord, ScalingActivity, ScalingPolicyRecord } from './model';

/** Activities kept for diagnostics (the oldest are dropped). */
const ACTIVITIES_KEPT = 1000;

export interface TargetIdentity {
  readonly serviceNamespace: string;
  readonly resourceId: string;
  readonly scalableDimension: string;
}

export const targetKey = (id: TargetIdentity): string =>
  JSON.stringify([id.serviceNamespace, id.resourceId, id.scalableDimension]);

const policyKey = (target: string, name: string): string => JSON.stringify([target, name]);

/** How AWS names the scalable target in its errors. */
export const describeTarget = (id: TargetIdentity): string =>
  `service namespace: ${id.serviceNamespace}, resource ID: ${id.resourceId}, scalable dimension: ${id.scalableDimension}`;

export class AutoScalingStore {
  /** In registration order, which is the order DescribeScalableTargets lists them in. */
  readonly targets = new Map<string, ScalableTargetRecord>();
  /** In creation order. */
  readonly policies = new Map<string, ScalingPolicyRecord>();
  readonly activities: ScalingActivity[] = [];

  constructor(
    readonly scope: { readonly region: string; readonly accountId: string },
    readonly now: () => number,
  ) {}

  /** The registered target, else ObjectNotFoundException worded as AWS words it for PutScalingPolicy. */
  registeredTarget(id: TargetIdentity): ScalableTargetRecord {
    const found = this.targets.get(targetKey(id));
    if (!found) throw objectNotFound(`No scalable target registered for ${describeTarget(id)}`);
    return found;
  }

  policiesOf(target: ScalableTargetRecord): ScalingPolicyRecord[] {
    return [...this.policies.values()].filter((p) => p.targetKey === target.key);
  }

  policy(target: string, name: string): ScalingPolicyRecord | undefined {
    return this.policies.get(policyKey(target, name));
  }

  putPolicy(policy: ScalingPolicyRecord): void {
    this.policies.set(policyKey(policy.targetKey, policy.name), policy);
  }

  deletePolicy(policy: ScalingPolicyRecord): void {
    this.policies.delete(policyKey(policy.targetKey, policy.name));
  }

  /** Removes a target and, as on AWS, every scaling policy of it. */
  deregister(target: ScalableTargetRecord): void {
    this.targets.delete(target.key);
    for (const policy of this.policiesOf(target)) this.deletePolicy(policy);
  }

  recordActivity(activity: ScalingActivity): void {
    this.activities.push(activity);
    if (this.activities.length > ACTIVITIES_KEPT) this.activities.splice(0, this.activities.length - ACTIVITIES_KEPT);
  }
}
