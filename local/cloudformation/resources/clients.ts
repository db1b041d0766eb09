/** The SDK clients a stack operation uses against local AWS, created once per operation and destroyed after it. */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { localClientConfig } from '../../aws/client-config';

export interface LocalClients {
  readonly ecs: ECSClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly sfn: SFNClient;
  readonly codepipeline: CodePipelineClient;
  readonly dynamodb: DynamoDBClient;
  readonly applicationAutoScaling: ApplicationAutoScalingClient;
  destroy(): void;
}

export function localClients(endpoint: string, region: string): LocalClients {
  const config = localClientConfig(endpoint, region);
  const clients = {
    ecs: new ECSClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    sfn: new SFNClient(config),
    codepipeline: new CodePipelineClient(config),
    dynamodb: new DynamoDBClient(config),
    applicationAutoScaling: new ApplicationAutoScalingClient(config),
  };
  return { ...clients, destroy: () => Object.values(clients).forEach((c) => c.destroy()) };
}
