import type { CfnTemplate } from '../../../local/cloudformation/model';

/** The fixture custom-resource function (LOCAL_CUSTOM_RESOURCE_HANDLERS 'LocalCloudFormationFixture' + 8 hex). */
export const FIXTURE_FUNCTION = 'LocalCloudFormationFixture0A1B2C3D';
export const FIXTURE_ROLE = 'FixtureRole';

interface Options {
  readonly desiredCount?: number | undefined;
  readonly serviceTags?: Array<{ Key: string; Value: string }>;
  readonly enableManagedTags?: boolean;
  readonly rulePath?: string;
  readonly ruleMessage?: string;
  readonly image?: string;
  readonly custom?: Record<string, unknown> | undefined;
  readonly extra?: CfnTemplate['Resources'];
}

/** A small stack: cluster, EXTERNAL service, load balancer, listener, rule, task definition, and a custom resource. */
export function smallTemplate(o: Options = {}): CfnTemplate {
  return {
    Resources: {
      Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: 'cfn-test' } },
      Service: {
        Type: 'AWS::ECS::Service',
        Properties: {
          Cluster: { Ref: 'Cluster' },
          ServiceName: 'web',
          DeploymentController: { Type: 'EXTERNAL' },
          EnableECSManagedTags: o.enableManagedTags ?? false,
          ...('desiredCount' in o
            ? o.desiredCount !== undefined && { DesiredCount: o.desiredCount }
            : { DesiredCount: 2 }),
          ...(o.serviceTags && { Tags: o.serviceTags }),
        },
      },
      TaskDefinition: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          Family: 'web',
          Cpu: '256',
          Memory: '512',
          NetworkMode: 'awsvpc',
          RequiresCompatibilities: ['FARGATE'],
          ContainerDefinitions: [
            { Name: 'app', Image: o.image ?? 'demo-app:blue', PortMappings: [{ ContainerPort: 8080 }] },
          ],
        },
      },
      LoadBalancer: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application' } },
      Listener: {
        Type: 'AWS::ElasticLoadBalancingV2::Listener',
        Properties: {
          LoadBalancerArn: { Ref: 'LoadBalancer' },
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
        },
      },
      Rule: {
        Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
        Properties: {
          ListenerArn: { Ref: 'Listener' },
          Priority: 1,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [o.rulePath ?? '/*'] } }],
          Actions: [
            {
              Type: 'fixed-response',
              FixedResponseConfig: {
                StatusCode: '200',
                ContentType: 'text/plain',
                MessageBody: o.ruleMessage ?? 'template',
              },
            },
          ],
        },
      },
      [FIXTURE_ROLE]: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
      [FIXTURE_FUNCTION]: {
        Type: 'AWS::Lambda::Function',
        Properties: { Role: { 'Fn::GetAtt': [FIXTURE_ROLE, 'Arn'] }, Handler: 'index.handler', Runtime: 'nodejs20.x' },
      },
      ...(o.custom && {
        Owned: {
          Type: 'Custom::Owned',
          Properties: { ServiceToken: { 'Fn::GetAtt': [FIXTURE_FUNCTION, 'Arn'] }, ...o.custom },
        },
      }),
      ...o.extra,
    },
    Outputs: {
      ServiceName: { Value: { 'Fn::GetAtt': ['Service', 'Name'] } },
      TaskDefinitionArn: { Value: { Ref: 'TaskDefinition' } },
      ...(o.custom && { Owned: { Value: { Ref: 'Owned' } } }),
      ...(o.custom?.Data !== undefined && { OwnedColour: { Value: { 'Fn::GetAtt': ['Owned', 'Colour'] } } }),
    },
  };
}
