/**
 * Builds a local ECS on a fast clock with a fake launcher and fake target groups, and offers typed shortcuts for
 * the calls most tests make. Everything goes through `invoke`, exactly as the HTTP server calls it.
 */
import { createClock } from '../../../../local/aws/clock';
import { LocalNetwork } from '../../../../local/aws/network';
import { AwsError, type CallContext } from '../../../../local/aws/service';
import { createEcsService, type EcsServiceOptions, type LocalEcs } from '../../../../local/ecs/ecs-service';
import { FakeLauncher } from './fake-launcher';
import { FakeTargetGroups } from './fake-target-groups';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const CALL: CallContext = { region: REGION, accountId: ACCOUNT };

export interface TaskSetWire {
  id: string;
  taskSetArn: string;
  serviceArn: string;
  status: string;
  taskDefinition: string;
  computedDesiredCount: number;
  runningCount: number;
  pendingCount: number;
  stabilityStatus: string;
  stabilityStatusAt: number;
  createdAt: number;
  scale: { value: number; unit: string };
  loadBalancers: Array<{ targetGroupArn: string; containerName: string; containerPort: number }>;
}

export interface ServiceWire {
  serviceArn: string;
  serviceName: string;
  status: string;
  desiredCount: number;
  runningCount: number;
  taskDefinition?: string;
  loadBalancers: unknown[];
  deploymentController: { type: string };
  taskSets: TaskSetWire[];
}

export interface TaskWire {
  taskArn: string;
  lastStatus: string;
  desiredStatus: string;
  startedBy: string;
  stoppedReason?: string;
  stopCode?: string;
  containers: Array<{ image: string; exitCode?: number; networkInterfaces: Array<{ privateIpv4Address: string }> }>;
}

export interface Failure {
  arn: string;
  reason: string;
}

export const CONTAINER = 'web';
export const PORT = 8080;

export class EcsHarness {
  readonly clock = createClock(0.01);
  readonly network = new LocalNetwork();
  readonly launcher = new FakeLauncher();
  readonly targets = new FakeTargetGroups();
  readonly ecs: LocalEcs;

  constructor(overrides: Partial<EcsServiceOptions> = {}) {
    this.ecs = createEcsService({
      clock: this.clock,
      network: this.network,
      targets: this.targets,
      launchTask: this.launcher.launchTask,
      region: REGION,
      accountId: ACCOUNT,
      ...overrides,
    });
  }

  async call<T = Record<string, unknown>>(operation: string, input: Record<string, unknown>): Promise<T> {
    return (await this.ecs.invoke(operation, input, CALL)) as T;
  }

  /** Runs a call that must fail and returns the AwsError, so tests can assert its code, status and message. */
  async error(operation: string, input: Record<string, unknown>, context: CallContext = CALL): Promise<AwsError> {
    try {
      await this.ecs.invoke(operation, input, context);
    } catch (error) {
      if (error instanceof AwsError) return error;
      throw error;
    }
    throw new Error(`${operation} succeeded but was expected to fail`);
  }

  async registerTaskDefinition(image: string, family = 'app'): Promise<string> {
    const { taskDefinition } = await this.call<{ taskDefinition: { taskDefinitionArn: string } }>(
      'RegisterTaskDefinition',
      {
        family,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          { name: 'log-router', image: 'fluent-bit:1', essential: false },
          {
            name: CONTAINER,
            image,
            essential: true,
            portMappings: [{ containerPort: PORT, protocol: 'tcp' }],
            environment: [{ name: 'COMMIT', value: 'abc1234' }],
          },
        ],
      },
    );
    return taskDefinition.taskDefinitionArn;
  }

  /** A cluster `demo` with an EXTERNAL service `web` at the given desired count. */
  async createService(desiredCount: number): Promise<ServiceWire> {
    await this.call('CreateCluster', { clusterName: 'demo' });
    const { service } = await this.call<{ service: ServiceWire }>('CreateService', {
      cluster: 'demo',
      serviceName: 'web',
      desiredCount,
      deploymentController: { type: 'EXTERNAL' },
    });
    return service;
  }

  async createTaskSet(taskDefinition: string, scale: number, targetGroupArn?: string): Promise<TaskSetWire> {
    const { taskSet } = await this.call<{ taskSet: TaskSetWire }>('CreateTaskSet', {
      cluster: 'demo',
      service: 'web',
      taskDefinition,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } },
      scale: { value: scale, unit: 'PERCENT' },
      ...(targetGroupArn !== undefined
        ? { loadBalancers: [{ targetGroupArn, containerName: CONTAINER, containerPort: PORT }] }
        : {}),
    });
    return taskSet;
  }

  async describeTaskSet(id: string): Promise<TaskSetWire> {
    const { taskSets } = await this.call<{ taskSets: TaskSetWire[] }>('DescribeTaskSets', {
      cluster: 'demo',
      service: 'web',
      taskSets: [id],
    });
    const [taskSet] = taskSets;
    if (taskSet === undefined) throw new Error(`task set ${id} is missing`);
    return taskSet;
  }

  async describeService(): Promise<ServiceWire> {
    const { services } = await this.call<{ services: ServiceWire[] }>('DescribeServices', {
      cluster: 'demo',
      services: ['web'],
    });
    const [service] = services;
    if (service === undefined) throw new Error('service web is missing');
    return service;
  }

  async tasks(desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'): Promise<TaskWire[]> {
    const { taskArns } = await this.call<{ taskArns: string[] }>('ListTasks', {
      cluster: 'demo',
      serviceName: 'web',
      desiredStatus,
    });
    if (taskArns.length === 0) return [];
    const { tasks } = await this.call<{ tasks: TaskWire[] }>('DescribeTasks', { cluster: 'demo', tasks: taskArns });
    return tasks;
  }

  close(): Promise<void> {
    return this.ecs.close();
  }
}

/** Polls (in wall time) until `check` resolves truthy; fails with `what` after `timeoutMs`. */
type Falsy = undefined | null | false;

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | Falsy> | T | Falsy,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
