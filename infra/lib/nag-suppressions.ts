import { Stack, Token, Validations, type CfnElement } from 'aws-cdk-lib';
import type * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import type { BlueGreenStack } from './bluegreen-stack';
import { STATE_MACHINE_NAMES } from './private/asl';

/**
 * Every cdk-nag AwsSolutions finding we accept, each with its reason beside it. cdk-nag v3 matches acknowledgments
 * by exact finding id, so ids that embed ARNs are built from the same logical ids and names the stack uses; a
 * finding not acknowledged here fails `cdk synth` and test/infra/nag.test.ts.
 */
export function applyNagSuppressions(stack: BlueGreenStack, artifactBucket: s3.IBucket): void {
  const ack = (scope: IConstruct, reason: string, ...ids: string[]): void => {
    for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
  };
  const logicalId = (element: IConstruct): string =>
    Stack.of(element).getLogicalId(element.node.defaultChild as CfnElement);
  const ref = (element: IConstruct): string => `<${logicalId(element)}>`;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const arn = (service: string, resource: string): string =>
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:${service}:${region}:${account}:${resource}]`;
  const bucketObjects = `AwsSolutions-IAM5[Resource::<${logicalId(artifactBucket)}.Arn>/*]`;
  const s3Actions = ['Abort*', 'DeleteObject*', 'GetBucket*', 'GetObject*', 'List*'].map(
    (a) => `AwsSolutions-IAM5[Action::s3:${a}]`,
  );
  const ARTIFACTS =
    'CDK grants pipeline roles read/write on objects of the artifact bucket only (s3:GetObject* etc. on <bucket>/*); objects are per-execution and unnamed in advance.';

  // --- Network and load balancer ---
  const lb = stack.loadBalancer.loadBalancer;
  ack(
    lb,
    'Access logs need a bucket and cost per request; enable them for production services (ALB attribute access_logs.s3.enabled).',
    'AwsSolutions-ELB2',
  );
  ack(
    lb.node.findChild('SecurityGroup'),
    'The production listener (:80) is the public website and must accept the internet. The test listener (:8080) is restricted to testListenerAllowedCidrs (VPC CIDR by default).',
    'AwsSolutions-EC23',
  );
  ack(
    artifactBucket,
    'Pipeline artifacts are transient build outputs read only by the pipeline roles; server access logs add cost without an audit need here.',
    'AwsSolutions-S1',
  );

  // --- ECS ---
  ack(
    stack.app.taskDefinition.obtainExecutionRole(),
    'ecr:GetAuthorizationToken has no resource-level permissions (IAM service authorization reference); CDK grants it on *.',
    'AwsSolutions-IAM5[Resource::*]',
  );

  // --- State machines: wildcards are the narrowest ARNs the APIs allow ---
  const cluster = ref(stack.app.cluster);
  for (const machine of Object.values(stack.stateMachines.byName) as sfn.StateMachine[]) {
    ack(
      machine.role,
      'Describe* (DescribeRules, DescribeTags, DescribeTargetHealth, DescribeTargetGroups, DescribeTaskDefinition), X-Ray and CloudWatch Logs delivery have no resource-level permissions (Service Authorization Reference).',
      'AwsSolutions-IAM5[Resource::*]',
    );
    ack(
      machine.role,
      'Task set ids are created by ECS at deploy time; the ARN is pinned to this cluster and service, CreateTaskSet and its tag-on-create TagResource require this stack’s bluegreen:stack/bluegreen:service request tags, and DeleteTaskSet requires them on the task set (aws:ResourceTag).',
      arn('ecs', `task-set/${cluster}/${stack.app.serviceName}/*`),
    );
    ack(
      machine.role,
      'Green target group names end in a per-deployment id; the ARN is pinned to this service’s name prefix, CreateTargetGroup and its tag-on-create AddTags require this stack’s bluegreen:stack/bluegreen:service request tags, and DeleteTargetGroup/ModifyTargetGroupAttributes require them on the group (aws:ResourceTag), so a look-alike group is refused.',
      arn('elasticloadbalancing', `targetgroup/${stack.stateMachines.targetGroupNamePrefix}-*/*`),
    );
    // The construct names the state machines `<stack>-<file>` so each role can read the others' executions.
    for (const name of STATE_MACHINE_NAMES) {
      ack(
        machine.role,
        'Execution names are generated per run; DescribeExecution (is a lease holder still RUNNING?) is pinned to executions of this stack’s five state machines.',
        arn('states', `execution:${stack.stackName}-${name}:*`),
      );
    }
  }

  const testListener = `{"Ref":"${logicalId(stack.loadBalancer.testListener)}"}`;
  const split = (i: number): string => `{"Fn::Select":[${i},{"Fn::Split":[":listener/",${testListener}]}]}`;
  for (const machine of [stack.stateMachines.deployGreen, stack.stateMachines.rollback, stack.stateMachines.abort]) {
    ack(
      machine.role,
      'Deployment rules (the lock and health-check rule deploy-green adds at priority 100) get ids from ELBv2; the ARN is pinned to the test listener, and DeleteRule/ModifyRule of such rules require this stack’s bluegreen:stack/bluegreen:service tags on the rule (aws:ResourceTag). deploy-green adds and removes its own; abort and rollback remove ones an interrupted run left.',
      `AwsSolutions-IAM5[Resource::${split(0)}:listener-rule/${split(1)}/*]`,
    );
  }

  // --- Controller-owned resources (the service, the three rules and the teardown; created once) ---
  ack(
    stack.app.service.policy,
    'Task set ids are made by ECS; deleting the service (only with the stack, and only if it carries this stack’s ownership tags) deletes this service’s task sets first. Pinned to this cluster and service.',
    arn('ecs', `task-set/${cluster}/${stack.app.serviceName}/*`),
  );
  const ruleOwners: Array<[IConstruct, IConstruct]> = [
    [stack.loadBalancer.productionRule.policy, stack.loadBalancer.productionListener],
    [stack.loadBalancer.testRule.policy, stack.loadBalancer.testListener],
    [stack.loadBalancer.previousVersionRule.policy, stack.loadBalancer.testListener],
  ];
  for (const [policy, listener] of ruleOwners) {
    const listenerRef = `{"Ref":"${logicalId(listener)}"}`;
    const part = (i: number): string => `{"Fn::Select":[${i},{"Fn::Split":[":listener/",${listenerRef}]}]}`;
    ack(
      policy,
      'Rule ids are made by ELBv2 at CreateRule. AddTags only as part of CreateRule; DeleteRule (with the stack) only on rules of this listener that carry this stack’s ownership tags. elasticloadbalancing:DescribeTags has no resource-level permissions.',
      `AwsSolutions-IAM5[Resource::${part(0)}:listener-rule/${part(1)}/*]`,
      'AwsSolutions-IAM5[Resource::*]',
    );
  }
  ack(
    stack.teardown.policy,
    'Teardown (cdk destroy) finds the controller’s target groups with DescribeTargetGroups/DescribeTags, which have no resource-level permissions, and deletes only groups with this service’s name prefix that carry this stack’s ownership tags (aws:ResourceTag).',
    'AwsSolutions-IAM5[Resource::*]',
    arn('elasticloadbalancing', `targetgroup/${stack.stateMachines.targetGroupNamePrefix}*/*`),
  );

  ack(
    stack.stateMachines.deployGreen.role,
    'deploy-green registers new revisions of the service’s task definition family; revision numbers are assigned by ECS, so the ARN is pinned to the family, and the registration (and its tag-on-create TagResource) requires this stack’s bluegreen:stack/bluegreen:service request tags.',
    arn('ecs', `task-definition/${stack.app.taskDefinition.family}:*`),
  );
  ack(
    stack.stateMachines.deployGreen.role,
    'deploy-green reads the stopped tasks of its green task set (DescribeTasks) to fail fast on a crash loop; task ids are made by ECS, so the ARN is pinned to this cluster. ListTasks (container-instance resource type only) is granted on * with the ecs:cluster condition set to this cluster.',
    arn('ecs', `task/${cluster}/*`),
  );

  // --- Pipeline and builds (CDK-generated grants) ---
  const delivery = stack.delivery;
  const projects: codebuild.PipelineProject[] = [
    delivery.builds.buildApp,
    delivery.builds.buildImage,
    delivery.builds.prepareDeployInput,
  ];
  for (const project of projects) {
    const projectRef = ref(project);
    ack(
      project,
      'Build outputs are stored in the artifact bucket, encrypted with S3-managed keys; a customer KMS key would not change who can read them.',
      'AwsSolutions-CB4',
    );
    ack(project.role as IConstruct, ARTIFACTS, ...s3Actions, bucketObjects);
    ack(
      project.role as IConstruct,
      'CodeBuild creates report groups and log streams named after the project at run time.',
      arn('codebuild', `report-group/${projectRef}-*`),
      arn('logs', `log-group:/aws/codebuild/${projectRef}:*`),
    );
  }
  ack(
    delivery.builds.buildImage.role as IConstruct,
    'ecr:GetAuthorizationToken (docker login) has no resource-level permissions.',
    'AwsSolutions-IAM5[Resource::*]',
  );
  ack(
    delivery.builds.prepareDeployInput.role as IConstruct,
    'ecs:DescribeTaskDefinition and ecs:RegisterTaskDefinition have no resource-level permissions.',
    'AwsSolutions-IAM5[Resource::*]',
  );
  ack(delivery.pipeline.role, ARTIFACTS, ...s3Actions, bucketObjects);
  for (const actionRole of delivery.actionRoles) {
    ack(actionRole.role, ARTIFACTS, ...s3Actions, bucketObjects);
    if (actionRole.stateMachine) {
      const machineRef = `{"Ref":"${logicalId(actionRole.stateMachine)}"}`;
      const part = (i: number): string => `{"Fn::Select":[${i},{"Fn::Split":[":",${machineRef}]}]}`;
      ack(
        actionRole.role,
        'The pipeline polls executions it starts; execution names are generated per run, so the ARN ends in a wildcard under this state machine.',
        `AwsSolutions-IAM5[Resource::arn:${part(1)}:states:${part(3)}:${part(4)}:execution:${part(6)}:*]`,
      );
    }
  }
}
