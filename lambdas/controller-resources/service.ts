/**
 * Custom::BlueGreenService: the ECS service, created once with 0 tasks and the EXTERNAL deployment controller, and
 * never changed by CloudFormation afterwards. An AWS::ECS::Service would resend its DesiredCount on every update of
 * the resource (aws/containers-roadmap#493), scaling every task set to that count; omitting it makes CloudFormation
 * create the service with 1 task, which an EXTERNAL service with no task set never reaches. So the count, the task
 * sets and which one is primary belong to the controller alone; an Update of this resource changes nothing in ECS.
 */
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DeleteTaskSetCommand,
  DescribeServicesCommand,
  UpdateServiceCommand,
  waitUntilServicesInactive,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { ResourceError, type ResourceResult } from './events';
import { isOwnedBy, OWNERSHIP_TAG_KEYS } from './ownership';
import type { ServiceProperties } from './properties';

export async function createService(
  ecs: ECSClient,
  props: ServiceProperties,
  requestId: string,
): Promise<ResourceResult> {
  try {
    const { service } = await ecs.send(
      new CreateServiceCommand({
        cluster: props.Cluster,
        serviceName: props.ServiceName,
        desiredCount: 0,
        deploymentController: { type: 'EXTERNAL' },
        schedulingStrategy: 'REPLICA',
        tags: [
          { key: OWNERSHIP_TAG_KEYS.stack, value: props.StackName },
          { key: OWNERSHIP_TAG_KEYS.service, value: props.ServiceName },
        ],
        // A retried Create (an answer lost on the way) makes no second service.
        clientToken: requestId.slice(0, 36),
      }),
    );
    const arn = service?.serviceArn;
    if (!arn) throw new ResourceError(`CreateService of ${props.ServiceName} returned no service ARN.`);
    return { physicalResourceId: arn, data: { ServiceArn: arn, ServiceName: props.ServiceName } };
  } catch (error) {
    if ((error as Error).name === 'InvalidParameterException' && /idempotent/i.test((error as Error).message)) {
      throw new ResourceError(
        `Cluster ${props.Cluster} already has a service named ${props.ServiceName}, and ecs-bluegreen never adopts a ` +
          'service it did not create. Choose another serviceName, or delete that service. A stack deployed by a version ' +
          'of ecs-bluegreen in which CloudFormation owned the service cannot be updated in place: see the README, ' +
          '"Upgrading a stack from before 0.2".',
      );
    }
    throw error;
  }
}

/** An Update never touches ECS; only a rename or another cluster would need a new service, which is refused. */
export function updateService(
  physicalResourceId: string,
  props: ServiceProperties,
  old: ServiceProperties,
): ResourceResult {
  for (const key of ['ServiceName', 'Cluster'] as const) {
    if (props[key] !== old[key]) {
      throw new ResourceError(
        `${key} changed from ${old[key]} to ${props[key]}. The service is created once and never replaced by a stack ` +
          'update (that would stop every task of the live version). Keep the old value, or deploy a new stack for the ' +
          'new service and move traffic to it.',
      );
    }
  }
  return { physicalResourceId, data: { ServiceArn: physicalResourceId, ServiceName: props.ServiceName } };
}

/**
 * Deletes the service if it is still there and ours (its ownership tags name this stack and service): its task sets,
 * then the service, and waits until it is INACTIVE so the cluster can be deleted after it.
 */
export async function deleteService(
  ecs: ECSClient,
  physicalResourceId: string,
  props: ServiceProperties,
): Promise<void> {
  if (!physicalResourceId.startsWith('arn:')) return; // The Create failed: nothing was made.
  const { services } = await ecs.send(
    new DescribeServicesCommand({ cluster: props.Cluster, services: [physicalResourceId], include: ['TAGS'] }),
  );
  const service = services?.[0];
  if (!service || service.status === 'INACTIVE') return;
  if (!isOwnedBy(service.tags, props)) return; // Not ours: never touched.
  for (const taskSet of service.taskSets ?? []) {
    if (!taskSet.taskSetArn) continue;
    await ecs.send(
      new DeleteTaskSetCommand({
        cluster: props.Cluster,
        service: physicalResourceId,
        taskSet: taskSet.taskSetArn,
        force: true,
      }),
    );
  }
  await ecs.send(new UpdateServiceCommand({ cluster: props.Cluster, service: physicalResourceId, desiredCount: 0 }));
  await ecs.send(new DeleteServiceCommand({ cluster: props.Cluster, service: physicalResourceId, force: true }));
  await waitUntilServicesInactive(
    { client: ecs, maxWaitTime: 600, minDelay: 5, maxDelay: 15 },
    { cluster: props.Cluster, services: [physicalResourceId] },
  );
}
