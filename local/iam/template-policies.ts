/**
 * The identity-based policies of the roles in a synthesized template, resolved to the physical ids local AWS gave the
 * stack: every AWS::IAM::Policy that lists the role in `Roles`, plus the role's own inline `Policies`. Roles with
 * managed policies or permissions boundaries fail loudly: their effect cannot be judged from the template alone.
 */
import type { CfnTemplate } from '../cloudformation/model';
import {
  resolveString,
  resolveValue,
  type PhysicalResource,
  type ResolveContext,
} from '../cloudformation/cfn-resolver';
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

/** An action of a pipeline that names its own role: CodePipeline assumes it (with the pipeline's role) to act. */
export interface PipelineActionRole extends RolePolicies {
  readonly stageName: string;
  readonly actionName: string;
  /** `Category/Owner/Provider`, e.g. `Invoke/AWS/StepFunctions`. */
  readonly actionType: string;
  /** The state machine a StepFunctions action starts (its `StateMachineArn`, resolved). */
  readonly stateMachineArn?: string;
}

export interface PipelineRoles {
  /** Logical id of the AWS::CodePipeline::Pipeline. */
  readonly pipelineLogicalId: string;
  /** The pipeline's service role: artifacts, and sts:AssumeRole on the action roles. */
  readonly pipelineRole: RolePolicies;
  /** Every action with a RoleArn, in stage order (an action without one runs as the pipeline role). */
  readonly actions: readonly PipelineActionRole[];
}

/** A role an AWS::Events::Rule target names: EventBridge assumes it to invoke the target. */
export interface RuleTargetRole extends RolePolicies {
  /** Logical id of the AWS::Events::Rule. */
  readonly ruleLogicalId: string;
  readonly targetId: string;
  /** The target's ARN (state machine, pipeline…), resolved. */
  readonly targetArn: string;
}

/** The role a `RoleArn` property references, checked to resolve to the ARN local AWS gave that role. */
function referencedRole(template: CfnTemplate, roleRef: unknown, where: string, scope: TemplateScope): RolePolicies {
  const roleLogicalId = referencedLogicalId(roleRef);
  if (!roleLogicalId) throw new Error(`${where} is not a reference to a role.`);
  const policies = rolePolicies(template, roleLogicalId, scope);
  const resolved = resolveString(roleRef, scope, where);
  if (resolved !== policies.roleArn) throw new Error(`${where} resolves to ${resolved}, not ${policies.roleArn}.`);
  return policies;
}

/**
 * Every pipeline in the template with its service role and the role of each action: new pipelines, stages and actions
 * are picked up automatically.
 */
export function pipelineRoles(template: CfnTemplate, scope: TemplateScope): PipelineRoles[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::CodePipeline::Pipeline')
    .map(([id, r]) => {
      const props = r.Properties ?? {};
      const stages = (props.Stages ?? []) as Array<{ Name: string; Actions?: Array<Record<string, unknown>> }>;
      const actions = stages.flatMap((stage) =>
        (stage.Actions ?? []).flatMap((action): PipelineActionRole[] => {
          if (action.RoleArn === undefined) return [];
          const name = String(action.Name);
          const type = (action.ActionTypeId ?? {}) as Record<string, unknown>;
          const where = `${id} ${stage.Name}/${name}`;
          const role = referencedRole(template, action.RoleArn, `${where} RoleArn`, scope);
          const stateMachine = ((action.Configuration ?? {}) as Record<string, unknown>).StateMachineArn;
          return [
            {
              ...role,
              stageName: stage.Name,
              actionName: name,
              actionType: `${String(type.Category)}/${String(type.Owner)}/${String(type.Provider)}`,
              ...(stateMachine !== undefined && {
                stateMachineArn: resolveString(stateMachine, scope, `${where} StateMachineArn`),
              }),
            },
          ];
        }),
      );
      return {
        pipelineLogicalId: id,
        pipelineRole: referencedRole(template, props.RoleArn, `${id}.RoleArn`, scope),
        actions,
      };
    });
}

/** Every target role of every EventBridge rule in the template (targets without a role are skipped). */
export function ruleTargetRoles(template: CfnTemplate, scope: TemplateScope): RuleTargetRole[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Events::Rule')
    .flatMap(([id, r]) =>
      ((r.Properties?.Targets ?? []) as Array<Record<string, unknown>>).flatMap((target, t): RuleTargetRole[] => {
        if (target.RoleArn === undefined) return [];
        const where = `${id}.Targets[${t}]`;
        return [
          {
            ...referencedRole(template, target.RoleArn, `${where}.RoleArn`, scope),
            ruleLogicalId: id,
            targetId: String(target.Id),
            targetArn: resolveString(target.Arn, scope, `${where}.Arn`),
          },
        ];
      }),
    );
}

/** Who a role's trust policy lets assume it (sts:AssumeRole): AWS principals (ARNs) and service principals. */
export interface TrustedPrincipals {
  readonly aws: readonly string[];
  readonly services: readonly string[];
}

/**
 * The principals a role's AssumeRolePolicyDocument allows to call sts:AssumeRole. Anything this cannot judge from the
 * template alone (Deny, NotPrincipal, NotAction, Condition, federated principals) fails loudly.
 */
export function trustedPrincipals(
  template: CfnTemplate,
  roleLogicalId: string,
  scope: TemplateScope,
): TrustedPrincipals {
  const role = template.Resources[roleLogicalId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleLogicalId} is not an AWS::IAM::Role in the template.`);
  const where = `${roleLogicalId}.AssumeRolePolicyDocument`;
  const document = resolveValue(role.Properties?.AssumeRolePolicyDocument, scope, where) as { Statement?: unknown };
  const statements = [document.Statement].flat().filter((s) => s !== undefined) as Array<Record<string, unknown>>;
  const aws: string[] = [];
  const services: string[] = [];
  const list = (value: unknown): string[] =>
    value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
  statements.forEach((statement, index) => {
    const at = `${roleLogicalId} trust policy statement ${index}`;
    for (const unsupported of ['NotPrincipal', 'NotAction', 'Condition']) {
      if (statement[unsupported] !== undefined) {
        throw new Error(`${at} has ${unsupported}; local IAM cannot judge it.`);
      }
    }
    if (statement.Effect !== 'Allow') throw new Error(`${at} is not an Allow; local IAM cannot judge it.`);
    if (!list(statement.Action).some((a) => a.toLowerCase() === 'sts:assumerole')) return;
    // `"Principal": "*"` is everyone, as `{ "AWS": "*" }`.
    const given = statement.Principal === '*' ? { AWS: '*' } : (statement.Principal ?? {});
    const principal = given as Record<string, unknown>;
    for (const key of Object.keys(principal)) {
      if (key !== 'AWS' && key !== 'Service') {
        throw new Error(`${at} has a ${key} principal; local IAM cannot judge it.`);
      }
    }
    aws.push(...list(principal.AWS));
    services.push(...list(principal.Service));
  });
  return { aws, services };
}

/**
 * The role of the controller-resources function (infra/lib/constructs/controller-owned-resources.ts): it signs
 * CreateService and CreateRule while the stack is created, and the teardown's calls when it is deleted.
 */
export function controllerResourcesRole(template: CfnTemplate, scope: TemplateScope): RolePolicies {
  return roleByPrefix(template, 'ControllerResourcesHandlerRole', scope, 'the controller-resources function');
}

/** The role of the green-watch function (infra/lib/constructs/green-watch.ts), with its policies. */
export function greenWatchRole(template: CfnTemplate, scope: TemplateScope): RolePolicies {
  return roleByPrefix(template, 'StateMachinesGreenWatchRole', scope, 'the green-watch function');
}

/** The role of the lifecycle-hook runner (infra/lib/constructs/lifecycle-hooks.ts), with its policies. */
export function lifecycleHooksRole(template: CfnTemplate, scope: TemplateScope): RolePolicies {
  return roleByPrefix(template, 'StateMachinesLifecycleHooksRole', scope, 'the lifecycle-hook runner');
}

/** The role of the approvals function (infra/lib/constructs/approvals.ts), with its policies. */
export function approvalsRole(template: CfnTemplate, scope: TemplateScope): RolePolicies {
  return roleByPrefix(template, 'StateMachinesApprovalsRole', scope, 'the approvals function');
}

/** The role whose logical id is `prefix` and CDK's 8-hex hash, with its policies. */
function roleByPrefix(template: CfnTemplate, prefix: string, scope: TemplateScope, what: string): RolePolicies {
  const pattern = new RegExp(`^${prefix}[0-9A-F]{8}$`);
  const id = Object.keys(template.Resources).find((logicalId) => pattern.test(logicalId));
  if (!id) throw new Error(`The template has no ${prefix} (${what}).`);
  return rolePolicies(template, id, scope);
}
