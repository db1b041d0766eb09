import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { DeploymentStateMachineRefs } from '../../pipeline/delivery-pipeline';
import { Construct } from 'constructs';
import { MACHINE_KEYS, MACHINES, SERVICE_OUTPUT_KEYS, type SwapApprovalMode } from '../../contract';
import type { ControlledService } from './constructs/controlled';
import {
  CONTROLLER_RESOURCES_ID,
  ControllerOwnedService,
  ControllerResourceProvider,
  ControllerTeardown,
} from './constructs/controller-owned-resources';
import {
  ControllerRules,
  EVERY_PATH,
  PRODUCTION_IDLE_MESSAGE,
  type RuleCondition,
} from './constructs/controller-rules';
import { DeploymentFunctions, DEPLOYMENT_FUNCTIONS_ID } from './constructs/deployment-functions';
import { DEPLOYMENT_STATE_MACHINES_ID, DeploymentStateMachines } from './constructs/deployment-state-machines';
import type { BlueGreenDeploymentOptions } from './controller-options';
import { acknowledgeControllerFindings } from './private/controller-nag';
import { firstReleaseCount, resolveAutoScaling } from './private/auto-scaling';
import { ServiceScaling } from './constructs/service-scaling';
import { listenerConditionsToApi, listenerPort, listenerUrl } from './private/listeners';
import { PropValidationError, validateIntegerInRange, validateName } from './private/validate';

/** Each approval's window unless its timeout prop says otherwise: CodePipeline's own default. */
const APPROVAL_DEFAULT_DAYS = 7;

/** The priority deploy-green's deployment rule takes on the test listener (state-machines/authoring/deploy-green.ts). */
const DEPLOYMENT_RULE_PRIORITY = 100;

/** What other constructs (BlueGreenPipeline, your own) need of a controller. */
export interface IBlueGreenController {
  readonly serviceName: string;
  readonly serviceArn: string;
  readonly cluster: ecs.ICluster;
  readonly taskDefinition: ecs.TaskDefinition;
  readonly containerName: string;
  readonly productionUrl: string;
  readonly testUrl: string;
  readonly swapApprovalMode: SwapApprovalMode;
  /** How long the swap approval waits (in the pipeline, or in swap in `step-functions` mode). */
  readonly swapApprovalTimeout: Duration;
  /** How long the clean-up approval waits (in the pipeline, or in clean-up in `step-functions` mode). */
  readonly cleanUpApprovalTimeout: Duration;
  /**
   * What this service's stack outputs start with (contract/outputs.ts): '' when the controller's construct path is
   * all `Default`, else that path (`Api`). The CLI's `--service` finds them by it.
   */
  readonly outputPrefix: string;
  /** Adds a stack output `<outputPrefix><key>` (the CLI reads them; contract/outputs.ts names the keys). */
  addOutput(key: string, value: string): CfnOutput;
  readonly stateMachines: DeploymentStateMachineRefs;
}

export interface BlueGreenControllerProps extends BlueGreenDeploymentOptions {
  /** The cluster the service runs in. Its `vpc` is where green target groups and the tasks go. */
  readonly cluster: ecs.ICluster;
  /** The Application Load Balancer in front of the service; its metrics feed the built-in alarms. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** The listener production traffic arrives on. The controller adds its rule to it (see `rulePriority`). */
  readonly productionListener: elbv2.IApplicationListener;
  /** The listener testers (and the smoke test) reach green on. Restrict who may reach it: green is unreleased. */
  readonly testListener: elbv2.IApplicationListener;
  /**
   * The template task definition: each deploy-green registers a copy of it with only the app container's image
   * replaced. Changing it in the stack applies from the next deploy-green; running versions keep theirs.
   */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /**
   * Name of the ECS service (1-32 letters, digits and hyphens: it feeds target group names, which ELBv2 limits).
   */
  readonly serviceName: string;
  /**
   * The container whose image each release replaces.
   * @default - the task definition's default container (its first essential container)
   */
  readonly containerName?: string;
  /**
   * The port that container listens on, which the load balancer forwards to.
   * @default - the container's first port mapping
   */
  readonly containerPort?: number;
  /**
   * Which requests on the production listener are this service's, for several services behind one load balancer,
   * e.g. `[elbv2.ListenerCondition.hostHeaders(['api.example.com'])]`. At most 4 values in all (ELBv2 allows 5 in a
   * rule; the previous-version rule adds one).
   * @default - every request (path `/*`)
   */
  readonly conditions?: readonly elbv2.ListenerCondition[];
  /**
   * Which requests on the test listener are this service's. With a test listener per service (a port each, as in
   * examples/two-services), give `[elbv2.ListenerCondition.pathPatterns(['/*'])]`, so testers and the smoke test
   * reach green at the load balancer's own address.
   * @default - `conditions`
   */
  readonly testConditions?: readonly elbv2.ListenerCondition[];
  /**
   * Priority of the service's production and test rules (the test listener's previous-version rule takes the next
   * one). Unique per listener: give each service on a shared load balancer its own, two apart.
   * @default 1
   */
  readonly rulePriority?: number;
  /**
   * Subnets every task set is launched in.
   * @default - the VPC's private subnets with egress
   */
  readonly taskSubnets?: ec2.SubnetSelection;
  /**
   * Security group of every task set; the load balancer is allowed to reach it on the container port.
   * @default - a new security group with all outbound traffic allowed
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * URL production answers on (for `bluegreen status` and the pipeline).
   * @default - http(s)://<host>[:port]/: the host of a single-host `conditions` (`hostHeaders(['api.example.com'])`),
   * else the load balancer's DNS name; https on port 443
   */
  readonly productionUrl?: string;
  /**
   * URL of the test listener (for the smoke test and testers).
   * @default - as `productionUrl`, from `testConditions` and the test listener's port
   */
  readonly testUrl?: string;
}

/**
 * Blue/green deployments of one ECS service with the EXTERNAL deployment controller, orchestrated by Step Functions,
 * on a cluster, load balancer and task definition you already have. It creates:
 * - the service (with 0 tasks, through a create-only custom resource: no stack update changes its desired count,
 *   task sets or primary task set);
 * - the rules it owns on your listeners (no stack update changes where they send traffic);
 * - the five state machines (deploy-green, swap, clean-up, rollback, abort), the deployment record and lease, the
 *   green watch with its alarms, the lifecycle hook runner and the approvals function;
 * - a teardown that removes what the state machines made when the stack is deleted.
 *
 * Construct ids are public API: renaming one replaces resources. The children are `App` (the task security group and
 * the service), `LoadBalancer` (the owned rules), `DeploymentFunctions`, `StateMachines` and `ControllerTeardown`;
 * with `autoScaling`, `App/Scaling` holds the service's scalable target. The custom resource provider is one per stack,
 * `ControllerResources` at the stack's root.
 */
export class BlueGreenController extends Construct implements IBlueGreenController {
  public readonly serviceName: string;
  public readonly serviceArn: string;
  /** The ECS service, created once by the controller's provider; CloudFormation never updates it. */
  public readonly service: ControllerOwnedService;
  public readonly cluster: ecs.ICluster;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly containerName: string;
  public readonly containerPort: number;
  public readonly desiredCount: number;
  /** The service's scalable target, when `autoScaling` is given (its policy belongs to the state machines). */
  public readonly scaling?: ServiceScaling;
  /** Security group every task set is launched with. */
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly rules: ControllerRules;
  public readonly productionUrl: string;
  public readonly testUrl: string;
  public readonly swapApprovalMode: SwapApprovalMode;
  public readonly swapApprovalTimeout: Duration;
  public readonly cleanUpApprovalTimeout: Duration;
  public readonly functions: DeploymentFunctions;
  public readonly stateMachines: DeploymentStateMachines;
  public readonly outputPrefix: string;
  /** Creates the service and the owned rules once, and tears down what the controller made (one per stack). */
  public readonly provider: ControllerResourceProvider;
  /** Deletes the controller's target groups and alarms on `cdk destroy`, after everything that uses them. */
  public readonly teardown: ControllerTeardown;

  constructor(scope: Construct, id: string, props: BlueGreenControllerProps) {
    super(scope, id);
    const vpc = props.cluster.vpc;
    this.serviceName = props.serviceName;
    validateName('serviceName', this.serviceName, 32, 'ECS service names feed target group names, which ELBv2 limits');
    const scaling = resolveAutoScaling(props.autoScaling);
    this.desiredCount = firstReleaseCount(props.desiredCount, scaling);
    validateIntegerInRange(
      'desiredCount',
      this.desiredCount,
      1,
      1000,
      'It is the number of tasks each version runs; use at least 1 (2 or more for availability across AZs).',
    );
    const container = containerOf(props.taskDefinition, props.containerName);
    this.containerName = container.containerName;
    validateName('containerName', this.containerName, 255, 'ECS limits container names to 255 characters');
    this.containerPort = props.containerPort ?? container.portMappings[0]?.containerPort ?? Number.NaN;
    if (Number.isNaN(this.containerPort)) {
      throw new PropValidationError(
        `containerPort is not set and container '${this.containerName}' has no port mapping. Give containerPort (the port the app listens on), or add a port mapping to the container.`,
      );
    }
    validateIntegerInRange('containerPort', this.containerPort, 1, 65535, 'Use the port the app listens on.');
    const priority = props.rulePriority ?? 1;
    // The previous-version rule takes priority + 1; ELBv2 allows 1-50000.
    validateIntegerInRange('rulePriority', priority, 1, 49_999, 'Give each service on a listener its own, two apart.');
    this.cluster = props.cluster;
    this.taskDefinition = props.taskDefinition;
    this.swapApprovalMode = props.swapApprovalMode ?? 'pipeline';
    this.swapApprovalTimeout = props.swapApprovalTimeout ?? Duration.days(APPROVAL_DEFAULT_DAYS);
    this.cleanUpApprovalTimeout = props.cleanUpApprovalTimeout ?? Duration.days(APPROVAL_DEFAULT_DAYS);

    const stack = Stack.of(this);
    // The demo's controller (construct path all `Default`) keeps the names it always had; any other is named after
    // its service too, so several controllers in a stack never ask CloudFormation for the same name.
    const machinePrefix =
      props.stateMachineNamePrefix ??
      (outputPrefixOf(this) === '' ? undefined : `${stack.stackName}-${this.serviceName}`);
    claim(
      this,
      `service ${JSON.stringify(stack.resolve(props.cluster.clusterName))}/${this.serviceName}`,
      `service '${this.serviceName}' in cluster ${props.cluster.node.path}`,
      'serviceName: give each controller on a cluster its own service name.',
    );
    claim(
      this,
      `state machines ${machinePrefix ?? stack.stackName}`,
      `state machine names (${machinePrefix ?? stack.stackName}-…)`,
      'stateMachineNamePrefix: give each controller its own.',
    );
    this.provider =
      (stack.node.tryFindChild(CONTROLLER_RESOURCES_ID) as ControllerResourceProvider | undefined) ??
      new ControllerResourceProvider(stack, CONTROLLER_RESOURCES_ID, { logRetention: props.logRetention });

    // `App`: what the service is made of that the template does not run (the tasks' security group) and the service.
    const app = new Construct(this, 'App');
    this.securityGroup =
      props.securityGroup ??
      new ec2.SecurityGroup(app, 'TaskSecurityGroup', {
        vpc,
        description: 'Tasks of every blue/green task set; reachable only from the load balancer',
        allowAllOutbound: true,
      });
    // Not an AWS::ECS::Service: CloudFormation would resend its DesiredCount on every update of the resource, and
    // without one it creates the service with 1 task, which an EXTERNAL service without task sets never reaches.
    this.service = new ControllerOwnedService(app, 'Service', {
      provider: this.provider,
      clusterName: props.cluster.clusterName,
      serviceName: this.serviceName,
    });
    this.serviceArn = this.service.serviceArn;
    this.scaling = scaling
      ? new ServiceScaling(app, 'Scaling', {
          clusterName: props.cluster.clusterName,
          serviceName: this.serviceName,
          service: this.service,
          scaling,
        })
      : undefined;

    const conditions: readonly RuleCondition[] =
      props.conditions === undefined ? EVERY_PATH : listenerConditionsToApi('conditions', props.conditions);
    const testConditions: readonly RuleCondition[] =
      props.testConditions === undefined ? conditions : listenerConditionsToApi('testConditions', props.testConditions);
    this.productionUrl =
      props.productionUrl ??
      listenerUrl('productionListener', props.loadBalancer, props.productionListener, conditions);
    this.testUrl = props.testUrl ?? listenerUrl('testListener', props.loadBalancer, props.testListener, testConditions);
    claimRulePriorities(this, [
      { listener: props.productionListener, priority, what: 'production rule' },
      { listener: props.testListener, priority, what: 'test rule' },
      { listener: props.testListener, priority: priority + 1, what: 'previous-version rule' },
      {
        listener: props.testListener,
        priority: DEPLOYMENT_RULE_PRIORITY,
        what: "deploy-green's deployment rule (give each service its own test listener)",
      },
    ]);
    this.rules = new ControllerRules(this, 'LoadBalancer', {
      provider: this.provider,
      serviceName: this.serviceName,
      loadBalancer: props.loadBalancer,
      productionListener: props.productionListener,
      testListener: props.testListener,
      conditions,
      testConditions,
      priority,
      productionIdleMessage: props.productionIdleMessage ?? PRODUCTION_IDLE_MESSAGE,
      taskSecurityGroup: this.securityGroup,
      containerPort: this.containerPort,
    });

    this.functions = new DeploymentFunctions(this, DEPLOYMENT_FUNCTIONS_ID, {
      vpc,
      testListener: props.testListener,
      testPort: listenerPort('testListener', props.testListener),
      smokeTestSourceCidrs: props.smokeTestSourceCidrs,
      logRetention: props.logRetention,
    });
    const controlled: ControlledService = {
      cluster: props.cluster,
      vpc,
      serviceName: this.serviceName,
      serviceArn: this.serviceArn,
      desiredCount: this.desiredCount,
      taskDefinition: props.taskDefinition,
      containerName: this.containerName,
      containerPort: this.containerPort,
      securityGroup: this.securityGroup,
      subnetIds: vpc.selectSubnets(props.taskSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
    };
    this.stateMachines = new DeploymentStateMachines(this, DEPLOYMENT_STATE_MACHINES_ID, {
      functions: this.functions,
      app: controlled,
      routing: {
        loadBalancer: props.loadBalancer,
        testListener: props.testListener,
        productionRuleArn: this.rules.productionRule.ruleArn,
        testRuleArn: this.rules.testRule.ruleArn,
        previousVersionRuleArn: this.rules.previousVersionRule.ruleArn,
        productionUrl: this.productionUrl,
        testUrl: this.testUrl,
      },
      healthTimeout: props.healthTimeout,
      failFastThreshold: props.failFastThreshold,
      testScalePercent: props.testScalePercent,
      bakeTime: props.bakeTime,
      trafficShift: props.trafficShift,
      bakeAlarmNames: props.bakeAlarmNames,
      lifecycleHooks: props.lifecycleHooks,
      healthCheck: props.healthCheck,
      swapApprovalMode: this.swapApprovalMode,
      swapApprovalTimeout: this.swapApprovalTimeout,
      cleanUpApprovalTimeout: this.cleanUpApprovalTimeout,
      autoScaling: scaling,
      stateMachineNamePrefix: machinePrefix,
      logRetention: props.logRetention,
    });

    // `cdk destroy` removes the target groups the controller made; it runs after everything that uses them is gone.
    this.teardown = new ControllerTeardown(this, 'ControllerTeardown', {
      provider: this.provider,
      serviceName: this.serviceName,
      targetGroupNamePrefix: this.stateMachines.targetGroupNamePrefix,
      alarmNames: this.stateMachines.greenWatch.builtInAlarmNames,
    });
    for (const dependent of [
      this.service,
      props.productionListener,
      props.testListener,
      this.rules.productionRule,
      this.rules.testRule,
      this.rules.previousVersionRule,
    ]) {
      this.teardown.mustOutlive(dependent);
    }
    acknowledgeControllerFindings(this, props.productionListener, props.testListener);

    this.outputPrefix = outputPrefixOf(this);
    const outputs: Record<string, string> = {
      [SERVICE_OUTPUT_KEYS.productionUrl]: this.productionUrl,
      [SERVICE_OUTPUT_KEYS.testUrl]: this.testUrl,
      [SERVICE_OUTPUT_KEYS.cluster]: props.cluster.clusterName,
      [SERVICE_OUTPUT_KEYS.service]: this.serviceName,
      ...Object.fromEntries(
        MACHINE_KEYS.map((key) => [MACHINES[key].outputKey, this.stateMachines[key].stateMachineArn]),
      ),
      [SERVICE_OUTPUT_KEYS.deploymentTable]: this.stateMachines.deploymentTable.tableName,
      // The controller-owned rules, so the CLI reads them by ARN instead of guessing a listener port and priority.
      [SERVICE_OUTPUT_KEYS.productionRule]: this.rules.productionRule.ruleArn,
      [SERVICE_OUTPUT_KEYS.testRule]: this.rules.testRule.ruleArn,
    };
    for (const [key, value] of Object.entries(outputs)) this.addOutput(key, value);
  }

  addOutput(key: string, value: string): CfnOutput {
    const output = new CfnOutput(this, `${key}Output`, { value });
    output.overrideLogicalId(`${this.outputPrefix}${key}`);
    return output;
  }
}

/** The construct path from the stack down to `controller`, without `Default`s, as an output key prefix. */
function outputPrefixOf(controller: Construct): string {
  const stack = Stack.of(controller);
  const scopes = controller.node.scopes;
  return scopes
    .slice(scopes.indexOf(stack) + 1)
    .map((scope) => scope.node.id)
    .filter((id) => id !== 'Default')
    .map((id) => id.replace(/[^A-Za-z0-9]/g, ''))
    .join('');
}

/**
 * Records what a controller takes that must be unique in its stack (a listener rule priority, a service name in a
 * cluster, state machine names) and refuses what another controller (or this one) already took, naming both: AWS would
 * refuse the second at deploy time (PriorityInUse, a service that exists, a state machine name in use), half-way
 * through the stack.
 */
function claim(controller: Construct, key: string, what: string, fix: string): void {
  const stack = Stack.of(controller);
  const taken = CLAIMS_BY_STACK.get(stack) ?? new Map<string, string>();
  CLAIMS_BY_STACK.set(stack, taken);
  const mine = `${controller.node.path}'s ${what}`;
  const holder = taken.get(key);
  if (holder !== undefined) throw new PropValidationError(`${mine} and ${holder} are the same: ${fix}`);
  taken.set(key, mine);
}
const CLAIMS_BY_STACK = new WeakMap<Stack, Map<string, string>>();

function claimRulePriorities(
  controller: Construct,
  claims: ReadonlyArray<{ listener: elbv2.IApplicationListener; priority: number; what: string }>,
): void {
  const stack = Stack.of(controller);
  for (const c of claims) {
    claim(
      controller,
      `rule ${JSON.stringify(stack.resolve(c.listener.listenerArn))}#${c.priority}`,
      `${c.what} (priority ${c.priority} on listener ${c.listener.node.path})`,
      'rulePriority: give each service on a shared listener its own rulePriority (two apart), and each service its own test listener.',
    );
  }
}

/** The container a release replaces the image of: the named one, or the task definition's default container. */
function containerOf(taskDefinition: ecs.FargateTaskDefinition, name: string | undefined): ecs.ContainerDefinition {
  const container = name === undefined ? taskDefinition.defaultContainer : taskDefinition.findContainer(name);
  if (container === undefined) {
    throw new PropValidationError(
      name === undefined
        ? `taskDefinition ${taskDefinition.node.path} has no essential container yet. Add the app container before creating the controller, or give containerName.`
        : `containerName is '${name}', but taskDefinition ${taskDefinition.node.path} has no container of that name. Give the name of the app container.`,
    );
  }
  return container;
}
