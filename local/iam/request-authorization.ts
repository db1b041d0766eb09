/**
 * What IAM authorizes for each ECS, ELBv2, Step Functions and CodePipeline API call our flows make: the IAM action(s)
 * and the resource ARN each is evaluated against, derived from the request the way the Service Authorization Reference
 * lists the resource types (docs.aws.amazon.com/service-authorization/latest/reference/
 * list_amazonelasticcontainerservice.html, list_awselasticloadbalancingv2.html, list_awsstepfunctions.html and
 * list_awscodepipeline.html; the machine-readable copy in github.com/iann0036/iam-dataset aws/iam_definition.json was
 * used to read the tables):
 *
 * | API call | IAM action → resource type (SAR) |
 * | --- | --- |
 * | ecs CreateService, DeleteService, DescribeServices, UpdateService, UpdateServicePrimaryTaskSet | service* |
 * | ecs CreateTaskSet, DeleteTaskSet, DescribeTaskSets, UpdateTaskSet | task-set* |
 * | ecs RegisterTaskDefinition | task-definition* (+ iam:PassRole for each role it names) |
 * | ecs DescribeTaskDefinition | none (`*`) |
 * | ecs ListTasks | container-instance (optional; `*` when the request names none), with `ecs:cluster` |
 * | ecs DescribeTasks | task* (`task/CLUSTER/ID`), with `ecs:cluster` |
 * | elbv2 CreateTargetGroup, DeleteTargetGroup, ModifyTargetGroup(Attributes), (De)RegisterTargets | targetgroup* |
 * | elbv2 CreateRule | listener/app* (the listener the rule is added to) |
 * | elbv2 ModifyRule, DeleteRule, SetRulePriorities | listener-rule/app* |
 * | elbv2 Describe* | none (`*`) |
 * | sfn StartExecution, DescribeStateMachine | statemachine* (the ARN as given: version and alias ARNs included) |
 * | sfn DescribeExecution | execution* |
 * | sfn SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat | none (`*`): the task token names no resource |
 * | codepipeline StartPipelineExecution | pipeline* (`arn:aws:codepipeline:REGION:ACCOUNT:NAME`) |
 * | dynamodb GetItem, PutItem, UpdateItem, DeleteItem | table* (`arn:aws:dynamodb:REGION:ACCOUNT:table/NAME`) |
 * | cloudwatch PutMetricAlarm, SetAlarmState, DeleteAlarms, DescribeAlarms | alarm* (`…:alarm:NAME`; `alarm:*` if unnamed) |
 * | cloudwatch PutMetricData (`cloudwatch:namespace`), GetMetricStatistics | none (`*`) |
 * | lambda Invoke (lambda:InvokeFunction) | function* (`…:function:NAME`, `…:function:NAME:QUALIFIER` when the call names one) |
 *
 * Resources that do not exist yet (the task set CreateTaskSet makes, the target group CreateTargetGroup makes) are
 * named with `*` for the id AWS has not assigned: `task-set/CLUSTER/SERVICE/*`, `targetgroup/NAME/*`,
 * `task-definition/FAMILY:*`. Tags given on create are authorized separately (ecs:TagResource with
 * ecs:CreateAction, elasticloadbalancing:AddTags with elasticloadbalancing:CreateAction), as the ECS and ELB "tag on
 * create" guides describe. An operation not in this table fails loudly: guessing its authorization would make the
 * least-privilege check meaningless.
 *
 * Condition keys in each request's context, as AWS fills them (SAR condition-key columns):
 * - `aws:RequestTag/KEY` and `aws:TagKeys` from the tags a create (and its tag action) carries;
 * - `ecs:CreateAction` / `elasticloadbalancing:CreateAction` on the tag action of a tag-on-create;
 * - `aws:ResourceTag/KEY` from the current tags of the existing ECS or ELBv2 resource the request names, read through
 *   `resourceTags` (absent when the resource does not exist, is not ours to look up, or no lookup is given: a
 *   condition on it then fails, as IAM's does on a missing key);
 * - `ecs:cluster` (the cluster's ARN) on ecs ListTasks and DescribeTasks;
 * - `iam:PassedToService` on iam:PassRole.
 */
import { invokedArn } from '../lambda/function-name';
import type { AuthorizationRequest, PolicyValue } from './policy';

export interface ApiCall {
  /** The SDK service id as local AWS records it: `ECS`, `Elastic Load Balancing v2`, `SFN`, `CodePipeline`. */
  readonly service: string;
  readonly operation: string;
  /** Wire member names: camelCase for ECS, Step Functions and CodePipeline, PascalCase for ELBv2. */
  readonly input: Readonly<Record<string, unknown>>;
}

export interface AccountScope {
  readonly region: string;
  readonly accountId: string;
}

/**
 * The current tags of an emulated resource by ARN, or undefined when the resource does not exist (or is of a kind the
 * lookup does not know). See resource-tags.ts for the one over local ECS and ELBv2.
 */
export type ResourceTagLookup = (arn: string) => Readonly<Record<string, string>> | undefined;

export interface AuthorizationOptions {
  /** Fills `aws:ResourceTag/…`; without it no request carries resource tags. */
  readonly resourceTags?: ResourceTagLookup;
}

export class UnmappedOperationError extends Error {
  constructor(call: Pick<ApiCall, 'service' | 'operation'>) {
    super(
      `No IAM authorization mapping for ${call.service} ${call.operation}. Add it to local/iam/request-authorization.ts ` +
        '(IAM action and resource type from the Service Authorization Reference) before a flow calls it.',
    );
    this.name = 'UnmappedOperationError';
  }
}

const str = (input: Readonly<Record<string, unknown>>, key: string): string | undefined =>
  typeof input[key] === 'string' ? input[key] : undefined;

const strings = (input: Readonly<Record<string, unknown>>, key: string): string[] =>
  Array.isArray(input[key]) ? (input[key] as unknown[]).filter((v): v is string => typeof v === 'string') : [];

/** The tags of a request (`tags: [{key, value}]` for ECS, `Tags: [{Key, Value}]` for ELBv2), in order. */
function requestTags(input: Readonly<Record<string, unknown>>, member: 'tags' | 'Tags'): Array<[string, string]> {
  const list = input[member];
  if (!Array.isArray(list)) return [];
  const [k, v] = member === 'tags' ? ['key', 'value'] : ['Key', 'Value'];
  return (list as unknown[]).flatMap((tag) => {
    const t = (tag ?? {}) as Record<string, unknown>;
    return typeof t[k] === 'string' ? [[t[k], typeof t[v] === 'string' ? t[v] : ''] as [string, string]] : [];
  });
}

/** `aws:RequestTag/KEY` for each tag and `aws:TagKeys`, or nothing when the request carries no tags. */
function requestTagContext(tags: ReadonlyArray<[string, string]>): Record<string, PolicyValue> {
  if (tags.length === 0) return {};
  return {
    ...Object.fromEntries(tags.map(([key, value]) => [`aws:RequestTag/${key}`, value])),
    'aws:TagKeys': tags.map(([key]) => key),
  };
}

/** The request with its context, leaving `context` out when there is nothing in it. */
function withContext(request: AuthorizationRequest, context: Record<string, PolicyValue>): AuthorizationRequest {
  const merged = { ...request.context, ...context };
  return Object.keys(merged).length > 0 ? { ...request, context: merged } : { ...request };
}

function required(input: Readonly<Record<string, unknown>>, key: string, call: string): string {
  const value = str(input, key);
  if (value === undefined) throw new Error(`${call} has no ${key}; cannot tell which resource IAM would check.`);
  return value;
}

/** The name in an ECS name-or-ARN (`arn:…:cluster/NAME` or `NAME`). */
const lastSegment = (nameOrArn: string): string =>
  nameOrArn.startsWith('arn:') ? (nameOrArn.split('/').pop() ?? nameOrArn) : nameOrArn;

function ecsRequests(operation: string, input: Readonly<Record<string, unknown>>, scope: AccountScope) {
  const arn = (resource: string): string => `arn:aws:ecs:${scope.region}:${scope.accountId}:${resource}`;
  const cluster = lastSegment(str(input, 'cluster') ?? 'default');
  /** A service name or ARN (`service/NAME` old format, `service/CLUSTER/NAME` new) → the new-format ARN. */
  const serviceArnOf = (service: string): string => {
    if (service.startsWith('arn:')) {
      const path = service.slice(service.indexOf(':service/') + ':service/'.length).split('/');
      return path.length >= 2 ? service : arn(`service/${cluster}/${path[0] ?? ''}`);
    }
    return arn(`service/${cluster}/${service}`);
  };
  const serviceName = (): string => lastSegment(required(input, 'service', `ecs:${operation}`));
  const taskSetArnOf = (taskSet: string): string =>
    taskSet.startsWith('arn:') ? taskSet : arn(`task-set/${cluster}/${serviceName()}/${taskSet}`);
  const action = `ecs:${operation}`;
  const tags = requestTagContext(requestTags(input, 'tags'));
  const tagOnCreate = (resource: string): AuthorizationRequest[] =>
    Object.keys(tags).length > 0
      ? [{ action: 'ecs:TagResource', resource, context: { ...tags, 'ecs:CreateAction': operation } }]
      : [];

  switch (operation) {
    case 'DescribeServices':
      return strings(input, 'services').map((s) => ({ action, resource: serviceArnOf(s) }));
    case 'CreateService': {
      const resource = arn(`service/${cluster}/${required(input, 'serviceName', action)}`);
      return [withContext({ action, resource }, tags), ...tagOnCreate(resource)];
    }
    case 'DeleteService':
    case 'UpdateService':
    case 'UpdateServicePrimaryTaskSet':
      return [{ action, resource: serviceArnOf(required(input, 'service', action)) }];
    case 'CreateTaskSet': {
      const resource = arn(`task-set/${cluster}/${serviceName()}/*`);
      return [withContext({ action, resource }, tags), ...tagOnCreate(resource)];
    }
    case 'DeleteTaskSet':
    case 'UpdateTaskSet':
      return [{ action, resource: taskSetArnOf(required(input, 'taskSet', action)) }];
    case 'DescribeTaskSets': {
      const taskSets = strings(input, 'taskSets');
      const resources =
        taskSets.length > 0 ? taskSets.map(taskSetArnOf) : [arn(`task-set/${cluster}/${serviceName()}/*`)];
      return resources.map((resource) => ({ action, resource }));
    }
    case 'DescribeTaskDefinition':
      return [{ action, resource: '*' }];
    case 'ListTasks': {
      const instance = str(input, 'containerInstance');
      const resource = instance
        ? instance.startsWith('arn:')
          ? instance
          : arn(`container-instance/${cluster}/${instance}`)
        : '*';
      return [{ action, resource, context: { 'ecs:cluster': arn(`cluster/${cluster}`) } }];
    }
    case 'DescribeTasks':
      return strings(input, 'tasks').map((task) => ({
        action,
        resource: task.startsWith('arn:') ? task : arn(`task/${cluster}/${task}`),
        context: { 'ecs:cluster': arn(`cluster/${cluster}`) },
      }));
    case 'RegisterTaskDefinition': {
      const resource = arn(`task-definition/${required(input, 'family', action)}:*`);
      const passed = ['taskRoleArn', 'executionRoleArn'].flatMap((k) =>
        str(input, k) ? [str(input, k) as string] : [],
      );
      return [
        withContext({ action, resource }, tags),
        ...tagOnCreate(resource),
        ...passed.map((role) => ({
          action: 'iam:PassRole',
          resource: role,
          context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
        })),
      ];
    }
    default:
      return undefined;
  }
}

function elbv2Requests(operation: string, input: Readonly<Record<string, unknown>>, scope: AccountScope) {
  const action = `elasticloadbalancing:${operation}`;
  const arn = (resource: string): string =>
    `arn:aws:elasticloadbalancing:${scope.region}:${scope.accountId}:${resource}`;
  const tags = requestTagContext(requestTags(input, 'Tags'));
  const tagOnCreate = (resource: string): AuthorizationRequest[] =>
    Object.keys(tags).length > 0
      ? [
          {
            action: 'elasticloadbalancing:AddTags',
            resource,
            context: { ...tags, 'elasticloadbalancing:CreateAction': operation },
          },
        ]
      : [];
  switch (operation) {
    case 'DescribeRules':
    case 'DescribeTargetHealth':
    case 'DescribeTargetGroups':
    case 'DescribeTargetGroupAttributes':
    case 'DescribeListeners':
    case 'DescribeLoadBalancers':
    case 'DescribeTags':
      return [{ action, resource: '*' }];
    case 'CreateTargetGroup': {
      const resource = arn(`targetgroup/${required(input, 'Name', action)}/*`);
      return [withContext({ action, resource }, tags), ...tagOnCreate(resource)];
    }
    case 'DeleteTargetGroup':
    case 'ModifyTargetGroup':
    case 'ModifyTargetGroupAttributes':
    case 'RegisterTargets':
    case 'DeregisterTargets':
      return [{ action, resource: required(input, 'TargetGroupArn', action) }];
    case 'CreateRule': {
      const listener = required(input, 'ListenerArn', action);
      const rules = `${listener.replace(':listener/', ':listener-rule/')}/*`;
      return [withContext({ action, resource: listener }, tags), ...tagOnCreate(rules)];
    }
    case 'ModifyRule':
    case 'DeleteRule':
      return [{ action, resource: required(input, 'RuleArn', action) }];
    case 'SetRulePriorities':
      return ((input.RulePriorities ?? []) as Array<{ RuleArn?: unknown }>).map((p) => ({
        action,
        resource: String(p.RuleArn),
      }));
    case 'AddTags':
      return strings(input, 'ResourceArns').map((resource) => withContext({ action, resource }, tags));
    case 'RemoveTags':
      return strings(input, 'ResourceArns').map((resource) => ({
        action,
        resource,
        context: { 'aws:TagKeys': strings(input, 'TagKeys') },
      }));
    default:
      return undefined;
  }
}

/** Step Functions calls of the pipeline's StepFunctions actions, of EventBridge targets and of callback Lambdas. */
function sfnRequests(operation: string, input: Readonly<Record<string, unknown>>) {
  const action = `states:${operation}`;
  switch (operation) {
    case 'StartExecution':
    case 'DescribeStateMachine':
      return [{ action, resource: required(input, 'stateMachineArn', action) }];
    case 'DescribeExecution':
      return [{ action, resource: required(input, 'executionArn', action) }];
    case 'SendTaskSuccess':
    case 'SendTaskFailure':
    case 'SendTaskHeartbeat':
      return [{ action, resource: '*' }];
    default:
      return undefined;
  }
}

/** CodePipeline calls of EventBridge targets (a source change starting the pipeline). */
function codePipelineRequests(operation: string, input: Readonly<Record<string, unknown>>, scope: AccountScope) {
  const action = `codepipeline:${operation}`;
  switch (operation) {
    case 'StartPipelineExecution':
      return [
        {
          action,
          resource: `arn:aws:codepipeline:${scope.region}:${scope.accountId}:${required(input, 'name', action)}`,
        },
      ];
    default:
      return undefined;
  }
}

/** DynamoDB item calls (Step Functions' optimized dynamodb:* integrations): the table, by name or ARN. */
function dynamoDbRequests(operation: string, input: Readonly<Record<string, unknown>>, scope: AccountScope) {
  const action = `dynamodb:${operation}`;
  switch (operation) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem': {
      const table = required(input, 'TableName', action);
      const resource = table.startsWith('arn:')
        ? table
        : `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${table}`;
      return [{ action, resource }];
    }
    default:
      return undefined;
  }
}

/**
 * CloudWatch calls (the controller reading its alarm gates, tests and operators forcing a state, metrics): alarm
 * actions on the alarm by name (`arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`, `alarm:*` when DescribeAlarms names
 * none), metric actions on `*` (PutMetricData with `cloudwatch:namespace`).
 */
function cloudWatchRequests(operation: string, input: Readonly<Record<string, unknown>>, scope: AccountScope) {
  const action = `cloudwatch:${operation}`;
  const alarm = (name: string): string => `arn:aws:cloudwatch:${scope.region}:${scope.accountId}:alarm:${name}`;
  const names = Array.isArray(input.AlarmNames) ? input.AlarmNames.map(String) : undefined;
  switch (operation) {
    case 'PutMetricAlarm':
    case 'SetAlarmState':
      return [{ action, resource: alarm(required(input, 'AlarmName', action)) }];
    case 'DeleteAlarms':
    case 'DescribeAlarms':
      return names && names.length > 0
        ? names.map((name) => ({ action, resource: alarm(name) }))
        : [{ action, resource: alarm('*') }];
    case 'PutMetricData':
      return [{ action, resource: '*', context: { 'cloudwatch:namespace': required(input, 'Namespace', action) } }];
    case 'GetMetricStatistics':
      return [{ action, resource: '*' }];
    default:
      return undefined;
  }
}

/**
 * Lambda Invoke (a function's code invoking another, e.g. a lifecycle hook): lambda:InvokeFunction on the function's
 * ARN from any FunctionName form, qualified when the name or the Qualifier parameter names a version or alias (IAM
 * matches a qualified ARN, so a grant on `function:NAME` alone does not cover `function:NAME:ALIAS`).
 */
function lambdaRequests(operation: string, input: Readonly<Record<string, unknown>>, scope: AccountScope) {
  switch (operation) {
    case 'Invoke': {
      const action = 'lambda:InvokeFunction';
      const resource = invokedArn(required(input, 'FunctionName', action), str(input, 'Qualifier'), scope);
      return [{ action, resource: resource ?? '*' }];
    }
    default:
      return undefined;
  }
}

/** A resource ARN that names one existing resource (not `*`, not a pattern for one not created yet). */
const namesOneResource = (resource: string): boolean => resource.startsWith('arn:') && !resource.includes('*');

/**
 * The authorizations IAM evaluates for one API call, in order, with their condition keys. Unknown operations throw
 * UnmappedOperationError.
 */
export function authorizationsFor(
  call: ApiCall,
  scope: AccountScope,
  options: AuthorizationOptions = {},
): AuthorizationRequest[] {
  const requests =
    call.service === 'ECS'
      ? ecsRequests(call.operation, call.input, scope)
      : call.service === 'Elastic Load Balancing v2'
        ? elbv2Requests(call.operation, call.input, scope)
        : call.service === 'SFN'
          ? sfnRequests(call.operation, call.input)
          : call.service === 'CodePipeline'
            ? codePipelineRequests(call.operation, call.input, scope)
            : call.service === 'DynamoDB'
              ? dynamoDbRequests(call.operation, call.input, scope)
              : call.service === 'CloudWatch'
                ? cloudWatchRequests(call.operation, call.input, scope)
                : call.service === 'Lambda'
                  ? lambdaRequests(call.operation, call.input, scope)
                  : undefined;
  if (requests === undefined) throw new UnmappedOperationError(call);
  const lookup = options.resourceTags;
  if (!lookup) return requests;
  return requests.map((request) => {
    const tags = namesOneResource(request.resource) ? lookup(request.resource) : undefined;
    if (!tags) return request;
    return withContext(
      request,
      Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value])),
    );
  });
}
