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
  /** Family of the service's task definitions (RegisterTaskDefinition is scoped to its revisions). */
  readonly taskDefinitionFamily: string;
  /** Placeholder name -> listener rule ARN, for the rules the definitions modify (`${ProdRuleArn}`, …). */
  readonly ruleArns: Readonly<Record<string, string>>;
  /** Placeholder name -> listener ARN, for listeners the definitions add rules to (`${TestListenerArn}`). */
  readonly listenerArns?: Readonly<Record<string, string>>;
  /** Placeholder name -> ARN pattern of that listener's rules (`…:listener-rule/app/…/*`). */
  readonly listenerRulePatterns?: Readonly<Record<string, string>>;
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
function resourcesFor(iamAction: string, scope: PermissionScope, refs: ReferencedResources): string[] {
  const ecsArn = (resource: string): string =>
    `arn:${scope.partition}:ecs:${scope.region}:${scope.account}:${resource}`;
  const service = ecsArn(`service/${scope.clusterName}/${scope.serviceName}`);
  const taskSets = ecsArn(`task-set/${scope.clusterName}/${scope.serviceName}/*`);
  const targetGroups = `arn:${scope.partition}:elasticloadbalancing:${scope.region}:${scope.account}:targetgroup/${scope.targetGroupNamePrefix}-*/*`;
  switch (iamAction) {
    // Resource types per the IAM Service Authorization Reference: the service for service-level calls, the task
    // set (a new one matches task-set/CLUSTER/SERVICE/*) for task set calls.
    case 'ecs:DescribeServices':
    case 'ecs:UpdateService':
    case 'ecs:UpdateServicePrimaryTaskSet':
      return [service];
    case 'ecs:CreateTaskSet':
    case 'ecs:DescribeTaskSets':
    case 'ecs:DeleteTaskSet':
    case 'ecs:UpdateTaskSet':
      return [taskSets];
    case 'ecs:RegisterTaskDefinition':
      return [ecsArn(`task-definition/${scope.taskDefinitionFamily}:*`)];
    case 'elasticloadbalancing:CreateTargetGroup':
    case 'elasticloadbalancing:AddTags':
    case 'elasticloadbalancing:ModifyTargetGroupAttributes':
    case 'elasticloadbalancing:DeleteTargetGroup':
      return [targetGroups];
    case 'elasticloadbalancing:ModifyRule':
      return refs.rules;
    case 'elasticloadbalancing:CreateRule':
      return refs.listeners;
    case 'elasticloadbalancing:DeleteRule':
      return refs.listenerRules;
    case 'ecs:DescribeTaskDefinition':
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

interface ReferencedResources {
  /** Rules the definition passes to ModifyRule (by placeholder, or rules it created itself). */
  readonly rules: string[];
  /** Listeners the definition adds rules to (CreateRule). */
  readonly listeners: string[];
  /** Rule ARN patterns of the listeners whose rules DeleteRule may remove. */
  readonly listenerRules: string[];
}

/**
 * Each `${Placeholder}` a Task of the given action passes as `parameter`. A dynamic value (`Parameter.$`) is
 * allowed only when `allowDynamic` says the definition made that resource itself (e.g. a rule it created).
 */
function placeholdersPassed(definition: unknown, action: string, parameter: string, allowDynamic = false): string[] {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.Type === 'Task' && typeof record.Resource === 'string' && record.Resource.endsWith(`:${action}`)) {
      const parameters = (record.Parameters as Record<string, unknown> | undefined) ?? {};
      const value = parameters[parameter];
      const match = typeof value === 'string' ? /^\$\{(\w+)\}$/.exec(value) : null;
      if (match) names.add(match[1] as string);
      else if (!(allowDynamic && `${parameter}.$` in parameters)) {
        throw new Error(
          `A ${action} Task must pass ${parameter} as a \${Placeholder} so IAM can scope it; got ${String(value)}.`,
        );
      }
    }
    Object.values(record).forEach(visit);
  };
  visit(definition);
  return [...names].sort();
}

/** `${Placeholder}` listeners passed to DescribeRules (which also accepts RuleArns instead). */
function listenerPlaceholdersListed(definition: unknown): string[] {
  return sdkTasksOf(definition, 'describeRules').flatMap((parameters) => {
    const match = typeof parameters.ListenerArn === 'string' ? /^\$\{(\w+)\}$/.exec(parameters.ListenerArn) : null;
    return match ? [match[1] as string] : [];
  });
}

function sdkTasksOf(definition: unknown, action: string): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.Type === 'Task' && typeof record.Resource === 'string' && record.Resource.endsWith(`:${action}`)) {
      found.push((record.Parameters as Record<string, unknown> | undefined) ?? {});
    }
    Object.values(record).forEach(visit);
  };
  visit(definition);
  return found;
}

function lookup(table: Readonly<Record<string, string>> | undefined, name: string, what: string): string {
  const value = table?.[name];
  if (!value) throw new Error(`The definition uses \${${name}} as a ${what} but no ARN was given for it.`);
  return value;
}

function referencedResources(definition: unknown, scope: PermissionScope): ReferencedResources {
  // Listeners the definition adds rules to; it may modify those rules by the ARN it got back.
  const creating = placeholdersPassed(definition, 'createRule', 'ListenerArn');
  // Listeners whose rules it deletes: the ones it created, and ones it lists to remove deployment rules that an
  // interrupted run left (abort, rollback).
  const deleting = [...new Set([...creating, ...listenerPlaceholdersListed(definition)])].sort();
  const rules = placeholdersPassed(definition, 'modifyRule', 'RuleArn', creating.length > 0).map((n) =>
    lookup(scope.ruleArns, n, 'listener rule'),
  );
  const rulePatterns = (names: string[]): string[] =>
    names.map((n) => lookup(scope.listenerRulePatterns, n, 'listener'));
  return {
    rules: [...rules, ...rulePatterns(creating)],
    listeners: creating.map((n) => lookup(scope.listenerArns, n, 'listener')),
    listenerRules: rulePatterns(deleting),
  };
}

export function permissionsFor(definition: unknown, scope: PermissionScope): PermissionStatement[] {
  const actions = [...new Set(sdkIntegrationsOf(definition).map((i) => iamActionOf(i.service, i.action)))].sort();
  // ELBv2 authorizes the tags of CreateTargetGroup separately, as AddTags on the new group.
  if (actions.includes('elasticloadbalancing:CreateTargetGroup')) actions.push('elasticloadbalancing:AddTags');
  const refs = referencedResources(definition, scope);
  // DeleteRule is only ever used on rules the same definition created, on listeners it names in CreateRule.
  if (actions.includes('elasticloadbalancing:DeleteRule') && refs.listenerRules.length === 0) {
    throw new Error(
      'A definition that calls DeleteRule must also CreateRule on a ${Listener} placeholder, so IAM can scope it.',
    );
  }
  const byResources = new Map<string, string[]>();
  for (const action of actions) {
    const key = JSON.stringify(resourcesFor(action, scope, refs));
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
