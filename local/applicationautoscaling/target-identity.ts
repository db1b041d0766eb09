/**
 * The three members that identify a scalable target (ServiceNamespace, ResourceId, ScalableDimension), checked as
 * every operation that names one checks them: the framework's length and character constraints on ResourceId, then
 * what local Application Auto Scaling emulates (an ECS service's desired count).
 */
import { Constraints, validation } from './errors';
import { requiredText, type Input } from './input';
import { ECS_DESIRED_COUNT, ECS_NAMESPACE } from './model';
import { ecsServiceId, type EcsServiceId } from './resource-ids';
import type { TargetIdentity } from './store';

/** XML-safe characters (the API reference's pattern for ResourceId and other free text). */
export const XML_STRING = /^[\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}\r\n\t]*$/u;
export const XML_STRING_SHOWN = '[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*';

const EMULATED =
  'Local Application Auto Scaling emulates ECS services only: ServiceNamespace ecs, ScalableDimension ' +
  `${ECS_DESIRED_COUNT} and ResourceId service/CLUSTER-NAME/SERVICE-NAME.`;

/** Length and pattern of ResourceId, as the framework checks them (before anything else). */
export function checkResourceId(constraints: Constraints, resourceId: string | undefined): Constraints {
  return constraints
    .length(resourceId, 'resourceId', 1, 1600)
    .pattern(resourceId, 'resourceId', XML_STRING, XML_STRING_SHOWN);
}

/** The identity of the target an ECS-scoped request names, or ValidationException naming the member to fix. */
export function ecsTargetIdentity(input: Input): TargetIdentity & { readonly service: EcsServiceId } {
  const serviceNamespace = requiredText(input, 'ServiceNamespace');
  const resourceId = requiredText(input, 'ResourceId');
  const scalableDimension = requiredText(input, 'ScalableDimension');
  checkResourceId(new Constraints(), resourceId).check();
  if (serviceNamespace !== ECS_NAMESPACE) {
    throw validation(`ServiceNamespace ${serviceNamespace} is not emulated locally. ${EMULATED}`);
  }
  const service = ecsServiceId(resourceId);
  if (scalableDimension !== ECS_DESIRED_COUNT || service === undefined) {
    throw validation(
      `Unsupported service namespace, resource type or scalable dimension (ScalableDimension ${scalableDimension}, ` +
        `ResourceId ${resourceId}). ${EMULATED}`,
    );
  }
  return { serviceNamespace, resourceId, scalableDimension, service };
}
