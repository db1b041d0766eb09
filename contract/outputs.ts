/**
 * The stack outputs the `bluegreen` CLI reads, stated once. A service's outputs are `<prefix><key>`: the prefix is ''
 * for a stack with one controller whose construct path is all `Default` (the demo), and the controller's construct
 * path otherwise (`Api`, `ServicesWeb`), so several services in one stack never share a key. The CLI finds a service
 * by the value of its `<prefix>ServiceName` output (`--service`), then reads the rest with that prefix. The machines'
 * ARNs are under `MACHINES[key].outputKey` (machines.ts).
 */
export const SERVICE_OUTPUT_KEYS = {
  productionUrl: 'ProductionUrl',
  testUrl: 'TestUrl',
  cluster: 'ClusterName',
  service: 'ServiceName',
  deploymentTable: 'DeploymentTableName',
  productionRule: 'ProductionRuleArn',
  testRule: 'TestRuleArn',
  /** BlueGreenPipeline's, with its controller's prefix. */
  pipeline: 'PipelineName',
  approvalTopic: 'ApprovalTopicArn',
  /** BlueGreenFargateService's image repository, with its controller's prefix. */
  imageRepository: 'ImageRepositoryUri',
} as const;

/** The prefix of a service's outputs, from the key of its ServiceName output (`ApiServiceName` → `Api`). */
export function outputPrefixOf(serviceNameOutputKey: string): string | undefined {
  const key = SERVICE_OUTPUT_KEYS.service;
  return serviceNameOutputKey.endsWith(key) ? serviceNameOutputKey.slice(0, -key.length) : undefined;
}
