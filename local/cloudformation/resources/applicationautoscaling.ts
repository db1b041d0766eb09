/**
 * AWS::ApplicationAutoScaling::ScalableTarget through local Application Auto Scaling's API (RegisterScalableTarget,
 * DescribeScalableTargets, DeregisterScalableTarget), as read in the CloudFormation resource reference
 * (aws-resource-applicationautoscaling-scalabletarget) and the resource's registry schema (cfn-lint's copy,
 * aws-applicationautoscaling-scalabletarget.json):
 *
 * - Required: ResourceId, ServiceNamespace, ScalableDimension, MinCapacity, MaxCapacity. ResourceId,
 *   ScalableDimension and ServiceNamespace are create-only ("Update requires: Replacement"); the others change in
 *   place ("No interruption").
 * - `Ref` and `Fn::GetAtt Id` return `RESOURCE_ID|SCALABLE_DIMENSION|SERVICE_NAMESPACE`, e.g.
 *   `service/cluster/web|ecs:service:DesiredCount|ecs` (the reference's "Ref" section; `Id` is the schema's one
 *   read-only property).
 * - Create fails when the target is already registered, with `<Ref> already exists.` (CloudFormation's answer, seen in
 *   medikoo/serverless-plugin-dynamodb-autoscaling#11), instead of silently taking over a target registered outside
 *   the stack.
 * - Update sends one RegisterScalableTarget with the template's MinCapacity, MaxCapacity, RoleARN (when given) and
 *   SuspendedState (only when the template has it, member by member as written). A SuspendedState the template omits
 *   is not sent, so a suspension made through the API stays (RegisterScalableTarget: "Any parameters that you don't
 *   specify are not changed"). That CloudFormation's handler does the same is inferred, not documented: see
 *   ../README.md and local/applicationautoscaling/README.md.
 * - Delete: DeregisterScalableTarget (which deletes the target's scaling policies); a target already gone is done.
 *
 * ScheduledActions are refused (local Application Auto Scaling has no scheduled actions); Tags are given on create
 * only (local Application Auto Scaling has no TagResource/UntagResource, so a change of Tags fails the update).
 */
import {
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
  type RegisterScalableTargetCommandInput,
  type ScalableDimension,
  type ServiceNamespace,
  type SuspendedState,
} from '@aws-sdk/client-application-auto-scaling';
import { onlyKeys, type ResourceHandler, str } from './handler';

const PROPERTIES = [
  'MaxCapacity',
  'MinCapacity',
  'ResourceId',
  'RoleARN',
  'ScalableDimension',
  'ScheduledActions',
  'ServiceNamespace',
  'SuspendedState',
  'Tags',
];

const SUSPENDED_STATE_MEMBERS = [
  'DynamicScalingInSuspended',
  'DynamicScalingOutSuspended',
  'ScheduledScalingSuspended',
];

interface TargetIdentity {
  readonly ServiceNamespace: ServiceNamespace;
  readonly ResourceId: string;
  readonly ScalableDimension: ScalableDimension;
}

function required(props: Readonly<Record<string, unknown>>, name: string, id: string): string {
  const value = str(props[name]);
  if (value === undefined || value === '') {
    throw new Error(`${id}: Property ${name} is required for AWS::ApplicationAutoScaling::ScalableTarget.`);
  }
  return value;
}

function identityOf(props: Readonly<Record<string, unknown>>, id: string): TargetIdentity {
  return {
    ServiceNamespace: required(props, 'ServiceNamespace', id) as ServiceNamespace,
    ResourceId: required(props, 'ResourceId', id),
    ScalableDimension: required(props, 'ScalableDimension', id) as ScalableDimension,
  };
}

/** What Ref and GetAtt Id return: `RESOURCE_ID|SCALABLE_DIMENSION|SERVICE_NAMESPACE`. */
export const scalableTargetId = (t: TargetIdentity): string =>
  `${t.ResourceId}|${t.ScalableDimension}|${t.ServiceNamespace}`;

function capacity(props: Readonly<Record<string, unknown>>, name: string, id: string): number {
  const value = props[name];
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  if (!Number.isInteger(n)) {
    throw new Error(
      `${id}: Property ${name} must be a whole number of tasks (got ${JSON.stringify(value)}); it is required.`,
    );
  }
  return n;
}

const bool = (value: unknown): boolean | undefined =>
  value === undefined ? undefined : value === true || value === 'true';

/** The template's SuspendedState as written (members it omits are not sent), or undefined when it has none. */
function suspendedState(props: Readonly<Record<string, unknown>>, id: string): SuspendedState | undefined {
  const value = props.SuspendedState as Record<string, unknown> | undefined;
  if (value === undefined) return undefined;
  onlyKeys(value, SUSPENDED_STATE_MEMBERS, `${id}.SuspendedState`);
  const state: SuspendedState = {
    DynamicScalingInSuspended: bool(value.DynamicScalingInSuspended),
    DynamicScalingOutSuspended: bool(value.DynamicScalingOutSuspended),
    ScheduledScalingSuspended: bool(value.ScheduledScalingSuspended),
  };
  return Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined)) as SuspendedState;
}

/** The RegisterScalableTarget a create or an update sends: the template's properties, SuspendedState only if given. */
function registration(props: Record<string, unknown>, id: string): RegisterScalableTargetCommandInput {
  onlyKeys(props, PROPERTIES, id);
  const scheduled = props.ScheduledActions as unknown[] | undefined;
  if (scheduled !== undefined && scheduled.length > 0) {
    throw new Error(
      `${id}: ScheduledActions are not emulated by local Application Auto Scaling (no scheduled scaling); ` +
        'remove them from the template or extend local/applicationautoscaling.',
    );
  }
  const roleArn = str(props.RoleARN);
  const suspended = suspendedState(props, id);
  return {
    ...identityOf(props, id),
    MinCapacity: capacity(props, 'MinCapacity', id),
    MaxCapacity: capacity(props, 'MaxCapacity', id),
    ...(roleArn !== undefined && { RoleARN: roleArn }),
    ...(suspended !== undefined && { SuspendedState: suspended }),
  };
}

type Tag = { Key: string; Value: string };
const tagMap = (props: Readonly<Record<string, unknown>>): Record<string, string> | undefined => {
  const tags = props.Tags as Tag[] | undefined;
  return tags === undefined || tags.length === 0
    ? undefined
    : Object.fromEntries(tags.map((t) => [String(t.Key), String(t.Value)]));
};

export const scalableTargetHandler: ResourceHandler = {
  replacementProperties: new Set(['ResourceId', 'ScalableDimension', 'ServiceNamespace']),
  async create(ctx, props) {
    const input = registration(props, ctx.logicalId);
    const identity = identityOf(props, ctx.logicalId);
    const ref = scalableTargetId(identity);
    const client = ctx.clients.applicationAutoScaling;
    const { ScalableTargets } = await client.send(
      new DescribeScalableTargetsCommand({
        ServiceNamespace: identity.ServiceNamespace,
        ResourceIds: [identity.ResourceId],
        ScalableDimension: identity.ScalableDimension,
      }),
    );
    if ((ScalableTargets ?? []).length > 0) throw new Error(`${ref} already exists.`);
    const tags = tagMap(props);
    await client.send(new RegisterScalableTargetCommand({ ...input, ...(tags && { Tags: tags }) }));
    return { physical: { ref, attributes: { Id: ref } } };
  },
  async update(ctx, current, props, changed) {
    if (changed.includes('Tags')) {
      throw new Error(
        `${ctx.logicalId}: a change of Tags cannot be applied: local Application Auto Scaling has no ` +
          'TagResource/UntagResource (tags are set when the target is registered).',
      );
    }
    const input = registration(props, ctx.logicalId);
    await ctx.clients.applicationAutoScaling.send(new RegisterScalableTargetCommand(input));
    return { physical: current.physical };
  },
  async delete(ctx, current) {
    const identity = identityOf(current.properties, ctx.logicalId);
    try {
      await ctx.clients.applicationAutoScaling.send(new DeregisterScalableTargetCommand(identity));
    } catch (error) {
      // CloudFormation treats a target that no longer exists as deleted.
      if (!(error instanceof Error && error.name === 'ObjectNotFoundException')) throw error;
    }
  },
};
