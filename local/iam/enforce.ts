/**
 * Enforcement for local AWS: answers AccessDenied, as AWS would, for a signed call its role's policies do not allow.
 * Plug the result into `startLocalAwsStack({ authorize })`. Principals that are none of the given roles (unsigned
 * test clients, other keys) are not judged. An operation without an authorization mapping throws, which the server
 * turns into an InternalFailure: a flow must not silently run a call nobody has checked.
 */
import type { AuthorizeHook } from '../aws/server';
import { AwsError } from '../aws/service';
import { evaluate } from './policy';
import {
  authorizationsFor,
  type AccountScope,
  type ResourceTagLookup,
  type ScalableTargetLookup,
} from './request-authorization';
import type { AuthorizationRecord } from './resource-tags';
import type { RolePolicies } from './template-policies';

export interface AuthorizerOptions {
  /** Current resource tags, for `aws:ResourceTag/…` conditions (resource-tags.ts: localResourceTags). */
  readonly resourceTags?: ResourceTagLookup;
  /** Registered scalable targets, for Application Auto Scaling's ARNs (scalable-targets.ts: localScalableTargets). */
  readonly scalableTargets?: ScalableTargetLookup;
  /**
   * Keeps each signed call's authorizations as they were at call time, for the replay (least-privilege.ts); its own
   * resource tag lookup is used instead of `resourceTags`.
   */
  readonly record?: AuthorizationRecord;
}

/** The error each protocol returns when IAM refuses a call. */
export function accessDenied(service: string, principal: string, action: string, resource: string, explicit: boolean) {
  const reason = explicit
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${action} action`;
  const message = `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} ${reason}`;
  // The JSON protocols (ECS, Step Functions, CodePipeline) use AccessDeniedException; ELBv2's query protocol uses
  // AccessDenied with HTTP 403.
  return service === 'Elastic Load Balancing v2'
    ? new AwsError('AccessDenied', message, 403)
    : new AwsError('AccessDeniedException', message, 400);
}

/**
 * Application Auto Scaling's answer when its permission validation on the target finds the caller lacks some of the
 * target service's or CloudWatch's actions: a ValidationException listing them (wording as AWS returns it, e.g.
 * aws/aws-auto-scaling-custom-resource#25: "User is missing the following permissions: execute-api:Invoke:PATCH, …").
 */
export function missingPermissions(actions: readonly string[]) {
  return new AwsError('ValidationException', `User is missing the following permissions: ${actions.join(', ')}`, 400);
}

/**
 * An authorize hook over `roles`, read on every call so a test can install or swap policies after the stack is
 * deployed (role ARNs are known only then). Conditions on resource tags see the resource as it is at the call.
 */
export function iamAuthorizer(
  roles: () => readonly RolePolicies[],
  scope: AccountScope,
  options: AuthorizerOptions = {},
): AuthorizeHook {
  return (call) => {
    const role = roles().find((r) => r.roleArn === call.principal);
    if (!role) {
      options.record?.observe(call);
      return undefined;
    }
    const requests = options.record
      ? options.record.authorize(call)
      : authorizationsFor(call, scope, {
          resourceTags: options.resourceTags,
          scalableTargets: options.scalableTargets,
        });
    const missing: string[] = [];
    for (const request of requests) {
      const { decision } = evaluate(role.statements, request);
      if (decision !== 'Allow' && request.validatedBy !== undefined) {
        // The service's own check: it runs once IAM allowed the call itself, and reports every gap at once.
        if (!missing.includes(request.action)) missing.push(request.action);
      } else if (decision !== 'Allow') {
        return accessDenied(
          call.service,
          call.principal,
          request.action,
          request.resource,
          decision === 'ExplicitDeny',
        );
      }
    }
    return missing.length > 0 ? missingPermissions(missing) : undefined;
  };
}
