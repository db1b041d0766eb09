/**
 * The custom-resource request CloudFormation sends to a Lambda function and the response the function PUTs to the
 * request's ResponseURL (CloudFormation User Guide, "Custom resource request objects" / "response objects"). The
 * protocol is stated once, beside the product's handler (lambdas/controller-resources/events.ts); these are its names
 * on the emulator's side.
 */
import type {
  CreateEvent,
  CustomResourceEvent,
  CustomResourceResponse,
  DeleteEvent,
  UpdateEvent,
} from '../../lambdas/controller-resources/events';

export type CloudFormationCustomResourceCreateEvent = CreateEvent;
export type CloudFormationCustomResourceUpdateEvent = UpdateEvent;
export type CloudFormationCustomResourceDeleteEvent = DeleteEvent;
export type CloudFormationCustomResourceEvent = CustomResourceEvent;
export type CloudFormationCustomResourceResponse = CustomResourceResponse;

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
