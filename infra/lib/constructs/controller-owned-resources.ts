import { ArnFormat, CustomResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RESOURCE_TYPES } from '../../../lambdas/controller-resources/properties';
import { OWNERSHIP_TAG_KEYS } from '../../../lambdas/controller-resources/ownership';
import { listenerRulePattern } from '../private/arns';
import { bundledFunctionProps, tagHandler } from '../private/bundled-function';

/** Handler source of the provider function, relative to the repository root. */
export const CONTROLLER_RESOURCES_ENTRY = 'lambdas/controller-resources/handler.ts';
/** Construct id of the provider and of its function: local AWS finds the function by `<these><8 hex>`. */
export const CONTROLLER_RESOURCES_ID = 'ControllerResources';
export const CONTROLLER_RESOURCES_FUNCTION_ID = 'Handler';

/** What the controller-owned resources need from their provider. */
export interface IControllerResourceProvider {
  /** The function ARN CloudFormation sends the custom resource requests to. */
  readonly serviceToken: string;
  /** The function's role; each resource grants it exactly what that resource does. */
  readonly role: iam.IRole;
}

export interface ControllerResourceProviderProps {
  /**
   * Retention of the function's logs.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The Lambda function behind the controller's custom resources (lambdas/controller-resources): it creates the ECS
 * service and the listener rules the state machines own, once, and removes what the controller made when the stack
 * is deleted. No stack update reaches live traffic through it. Bundled with the local esbuild, never Docker.
 */
export class ControllerResourceProvider extends Construct implements IControllerResourceProvider {
  public readonly serviceToken: string;
  public readonly role: iam.Role;
  public readonly function: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: ControllerResourceProviderProps = {}) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, `${CONTROLLER_RESOURCES_FUNCTION_ID}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    this.role = new iam.Role(this, `${CONTROLLER_RESOURCES_FUNCTION_ID}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        'ecs-bluegreen controller resources: creates the service and owned rules once; deletes them with the stack',
    });
    logGroup.grantWrite(this.role);
    this.function = new nodejs.NodejsFunction(this, CONTROLLER_RESOURCES_FUNCTION_ID, {
      ...bundledFunctionProps(CONTROLLER_RESOURCES_ENTRY),
      // Deleting the service waits until ECS reports it INACTIVE (up to 10 minutes).
      timeout: Duration.minutes(14),
      description: 'ecs-bluegreen: the ECS service and listener rules the deployment controller owns',
      role: this.role,
      logGroup,
    });
    tagHandler(this.function, CONTROLLER_RESOURCES_ENTRY);
    this.serviceToken = this.function.functionArn;
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords) and elasticloadbalancing:DescribeTargetGroups/DescribeTags (teardown finds the controller’s target groups by name prefix and tags) have no resource-level permissions. Every change is scoped: the service ARN, this stack’s listener rules, and target groups of this service’s prefix carrying this stack’s ownership tags.',
    });
  }
}

const ownerProperties = (stackName: string, serviceName: string) => ({
  StackName: stackName,
  ServiceName: serviceName,
});
const requestTags = (stackName: string, serviceName: string) => ({
  [`aws:RequestTag/${OWNERSHIP_TAG_KEYS.stack}`]: stackName,
  [`aws:RequestTag/${OWNERSHIP_TAG_KEYS.service}`]: serviceName,
});
const resourceTags = (stackName: string, serviceName: string) => ({
  [`aws:ResourceTag/${OWNERSHIP_TAG_KEYS.stack}`]: stackName,
  [`aws:ResourceTag/${OWNERSHIP_TAG_KEYS.service}`]: serviceName,
});

export interface ControllerOwnedServiceProps {
  readonly provider: IControllerResourceProvider;
  readonly clusterName: string;
  /** A literal name (it is part of the ARN IAM is scoped to). */
  readonly serviceName: string;
}

/**
 * The ECS service, created with 0 tasks and the EXTERNAL deployment controller, and never changed by a stack update:
 * the desired count, the task sets and the primary task set belong to the controller. Its construct id is public API
 * (`Service`), and so is its resource type, `Custom::BlueGreenService`.
 */
export class ControllerOwnedService extends Construct {
  public readonly serviceArn: string;
  public readonly serviceName: string;
  /** What the provider may do to this service (private/controller-nag.ts acknowledges its task-set wildcard). */
  public readonly policy: iam.Policy;

  constructor(scope: Construct, id: string, props: ControllerOwnedServiceProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const serviceArn = stack.formatArn({
      service: 'ecs',
      resource: 'service',
      resourceName: `${props.clusterName}/${props.serviceName}`,
    });
    const taskSets = stack.formatArn({
      service: 'ecs',
      resource: 'task-set',
      resourceName: `${props.clusterName}/${props.serviceName}/*`,
    });
    const policy = new iam.Policy(this, 'Permissions', {
      statements: [
        new iam.PolicyStatement({
          actions: ['ecs:CreateService'],
          resources: [serviceArn],
          conditions: { StringEquals: requestTags(stack.stackName, props.serviceName) },
        }),
        new iam.PolicyStatement({
          actions: ['ecs:TagResource'],
          resources: [serviceArn],
          conditions: { StringEquals: { 'ecs:CreateAction': 'CreateService' } },
        }),
        new iam.PolicyStatement({ actions: ['ecs:DescribeServices'], resources: [serviceArn] }),
        new iam.PolicyStatement({
          actions: ['ecs:UpdateService', 'ecs:DeleteService'],
          resources: [serviceArn],
          conditions: { StringEquals: resourceTags(stack.stackName, props.serviceName) },
        }),
        new iam.PolicyStatement({ actions: ['ecs:DeleteTaskSet'], resources: [taskSets] }),
        new iam.PolicyStatement({
          // ECS's service-linked role, which CreateService needs in an account that never used ECS.
          actions: ['iam:CreateServiceLinkedRole'],
          resources: [
            stack.formatArn({
              service: 'iam',
              region: '',
              resource: 'role',
              resourceName: 'aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS',
            }),
          ],
          conditions: { StringLike: { 'iam:AWSServiceName': 'ecs.amazonaws.com' } },
        }),
      ],
    });
    policy.attachToRole(props.provider.role);
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: props.provider.serviceToken,
      resourceType: RESOURCE_TYPES.service,
      properties: { ...ownerProperties(stack.stackName, props.serviceName), Cluster: props.clusterName },
    });
    resource.node.addDependency(policy);
    this.serviceArn = resource.getAttString('ServiceArn');
    this.serviceName = props.serviceName;
    this.policy = policy;
  }
}

export interface ControllerOwnedListenerRuleProps {
  readonly provider: IControllerResourceProvider;
  readonly listenerArn: string;
  readonly priority: number;
  readonly conditions: ReadonlyArray<Record<string, unknown>>;
  /** What the rule answers until the controller points it at a version. */
  readonly idleMessage: string;
  /** @default 503 */
  readonly idleStatusCode?: number;
  readonly serviceName: string;
}

/**
 * A listener rule the deployment state machines own (they switch it with ModifyRule). Created once with a fixed
 * response; a stack update never resets its action, so a `cdk deploy` can never put production back on the 503.
 * Resource type `Custom::BlueGreenListenerRule`.
 */
export class ControllerOwnedListenerRule extends Construct {
  public readonly ruleArn: string;
  /** What the provider may do to this rule (private/controller-nag.ts acknowledges its wildcards). */
  public readonly policy: iam.Policy;

  constructor(scope: Construct, id: string, props: ControllerOwnedListenerRuleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const rules = listenerRulePattern(props.listenerArn);
    const policy = new iam.Policy(this, 'Permissions', {
      statements: [
        new iam.PolicyStatement({
          actions: ['elasticloadbalancing:CreateRule'],
          resources: [props.listenerArn],
          conditions: { StringEquals: requestTags(stack.stackName, props.serviceName) },
        }),
        new iam.PolicyStatement({
          actions: ['elasticloadbalancing:AddTags'],
          resources: [rules],
          conditions: { StringEquals: { 'elasticloadbalancing:CreateAction': 'CreateRule' } },
        }),
        new iam.PolicyStatement({
          actions: ['elasticloadbalancing:DeleteRule'],
          resources: [rules],
          conditions: { StringEquals: resourceTags(stack.stackName, props.serviceName) },
        }),
        new iam.PolicyStatement({ actions: ['elasticloadbalancing:DescribeTags'], resources: ['*'] }),
      ],
    });
    policy.attachToRole(props.provider.role);
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: props.provider.serviceToken,
      resourceType: RESOURCE_TYPES.listenerRule,
      properties: {
        ...ownerProperties(stack.stackName, props.serviceName),
        ListenerArn: props.listenerArn,
        Priority: String(props.priority),
        Conditions: props.conditions,
        IdleStatusCode: String(props.idleStatusCode ?? 503),
        IdleMessage: props.idleMessage,
      },
    });
    resource.node.addDependency(policy);
    this.ruleArn = resource.getAttString('RuleArn');
    this.policy = policy;
  }
}

export interface ControllerTeardownProps {
  readonly provider: IControllerResourceProvider;
  readonly serviceName: string;
  /** Prefix of the controller's target group names (see DeploymentStateMachines.targetGroupNamePrefix). */
  readonly targetGroupNamePrefix: string;
  /**
   * The green watch's built-in alarms (GreenWatch.builtInAlarmNames), which its function creates: deleted too.
   * @default [] (none)
   */
  readonly alarmNames?: readonly string[];
}

/**
 * Removes, when the stack is deleted, the target groups the controller created for this service (CloudFormation does
 * not know them), and the green watch's built-in alarms (its function creates them). Everything that uses them (listeners, the owned rules, the service) must depend on this resource,
 * so CloudFormation deletes it last: call `mustOutlive()` for each. Resource type `Custom::BlueGreenTeardown`.
 */
export class ControllerTeardown extends Construct {
  /** What the provider may delete (private/controller-nag.ts acknowledges its wildcards). */
  public readonly policy: iam.Policy;
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ControllerTeardownProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const alarmNames = [...(props.alarmNames ?? [])];
    const policy = new iam.Policy(this, 'Permissions', {
      statements: [
        new iam.PolicyStatement({
          actions: ['elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTags'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          actions: ['elasticloadbalancing:DeleteTargetGroup'],
          resources: [
            stack.formatArn({
              service: 'elasticloadbalancing',
              resource: 'targetgroup',
              resourceName: `${props.targetGroupNamePrefix}*/*`,
            }),
          ],
          conditions: { StringEquals: resourceTags(stack.stackName, props.serviceName) },
        }),
        ...(alarmNames.length > 0
          ? [
              new iam.PolicyStatement({
                actions: ['cloudwatch:DeleteAlarms'],
                resources: alarmNames.map((name) =>
                  stack.formatArn({
                    service: 'cloudwatch',
                    resource: 'alarm',
                    resourceName: name,
                    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                  }),
                ),
              }),
            ]
          : []),
      ],
    });
    policy.attachToRole(props.provider.role);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: props.provider.serviceToken,
      resourceType: RESOURCE_TYPES.teardown,
      properties: {
        ...ownerProperties(stack.stackName, props.serviceName),
        TargetGroupNamePrefix: props.targetGroupNamePrefix,
        ...(alarmNames.length > 0 && { AlarmNames: alarmNames }),
      },
    });
    // Deleted before the policy, so the teardown still has its permissions.
    this.resource.node.addDependency(policy);
    this.policy = policy;
  }

  /** Makes CloudFormation delete `dependent` before this teardown runs (it depends on the teardown). */
  mustOutlive(dependent: Construct): void {
    dependent.node.addDependency(this.resource);
  }
}
