/**
 * Enforcement for local AWS: answers AccessDenied, as AWS would, for a signed call its role's policies do not allow.
 * Plug the result into `startLocalAwsStack({ authorize })`. Principals that are none of the given roles (unsigned
 * test clients, other keys) are not judged. An operation without an authorization mapping throws, which the server
 * turns into an InternalFailure: a flow must not silently run a call nobody has checked.
 */
import type { AuthorizeHook } from '../aws/server';
import { AwsError } from '../aws/service';
import { evaluate } from './policy';
import { authorizationsFor, type AccountScope } from './request-authorization';
import type { RolePolicies } from './template-policies';

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
 * An authorize hook over `roles`, read on every call so a test can install or swap policies after the stack is
 * deployed (role ARNs are known only then).
 */
export function iamAuthorizer(roles: () => readonly RolePolicies[], scope: AccountScope): AuthorizeHook {
  return (call) => {
    const role = roles().find((r) => r.roleArn === call.principal);
    if (!role) return undefined;
    for (const request of authorizationsFor(call, scope)) {
      const { decision } = evaluate(role.statements, request);
      if (decision !== 'Allow') {
        return accessDenied(
          call.service,
          call.principal,
          request.action,
          request.resource,
          decision === 'ExplicitDeny',
        );
      }
    }
    return undefined;
  };
}
