/**
 * ecs-bluegreen's public API: blue/green deployments for Amazon ECS services with the EXTERNAL deployment controller,
 * orchestrated by AWS Step Functions. Everything a stack needs is exported here; other modules are internal.
 *
 * - BlueGreenController: on your cluster, load balancer listeners and template task definition.
 * - BlueGreenFargateService: batteries included (VPC, cluster, image repository, load balancer), with a controller.
 * - BlueGreenPipeline: optional CodePipeline (CodeCommit or CodeConnections source) that builds and deploys.
 */
export { BlueGreenController, type BlueGreenControllerProps, type IBlueGreenController } from './blue-green-controller';
export { ServiceScaling, type ServiceScalingProps } from './constructs/service-scaling';
export { BlueGreenFargateService, type BlueGreenFargateServiceProps } from './blue-green-fargate-service';
export { BlueGreenPipeline, type BlueGreenPipelineProps } from './blue-green-pipeline';
export type { BlueGreenDeploymentOptions, ServiceAutoScalingOptions } from './controller-options';
export type { GreenHealthCheckOptions } from './constructs/deployment-state-machines';
export type { LifecycleHook } from './constructs/lifecycle-hooks';
export {
  PRODUCTION_IDLE_MESSAGE,
  TEST_IDLE_MESSAGE,
  PREVIOUS_VERSION_IDLE_MESSAGE,
  PREVIOUS_VERSION_HEADER,
} from './constructs/controller-rules';
export { PipelineSource, type CodeConnectionsSourceOptions } from '../../pipeline/pipeline-source';
export { PropValidationError } from './private/validate';
export type { LifecycleStage, SwapApprovalMode, TrafficShift } from '../../contract';
export { SCALING_POLICY_NAME } from '../../contract';
