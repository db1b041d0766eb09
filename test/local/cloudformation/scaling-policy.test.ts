/**
 * AWS::ApplicationAutoScaling::ScalingPolicy (target tracking) through local CloudFormation against local
 * Application Auto Scaling: create puts the policy on the target its ScalingTargetId names (Ref and GetAtt Arn are the
 * policy's ARN), an update puts the new configuration under the same ARN, delete removes it, a name already taken on
 * the target and StepScaling fail the resource.
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  ApplicationAutoScalingClient,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { deleteLocalStack, updateTemplate } from '../../../harness/deploy/deploy-template';
import { localClientConfig } from '../../../local/aws/client-config';
import type { CfnTemplate } from '../../../local/cloudformation/model';
import { LOCAL_REGION, startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';

const TARGET = { ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount' } as const;

let aws: RunningLocalAws;
let cfn: CloudFormationClient;
let aas: ApplicationAutoScalingClient;
let n = 0;

beforeAll(async () => {
  aws = await startLocalAwsStack({ timeScale: 0.01, ports: { api: 0, listeners: {} } });
  const config = localClientConfig(aws.endpoint, LOCAL_REGION);
  cfn = new CloudFormationClient(config);
  aas = new ApplicationAutoScalingClient(config);
});
afterAll(async () => {
  cfn?.destroy();
  aas?.destroy();
  await aws?.close();
});

/** A service, its scalable target and a CPU target tracking policy naming the target by ScalingTargetId. */
function template(service: string, policy: Record<string, unknown>): CfnTemplate {
  return {
    Resources: {
      Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: 'policies' } },
      Service: {
        Type: 'AWS::ECS::Service',
        Properties: { Cluster: { Ref: 'Cluster' }, ServiceName: service, DeploymentController: { Type: 'EXTERNAL' } },
      },
      Target: {
        Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        DependsOn: ['Service'],
        Properties: { ...TARGET, ResourceId: `service/policies/${service}`, MinCapacity: 1, MaxCapacity: 4 },
      },
      Policy: {
        Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
        Properties: {
          PolicyName: 'cpu',
          PolicyType: 'TargetTrackingScaling',
          ScalingTargetId: { Ref: 'Target' },
          ...policy,
        },
      },
    },
    Outputs: { Ref: { Value: { Ref: 'Policy' } }, Arn: { Value: { 'Fn::GetAtt': ['Policy', 'Arn'] } } },
  };
}

const cpu = (targetValue: number) => ({
  TargetTrackingScalingPolicyConfiguration: {
    TargetValue: targetValue,
    PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' as const },
  },
});

async function create(t: CfnTemplate): Promise<{ stackName: string; status: string }> {
  const stackName = `Policies${++n}`;
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(t) }));
  await aws.cloudformation.settled(stackName);
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return { stackName, status: Stacks?.[0]?.StackStatus ?? '' };
}

const policies = async (service: string) =>
  (await aas.send(new DescribeScalingPoliciesCommand({ ...TARGET, ResourceId: `service/policies/${service}` })))
    .ScalingPolicies ?? [];

const failure = async (stackName: string) => {
  const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
  return StackEvents.find((e) => e.LogicalResourceId === 'Policy' && e.ResourceStatus === 'CREATE_FAILED')
    ?.ResourceStatusReason;
};

test('create puts the policy (Ref and GetAtt Arn its ARN); an update changes it under the same ARN; delete removes it', async () => {
  const { stackName, status } = await create(template('web', cpu(50)));
  expect(status).toBe('CREATE_COMPLETE');
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const out = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  expect(out.Ref).toMatch(/:scalingPolicy:.*:resource\/ecs\/service\/policies\/web:policyName\/cpu$/);
  expect(out.Arn).toBe(out.Ref);
  expect((await policies('web')).map((p) => p.TargetTrackingScalingPolicyConfiguration?.TargetValue)).toEqual([50]);

  expect((await updateTemplate(template('web', cpu(70)), { endpoint: aws.endpoint, stackName })).status).toBe(
    'UPDATE_COMPLETE',
  );
  expect(
    (await policies('web')).map((p) => [p.PolicyARN, p.TargetTrackingScalingPolicyConfiguration?.TargetValue]),
  ).toEqual([[out.Ref, 70]]);

  expect((await deleteLocalStack({ endpoint: aws.endpoint, stackName })).status).toBe('DELETE_COMPLETE');
  expect(await policies('web')).toEqual([]);
});

test('a policy name the target already has, and StepScaling, fail the resource', async () => {
  const first = await create(template('api', cpu(50)));
  await aas.send(
    new PutScalingPolicyCommand({
      ...TARGET,
      ResourceId: 'service/policies/api',
      PolicyName: 'taken',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: cpu(40).TargetTrackingScalingPolicyConfiguration,
    }),
  );
  const taken = await create({
    Resources: {
      Policy: {
        Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
        Properties: {
          ...TARGET,
          ResourceId: 'service/policies/api',
          PolicyName: 'taken',
          PolicyType: 'TargetTrackingScaling',
          ...cpu(60),
        },
      },
    },
  });
  expect(taken.status).toBe('ROLLBACK_COMPLETE');
  expect(await failure(taken.stackName)).toBe('Scaling Policy Already Exists');
  await deleteLocalStack({ endpoint: aws.endpoint, stackName: first.stackName });

  const step = await create(
    template('jobs', {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity' },
    }),
  );
  expect(step.status).toBe('ROLLBACK_COMPLETE');
  expect(await failure(step.stackName)).toMatch(/PolicyType StepScaling is not emulated/);
});
