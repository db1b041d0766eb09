/**
 * The resource types local CloudFormation knows. Emulated types are created, updated and deleted through the local
 * APIs (local/cloudformation/resources); named-only types get deterministic names and ARNs that the emulated
 * resources refer to, and nothing else. A type in neither list fails CreateStack/UpdateStack, so the stack and the
 * local set-up cannot drift apart silently. Custom resources (AWS::CloudFormation::CustomResource, Custom::*) are
 * sent to their function's local handler (harness/deploy/local-lambdas.ts LOCAL_CUSTOM_RESOURCE_HANDLERS); one whose
 * function has no local handler is named-only if its type is listed below, and fails otherwise.
 */

/** Types local AWS creates through its emulated APIs. */
export const EMULATED_TYPES = [
  'AWS::ECS::Cluster',
  'AWS::ECS::TaskDefinition',
  'AWS::ECS::Service',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::DynamoDB::Table',
  'AWS::StepFunctions::StateMachine',
  'AWS::CodePipeline::Pipeline',
  'AWS::Events::Rule',
  'AWS::Lambda::Permission',
  'AWS::CloudWatch::Alarm',
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
] as const;

/** Types local AWS does not run but whose names and ARNs the emulated resources refer to. */
export const NAMED_ONLY_TYPES = new Set([
  'AWS::CDK::Metadata',
  'AWS::CodeBuild::Project',
  'AWS::CodeCommit::Repository',
  'AWS::EC2::EIP',
  'AWS::EC2::FlowLog',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::NatGateway',
  'AWS::EC2::Route',
  'AWS::EC2::RouteTable',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::Subnet',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::VPC',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::ECR::Repository',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'Custom::S3AutoDeleteObjects',
]);

export const isCustomResourceType = (type: string): boolean =>
  type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::');

export const isKnownType = (type: string): boolean =>
  NAMED_ONLY_TYPES.has(type) || (EMULATED_TYPES as readonly string[]).includes(type) || isCustomResourceType(type);
