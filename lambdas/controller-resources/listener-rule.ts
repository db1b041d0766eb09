/**
 * Custom::BlueGreenListenerRule: a listener rule the deployment state machines own. It is created once, answering a
 * fixed response until the controller points it at a version; an Update changes nothing in ELBv2, because an
 * AWS::ElasticLoadBalancingV2::ListenerRule sends the template's Actions whenever any of its properties changes, which
 * would put production back on the fixed 503 while a version is live.
 */
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client,
  type RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ResourceError, type ResourceResult } from './events';
import { isOwnedBy, ownerTags } from './ownership';
import type { ListenerRuleProperties } from './properties';

export async function createListenerRule(
  elbv2: ElasticLoadBalancingV2Client,
  props: ListenerRuleProperties,
): Promise<ResourceResult> {
  try {
    const { Rules } = await elbv2.send(
      new CreateRuleCommand({
        ListenerArn: props.ListenerArn,
        Priority: props.Priority,
        Conditions: props.Conditions as RuleCondition[],
        Actions: [
          {
            Type: 'fixed-response',
            FixedResponseConfig: {
              StatusCode: props.IdleStatusCode,
              ContentType: 'text/plain',
              MessageBody: props.IdleMessage,
            },
          },
        ],
        Tags: ownerTags(props),
      }),
    );
    const arn = Rules?.[0]?.RuleArn;
    if (!arn) throw new ResourceError(`CreateRule on ${props.ListenerArn} returned no rule ARN.`);
    return { physicalResourceId: arn, data: { RuleArn: arn } };
  } catch (error) {
    if ((error as Error).name === 'PriorityInUseException') {
      throw new ResourceError(
        `Priority ${props.Priority} of listener ${props.ListenerArn} is taken by a rule this resource did not make. ` +
          'ecs-bluegreen never adopts a rule it did not create: remove that rule, or, for a stack deployed by a version ' +
          'of ecs-bluegreen in which CloudFormation owned the rules, see the README, "Upgrading a stack from before 0.2".',
      );
    }
    throw error;
  }
}

/**
 * An Update leaves the rule as the controller has it (its action is live traffic). Only a new listener (the old one
 * and its rules are being replaced) makes a new rule; CloudFormation then deletes the old one.
 */
export async function updateListenerRule(
  elbv2: ElasticLoadBalancingV2Client,
  physicalResourceId: string,
  props: ListenerRuleProperties,
  old: ListenerRuleProperties,
): Promise<ResourceResult> {
  if (props.ListenerArn !== old.ListenerArn) return createListenerRule(elbv2, props);
  return { physicalResourceId, data: { RuleArn: physicalResourceId } };
}

/** Deletes the rule if it still exists and carries this stack's ownership tags; a rule already gone is success. */
export async function deleteListenerRule(
  elbv2: ElasticLoadBalancingV2Client,
  physicalResourceId: string,
  props: ListenerRuleProperties,
): Promise<void> {
  if (!physicalResourceId.startsWith('arn:')) return;
  try {
    const { TagDescriptions } = await elbv2.send(new DescribeTagsCommand({ ResourceArns: [physicalResourceId] }));
    if (!isOwnedBy(TagDescriptions?.[0]?.Tags, props)) return;
    await elbv2.send(new DeleteRuleCommand({ RuleArn: physicalResourceId }));
  } catch (error) {
    if ((error as Error).name === 'RuleNotFoundException' || (error as Error).name === 'ListenerNotFoundException') {
      return;
    }
    throw error;
  }
}
