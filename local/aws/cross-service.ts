/**
 * What the ECS emulator needs from the ELBv2 emulator, and nothing more: ECS registers and deregisters task IPs in
 * target groups (as the ECS service-linked role does on AWS) and reads target health to decide task set stability.
 */
import type { TargetHealthStatus } from '../dataplane/types';

export interface TargetRef {
  readonly id: string;
  readonly port: number;
}

export interface TargetGroupRegistry {
  /** Whether the target group exists (CreateTaskSet rejects unknown target groups). */
  exists(targetGroupArn: string): boolean;
  register(targetGroupArn: string, targets: readonly TargetRef[]): void;
  /** Starts draining with the group's deregistration delay; the target disappears when the delay has passed. */
  deregister(targetGroupArn: string, targets: readonly TargetRef[]): void;
  /** Current health of one registered target, or undefined when it is not registered (any more). */
  health(targetGroupArn: string, target: TargetRef): TargetHealthStatus | undefined;
}
