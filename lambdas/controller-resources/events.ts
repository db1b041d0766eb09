/**
 * The CloudFormation custom resource protocol (AWS CloudFormation User Guide, "Custom resources": request and response
 * objects), stated once: the controller's handler and local CloudFormation (local/cloudformation/custom-resource-event.ts)
 * both use these types. CloudFormation passes every scalar property as a string.
 */
export interface CustomResourceEventBase {
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly ResourceType: string;
  readonly LogicalResourceId: string;
  /** Every property of the resource, ServiceToken included, scalar values as strings. */
  readonly ResourceProperties: { readonly ServiceToken: string; readonly [key: string]: unknown };
}

export interface CreateEvent extends CustomResourceEventBase {
  readonly RequestType: 'Create';
}

export interface UpdateEvent extends CustomResourceEventBase {
  readonly RequestType: 'Update';
  readonly PhysicalResourceId: string;
  readonly OldResourceProperties: Readonly<Record<string, unknown>>;
}

export interface DeleteEvent extends CustomResourceEventBase {
  readonly RequestType: 'Delete';
  readonly PhysicalResourceId: string;
}

export type CustomResourceEvent = CreateEvent | UpdateEvent | DeleteEvent;

export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Readonly<Record<string, unknown>>;
}

/** What a resource's handler decides: the physical id (a new one on Update means replacement) and its attributes. */
export interface ResourceResult {
  readonly physicalResourceId: string;
  readonly data?: Readonly<Record<string, string>>;
}

/** A failure whose message is for the person running `cdk deploy`: it names what is wrong and the fix. */
export class ResourceError extends Error {
  override readonly name = 'ResourceError';
}
