/**
 * Least privilege, derived rather than hand-listed: the IAM actions a state machine may call are exactly the
 * aws-sdk integrations in its ASL file, and each action is scoped to this service's resources wherever the service
 * supports resource-level permissions. A new Task in a definition therefore cannot silently lack (or over-grant)
 * permissions; the tests also replay every call the local emulator saw against these statements.
 */
import { sdkIntegrationsOf } from './asl';

export interface PermissionScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly clusterName: string;
  readonly serviceName: string;
  readonly targetGroupNamePrefix: string;
  /** Placeholder name -> listener rule ARN, for the rules the definitions modify (`${ProdRuleArn}`, …). */
  readonly ruleArns: Readonly<Record<string, string>>;
  /** Roles a registered task definition names, passed to ECS tasks. */
  readonly passableRoleArns: readonly string[];
}

export interface PermissionStatement {
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: Record<string, Record<string, string>>;
}

const IAM_PREFIX: Record<string, string> = { ecs: 'ecs', elasticloadbalancingv2: 'elasticloadbalancing' };

/** `ecs:createTaskSet` (ASL) -> `ecs:CreateTaskSet` (IAM). */
export function iamActionOf(service: string, action: string): string {
  const prefix = IAM_PREFIX[service];
  if (!prefix) {
    throw new Error(
      `No IAM mapping for aws-sdk service '${service}'. Add it to IAM_PREFIX in state-machine-permissions.ts, with the resources it may touch.`,
    );
  }
  return `${prefix}:${action.charAt(0).toUpperCase()}${action.slice(1)}`;
}

/** Resources each action may touch. Actions without resource-level permissions in the IAM reference get `*`. */
function resourcesFor(iamAction: string, scope: PermissionScope, ruleArns: string[]): string[] {
  const ecsArn = (resource: string): string =>
    `arn:${scope.partition}:ecs:${scope.region}:${scope.account}:${resource}`;
  const service = ecsArn(`service/${scope.clusterName}/${scope.serviceName}`);
  const taskSets = ecsArn(`task-set/${scope.clusterName}/${scope.serviceName}/*`);
  const targetGroups = `arn:${scope.partition}:elasticloadbalancing:${scope.region}:${scope.account}:targetgroup/${scope.targetGroupNamePrefix}-*/*`;
  switch (iamAction) {
    case 'ecs:DescribeServices':
    case 'ecs:UpdateService':
      return [service];
    case 'ecs:CreateTaskSet':
    case 'ecs:DescribeTaskSets':
    case 'ecs:DeleteTaskSet':
    case 'ecs:UpdateTaskSet':
    case 'ecs:UpdateServicePrimaryTaskSet':
      return [service, taskSets];
    case 'elasticloadbalancing:CreateTargetGroup':
    case 'elasticloadbalancing:AddTags':
    case 'elasticloadbalancing:ModifyTargetGroupAttributes':
    case 'elasticloadbalancing:DeleteTargetGroup':
      return [targetGroups];
    case 'elasticloadbalancing:ModifyRule':
      return ruleArns;
    case 'ecs:DescribeTaskDefinition':
    case 'ecs:RegisterTaskDefinition':
    case 'elasticloadbalancing:DescribeRules':
    case 'elasticloadbalancing:DescribeTargetHealth':
    case 'elasticloadbalancing:DescribeTargetGroups':
      return ['*'];
    default:
      throw new Error(
        `No resource scope is defined for ${iamAction}. Add it to resourcesFor() in state-machine-permissions.ts before using it in a state machine.`,
      );
  }
}

/** Rule ARNs a definition passes to ModifyRule, resolved from their `${Placeholder}` names. */
function modifiedRules(definition: unknown, scope: PermissionScope): string[] {
  const placeholders = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.Type === 'Task' && typeof record.Resource === 'string' && record.Resource.endsWith(':modifyRule')) {
      const ruleArn = (record.Parameters as Record<string, unknown> | undefined)?.RuleArn;
      const match = typeof ruleArn === 'string' ? /^\$\{(\w+)\}$/.exec(ruleArn) : null;
      if (!match) {
        throw new Error(
          `A ModifyRule Task must name its rule as a \${Placeholder} so IAM can scope it; got ${String(ruleArn)}.`,
        );
      }
      placeholders.add(match[1] as string);
    }
    Object.values(record).forEach(visit);
  };
  visit(definition);
  return [...placeholders].sort().map((name) => {
    const arn = scope.ruleArns[name];
    if (!arn) throw new Error(`ModifyRule uses \${${name}} but no rule ARN was given for it.`);
    return arn;
  });
}

export function permissionsFor(definition: unknown, scope: PermissionScope): PermissionStatement[] {
  const actions = [...new Set(sdkIntegrationsOf(definition).map((i) => iamActionOf(i.service, i.action)))].sort();
  // ELBv2 authorizes the tags of CreateTargetGroup separately, as AddTags on the new group.
  if (actions.includes('elasticloadbalancing:CreateTargetGroup')) actions.push('elasticloadbalancing:AddTags');
  const rules = modifiedRules(definition, scope);
  const byResources = new Map<string, string[]>();
  for (const action of actions) {
    const key = JSON.stringify(resourcesFor(action, scope, rules));
    byResources.set(key, [...(byResources.get(key) ?? []), action]);
  }
  const statements: PermissionStatement[] = [...byResources].map(([key, grouped]) => ({
    actions: grouped,
    resources: JSON.parse(key) as string[],
  }));
  if (actions.includes('ecs:RegisterTaskDefinition')) {
    statements.push({
      actions: ['iam:PassRole'],
      resources: [...scope.passableRoleArns],
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
  }
  return statements;
}
