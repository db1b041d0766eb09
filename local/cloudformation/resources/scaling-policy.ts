/**
 * AWS::ApplicationAutoScaling::ScalingPolicy (TargetTrackingScaling only) through local Application Auto Scaling's
 * PutScalingPolicy, DescribeScalingPolicies and DeleteScalingPolicy, as read in the CloudFormation resource reference
 * (aws-resource-applicationautoscaling-scalingpolicy) and the registry schema (cfn-lint's copy,
 * aws-applicationautoscaling-scalingpolicy.json):
 *
 * - The target is ScalingTargetId (a ScalableTarget's Ref, `RESOURCE_ID|DIMENSION|NAMESPACE`) or ResourceId,
 *   ScalableDimension and ServiceNamespace, not both. PolicyName and the target are create-only (replacement);
 *   PolicyType and TargetTrackingScalingPolicyConfiguration change in place.
 * - `Ref` and `Fn::GetAtt Arn` return the policy's ARN.
 * - Create fails when the target already has a policy of that name ("Scaling Policy Already Exists", the handler's
 *   AlreadyExists as reported in pulumi/pulumi-aws-native#1637); update puts the template's whole configuration again
 *   (the ARN stays); delete: DeleteScalingPolicy, a policy already gone (its target deregistered) is done.
 *
 * StepScaling policies are refused: local Application Auto Scaling emulates target tracking only.
 */
import {
  DeleteScalingPolicyCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  type PutScalingPolicyCommandInput,
  type ScalableDimension,
  type ServiceNamespace,
  type TargetTrackingScalingPolicyConfiguration,
} from '@aws-sdk/client-application-auto-scaling';
import { onlyKeys, type ResourceHandler, str } from './handler';

const PROPERTIES = [
  'PolicyName',
  'PolicyType',
  'ResourceId',
  'ScalableDimension',
  'ScalingTargetId',
  'ServiceNamespace',
  'StepScalingPolicyConfiguration',
  'TargetTrackingScalingPolicyConfiguration',
];

const CONFIGURATION = [
  'TargetValue',
  'PredefinedMetricSpecification',
  'CustomizedMetricSpecification',
  'ScaleInCooldown',
  'ScaleOutCooldown',
  'DisableScaleIn',
];

interface PolicyIdentity {
  readonly ServiceNamespace: ServiceNamespace;
  readonly ResourceId: string;
  readonly ScalableDimension: ScalableDimension;
  readonly PolicyName: string;
}

function identityOf(props: Readonly<Record<string, unknown>>, id: string): PolicyIdentity {
  const policyName = str(props.PolicyName);
  if (policyName === undefined || policyName === '') throw new Error(`${id}: Property PolicyName is required.`);
  const targetId = str(props.ScalingTargetId);
  const direct = ['ResourceId', 'ScalableDimension', 'ServiceNamespace'].map((k) => str(props[k]));
  if ((targetId === undefined) === direct.every((v) => v === undefined)) {
    throw new Error(
      `${id}: give either ScalingTargetId (a ScalableTarget's Ref) or ResourceId, ScalableDimension and ` +
        'ServiceNamespace, not both and not neither.',
    );
  }
  const [resourceId, dimension, namespace] = targetId !== undefined ? targetId.split('|') : direct;
  if (!resourceId || !dimension || !namespace) {
    throw new Error(
      targetId !== undefined
        ? `${id}: ScalingTargetId ${targetId} is not RESOURCE_ID|SCALABLE_DIMENSION|SERVICE_NAMESPACE (a ScalableTarget's Ref).`
        : `${id}: ResourceId, ScalableDimension and ServiceNamespace are required together.`,
    );
  }
  return {
    ServiceNamespace: namespace as ServiceNamespace,
    ResourceId: resourceId,
    ScalableDimension: dimension as ScalableDimension,
    PolicyName: policyName,
  };
}

const number = (value: unknown): number | undefined => (value === undefined ? undefined : Number(value));

function toPutScalingPolicy(props: Record<string, unknown>, id: string): PutScalingPolicyCommandInput {
  onlyKeys(props, PROPERTIES, id);
  if (props.PolicyType !== 'TargetTrackingScaling' || props.StepScalingPolicyConfiguration !== undefined) {
    throw new Error(
      `${id}: PolicyType ${String(props.PolicyType)} is not emulated; local Application Auto Scaling has ` +
        'TargetTrackingScaling policies only (use PolicyType TargetTrackingScaling).',
    );
  }
  const config = (props.TargetTrackingScalingPolicyConfiguration ?? {}) as Record<string, unknown>;
  onlyKeys(config, CONFIGURATION, `${id}.TargetTrackingScalingPolicyConfiguration`);
  const disableScaleIn = config.DisableScaleIn;
  const configuration = {
    TargetValue: number(config.TargetValue),
    PredefinedMetricSpecification: config.PredefinedMetricSpecification,
    CustomizedMetricSpecification: config.CustomizedMetricSpecification,
    ScaleInCooldown: number(config.ScaleInCooldown),
    ScaleOutCooldown: number(config.ScaleOutCooldown),
    DisableScaleIn: disableScaleIn === undefined ? undefined : disableScaleIn === true || disableScaleIn === 'true',
  };
  return {
    ...identityOf(props, id),
    PolicyType: 'TargetTrackingScaling',
    // Passed on as written: local Application Auto Scaling refuses what it does not emulate with its own message.
    TargetTrackingScalingPolicyConfiguration: Object.fromEntries(
      Object.entries(configuration).filter(([, v]) => v !== undefined),
    ) as unknown as TargetTrackingScalingPolicyConfiguration,
  };
}

export const scalingPolicyHandler: ResourceHandler = {
  replacementProperties: new Set([
    'PolicyName',
    'ResourceId',
    'ScalableDimension',
    'ScalingTargetId',
    'ServiceNamespace',
  ]),
  async create(ctx, props) {
    const input = toPutScalingPolicy(props, ctx.logicalId);
    const { PolicyName, ...target } = identityOf(props, ctx.logicalId);
    const client = ctx.clients.applicationAutoScaling;
    const { ScalingPolicies } = await client.send(
      new DescribeScalingPoliciesCommand({ ...target, PolicyNames: [PolicyName] }),
    );
    if ((ScalingPolicies ?? []).length > 0) throw new Error('Scaling Policy Already Exists');
    const arn = (await client.send(new PutScalingPolicyCommand(input))).PolicyARN ?? '';
    return { physical: { ref: arn, attributes: { Arn: arn } } };
  },
  async update(ctx, current, props) {
    const input = toPutScalingPolicy(props, ctx.logicalId);
    await ctx.clients.applicationAutoScaling.send(new PutScalingPolicyCommand(input));
    return { physical: current.physical };
  },
  async delete(ctx, current) {
    const { PolicyName, ...target } = identityOf(current.properties, ctx.logicalId);
    try {
      await ctx.clients.applicationAutoScaling.send(new DeleteScalingPolicyCommand({ PolicyName, ...target }));
    } catch (error) {
      // Deregistering the target deleted its policies: the policy is gone, which is what a delete asks.
      if (!(error instanceof Error && error.name === 'ObjectNotFoundException')) throw error;
    }
  },
};
