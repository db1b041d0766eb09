/**
 * The composition root of local AWS: one clock, one private network, the ECS, ELBv2, Step Functions, CodePipeline,
 * DynamoDB, CloudWatch and Lambda emulators wired to each other and to the real data plane, behind one HTTP endpoint
 * on 127.0.0.1, plus an in-process EventBridge bus that CodePipeline's and ECS's state changes go to.
 */
import {
  createApplicationAutoScalingService,
  type LocalApplicationAutoScaling,
} from './applicationautoscaling/service';
import { localScalableResources } from './applicationautoscaling/local-resources';
import { createClock, type Clock } from './aws/clock';
import {
  createCloudFormationService,
  registerLocalCloudFormation,
  type LocalCloudFormation,
} from './cloudformation/service';
import type { LocalFunctionCode } from './cloudformation/environment';
import { LocalNetwork } from './aws/network';
import { albHostCounts, withListenerMetrics } from './cloudwatch/alb-metrics';
import { createCloudWatchService, type LocalCloudWatch } from './cloudwatch/service';
import { createCodePipelineService, type LocalCodePipeline } from './codepipeline/service';
import { createDynamoDbService, type LocalDynamoDb } from './dynamodb/dynamodb-service';
import { createEventBus, registerLocalEventBus, type LocalEventBus } from './events/event-bus';
import { createLambdaService, registerLocalLambda, type LocalLambdaService } from './lambda/service';
import { startLocalAws, type LocalAws } from './aws/server';
import { launchTask } from './dataplane/task-process';
import { createEcsService, type LocalEcs } from './ecs/ecs-service';
import { localDataPlane } from './elbv2/local-data-plane';
import { createElbv2Service, type Elbv2Service } from './elbv2/service';
import { createStepFunctionsService, type StepFunctionsService } from './stepfunctions/service';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '123456789012';

export interface LocalPorts {
  /** The AWS API endpoint (ECS, ELBv2, Step Functions, CodePipeline, DynamoDB). 0 picks a free port. */
  readonly api: number;
  /** Local port of each ALB listener port, e.g. { 80: 8000, 8080: 8080 }. 0 picks a free port. */
  readonly listeners: Readonly<Record<number, number>>;
}

export const DEFAULT_PORTS: LocalPorts = { api: 4566, listeners: { 80: 8000, 8080: 8080 } };

export interface LocalAwsStackOptions {
  readonly ports?: LocalPorts;
  /** Wall seconds per emulated second; 1 is real time. */
  readonly timeScale?: number;
  /** Option names shown in port-in-use errors, e.g. { api: '--port', 80: '--prod-port' }. */
  readonly portOptions?: { readonly api?: string; readonly listeners?: Readonly<Record<number, string>> };
  readonly faults?: Parameters<typeof startLocalAws>[0]['faults'];
  /** Opt-in least-privilege enforcement of signed calls (local/iam/enforce.ts); off by default. */
  readonly authorize?: Parameters<typeof startLocalAws>[0]['authorize'];
  /**
   * The in-process code of the Lambda functions in templates deployed here (custom resources, functions Step Functions
   * invokes). The emulator has none of its own. @default none: every function is named-only
   */
  readonly functions?: LocalFunctionCode;
}

export interface RunningLocalAws {
  readonly endpoint: string;
  readonly clock: Clock;
  readonly server: LocalAws;
  readonly ecs: LocalEcs;
  readonly elbv2: Elbv2Service;
  readonly sfn: StepFunctionsService;
  /** Tables and items (harness/deploy creates the template's tables). */
  readonly dynamodb: LocalDynamoDb;
  /** Stacks (harness/deploy creates the template's through it): CreateStack, UpdateStack, DeleteStack, Describe*. */
  readonly cloudformation: LocalCloudFormation;
  /** Pipelines (harness/deploy creates the template's) and their executions, approvals included. */
  readonly codepipeline: LocalCodePipeline;
  /** EventBridge rules (harness/deploy puts the template's) over the events local services emit. */
  readonly events: LocalEventBus;
  /** Metric alarms (state changes go to `events`) and metrics, the ALB's from the listeners' real requests. */
  readonly cloudwatch: LocalCloudWatch;
  /**
   * The Lambda API's Invoke (restJson1, on `endpoint`) over the functions local CloudFormation created with local code;
   * `register` adds others.
   */
  readonly lambda: LocalLambdaService;
  /** Scalable targets and target tracking on ECS services (local ECS's desired count, local CloudWatch's metrics). */
  readonly applicationAutoScaling: LocalApplicationAutoScaling;
  /** Local port each ALB listener port was given (known once the listener exists). */
  listenerPort(albPort: number): number;
  close(): Promise<void>;
}

export async function startLocalAwsStack(options: LocalAwsStackOptions = {}): Promise<RunningLocalAws> {
  const ports = options.ports ?? DEFAULT_PORTS;
  const clock = createClock(options.timeScale ?? 1);
  const network = new LocalNetwork();
  const region = LOCAL_REGION;
  const accountId = LOCAL_ACCOUNT;
  const listenerPort = (albPort: number): number => {
    const local = ports.listeners[albPort];
    if (local === undefined) {
      throw new Error(
        `No local port is configured for ALB listener port ${albPort}; add it to the listener ports option.`,
      );
    }
    return local;
  };
  const listenerPortOption = (albPort: number): string =>
    options.portOptions?.listeners?.[albPort] ?? `the local port of listener ${albPort}`;
  const cloudwatch = createCloudWatchService({
    clock,
    region,
    accountId,
    emit: (event) => events.putEvent(event),
    hostCounts: () => albHostCounts(elbv2.state()),
  });
  const dataPlane = withListenerMetrics(localDataPlane, (outcome) => cloudwatch.recordListenerRequest(outcome));
  const elbv2 = createElbv2Service({ clock, network, region, accountId, listenerPort, listenerPortOption, dataPlane });
  const ecs = createEcsService({
    clock,
    network,
    targets: elbv2.targetGroups,
    launchTask,
    region,
    accountId,
    // ECS Task State Change events go to the bus (created below, before any task can start).
    emit: (event) => events.putEvent(event),
  });
  let endpoint = '';
  const sfn = createStepFunctionsService({ clock, region, accountId, endpoint: () => endpoint });
  const dynamodb = createDynamoDbService({ clock, region, accountId });
  const lambda = createLambdaService({ region, accountId });
  const events = createEventBus({
    region,
    accountId,
    endpoint: () => endpoint,
    // Lambda targets run the handler local Step Functions has for the function.
    lambda: (name) => sfn.registeredLambda(name),
  });
  // Stacks created through the CloudFormation API (AWS CLI, SDK) are deployed into this local AWS.
  const cloudformation = createCloudFormationService({
    region,
    accountId,
    environment: () => ({
      endpoint,
      region,
      accountId,
      clock,
      listenerUrl: (albPort) =>
        `http://127.0.0.1:${elbv2.state().listeners.find((l) => l.port === albPort)?.localPort ?? listenerPort(albPort)}/`,
      registerLambda: (name, handler) => sfn.registerLambda(name, handler),
      ...(options.functions && { functions: options.functions }),
      eventBus: events,
    }),
  });
  const codepipeline = createCodePipelineService({
    clock,
    region,
    accountId,
    endpoint: () => endpoint,
    emit: (event) => events.putEvent(event),
  });
  const applicationAutoScaling = createApplicationAutoScalingService({
    clock,
    region,
    accountId,
    resources: localScalableResources({ ecs, elbv2State: () => elbv2.state(), cloudwatch, region, accountId }),
  });
  let server: LocalAws;
  try {
    server = await startLocalAws({
      port: ports.api,
      services: [ecs, elbv2.service, sfn, cloudformation, codepipeline, dynamodb, cloudwatch, applicationAutoScaling],
      restServices: [lambda],
      faults: options.faults,
      authorize: options.authorize,
      region,
      accountId,
    });
  } catch (error) {
    await Promise.allSettled([
      applicationAutoScaling.close(),
      lambda.close(),
      cloudwatch.close(),
      codepipeline.close(),
      events.close(),
      sfn.close(),
      ecs.close(),
      elbv2.close(),
      cloudformation.close(),
    ]);
    throw error;
  }
  endpoint = server.endpoint;
  const unregisterCloudFormation = registerLocalCloudFormation(endpoint, cloudformation);
  const unregisterEvents = registerLocalEventBus(endpoint, events);
  const unregisterLambda = registerLocalLambda(endpoint, lambda);
  return {
    endpoint,
    clock,
    server,
    ecs,
    elbv2,
    sfn,
    dynamodb,
    cloudformation,
    codepipeline,
    events,
    cloudwatch,
    lambda,
    applicationAutoScaling,
    listenerPort: (albPort) => {
      const listener = elbv2.state().listeners.find((l) => l.port === albPort);
      return listener?.localPort ?? listenerPort(albPort);
    },
    close: async () => {
      // Pipelines and rules first (they start executions), executions next (they call the others), then tasks,
      // then listeners and the API.
      unregisterCloudFormation();
      unregisterEvents();
      unregisterLambda();
      await cloudformation.close();
      await lambda.close();
      await applicationAutoScaling.close();
      await cloudwatch.close();
      await codepipeline.close();
      await events.close();
      await sfn.close();
      await ecs.close();
      await elbv2.close();
      await server.close();
    },
  };
}
