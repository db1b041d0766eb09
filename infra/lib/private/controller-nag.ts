import { Stack, Token, Validations } from 'aws-cdk-lib';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import type { BlueGreenController } from '../blue-green-controller';
import { STATE_MACHINE_NAMES } from './asl';
import { nagText } from './nag-text';

/**
 * The cdk-nag AwsSolutions findings on a controller's own resources that are accepted, each with its reason beside it.
 * cdk-nag v3 matches acknowledgments by exact finding id, so ids that embed ARNs are built from the same values the
 * policies use (nag-text.ts). A finding not acknowledged here fails `cdk synth` and test/infra/nag.test.ts.
 */
export function acknowledgeControllerFindings(
  controller: BlueGreenController,
  productionListener: elbv2.IApplicationListener,
  testListener: elbv2.IApplicationListener,
): void {
  const stack = Stack.of(controller);
  const ack = (scope: IConstruct, reason: string, ...ids: string[]): void => {
    for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
  };
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const arn = (service: string, resource: string): string =>
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:${service}:${region}:${account}:${resource}]`;
  const cluster = nagText(controller, controller.cluster.clusterName);
  const { serviceName, stateMachines } = controller;
  const family = nagText(controller, controller.taskDefinition.family);

  // --- State machines: wildcards are the narrowest ARNs the APIs allow ---
  for (const machine of Object.values(stateMachines.byName) as sfn.StateMachine[]) {
    ack(
      machine.role,
      'Describe* (DescribeRules, DescribeTags, DescribeTargetHealth, DescribeTargetGroups, DescribeTaskDefinition), X-Ray and CloudWatch Logs delivery have no resource-level permissions (Service Authorization Reference).',
      'AwsSolutions-IAM5[Resource::*]',
    );
    ack(
      machine.role,
      'Task set ids are created by ECS at deploy time; the ARN is pinned to this cluster and service, CreateTaskSet and its tag-on-create TagResource require this stack’s bluegreen:stack/bluegreen:service request tags, and DeleteTaskSet requires them on the task set (aws:ResourceTag).',
      arn('ecs', `task-set/${cluster}/${serviceName}/*`),
    );
    ack(
      machine.role,
      'Green target group names end in a per-deployment id; the ARN is pinned to this service’s name prefix, CreateTargetGroup and its tag-on-create AddTags require this stack’s bluegreen:stack/bluegreen:service request tags, and DeleteTargetGroup/ModifyTargetGroupAttributes require them on the group (aws:ResourceTag), so a look-alike group is refused.',
      arn('elasticloadbalancing', `targetgroup/${stateMachines.targetGroupNamePrefix}-*/*`),
    );
    if (controller.scaling !== undefined) {
      ack(
        machine.role,
        "A scalable target's ARN ends in an id Application Auto Scaling assigns, not the service's name (Service Authorization Reference), so no ARN names this service's target; PutScalingPolicy (the controller's own policy) requires the ecs service namespace and the ecs:service:DesiredCount dimension.",
        arn('application-autoscaling', 'scalable-target/*'),
      );
    }
    // The machines have fixed names so each role can read the others' executions.
    for (const name of STATE_MACHINE_NAMES) {
      ack(
        machine.role,
        'Execution names are generated per run; DescribeExecution (is a lease holder still RUNNING?) is pinned to executions of this service’s five state machines.',
        arn('states', `execution:${stateMachines.stateMachineNamePrefix}-${name}:*`),
      );
    }
  }

  // The approvals function reads the waiters it starts and the executions a rejection starts.
  for (const name of ['swap', 'clean-up', 'abort', 'rollback'] as const) {
    ack(
      stateMachines.approvals.role,
      'Execution names are generated per run; DescribeExecution (does a waiter still wait? did an earlier attempt of this withdraw start abort or rollback?) is pinned to executions of this service’s swap, clean-up, abort and rollback state machines.',
      arn('states', `execution:${stateMachines.stateMachineNamePrefix}-${name}:*`),
    );
  }

  const rulesOf = (listener: elbv2.IApplicationListener): string => {
    const listenerArn = Stack.of(controller).resolve(listener.listenerArn) as unknown;
    if (typeof listenerArn === 'string') {
      const [head, tail] = listenerArn.split(':listener/');
      return `${head ?? ''}:listener-rule/${tail ?? ''}/*`;
    }
    const ref = JSON.stringify(listenerArn);
    const part = (i: number): string => `{"Fn::Select":[${i},{"Fn::Split":[":listener/",${ref}]}]}`;
    return `${part(0)}:listener-rule/${part(1)}/*`;
  };
  for (const machine of [stateMachines.deployGreen, stateMachines.rollback, stateMachines.abort]) {
    ack(
      machine.role,
      'Deployment rules (the lock and health-check rule deploy-green adds) get ids from ELBv2; the ARN is pinned to the test listener, and DeleteRule/ModifyRule of such rules require this stack’s bluegreen:stack/bluegreen:service tags on the rule (aws:ResourceTag). deploy-green adds and removes its own; abort and rollback remove ones an interrupted run left.',
      `AwsSolutions-IAM5[Resource::${rulesOf(testListener)}]`,
    );
  }

  // --- Controller-owned resources (the service, the three rules and the teardown; created once) ---
  ack(
    controller.service.policy,
    'Task set ids are made by ECS; deleting the service (only with the stack, and only if it carries this stack’s ownership tags) deletes this service’s task sets first. Pinned to this cluster and service.',
    arn('ecs', `task-set/${cluster}/${serviceName}/*`),
  );
  const ruleOwners: Array<[IConstruct, elbv2.IApplicationListener]> = [
    [controller.rules.productionRule.policy, productionListener],
    [controller.rules.testRule.policy, testListener],
    [controller.rules.previousVersionRule.policy, testListener],
  ];
  for (const [policy, listener] of ruleOwners) {
    ack(
      policy,
      'Rule ids are made by ELBv2 at CreateRule. AddTags only as part of CreateRule; DeleteRule (with the stack) only on rules of this listener that carry this stack’s ownership tags. elasticloadbalancing:DescribeTags has no resource-level permissions.',
      `AwsSolutions-IAM5[Resource::${rulesOf(listener)}]`,
      'AwsSolutions-IAM5[Resource::*]',
    );
  }
  ack(
    controller.teardown.policy,
    'Teardown (cdk destroy) finds the controller’s target groups with DescribeTargetGroups/DescribeTags, which have no resource-level permissions, and deletes only groups with this service’s name prefix that carry this stack’s ownership tags (aws:ResourceTag).',
    'AwsSolutions-IAM5[Resource::*]',
    arn('elasticloadbalancing', `targetgroup/${stateMachines.targetGroupNamePrefix}*/*`),
  );

  ack(
    stateMachines.deployGreen.role,
    'deploy-green registers new revisions of the service’s task definition family; revision numbers are assigned by ECS, so the ARN is pinned to the family, and the registration (and its tag-on-create TagResource) requires this stack’s bluegreen:stack/bluegreen:service request tags.',
    arn('ecs', `task-definition/${family}:*`),
  );
  ack(
    stateMachines.deployGreen.role,
    'deploy-green reads the stopped tasks of its green task set (DescribeTasks) to fail fast on a crash loop; task ids are made by ECS, so the ARN is pinned to this cluster. ListTasks (container-instance resource type only) is granted on * with the ecs:cluster condition set to this cluster.',
    arn('ecs', `task/${cluster}/*`),
  );
}
