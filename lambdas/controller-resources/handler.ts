/**
 * Lambda entry point of the controller's custom resources (infra/lib/constructs/controller-owned-resources.ts): the ECS
 * service, the three listener rules the state machines own, and the teardown of what the controller made. Each acts
 * on Create (and Delete); no Update changes live traffic, the desired count or the primary task set.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CustomResourceEvent, CustomResourceResponse, ResourceResult } from './events';
import { createListenerRule, deleteListenerRule, updateListenerRule } from './listener-rule';
import {
  listenerRuleProperties,
  parseProperties,
  RESOURCE_TYPES,
  serviceProperties,
  teardownProperties,
} from './properties';
import { sendResponse } from './respond';
import { createService, deleteService, updateService } from './service';
import { deleteOwnedAlarms, deleteOwnedTargetGroups, teardownId } from './teardown';

/** Where the SDK clients go: nothing on AWS (the function's own region and role); local AWS passes its endpoint. */
export interface ClientEnvironment {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export function createHandler(env: ClientEnvironment = {}): (event: CustomResourceEvent) => Promise<void> {
  const config = {
    ...(env.endpoint !== undefined && { endpoint: env.endpoint }),
    ...(env.region !== undefined && { region: env.region }),
    ...(env.credentials !== undefined && { credentials: env.credentials }),
  };
  return async (event) => {
    const ecs = new ECSClient(config);
    const elbv2 = new ElasticLoadBalancingV2Client(config);
    const cloudwatch = new CloudWatchClient(config);
    let response: CustomResourceResponse;
    try {
      const result = await handle(event, ecs, elbv2, cloudwatch);
      response = {
        Status: 'SUCCESS',
        PhysicalResourceId: result.physicalResourceId,
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
        ...(result.data && { Data: result.data }),
      };
    } catch (error) {
      response = {
        Status: 'FAILED',
        Reason: `${event.ResourceType} ${event.LogicalResourceId}: ${(error as Error).message}`.slice(0, 4000),
        // A failed Create made nothing: an id that no Delete mistakes for a resource.
        PhysicalResourceId:
          event.RequestType === 'Create' ? `failed-create/${event.RequestId}` : event.PhysicalResourceId,
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
      };
    } finally {
      ecs.destroy();
      elbv2.destroy();
      cloudwatch.destroy();
    }
    await sendResponse(event.ResponseURL, response);
  };
}

export const handler = createHandler();

async function handle(
  event: CustomResourceEvent,
  ecs: ECSClient,
  elbv2: ElasticLoadBalancingV2Client,
  cloudwatch: CloudWatchClient,
): Promise<ResourceResult> {
  const type = event.ResourceType;
  switch (type) {
    case RESOURCE_TYPES.service: {
      const props = parseProperties(serviceProperties, type, event.ResourceProperties);
      if (event.RequestType === 'Create') return createService(ecs, props, event.RequestId);
      if (event.RequestType === 'Update') {
        const old = parseProperties(serviceProperties, type, event.OldResourceProperties);
        return updateService(event.PhysicalResourceId, props, old);
      }
      await deleteService(ecs, event.PhysicalResourceId, props);
      return { physicalResourceId: event.PhysicalResourceId };
    }
    case RESOURCE_TYPES.listenerRule: {
      const props = parseProperties(listenerRuleProperties, type, event.ResourceProperties);
      if (event.RequestType === 'Create') return createListenerRule(elbv2, props);
      if (event.RequestType === 'Update') {
        const old = parseProperties(listenerRuleProperties, type, event.OldResourceProperties);
        return updateListenerRule(elbv2, event.PhysicalResourceId, props, old);
      }
      await deleteListenerRule(elbv2, event.PhysicalResourceId, props);
      return { physicalResourceId: event.PhysicalResourceId };
    }
    case RESOURCE_TYPES.teardown: {
      const props = parseProperties(teardownProperties, type, event.ResourceProperties);
      if (event.RequestType === 'Delete') {
        await deleteOwnedTargetGroups(elbv2, props);
        await deleteOwnedAlarms(cloudwatch, props);
        return { physicalResourceId: event.PhysicalResourceId };
      }
      // Never a new id on Update: that would be a replacement, whose clean-up Delete would remove live target groups.
      return event.RequestType === 'Create' ? teardownId(props) : { physicalResourceId: event.PhysicalResourceId };
    }
    default:
      throw new Error(
        `Unknown resource type ${type}: this function handles ${Object.values(RESOURCE_TYPES).join(', ')}.`,
      );
  }
}
