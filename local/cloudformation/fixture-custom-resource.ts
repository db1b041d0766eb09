/**
 * The test fixture custom-resource handler (LOCAL_CUSTOM_RESOURCE_HANDLERS['LocalCloudFormationFixture']): it records
 * every request it gets and answers as its properties say, with an HTTP PUT to the event's ResponseURL:
 *   PhysicalResourceId  the id to answer with (default: the request's, or `<LogicalResourceId>-<RequestId prefix>`)
 *   FailOn              request types (comma-separated) to answer FAILED with Reason `Fixture failed <RequestType>`
 *   Silent              'true': never answer (CloudFormation times out)
 *   Data                returned as Data (Fn::GetAtt keys)
 */
import type {
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
  CustomResourceHandlerFactory,
} from './custom-resource-event';

export interface FixtureRequest {
  readonly event: CloudFormationCustomResourceEvent;
  readonly accessKeyId: string;
}

/** Every request the fixture got in this process, oldest first. */
export const fixtureRequests: FixtureRequest[] = [];

export const createHandler: CustomResourceHandlerFactory = (env) => async (event) => {
  fixtureRequests.push({ event, accessKeyId: env.credentials.accessKeyId });
  const props = event.ResourceProperties;
  if (props.Silent === 'true') return;
  const failOn = typeof props.FailOn === 'string' ? props.FailOn.split(',') : [];
  const failed = failOn.includes(event.RequestType);
  const physicalId =
    typeof props.PhysicalResourceId === 'string' && event.RequestType !== 'Delete'
      ? props.PhysicalResourceId
      : 'PhysicalResourceId' in event
        ? event.PhysicalResourceId
        : `${event.LogicalResourceId}-${event.RequestId.slice(0, 8)}`;
  const response: CloudFormationCustomResourceResponse = {
    Status: failed ? 'FAILED' : 'SUCCESS',
    ...(failed && { Reason: `Fixture failed ${event.RequestType}` }),
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...(props.Data !== undefined && { Data: props.Data as Record<string, unknown> }),
  };
  const body = JSON.stringify(response);
  // As cfn-response does: a PUT with an empty content type, the body's length set.
  const reply = await fetch(event.ResponseURL, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!reply.ok) throw new Error(`The response PUT failed: HTTP ${reply.status}`);
};
