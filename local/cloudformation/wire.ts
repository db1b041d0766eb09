/** Stack records to the shapes of the CloudFormation API (query protocol members, PascalCase). */
import type { StackRecord, StackResource } from './model';

export function stackToWire(stack: StackRecord) {
  return {
    StackId: stack.id,
    StackName: stack.name,
    ...(stack.template.Description !== undefined && { Description: stack.template.Description }),
    Parameters: Object.entries(stack.parameters).map(([ParameterKey, ParameterValue]) => ({
      ParameterKey,
      ParameterValue,
    })),
    CreationTime: new Date(stack.created),
    ...(stack.lastUpdated !== undefined && { LastUpdatedTime: new Date(stack.lastUpdated) }),
    ...(stack.deleted !== undefined && { DeletionTime: new Date(stack.deleted) }),
    StackStatus: stack.status,
    ...(stack.statusReason !== undefined && { StackStatusReason: stack.statusReason }),
    DisableRollback: stack.disableRollback,
    NotificationARNs: [],
    Capabilities: stack.capabilities,
    Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    Tags: stack.tags,
    EnableTerminationProtection: false,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

export function resourceToWire(stack: StackRecord, resource: StackResource) {
  return {
    StackName: stack.name,
    StackId: stack.id,
    LogicalResourceId: resource.logicalId,
    PhysicalResourceId: resource.physical.ref,
    ResourceType: resource.type,
    Timestamp: new Date(resource.updated),
    ResourceStatus: resource.status,
    ...(resource.statusReason !== undefined && { ResourceStatusReason: resource.statusReason }),
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
  };
}

export function resourceSummaryToWire(resource: StackResource) {
  return {
    LogicalResourceId: resource.logicalId,
    PhysicalResourceId: resource.physical.ref,
    ResourceType: resource.type,
    LastUpdatedTimestamp: new Date(resource.updated),
    ResourceStatus: resource.status,
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
  };
}
