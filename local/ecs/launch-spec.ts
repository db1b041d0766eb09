/**
 * What the data plane starts for a task: the image of the container that serves the task set's load balancer (or
 * the first essential container without one), with that container's environment.
 */
import type { TaskLaunchSpec } from '../dataplane/types';
import type { ContainerDefinition, LoadBalancerRef, TaskDefinitionRecord } from './model';

export function servingContainer(
  taskDefinition: TaskDefinitionRecord,
  loadBalancers: readonly LoadBalancerRef[],
): ContainerDefinition | undefined {
  const named = loadBalancers[0]?.containerName;
  if (named !== undefined) return taskDefinition.containerDefinitions.find((c) => c.name === named);
  return taskDefinition.containerDefinitions.find((c) => c.essential);
}

export function launchSpecFor(container: ContainerDefinition): TaskLaunchSpec {
  const environment: Record<string, string> = {};
  for (const entry of container.environment) {
    if (entry.name !== undefined) environment[entry.name] = entry.value ?? '';
  }
  // The commit shown by the demo page: an explicit variable, else the image tag (images are tagged by commit).
  const tag = /:([^/:@]+)$/.exec(container.image)?.[1];
  const commit = environment.COMMIT ?? environment.APP_COMMIT ?? tag ?? 'unknown';
  const buildTime = environment.BUILD_TIME ?? environment.APP_BUILD_TIME;
  const stopTimeout = container.wire.stopTimeout;
  return {
    image: container.image,
    commit,
    environment,
    ...(buildTime !== undefined ? { buildTime } : {}),
    ...(typeof stopTimeout === 'number' ? { stopTimeoutSeconds: stopTimeout } : {}),
  };
}

export function firstContainerPort(container: ContainerDefinition): number | undefined {
  return container.portMappings.find((m) => typeof m.containerPort === 'number')?.containerPort;
}
