/**
 * RegisterScalableTarget, DescribeScalableTargets and DeregisterScalableTarget for ECS services, with the API
 * reference's rules: a new target needs MinCapacity and MaxCapacity; a second Register changes only the members it
 * gives (SuspendedState member by member, see README) and tags only a new target; every Register puts the ECS
 * service's desired count inside [MinCapacity, MaxCapacity]; Deregister deletes the target's scaling policies.
 */
import { randomBytes } from 'node:crypto';
import { Constraints, limitExceeded, objectNotFound, validation } from './errors';
import { flag, integer, structure, text, textMap, texts, requiredText } from './input';
import type { ScalableTargetRecord, SuspendedState } from './model';
import type { OperationHandler } from './operation-context';
import { page } from './pagination';
import { describeTarget, targetKey } from './store';
import { checkResourceId, ecsTargetIdentity, XML_STRING, XML_STRING_SHOWN } from './target-identity';
import { targetToWire } from './wire';

/** Scalable targets per account for ECS (the Application Auto Scaling service quota). */
export const MAX_ECS_TARGETS = 3000;
/** DescribeScalableTargets' MaxResults: 1-50, 50 when not given (API reference). */
const MAX_RESULTS = 50;
/** ECS's desired count ceiling Application Auto Scaling accepts for MaxCapacity is not documented; this is ECS's. */
const CAPACITY_CEILING = 2_147_483_647;

const ecsServiceLinkedRole = (accountId: string): string =>
  `arn:aws:iam::${accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/` +
  'AWSServiceRoleForApplicationAutoScaling_ECSService';

function suspendedUpdate(input: ReturnType<typeof structure>, current: SuspendedState): SuspendedState {
  if (input === undefined) return current;
  return {
    dynamicScalingIn: flag(input, 'DynamicScalingInSuspended') ?? current.dynamicScalingIn,
    dynamicScalingOut: flag(input, 'DynamicScalingOutSuspended') ?? current.dynamicScalingOut,
    scheduledScaling: flag(input, 'ScheduledScalingSuspended') ?? current.scheduledScaling,
  };
}

const NOT_SUSPENDED: SuspendedState = { dynamicScalingIn: false, dynamicScalingOut: false, scheduledScaling: false };

export const registerScalableTarget: OperationHandler = async ({ store, resources, call }, input) => {
  const minCapacity = integer(input, 'MinCapacity');
  const maxCapacity = integer(input, 'MaxCapacity');
  const roleArn = text(input, 'RoleARN');
  const tags = textMap(input, 'Tags');
  const constraints = checkResourceId(new Constraints(), text(input, 'ResourceId'))
    .length(roleArn, 'roleARN', 1, 1600)
    .pattern(roleArn, 'roleARN', XML_STRING, XML_STRING_SHOWN);
  for (const [key, value] of Object.entries(tags ?? {})) {
    constraints.length(key, 'tags.key', 1, 128).length(value, `tags.${key}`, 0, 256);
  }
  constraints.check();
  const id = ecsTargetIdentity(input);
  for (const [member, value] of [
    ['MinCapacity', minCapacity],
    ['MaxCapacity', maxCapacity],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > CAPACITY_CEILING)) {
      throw validation(
        `${member} must be a whole number of tasks from 0 (got ${value}); ECS services scale to 0 at least.`,
      );
    }
  }
  const key = targetKey(id);
  const existing = store.targets.get(key);
  if (existing === undefined && (minCapacity === undefined || maxCapacity === undefined)) {
    throw validation(
      `MinCapacity and MaxCapacity are required to register a new scalable target (${describeTarget(id)}); ` +
        'give both, e.g. MinCapacity 1 and MaxCapacity 10.',
    );
  }
  const min = minCapacity ?? existing?.minCapacity ?? 0;
  const max = maxCapacity ?? existing?.maxCapacity ?? 0;
  if (min > max) {
    throw validation(
      `Minimum capacity cannot be greater than maximum capacity: MinCapacity ${min} > MaxCapacity ${max}` +
        (existing ? ' (a member not given keeps its registered value)' : '') +
        '. Give a MinCapacity at most MaxCapacity.',
    );
  }
  if (existing && tags !== undefined) {
    throw validation(
      'The scalable target that you tried to tag already exists. To update tags on an existing scalable target, ' +
        'use the TagResource API (not emulated locally), or deregister and register it again with Tags.',
    );
  }
  const desired = resources.desiredCount(id.service);
  if (desired === undefined) {
    throw validation(
      `ECS service doesn't exist: ${id.resourceId}. Create the service (cluster ${id.service.cluster}, service ` +
        `${id.service.service}) before registering it, and name it as service/CLUSTER-NAME/SERVICE-NAME.`,
    );
  }
  let target = existing;
  if (target === undefined) {
    const count = [...store.targets.values()].filter((t) => t.serviceNamespace === id.serviceNamespace).length;
    if (count >= MAX_ECS_TARGETS) {
      throw limitExceeded(
        `At most ${MAX_ECS_TARGETS} scalable targets can be registered for ServiceNamespace ecs; deregister one first.`,
      );
    }
    target = {
      key,
      serviceNamespace: id.serviceNamespace,
      resourceId: id.resourceId,
      scalableDimension: id.scalableDimension,
      arn: `arn:aws:application-autoscaling:${call.region}:${call.accountId}:scalable-target/${randomBytes(18).toString('hex')}`,
      createdAt: store.now(),
      minCapacity: min,
      maxCapacity: max,
      roleArn: roleArn ?? ecsServiceLinkedRole(call.accountId),
      suspended: suspendedUpdate(structure(input, 'SuspendedState'), NOT_SUSPENDED),
      tags: tags ?? {},
    };
    store.targets.set(key, target);
  } else {
    target.minCapacity = min;
    target.maxCapacity = max;
    target.roleArn = roleArn ?? target.roleArn;
    target.suspended = suspendedUpdate(structure(input, 'SuspendedState'), target.suspended);
  }
  // The API reference: Register (new or update) puts the resource's current capacity inside [min, max].
  const clamped = Math.min(max, Math.max(min, desired));
  if (clamped !== desired) await resources.setDesiredCount(id.service, clamped);
  return { ScalableTargetARN: target.arn };
};

export const describeScalableTargets: OperationHandler = ({ store }, input) => {
  const resourceIds = texts(input, 'ResourceIds');
  const maxResults = integer(input, 'MaxResults');
  const nextToken = text(input, 'NextToken');
  const constraints = new Constraints().range(maxResults, 'maxResults', 1, MAX_RESULTS);
  resourceIds?.forEach((id, i) =>
    constraints
      .length(id, `resourceIds.${i + 1}`, 1, 1600)
      .pattern(id, `resourceIds.${i + 1}`, XML_STRING, XML_STRING_SHOWN),
  );
  constraints.check();
  const namespace = requiredText(input, 'ServiceNamespace');
  const dimension = text(input, 'ScalableDimension');
  const matching = [...store.targets.values()].filter(
    (t) =>
      t.serviceNamespace === namespace &&
      (dimension === undefined || t.scalableDimension === dimension) &&
      (resourceIds === undefined || resourceIds.length === 0 || resourceIds.includes(t.resourceId)),
  );
  const found = page(matching, (t) => t.key, maxResults ?? MAX_RESULTS, nextToken);
  return {
    ScalableTargets: found.items.map(targetToWire),
    ...(found.nextToken !== undefined && { NextToken: found.nextToken }),
  };
};

export const deregisterScalableTarget: OperationHandler = ({ store }, input) => {
  checkResourceId(new Constraints(), text(input, 'ResourceId')).check();
  const id = {
    serviceNamespace: requiredText(input, 'ServiceNamespace'),
    resourceId: requiredText(input, 'ResourceId'),
    scalableDimension: requiredText(input, 'ScalableDimension'),
  };
  const target: ScalableTargetRecord | undefined = store.targets.get(targetKey(id));
  if (target === undefined) throw objectNotFound(`No scalable target found for ${describeTarget(id)}`);
  store.deregister(target);
  return {};
};
