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
 * | application-autoscaling RegisterScalableTarget, DeregisterScalableTarget, PutScalingPolicy, DeleteScalingPolicy | ScalableTarget* (`…:scalable-target/ID`), with `application-autoscaling:service-namespace` and `…:scalable-dimension` |
 * | application-autoscaling DescribeScalableTargets, DescribeScalingPolicies | none (`*`) |
 *
 * Application Auto Scaling (list_awsapplicationautoscaling.html; iam-dataset's copy read at commit 08eff2d): a
 * scalable target's ARN carries an ID the service generated (`scalable-target/0123abcd…`), not its ResourceId, so
 * the ARN of the target a request names comes from `scalableTargets` (local Application Auto Scaling's records); a
 * target not registered yet (a new RegisterScalableTarget) or not looked up is `scalable-target/*`.
 * RegisterScalableTarget's dependent actions are application-autoscaling:TagResource (when it carries Tags) and
 * iam:PassRole (on the RoleARN it names). Its "permissions validation for API calls on target resources" (user
 * guide, security_iam_permission_validation) checks that the caller may also act on the target and on CloudWatch;
 * for an ECS service those are ecs:DescribeServices and ecs:UpdateService on the service and cloudwatch:PutMetricAlarm,
 * DescribeAlarms and DeleteAlarms (the user guide's ECS policy), requested as `alarm:*` since the checks name no
 * alarm. A missing one fails with Application Auto Scaling's ValidationException, not AccessDenied (`validatedBy`).
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
  /**
   * The SDK service id as local AWS records it: `ECS`, `Elastic Load Balancing v2`, `SFN`, `CodePipeline`,
   * `Application Auto Scaling`, …
   */
  readonly service: string;
  readonly operation: string;
  /**
   * Wire member names: camelCase for ECS, Step Functions and CodePipeline, PascalCase for ELBv2 and Application Auto
   * Scaling.
   */
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

/** What identifies a scalable target in Application Auto Scaling's requests. */
export interface ScalableTargetIdentity {
  readonly serviceNamespace: string;
  readonly resourceId: string;
  readonly scalableDimension: string;
}

/**
 * A registered scalable target's ARN and current tags, or undefined when it is not registered. See
 * scalable-targets.ts for the one over local Application Auto Scaling.
 */
export type ScalableTargetLookup = (
  target: ScalableTargetIdentity,
) => { readonly arn: string; readonly tags: Readonly<Record<string, string>> } | undefined;

export interface AuthorizationOptions {
  /** Fills `aws:ResourceTag/…`; without it no request carries resource tags. */
  readonly resourceTags?: ResourceTagLookup;
  /**
   * The ARN (and tags) of the scalable target an Application Auto Scaling request names. @default none: every
   * target is `scalable-target/*`, without resource tags
   */
  readonly scalableTargets?: ScalableTargetLookup;
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

/**
 * What Application Auto Scaling checks the caller may do on an ECS service before registering it as a scalable
 * target (user guide, "Permissions validation for API calls on target resources" and its ECS policy).
 */
function ecsTargetValidation(resourceId: string, scope: AccountScope): AuthorizationRequest[] {
  const service = /^service\/([^/]+)\/([^/]+)$/.exec(resourceId);
  if (!service) return [];
  const serviceArn = `arn:aws:ecs:${scope.region}:${scope.accountId}:service/${service[1] ?? ''}/${service[2] ?? ''}`;
  const alarms = `arn:aws:cloudwatch:${scope.region}:${scope.accountId}:alarm:*`;
  return [
    ...['ecs:DescribeServices', 'ecs:UpdateService'].map((action) => ({ action, resource: serviceArn })),
    ...['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'].map((action) => ({
      action,
      resource: alarms,
    })),
  ].map((request) => ({ ...request, validatedBy: 'application-autoscaling' as const }));
}

/**
 * Application Auto Scaling calls (members PascalCase, JSON 1.1): actions on the scalable target the request names
 * (by ServiceNamespace, ResourceId and ScalableDimension), Describe* on `*`. See the table above.
 */
function applicationAutoScalingRequests(
  operation: string,
  input: Readonly<Record<string, unknown>>,
  scope: AccountScope,
  lookup: ScalableTargetLookup | undefined,
): AuthorizationRequest[] | undefined {
  const action = `application-autoscaling:${operation}`;
  const target = (): { resource: string; context: Record<string, PolicyValue>; identity: ScalableTargetIdentity } => {
    const identity = {
      serviceNamespace: required(input, 'ServiceNamespace', action),
      resourceId: required(input, 'ResourceId', action),
      scalableDimension: required(input, 'ScalableDimension', action),
    };
    const existing = lookup?.(identity);
    return {
      identity,
      resource: existing?.arn ?? `arn:aws:application-autoscaling:${scope.region}:${scope.accountId}:scalable-target/*`,
      context: {
        'application-autoscaling:service-namespace': identity.serviceNamespace,
        'application-autoscaling:scalable-dimension': identity.scalableDimension,
        ...Object.fromEntries(Object.entries(existing?.tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
      },
    };
  };
  switch (operation) {
    case 'DescribeScalableTargets':
    case 'DescribeScalingPolicies':
      return [{ action, resource: '*' }];
    case 'DeregisterScalableTarget':
    case 'PutScalingPolicy':
    case 'DeleteScalingPolicy': {
      const { resource, context } = target();
      return [{ action, resource, context }];
    }
    case 'RegisterScalableTarget': {
      const { resource, context, identity } = target();
      const tagMap = (input.Tags ?? {}) as Readonly<Record<string, unknown>>;
      const tags = requestTagContext(Object.entries(tagMap).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
      const role = str(input, 'RoleARN');
      return [
        { action, resource, context: { ...context, ...tags } },
        ...(Object.keys(tags).length > 0
          ? [{ action: 'application-autoscaling:TagResource', resource, context: tags }]
          : []),
        ...(role !== undefined
          ? [
              {
                action: 'iam:PassRole',
                resource: role,
                context: { 'iam:PassedToService': 'application-autoscaling.amazonaws.com' },
              },
            ]
          : []),
        ...(identity.serviceNamespace === 'ecs' ? ecsTargetValidation(identity.resourceId, scope) : []),
      ];
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
                  : call.service === 'Application Auto Scaling'
                    ? applicationAutoScalingRequests(call.operation, call.input, scope, options.scalableTargets)
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
