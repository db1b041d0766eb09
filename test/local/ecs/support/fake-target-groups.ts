/**
 * A TargetGroupRegistry double with health the test controls. Newly registered targets take `initialState`;
 * deregistered targets drain until `finishDraining()` when `holdDraining` is set, else disappear at once.
 */
import type { TargetGroupRegistry, TargetRef } from '../../../../local/aws/cross-service';
import type { TargetHealthStatus, TargetState } from '../../../../local/dataplane/types';

export class FakeTargetGroups implements TargetGroupRegistry {
  private readonly groups = new Map<string, Map<string, TargetState>>();
  readonly registrations: Array<{ targetGroupArn: string; target: TargetRef }> = [];
  readonly deregistrations: Array<{ targetGroupArn: string; target: TargetRef }> = [];
  initialState: TargetState = 'healthy';
  holdDraining = false;

  create(name: string): string {
    const arn = `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/0123456789abcdef`;
    this.groups.set(arn, new Map());
    return arn;
  }

  /** Deletes a group; later register/deregister calls throw, like ELBv2's TargetGroupNotFound. */
  delete(targetGroupArn: string): void {
    this.groups.delete(targetGroupArn);
  }

  exists(targetGroupArn: string): boolean {
    return this.groups.has(targetGroupArn);
  }

  register(targetGroupArn: string, targets: readonly TargetRef[]): void {
    for (const target of targets) {
      this.group(targetGroupArn).set(key(target), this.initialState);
      this.registrations.push({ targetGroupArn, target });
    }
  }

  deregister(targetGroupArn: string, targets: readonly TargetRef[]): void {
    for (const target of targets) {
      this.deregistrations.push({ targetGroupArn, target });
      if (this.holdDraining) this.group(targetGroupArn).set(key(target), 'draining');
      else this.group(targetGroupArn).delete(key(target));
    }
  }

  health(targetGroupArn: string, target: TargetRef): TargetHealthStatus | undefined {
    const state = this.groups.get(targetGroupArn)?.get(key(target));
    return state === undefined ? undefined : { state };
  }

  /** Sets the health of every registered, non-draining target of a group. */
  setHealth(targetGroupArn: string, state: TargetState): void {
    const group = this.group(targetGroupArn);
    for (const [k, current] of group) if (current !== 'draining') group.set(k, state);
  }

  finishDraining(): void {
    for (const group of this.groups.values()) {
      for (const [k, state] of group) if (state === 'draining') group.delete(k);
    }
  }

  targetsOf(targetGroupArn: string): Array<{ target: string; state: TargetState }> {
    return [...this.group(targetGroupArn)].map(([target, state]) => ({ target, state }));
  }

  private group(arn: string): Map<string, TargetState> {
    const group = this.groups.get(arn);
    if (group === undefined) throw new Error(`test bug: target group ${arn} was not created`);
    return group;
  }
}

const key = (target: TargetRef): string => `${target.id}:${target.port}`;
