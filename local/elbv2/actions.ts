/**
 * Listener and rule actions. A forward action may name its target group as `TargetGroupArn`, as
 * `ForwardConfig.TargetGroups[{TargetGroupArn, Weight}]`, or both (then they must agree); we keep one normal form and
 * describe it back as AWS does: both forms for a single target group, only ForwardConfig for weighted groups.
 * Fixed-response actions are supported; other action types are refused loudly rather than half-emulated.
 */
import { AwsError } from '../aws/service';
import { validation } from './errors';

export interface WeightedTargetGroup {
  readonly targetGroupArn: string;
  readonly weight: number;
}

export type Action =
  | {
      readonly type: 'forward';
      readonly order?: number;
      readonly targetGroups: readonly WeightedTargetGroup[];
      readonly stickiness: { readonly enabled: boolean; readonly durationSeconds?: number };
      /** Whether the caller used the TargetGroupArn form, so we can describe it back the same way. */
      readonly single: boolean;
    }
  | {
      readonly type: 'fixed-response';
      readonly order?: number;
      readonly statusCode: string;
      readonly contentType?: string;
      readonly messageBody?: string;
    };

interface WireForwardConfig {
  TargetGroups?: Array<{ TargetGroupArn?: string; Weight?: number }>;
  TargetGroupStickinessConfig?: { Enabled?: boolean; DurationSeconds?: number };
}

export interface WireAction {
  Type?: string;
  Order?: number;
  TargetGroupArn?: string;
  ForwardConfig?: WireForwardConfig;
  FixedResponseConfig?: { StatusCode?: string; ContentType?: string; MessageBody?: string };
}

function toForward(wire: WireAction): Action {
  const fromConfig = (wire.ForwardConfig?.TargetGroups ?? []).map((tg) => ({
    targetGroupArn: tg.TargetGroupArn ?? '',
    weight: tg.Weight ?? 1,
  }));
  if (fromConfig.some((tg) => tg.targetGroupArn === '')) {
    throw validation('A target group ARN must be specified for each target group in a forward action');
  }
  if (fromConfig.some((tg) => tg.weight < 0 || tg.weight > 999)) {
    throw validation('Target group weights must be between 0 and 999');
  }
  if (wire.TargetGroupArn !== undefined && fromConfig.length > 0) {
    const only = fromConfig.length === 1 ? fromConfig[0] : undefined;
    if (only?.targetGroupArn !== wire.TargetGroupArn) {
      throw validation('You cannot specify both a target group ARN and a forward config with different target groups');
    }
  }
  const targetGroups =
    fromConfig.length > 0
      ? fromConfig
      : wire.TargetGroupArn !== undefined
        ? [{ targetGroupArn: wire.TargetGroupArn, weight: 1 }]
        : [];
  if (targetGroups.length === 0) throw validation('A target group ARN must be specified for a forward action');
  const stickiness = wire.ForwardConfig?.TargetGroupStickinessConfig;
  return {
    type: 'forward',
    order: wire.Order,
    targetGroups,
    stickiness: { enabled: stickiness?.Enabled ?? false, durationSeconds: stickiness?.DurationSeconds },
    single: targetGroups.length === 1,
  };
}

function toFixedResponse(wire: WireAction): Action {
  const config = wire.FixedResponseConfig;
  if (!config?.StatusCode) throw validation('A fixed response config with a status code must be specified');
  if (!/^[2-5]\d\d$/.test(config.StatusCode)) {
    throw validation(`Fixed response status code '${config.StatusCode}' must be a 2XX, 4XX or 5XX code`);
  }
  return {
    type: 'fixed-response',
    order: wire.Order,
    statusCode: config.StatusCode,
    contentType: config.ContentType,
    messageBody: config.MessageBody,
  };
}

/** Normalises the wire actions of CreateListener/ModifyListener/CreateRule/ModifyRule. */
export function parseActions(wire: readonly WireAction[] | undefined): Action[] {
  if (!wire || wire.length === 0) throw validation('At least one action must be specified');
  return wire.map((action) => {
    switch (action.Type) {
      case 'forward':
        return toForward(action);
      case 'fixed-response':
        return toFixedResponse(action);
      default:
        throw new AwsError(
          'InvalidLoadBalancerAction',
          `Action type '${String(action.Type)}' is not supported by local ELBv2 (forward and fixed-response are)`,
        );
    }
  });
}

/**
 * The action as DescribeRules/DescribeListeners return it. ELBv2 returns every action's Order: the one given, else
 * its position in the list counted from 1 (index is the position, as Array.map passes it).
 */
export function describeAction(action: Action, index = 0): Record<string, unknown> {
  const order = action.order ?? index + 1;
  if (action.type === 'fixed-response') {
    return {
      Type: 'fixed-response',
      Order: order,
      FixedResponseConfig: {
        StatusCode: action.statusCode,
        ContentType: action.contentType,
        MessageBody: action.messageBody,
      },
    };
  }
  return {
    Type: 'forward',
    Order: order,
    TargetGroupArn: action.single ? action.targetGroups[0]?.targetGroupArn : undefined,
    ForwardConfig: {
      TargetGroups: action.targetGroups.map((tg) => ({ TargetGroupArn: tg.targetGroupArn, Weight: tg.weight })),
      TargetGroupStickinessConfig: {
        Enabled: action.stickiness.enabled,
        DurationSeconds: action.stickiness.durationSeconds,
      },
    },
  };
}

export function forwardedTargetGroups(actions: readonly Action[]): string[] {
  return actions.flatMap((a) => (a.type === 'forward' ? a.targetGroups.map((tg) => tg.targetGroupArn) : []));
}
