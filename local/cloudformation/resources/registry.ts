/** The handler of each resource type local CloudFormation knows (see ../resource-types.ts). */
import { isCustomResourceType, NAMED_ONLY_TYPES } from '../resource-types';
import { scalableTargetHandler } from './applicationautoscaling';
import { scalingPolicyHandler } from './scaling-policy';
import { alarmHandler } from './cloudwatch';
import { customResourceHandler } from './custom-resource';
import { tableHandler } from './dynamodb';
import { clusterHandler, serviceHandler, taskDefinitionHandler } from './ecs';
import { listenerHandler, listenerRuleHandler, loadBalancerHandler } from './elbv2';
import { eventRuleHandler } from './events';
import { pipelineHandler } from './codepipeline';
import type { ResourceHandler } from './handler';
import { lambdaPermissionHandler } from './lambda-permission';
import { lambdaFunctionHandler, namedOnlyHandler } from './named-only';
import { stateMachineHandler } from './stepfunctions';

const HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  'AWS::ECS::Cluster': clusterHandler,
  'AWS::ECS::TaskDefinition': taskDefinitionHandler,
  'AWS::ECS::Service': serviceHandler,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': loadBalancerHandler,
  'AWS::ElasticLoadBalancingV2::Listener': listenerHandler,
  'AWS::ElasticLoadBalancingV2::ListenerRule': listenerRuleHandler,
  'AWS::DynamoDB::Table': tableHandler,
  'AWS::StepFunctions::StateMachine': stateMachineHandler,
  'AWS::CodePipeline::Pipeline': pipelineHandler,
  'AWS::Events::Rule': eventRuleHandler,
  'AWS::CloudWatch::Alarm': alarmHandler,
  'AWS::Lambda::Function': lambdaFunctionHandler,
  'AWS::Lambda::Permission': lambdaPermissionHandler,
  'AWS::ApplicationAutoScaling::ScalableTarget': scalableTargetHandler,
  'AWS::ApplicationAutoScaling::ScalingPolicy': scalingPolicyHandler,
};

export function handlerFor(type: string): ResourceHandler {
  if (isCustomResourceType(type)) return customResourceHandler;
  const handler = HANDLERS[type];
  if (handler) return handler;
  if (NAMED_ONLY_TYPES.has(type)) return namedOnlyHandler;
  throw new Error(`Local CloudFormation has no handler for ${type}.`);
}
