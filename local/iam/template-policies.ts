/**
 * The identity-based policies of the roles in a synthesized template, resolved to the physical ids local AWS gave the
 * stack: every AWS::IAM::Policy that lists the role in `Roles`, plus the role's own inline `Policies`. Roles with
 * managed policies or permissions boundaries fail loudly: their effect cannot be judged from the template alone.
 */
import type { CfnTemplate } from '../deploy/deploy-template';
import { resolveString, resolveValue, type PhysicalResource, type ResolveContext } from '../deploy/cfn-resolver';
import { statementsOf, type PolicyDocument, type SourcedStatement } from './policy';

export interface RolePolicies {
  /** Logical id of the AWS::IAM::Role. */
  readonly roleLogicalId: string;
  /** `arn:aws:iam::123456789012:role/<LogicalId>` locally. */
  readonly roleArn: string;
  readonly statements: readonly SourcedStatement[];
}

export interface StateMachineRole extends RolePolicies {
  /** Logical id of the AWS::StepFunctions::StateMachine. */
  readonly stateMachineLogicalId: string;
  readonly stateMachineArn: string;
}

export interface TemplateScope {
  readonly resources: ReadonlyMap<string, PhysicalResource>;
  readonly region: string;
  readonly accountId: string;
}

/** The logical id a `Ref` or `Fn::GetAtt` points at, or undefined for a literal. */
function referencedLogicalId(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return record.Ref;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

export function rolePolicies(template: CfnTemplate, roleLogicalId: string, scope: TemplateScope): RolePolicies {
  const role = template.Resources[roleLogicalId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not an AWS::IAM::Role in the template.`);
  const ctx: ResolveContext = scope;
  const props = role.Properties ?? {};
  for (const unsupported of ['ManagedPolicyArns', 'PermissionsBoundary']) {
    if (props[unsupported] !== undefined) {
      throw new Error(
        `Role ${roleLogicalId} has ${unsupported}; local IAM evaluates only the template's own policies, so it cannot judge this role.`,
      );
    }
  }
  const statements: SourcedStatement[] = [];
  const inline = (props.Policies ?? []) as Array<{ PolicyName?: unknown; PolicyDocument: unknown }>;
  inline.forEach((p, i) => {
    const name = `${roleLogicalId}.Policies[${i}]`;
    statements.push(...statementsOf(resolveValue(p.PolicyDocument, ctx, name) as PolicyDocument, name));
  });
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const roles = (resource.Properties?.Roles ?? []) as unknown[];
    if (!roles.some((r) => referencedLogicalId(r) === roleLogicalId || r === roleLogicalId)) continue;
    const document = resolveValue(resource.Properties?.PolicyDocument, ctx, id) as PolicyDocument;
    statements.push(...statementsOf(document, id));
  }
  const roleArn = scope.resources.get(roleLogicalId)?.attributes.Arn;
  if (!roleArn) throw new Error(`Local AWS has no ARN for role ${roleLogicalId}.`);
  return { roleLogicalId, roleArn, statements };
}

/** Every state machine in the template with its role's policies: new state machines are picked up automatically. */
export function stateMachineRoles(template: CfnTemplate, scope: TemplateScope): StateMachineRole[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')
    .map(([id, r]) => {
      const roleRef = r.Properties?.RoleArn;
      const roleLogicalId = referencedLogicalId(roleRef);
      if (!roleLogicalId) throw new Error(`State machine ${id} has a RoleArn that is not a reference to a role.`);
      const stateMachineArn = scope.resources.get(id)?.ref;
      if (!stateMachineArn) throw new Error(`Local AWS has not created state machine ${id}.`);
      const policies = rolePolicies(template, roleLogicalId, scope);
      const resolvedRoleArn = resolveString(roleRef, scope, `${id}.RoleArn`);
      if (resolvedRoleArn !== policies.roleArn) {
        throw new Error(`State machine ${id} resolves RoleArn to ${resolvedRoleArn}, not ${policies.roleArn}.`);
      }
      return { ...policies, stateMachineLogicalId: id, stateMachineArn };
    });
}
