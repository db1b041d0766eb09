/**
 * The custom-resource request CloudFormation sends to a Lambda function and the response the function PUTs to the
 * request's ResponseURL (CloudFormation User Guide, "Custom resource request objects" / "response objects").
 * Defined here because @types/aws-lambda is not installed; the shapes match its CloudFormationCustomResource* types.
 */

interface CustomResourceEventCommon {
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  /** Every property of the resource, ServiceToken included, with scalar values as strings. */
  readonly ResourceProperties: { readonly ServiceToken: string; readonly [key: string]: unknown };
}

export interface CloudFormationCustomResourceCreateEvent extends CustomResourceEventCommon {
  readonly RequestType: 'Create';
}

export interface CloudFormationCustomResourceUpdateEvent extends CustomResourceEventCommon {
  readonly RequestType: 'Update';
  readonly PhysicalResourceId: string;
  readonly OldResourceProperties: { readonly [key: string]: unknown };
}

export interface CloudFormationCustomResourceDeleteEvent extends CustomResourceEventCommon {
  readonly RequestType: 'Delete';
  readonly PhysicalResourceId: string;
}

export type CloudFormationCustomResourceEvent =
  | CloudFormationCustomResourceCreateEvent
  | CloudFormationCustomResourceUpdateEvent
  | CloudFormationCustomResourceDeleteEvent;

export interface CloudFormationCustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho?: boolean;
  readonly Data?: Readonly<Record<string, unknown>>;
}

/** What a local custom-resource handler gets: local AWS's endpoint, and credentials that sign as its function's role. */
export interface CustomResourceHandlerEnv {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** A local custom-resource Lambda: it answers by PUTting a response to event.ResponseURL, as a real one does. */
export type CustomResourceHandlerFactory = (
  env: CustomResourceHandlerEnv,
) => (event: CloudFormationCustomResourceEvent) => Promise<void>;
