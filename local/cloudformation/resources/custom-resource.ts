/**
 * Custom resources (AWS::CloudFormation::CustomResource, Custom::*) backed by a Lambda function that has a local
 * handler (harness/deploy/local-lambdas.ts LOCAL_CUSTOM_RESOURCE_HANDLERS). Local CloudFormation sends the request as
 * CloudFormation does (every property value a string), with credentials that sign as the function's execution role,
 * and waits for the handler's PUT to ResponseURL, up to ServiceTimeout (default 3600) emulated seconds.
 * Ref is the PhysicalResourceId the handler answered with, Fn::GetAtt a key of its Data. An Update is sent only when
 * the resolved properties changed; an Update answered with another PhysicalResourceId is a replacement, and the old
 * id gets a Delete in the cleanup phase.
 */
import { randomUUID } from 'node:crypto';
import { accessKeyForRole } from '../../aws/principal';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from '../custom-resource-event';
import type { StackResource } from '../model';
import { NAMED_ONLY_TYPES } from '../resource-types';
import { stringifyScalars } from '../values';
import type { ResourceContext, ResourceHandler } from './handler';
import { namedOnlyHandler } from './named-only';

const DEFAULT_SERVICE_TIMEOUT = 3600;

/** The logical id of the function a ServiceToken `{"Fn::GetAtt": [<id>, "Arn"]}` names. */
function serviceTokenFunction(declared: unknown): string | undefined {
  if (declared === null || typeof declared !== 'object') return undefined;
  const getAtt = (declared as Record<string, unknown>)['Fn::GetAtt'];
  const [id, attribute] = Array.isArray(getAtt) ? getAtt : typeof getAtt === 'string' ? getAtt.split('.') : [];
  return attribute === 'Arn' && typeof id === 'string' ? id : undefined;
}

function providerOf(ctx: ResourceContext) {
  const functionId = serviceTokenFunction(ctx.declared.Properties?.ServiceToken);
  const factory = functionId === undefined ? undefined : ctx.env.functions?.customResourceHandlerFor(functionId);
  return functionId !== undefined && factory ? { functionId, factory } : undefined;
}

const timeoutReason = (requestId: string): string =>
  `CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${requestId}]. ` +
  'If you are using the Python cfn-response module, you may need to update your Lambda function code so that CloudFormation can attach the updated version.';

async function send(
  ctx: ResourceContext,
  request:
    | { RequestType: 'Create'; properties: Readonly<Record<string, unknown>> }
    | {
        RequestType: 'Update';
        properties: Readonly<Record<string, unknown>>;
        PhysicalResourceId: string;
        old: Readonly<Record<string, unknown>>;
      }
    | { RequestType: 'Delete'; properties: Readonly<Record<string, unknown>>; PhysicalResourceId: string },
): Promise<CloudFormationCustomResourceResponse> {
  const provider = providerOf(ctx);
  if (!provider) throw new Error(`${ctx.logicalId} has no local custom-resource handler.`);
  const { env } = ctx;
  const roleArn = ctx.resources.get(provider.functionId)?.properties.Role;
  if (typeof roleArn !== 'string') throw new Error(`The function ${provider.functionId} has no resolved Role.`);
  const requestId = randomUUID();
  const { url, response, cancel } = await ctx.responses.expect({
    stackId: ctx.stack.id,
    logicalId: ctx.logicalId,
    requestId,
    region: env.region,
  });
  const serviceToken = String(request.properties.ServiceToken);
  const common = {
    ServiceToken: serviceToken,
    ResponseURL: url,
    StackId: ctx.stack.id,
    RequestId: requestId,
    LogicalResourceId: ctx.logicalId,
    ResourceType: ctx.type,
    ResourceProperties: stringifyScalars(request.properties) as { ServiceToken: string },
  };
  const event: CloudFormationCustomResourceEvent =
    request.RequestType === 'Create'
      ? { ...common, RequestType: 'Create' }
      : request.RequestType === 'Update'
        ? {
            ...common,
            RequestType: 'Update',
            PhysicalResourceId: request.PhysicalResourceId,
            OldResourceProperties: stringifyScalars(request.old) as Record<string, unknown>,
          }
        : { ...common, RequestType: 'Delete', PhysicalResourceId: request.PhysicalResourceId };
  const handler = provider.factory({
    endpoint: env.endpoint,
    region: env.region,
    credentials: { accessKeyId: accessKeyForRole(roleArn), secretAccessKey: 'local' },
  });
  // Invoked asynchronously, as CloudFormation invokes the function: a handler that throws never answers, and the
  // resource fails when the service timeout ends.
  handler(event).catch(() => undefined);
  const timeout = Number(request.properties.ServiceTimeout ?? DEFAULT_SERVICE_TIMEOUT);
  const abort = new AbortController();
  const timedOut = env.clock.sleep(timeout, abort.signal).then(
    () => 'timeout' as const,
    () => 'cancelled' as const,
  );
  const outcome = await Promise.race([response, timedOut]);
  abort.abort(new Error('answered'));
  if (outcome === 'timeout' || outcome === 'cancelled') {
    cancel();
    throw new Error(timeoutReason(requestId));
  }
  if (outcome.kind === 'invalid') throw new Error(outcome.reason);
  const answer = outcome.response;
  if (answer.Status === 'FAILED') throw new Error(answer.Reason ?? 'See the details in CloudWatch Log Stream');
  if (typeof answer.PhysicalResourceId !== 'string' || answer.PhysicalResourceId === '') {
    throw new Error('Invalid PhysicalResourceId');
  }
  return answer;
}

const physicalOf = (answer: CloudFormationCustomResourceResponse) => ({
  ref: answer.PhysicalResourceId,
  attributes: Object.fromEntries(
    Object.entries(answer.Data ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ),
});

const validateTimeout = (props: Readonly<Record<string, unknown>>): void => {
  if (props.ServiceTimeout === undefined) return;
  const value = Number(props.ServiceTimeout);
  if (!Number.isInteger(value) || value < 1 || value > 3600) {
    throw new Error('ServiceTimeout must be an integer from 1 to 3600.');
  }
};

export const customResourceHandler: ResourceHandler = {
  replacementProperties: new Set(),
  async create(ctx, props) {
    if (!providerOf(ctx)) {
      if (NAMED_ONLY_TYPES.has(ctx.type)) return namedOnlyHandler.create(ctx, props);
      const fn = serviceTokenFunction(ctx.declared.Properties?.ServiceToken) ?? '(not an Fn::GetAtt of a function Arn)';
      throw new Error(
        `The custom resource's function ${fn} has no local handler: add it to LOCAL_CUSTOM_RESOURCE_HANDLERS in harness/deploy/local-lambdas.ts.`,
      );
    }
    validateTimeout(props);
    return { physical: physicalOf(await send(ctx, { RequestType: 'Create', properties: props })) };
  },
  async update(ctx, current: StackResource, props, changed) {
    if (!providerOf(ctx)) return namedOnlyHandler.update(ctx, current, props, changed);
    if (changed.includes('ServiceToken')) throw new Error('Modifying service token is not allowed.');
    validateTimeout(props);
    const answer = await send(ctx, {
      RequestType: 'Update',
      properties: props,
      PhysicalResourceId: current.physical.ref,
      old: current.properties,
    });
    return { physical: physicalOf(answer), replacedOld: answer.PhysicalResourceId !== current.physical.ref };
  },
  async delete(ctx, current) {
    if (!providerOf(ctx)) return namedOnlyHandler.delete(ctx, current);
    await send(ctx, {
      RequestType: 'Delete',
      properties: current.properties,
      PhysicalResourceId: current.physical.ref,
    });
  },
};
