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
 * | ecs DescribeServices, UpdateService, UpdateServicePrimaryTaskSet | service* |
 * | ecs CreateTaskSet, DeleteTaskSet, DescribeTaskSets, UpdateTaskSet | task-set* |
 * | ecs RegisterTaskDefinition | task-definition* (+ iam:PassRole for each role it names) |
 * | ecs DescribeTaskDefinition | none (`*`) |
 * | elbv2 CreateTargetGroup, DeleteTargetGroup, ModifyTargetGroup(Attributes), (De)RegisterTargets | targetgroup* |
 * | elbv2 CreateRule | listener/app* (the listener the rule is added to) |
 * | elbv2 ModifyRule, DeleteRule, SetRulePriorities | listener-rule/app* |
 * | elbv2 Describe* | none (`*`) |
 * | sfn StartExecution, DescribeStateMachine | statemachine* (the ARN as given: version and alias ARNs included) |
 * | sfn DescribeExecution | execution* |
 * | codepipeline StartPipelineExecution | pipeline* (`arn:aws:codepipeline:REGION:ACCOUNT:NAME`) |
 *
 * Resources that do not exist yet (the task set CreateTaskSet makes, the target group CreateTargetGroup makes) are
 * named with `*` for the id AWS has not assigned: `task-set/CLUSTER/SERVICE/*`, `targetgroup/NAME/*`,
 * `task-definition/FAMILY:*`. Tags given on create are authorized separately (ecs:TagResource with
 * ecs:CreateAction, elasticloadbalancing:AddTags), as the ECS and ELB "tag on create" guides describe. An operation
 * not in this table fails loudly: guessing its authorization would make the least-privilege check meaningless.
 */
import type { AuthorizationRequest } from './policy';

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

const hasTags = (input: Readonly<Record<string, unknown>>, key: string): boolean =>
  Array.isArray(input[key]) && (input[key] as unknown[]).length > 0;

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
  const tagOnCreate = (resource: string): AuthorizationRequest[] =>
    hasTags(input, 'tags') ? [{ action: 'ecs:TagResource', resource, context: { 'ecs:CreateAction': operation } }] : [];

  switch (operation) {
    case 'DescribeServices':
      return strings(input, 'services').map((s) => ({ action, resource: serviceArnOf(s) }));
    case 'UpdateService':
    case 'UpdateServicePrimaryTaskSet':
      return [{ action, resource: serviceArnOf(required(input, 'service', action)) }];
    case 'CreateTaskSet': {
      const resource = arn(`task-set/${cluster}/${serviceName()}/*`);
      return [{ action, resource }, ...tagOnCreate(resource)];
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
    case 'RegisterTaskDefinition': {
      const resource = arn(`task-definition/${required(input, 'family', action)}:*`);
      const passed = ['taskRoleArn', 'executionRoleArn'].flatMap((k) =>
        str(input, k) ? [str(input, k) as string] : [],
      );
      return [
        { action, resource },
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
      const tags = hasTags(input, 'Tags') ? [{ action: 'elasticloadbalancing:AddTags', resource }] : [];
      return [{ action, resource }, ...tags];
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
      const tags = hasTags(input, 'Tags') ? [{ action: 'elasticloadbalancing:AddTags', resource: rules }] : [];
      return [{ action, resource: listener }, ...tags];
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
    case 'RemoveTags':
      return strings(input, 'ResourceArns').map((resource) => ({ action, resource }));
    default:
      return undefined;
  }
}

/** Step Functions calls of the pipeline's StepFunctions actions and of EventBridge targets. */
function sfnRequests(operation: string, input: Readonly<Record<string, unknown>>) {
  const action = `states:${operation}`;
  switch (operation) {
    case 'StartExecution':
    case 'DescribeStateMachine':
      return [{ action, resource: required(input, 'stateMachineArn', action) }];
    case 'DescribeExecution':
      return [{ action, resource: required(input, 'executionArn', action) }];
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

/** The authorizations IAM evaluates for one API call, in order. Unknown operations throw UnmappedOperationError. */
export function authorizationsFor(call: ApiCall, scope: AccountScope): AuthorizationRequest[] {
  const requests =
    call.service === 'ECS'
      ? ecsRequests(call.operation, call.input, scope)
      : call.service === 'Elastic Load Balancing v2'
        ? elbv2Requests(call.operation, call.input, scope)
        : call.service === 'SFN'
          ? sfnRequests(call.operation, call.input)
          : call.service === 'CodePipeline'
            ? codePipelineRequests(call.operation, call.input, scope)
            : undefined;
  if (requests === undefined) throw new UnmappedOperationError(call);
  return requests;
}
