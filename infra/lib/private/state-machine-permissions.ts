/**
 * Least privilege, derived rather than hand-listed: the IAM actions a state machine may call are exactly the service
 * integrations in its ASL file, and each action is scoped to this service's resources wherever the service supports
 * resource-level permissions. A new Task in a definition therefore cannot silently lack (or over-grant) permissions;
 * the tests also replay every call the local emulator saw against these statements.
 *
 * **Ownership by tag.** Resources the state machines create carry `bluegreen:stack` and `bluegreen:service` (the ASL
 * sets them as `${StackName}` and `${ServiceName}`). The grants condition on those tags wherever the Service
 * Authorization Reference (SAR) lists the condition key for the action, so a look-alike resource (same name prefix,
 * another stack, or made by hand) is refused by IAM itself, not only by the state machine's own checks:
 *
 * | action (resource type) | condition key used | SAR lists it |
 * | --- | --- | --- |
 * | elasticloadbalancing:CreateTargetGroup (targetgroup), CreateRule (listener/app) | aws:RequestTag/…, aws:TagKeys | yes |
 * | elasticloadbalancing:AddTags (targetgroup, listener-rule/app) | elasticloadbalancing:CreateAction, aws:RequestTag/…, aws:TagKeys | yes |
 * | elasticloadbalancing:DeleteTargetGroup, ModifyTargetGroupAttributes (targetgroup) | aws:ResourceTag/… | yes |
 * | elasticloadbalancing:DeleteRule, ModifyRule (listener-rule/app) | aws:ResourceTag/… | yes |
 * | ecs:CreateTaskSet (task-set), ecs:RegisterTaskDefinition (task-definition) | aws:RequestTag/…, aws:TagKeys | yes |
 * | ecs:TagResource (task-set, task-definition) | ecs:CreateAction, aws:RequestTag/…, aws:TagKeys | yes |
 * | ecs:DeleteTaskSet, ecs:UpdateTaskSet (task-set) | aws:ResourceTag/… | yes |
 * | elasticloadbalancing:DescribeTags | none; no resource types, so `*` | — |
 * | ecs:ListTasks (container-instance) | `*` with `ecs:cluster` = this cluster (no container instance is named) | yes |
 * | ecs:DescribeTasks (task) | resource `task/CLUSTER/*` (tasks carry no ownership tags) | — |
 * | states:DescribeExecution (execution) | resource `execution:NAME:*` of this stack's state machines | — |
 * | dynamodb:GetItem, PutItem, UpdateItem, DeleteItem (table) | resource: the deployment table | — |
 *
 * Sources: docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html,
 * list_amazonelasticcontainerservice.html, list_awsstepfunctions.html and list_amazondynamodb.html (Actions and
 * Resource types tables); tags given on create are authorized as a second action, AddTags / TagResource, with the
 * `…:CreateAction` key naming the creating call: docs.aws.amazon.com/elasticloadbalancing/latest/userguide/
 * tagging-resources-during-creation.html and docs.aws.amazon.com/AmazonECS/latest/developerguide/
 * supported-iam-actions-tagging.html.
 *
 * Request-tag conditions are derived from each create Task's own `Tags` (the ownership tags it sets, and the exact tag
 * keys it may set), so they hold for today's definitions as for tomorrow's. Resource-tag conditions need every create
 * to tag, so they apply once the scope names the stack (`stackName`): then every create Task must set both ownership
 * tags, and a definition that does not fails here rather than at run time. The target group name prefix stays as a
 * second fence on the resource ARN.
 */
import { OWNERSHIP_TAG_KEYS } from '../../../lambdas/controller-resources/ownership';
import { SCALABLE_DIMENSION } from '../../../contract';
import { optimizedIntegrationsOf, sdkIntegrationsOf } from './asl';

/** The tags saying which stack and which service a resource the controller created belongs to (stated once there). */
export { OWNERSHIP_TAG_KEYS };

/** The placeholder each ownership tag's value must be in the ASL. */
const OWNERSHIP_PLACEHOLDERS: Readonly<Record<string, string>> = {
  [OWNERSHIP_TAG_KEYS.stack]: '${StackName}',
  [OWNERSHIP_TAG_KEYS.service]: '${ServiceName}',
};

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
  /**
   * The stack's name: the value of the `bluegreen:stack` tag. Giving it turns on ownership by tag in full: every
   * create Task must set both ownership tags, and deleting or changing a created resource requires them
   * (`aws:ResourceTag/…`).
   */
  readonly stackName?: string;
  /** The deployment table (`${DeploymentTableName}`), for `arn:aws:states:::dynamodb:*` Tasks. */
  readonly deploymentTableArn?: string;
  /** The explicit names of this stack's state machines: DescribeExecution may read their executions only. */
  readonly stateMachineNames?: readonly string[];
  /**
   * Whether the stack has autoscaling. Without it the definitions' Application Auto Scaling Tasks never run (their
   * Choice reads `${AutoScalingEnabled}`), and the role gets none of their permissions.
   * @default false
   */
  readonly autoScaling?: boolean;
}

export type ConditionValue = string | string[];
export type Conditions = Record<string, Record<string, ConditionValue>>;

export interface PermissionStatement {
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: Conditions;
}

const IAM_PREFIX: Record<string, string> = {
  ecs: 'ecs',
  elasticloadbalancingv2: 'elasticloadbalancing',
  sfn: 'states',
  applicationautoscaling: 'application-autoscaling',
};

const capitalized = (action: string): string => `${action.charAt(0).toUpperCase()}${action.slice(1)}`;

/** `ecs:createTaskSet` (ASL) -> `ecs:CreateTaskSet` (IAM). */
export function iamActionOf(service: string, action: string): string {
  const prefix = IAM_PREFIX[service];
  if (!prefix) {
    throw new Error(
      `No IAM mapping for aws-sdk service '${service}'. Add it to IAM_PREFIX in state-machine-permissions.ts, with the resources it may touch.`,
    );
  }
  return `${prefix}:${capitalized(action)}`;
}

/** Optimized integrations Step Functions calls with the role (lambda:invoke is granted by the construct itself). */
const DYNAMODB_ACTIONS = new Set(['getItem', 'putItem', 'updateItem', 'deleteItem']);

function optimizedIamActions(definition: unknown): string[] {
  return optimizedIntegrationsOf(definition).flatMap(({ service, action }) => {
    // The callback pattern invokes the function just the same (lambda:InvokeFunction); SendTask* come from the function.
    if (service === 'lambda' && (action === 'invoke' || action === 'invoke.waitForTaskToken')) return [];
    if (service === 'dynamodb' && DYNAMODB_ACTIONS.has(action)) {
      for (const task of tasksOf(definition, `:::dynamodb:${action}`)) {
        if (task.parameters.TableName !== '${DeploymentTableName}') {
          throw new Error(
            `${task.name} (dynamodb:${action}) must pass "TableName": "\${DeploymentTableName}" so IAM can scope it to the deployment table; got ${JSON.stringify(task.parameters.TableName ?? task.parameters['TableName.$'])}.`,
          );
        }
      }
      return [`dynamodb:${capitalized(action)}`];
    }
    throw new Error(
      `No IAM mapping for the integration arn:aws:states:::${service}:${action}. Add it to state-machine-permissions.ts, with the resources it may touch.`,
    );
  });
}

/** Resources each action may touch. Actions without resource-level permissions in the IAM reference get `*`. */
function resourcesFor(iamAction: string, scope: PermissionScope, refs: ReferencedResources): string[] {
  const ecsArn = (resource: string): string =>
    `arn:${scope.partition}:ecs:${scope.region}:${scope.account}:${resource}`;
  const service = ecsArn(`service/${scope.clusterName}/${scope.serviceName}`);
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
      return [taskSetsOf(scope)];
    case 'ecs:RegisterTaskDefinition':
      return [taskDefinitionsOf(scope)];
    // The SAR lists ListTasks on the container-instance resource type only; a call naming no container instance is
    // authorized against `*`, and the `ecs:cluster` condition (CLUSTER_SCOPED_ACTIONS) keeps it to this cluster.
    case 'ecs:ListTasks':
      return ['*'];
    case 'ecs:DescribeTasks':
      return [ecsArn(`task/${scope.clusterName}/*`)];
    case 'elasticloadbalancing:CreateTargetGroup':
    case 'elasticloadbalancing:ModifyTargetGroupAttributes':
    case 'elasticloadbalancing:DeleteTargetGroup':
      return [targetGroupsOf(scope)];
    case 'elasticloadbalancing:CreateRule':
      return refs.listeners;
    case 'elasticloadbalancing:DeleteRule':
      return refs.listenerRules;
    case 'states:DescribeExecution': {
      const names = scope.stateMachineNames ?? [];
      if (names.length === 0) {
        throw new Error(
          'A definition calls sfn:describeExecution, but the scope names no state machines (stateMachineNames); IAM scopes DescribeExecution to their executions.',
        );
      }
      return names.map((n) => `arn:${scope.partition}:states:${scope.region}:${scope.account}:execution:${n}:*`);
    }
    case 'dynamodb:GetItem':
    case 'dynamodb:PutItem':
    case 'dynamodb:UpdateItem':
    case 'dynamodb:DeleteItem':
      if (!scope.deploymentTableArn) {
        throw new Error(`A definition calls ${iamAction}, but the scope gives no deploymentTableArn to scope it to.`);
      }
      return [scope.deploymentTableArn];
    case 'ecs:DescribeTaskDefinition':
    case 'elasticloadbalancing:DescribeRules':
    case 'elasticloadbalancing:DescribeTags':
    case 'elasticloadbalancing:DescribeTargetHealth':
    case 'elasticloadbalancing:DescribeTargetGroups':
      return ['*'];
    default:
      throw new Error(
        `No resource scope is defined for ${iamAction}. Add it to resourcesFor() in state-machine-permissions.ts before using it in a state machine.`,
      );
  }
}

const taskSetsOf = (scope: PermissionScope): string =>
  `arn:${scope.partition}:ecs:${scope.region}:${scope.account}:task-set/${scope.clusterName}/${scope.serviceName}/*`;
const taskDefinitionsOf = (scope: PermissionScope): string =>
  `arn:${scope.partition}:ecs:${scope.region}:${scope.account}:task-definition/${scope.taskDefinitionFamily}:*`;
const targetGroupsOf = (scope: PermissionScope): string =>
  `arn:${scope.partition}:elasticloadbalancing:${scope.region}:${scope.account}:targetgroup/${scope.targetGroupNamePrefix}-*/*`;

interface ReferencedResources {
  /** CloudFormation-owned rules the definition passes to ModifyRule by placeholder. */
  readonly placeholderRules: string[];
  /** Rule ARN patterns of rules the definition modifies by a dynamic ARN (rules it created, or listed). */
  readonly dynamicRules: string[];
  /** Listeners the definition adds rules to (CreateRule). */
  readonly listeners: string[];
  /** Rule ARN patterns of the listeners it adds rules to (where AddTags authorizes a new rule's tags). */
  readonly newRules: string[];
  /** Rule ARN patterns of the listeners whose rules DeleteRule may remove. */
  readonly listenerRules: string[];
}

interface TaskState {
  readonly name: string;
  readonly parameters: Record<string, unknown>;
}

/** Every Task whose Resource ends with `suffix` (`:createTargetGroup`), with its state name, Map/Parallel included. */
function tasksOf(definition: unknown, suffix: string): TaskState[] {
  const found: TaskState[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const states = record.States;
    if (states !== null && typeof states === 'object' && !Array.isArray(states)) {
      for (const [name, state] of Object.entries(states as Record<string, unknown>)) {
        const s = state as Record<string, unknown> | null;
        if (s?.Type === 'Task' && typeof s.Resource === 'string' && s.Resource.endsWith(suffix)) {
          found.push({ name, parameters: (s.Parameters as Record<string, unknown> | undefined) ?? {} });
        }
      }
    }
    Object.values(record).forEach(visit);
  };
  visit(definition);
  return found;
}

/**
 * Each `${Placeholder}` a Task of the given action passes as `parameter`, and whether any passes a dynamic value
 * (`Parameter.$`), which is allowed only when `allowDynamic` says the definition may act on resources it found itself
 * (e.g. a rule it created).
 */
function placeholdersPassed(
  definition: unknown,
  action: string,
  parameter: string,
  allowDynamic = false,
): { names: string[]; dynamic: boolean } {
  const names = new Set<string>();
  let dynamic = false;
  for (const { parameters } of tasksOf(definition, `:${action}`)) {
    const value = parameters[parameter];
    const match = typeof value === 'string' ? /^\$\{(\w+)\}$/.exec(value) : null;
    if (match) names.add(match[1] as string);
    else if (allowDynamic && `${parameter}.$` in parameters) dynamic = true;
    else {
      throw new Error(
        `A ${action} Task must pass ${parameter} as a \${Placeholder} so IAM can scope it; got ${String(value)}.`,
      );
    }
  }
  return { names: [...names].sort(), dynamic };
}

/** `${Placeholder}` listeners passed to DescribeRules (which also accepts RuleArns instead). */
function listenerPlaceholdersListed(definition: unknown): string[] {
  return tasksOf(definition, ':describeRules').flatMap(({ parameters }) => {
    const match = typeof parameters.ListenerArn === 'string' ? /^\$\{(\w+)\}$/.exec(parameters.ListenerArn) : null;
    return match ? [match[1] as string] : [];
  });
}

function lookup(table: Readonly<Record<string, string>> | undefined, name: string, what: string): string {
  const value = table?.[name];
  if (!value) throw new Error(`The definition uses \${${name}} as a ${what} but no ARN was given for it.`);
  return value;
}

function referencedResources(definition: unknown, scope: PermissionScope, ownedByTag: boolean): ReferencedResources {
  // Listeners the definition adds rules to; it may modify those rules by the ARN it got back.
  const creating = placeholdersPassed(definition, 'createRule', 'ListenerArn').names;
  const listed = listenerPlaceholdersListed(definition);
  // Listeners whose rules it deletes: the ones it created, and ones it lists to remove deployment rules that an
  // interrupted run left (abort, rollback).
  const deleting = [...new Set([...creating, ...listed])].sort();
  // A rule found by listing may be modified only when IAM can tell it is ours (aws:ResourceTag).
  const modifiable = ownedByTag ? deleting : creating;
  const modify = placeholdersPassed(definition, 'modifyRule', 'RuleArn', modifiable.length > 0);
  const rulePatterns = (names: string[]): string[] =>
    names.map((n) => lookup(scope.listenerRulePatterns, n, 'listener'));
  return {
    placeholderRules: modify.names.map((n) => lookup(scope.ruleArns, n, 'listener rule')),
    dynamicRules: modify.dynamic ? rulePatterns(modifiable) : [],
    listeners: creating.map((n) => lookup(scope.listenerArns, n, 'listener')),
    newRules: rulePatterns(creating),
    listenerRules: rulePatterns(deleting),
  };
}

/** The create calls that can tag what they create, the tag action that authorizes those tags, and its key. */
const TAGGED_CREATES: ReadonlyArray<{
  readonly iamAction: string;
  readonly aslAction: string;
  readonly tagAction: string;
  readonly createActionKey: string;
}> = [
  {
    iamAction: 'elasticloadbalancing:CreateTargetGroup',
    aslAction: 'createTargetGroup',
    tagAction: 'elasticloadbalancing:AddTags',
    createActionKey: 'elasticloadbalancing:CreateAction',
  },
  {
    iamAction: 'elasticloadbalancing:CreateRule',
    aslAction: 'createRule',
    tagAction: 'elasticloadbalancing:AddTags',
    createActionKey: 'elasticloadbalancing:CreateAction',
  },
  {
    iamAction: 'ecs:CreateTaskSet',
    aslAction: 'createTaskSet',
    tagAction: 'ecs:TagResource',
    createActionKey: 'ecs:CreateAction',
  },
  {
    iamAction: 'ecs:RegisterTaskDefinition',
    aslAction: 'registerTaskDefinition',
    tagAction: 'ecs:TagResource',
    createActionKey: 'ecs:CreateAction',
  },
];

/** What the create Tasks of one action tag: the keys any of them may set, and the ownership tags all of them set. */
interface CreateTagging {
  /** Every static tag key some Task sets (aws:TagKeys may contain only these). */
  readonly keys: string[];
  /** Ownership tag key -> its value, set by every Task of the action (aws:RequestTag/… must equal it). */
  readonly ownership: Record<string, string>;
  /** Whether some Task of the action passes Tags (then the tag action is authorized as well). */
  readonly tags: boolean;
}

/** The static `Tags` of one create Task: key -> the value as written (`${ServiceName}`), or undefined if dynamic. */
function tagsOfTask(task: TaskState, action: string): Map<string, string | undefined> | undefined {
  if ('Tags.$' in task.parameters) {
    throw new Error(
      `${task.name} (${action}) builds its Tags dynamically; give them as a list of {"Key": …, "Value"/"Value.$": …} so IAM can condition on the tag keys.`,
    );
  }
  const tags = task.parameters.Tags;
  if (tags === undefined) return undefined;
  if (!Array.isArray(tags)) throw new Error(`${task.name} (${action}) passes Tags that are not a list.`);
  const found = new Map<string, string | undefined>();
  for (const tag of tags as unknown[]) {
    const t = (tag ?? {}) as Record<string, unknown>;
    if (typeof t.Key !== 'string') {
      throw new Error(`${task.name} (${action}) has a tag without a static Key; IAM conditions on the tag keys.`);
    }
    found.set(t.Key, typeof t.Value === 'string' ? t.Value : undefined);
  }
  return found;
}

function createTagging(definition: unknown, aslAction: string, scope: PermissionScope, ownedByTag: boolean) {
  const tasks = tasksOf(definition, `:${aslAction}`);
  const keys = new Set<string>();
  let ownership: Record<string, string> | undefined;
  let tagged = false;
  const values: Readonly<Record<string, string | undefined>> = {
    [OWNERSHIP_TAG_KEYS.stack]: scope.stackName,
    [OWNERSHIP_TAG_KEYS.service]: scope.serviceName,
  };
  for (const task of tasks) {
    const tags = tagsOfTask(task, aslAction);
    if (tags) tagged = true;
    const own: Record<string, string> = {};
    for (const [key, placeholder] of Object.entries(OWNERSHIP_PLACEHOLDERS)) {
      const written = tags?.get(key);
      if (tags?.has(key) && written !== placeholder) {
        throw new Error(
          `${task.name} (${aslAction}) sets the ownership tag ${key} to ${written === undefined ? 'a dynamic value' : `'${written}'`}; it must be "${placeholder}".`,
        );
      }
      if (written === undefined) {
        if (ownedByTag) {
          throw new Error(
            `${task.name} (${aslAction}) must tag what it creates with {"Key": "${key}", "Value": "${placeholder}"}: clean-up, abort and IAM find this stack's resources by that tag.`,
          );
        }
        continue;
      }
      const value = values[key];
      if (value === undefined) {
        throw new Error(
          `${task.name} (${aslAction}) tags ${key} with ${placeholder}, but the scope gives no stackName for IAM to require it.`,
        );
      }
      own[key] = value;
    }
    // Every Task must satisfy the conditions: only the ownership tags all of them set are required.
    ownership = ownership ? Object.fromEntries(Object.entries(ownership).filter(([k, v]) => own[k] === v)) : own;
    tags?.forEach((_, key) => keys.add(key));
  }
  return { keys: [...keys].sort(), ownership: ownership ?? {}, tags: tagged } satisfies CreateTagging;
}

/** `aws:RequestTag/…` equal to the ownership tags, and `aws:TagKeys` within the keys the Tasks set. */
function requestTagConditions(tagging: CreateTagging, extra: Record<string, ConditionValue> = {}): Conditions {
  const equals: Record<string, ConditionValue> = { ...extra };
  for (const [key, value] of Object.entries(tagging.ownership)) equals[`aws:RequestTag/${key}`] = value;
  return {
    ...(Object.keys(equals).length > 0 ? { StringEquals: equals } : {}),
    ...(tagging.keys.length > 0 ? { 'ForAllValues:StringEquals': { 'aws:TagKeys': tagging.keys } } : {}),
  };
}

/** Actions on a created resource that require it to carry this stack's and service's tags (aws:ResourceTag/…). */
const OWNED_RESOURCE_ACTIONS = new Set([
  'elasticloadbalancing:DeleteTargetGroup',
  'elasticloadbalancing:ModifyTargetGroupAttributes',
  'elasticloadbalancing:DeleteRule',
  'ecs:DeleteTaskSet',
  'ecs:UpdateTaskSet',
]);

/** Actions granted on `*` and kept to this stack's cluster by the `ecs:cluster` condition key (SAR lists it). */
const CLUSTER_SCOPED_ACTIONS = new Set(['ecs:ListTasks']);

interface Grant {
  readonly action: string;
  readonly resources: string[];
  readonly conditions?: Conditions;
}

export function permissionsFor(definition: unknown, scope: PermissionScope): PermissionStatement[] {
  const ownedByTag = scope.stackName !== undefined;
  const actions = [
    ...new Set([
      ...sdkIntegrationsOf(definition).map((i) => iamActionOf(i.service, i.action)),
      ...optimizedIamActions(definition),
    ]),
  ].sort();
  const refs = referencedResources(definition, scope, ownedByTag);
  // DeleteRule is only ever used on rules the same definition created, on listeners it names in CreateRule.
  if (actions.includes('elasticloadbalancing:DeleteRule') && refs.listenerRules.length === 0) {
    throw new Error(
      'A definition that calls DeleteRule must also CreateRule on a ${Listener} placeholder, so IAM can scope it.',
    );
  }
  const owned: Conditions | undefined = ownedByTag
    ? {
        StringEquals: {
          [`aws:ResourceTag/${OWNERSHIP_TAG_KEYS.stack}`]: scope.stackName as string,
          [`aws:ResourceTag/${OWNERSHIP_TAG_KEYS.service}`]: scope.serviceName,
        },
      }
    : undefined;
  const tagResources: Readonly<Record<string, string[]>> = {
    'elasticloadbalancing:CreateTargetGroup': [targetGroupsOf(scope)],
    'elasticloadbalancing:CreateRule': refs.newRules,
    'ecs:CreateTaskSet': [taskSetsOf(scope)],
    'ecs:RegisterTaskDefinition': [taskDefinitionsOf(scope)],
  };

  const grants: Grant[] = [];
  for (const action of actions) {
    if (action.startsWith('application-autoscaling:')) {
      if (scope.autoScaling === true) grants.push(...scalingGrants(action, scope));
      continue;
    }
    const create = TAGGED_CREATES.find((c) => c.iamAction === action);
    if (create) {
      const tagging = createTagging(definition, create.aslAction, scope, ownedByTag);
      grants.push({ action, resources: resourcesFor(action, scope, refs), conditions: requestTagConditions(tagging) });
      if (tagging.tags) {
        // Tags given on create are authorized separately, as the tag action on the new resource.
        const createAction = action.slice(action.indexOf(':') + 1);
        grants.push({
          action: create.tagAction,
          resources: tagResources[action] ?? [],
          conditions: requestTagConditions(tagging, { [create.createActionKey]: createAction }),
        });
      }
    } else if (action === 'elasticloadbalancing:ModifyRule') {
      // CloudFormation's rules, by ARN; the rules the definition created, by tag once ownership is by tag.
      if (refs.placeholderRules.length > 0) grants.push({ action, resources: refs.placeholderRules });
      if (refs.dynamicRules.length > 0) grants.push({ action, resources: refs.dynamicRules, conditions: owned });
    } else {
      const conditions = OWNED_RESOURCE_ACTIONS.has(action)
        ? owned
        : CLUSTER_SCOPED_ACTIONS.has(action)
          ? {
              ArnEquals: {
                'ecs:cluster': `arn:${scope.partition}:ecs:${scope.region}:${scope.account}:cluster/${scope.clusterName}`,
              },
            }
          : undefined;
      grants.push({ action, resources: resourcesFor(action, scope, refs), conditions });
    }
  }
  const statements = groupGrants(grants);
  if (actions.includes('ecs:RegisterTaskDefinition')) {
    statements.push({
      actions: ['iam:PassRole'],
      resources: [...scope.passableRoleArns],
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
  }
  return statements;
}

/**
 * An Application Auto Scaling action: the machines call only PutScalingPolicy (contract/autoscaling.ts), whose
 * Service Authorization Reference entry lists no dependent actions (Application Auto Scaling creates the policy's
 * alarms with its service-linked role). RegisterScalableTarget would also need its permission validation to pass.
 */
function scalingGrants(action: string, scope: PermissionScope): Grant[] {
  if (action !== 'application-autoscaling:PutScalingPolicy') {
    throw new Error(
      `No grant is defined for ${action}. Add it to scalingGrants() in state-machine-permissions.ts, with the permissions Application Auto Scaling validates for it.`,
    );
  }
  return [
    {
      action,
      // The SAR's scalable-target ARN ends in a unique id, not the service's name, so no ARN names this service's
      // target; the conditions narrow the grant to ECS services' desired counts.
      resources: [`arn:${scope.partition}:application-autoscaling:${scope.region}:${scope.account}:scalable-target/*`],
      conditions: {
        StringEquals: {
          'application-autoscaling:service-namespace': 'ecs',
          'application-autoscaling:scalable-dimension': SCALABLE_DIMENSION,
        },
      },
    },
  ];
}

/** One statement per distinct (resources, conditions), its actions sorted. */
function groupGrants(grants: readonly Grant[]): PermissionStatement[] {
  const byScope = new Map<string, { resources: string[]; conditions?: Conditions; actions: Set<string> }>();
  for (const grant of grants) {
    const conditions = grant.conditions && Object.keys(grant.conditions).length > 0 ? grant.conditions : undefined;
    const key = JSON.stringify([grant.resources, conditions ?? null]);
    const entry = byScope.get(key) ?? { resources: grant.resources, conditions, actions: new Set<string>() };
    entry.actions.add(grant.action);
    byScope.set(key, entry);
  }
  return [...byScope.values()].map(({ resources, conditions, actions }) => ({
    actions: [...actions].sort(),
    resources,
    ...(conditions ? { conditions } : {}),
  }));
}
