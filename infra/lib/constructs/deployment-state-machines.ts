import { ArnFormat, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  BAKE_SECONDS,
  DEREGISTRATION_DELAY_SECONDS,
  FAIL_FAST_THRESHOLD,
  HEALTH_TIMEOUT_SECONDS,
  MACHINES,
  TEST_SCALE_PERCENT,
  type MachineKey,
  type SwapApprovalMode,
  type TrafficShift,
} from '../../../contract';
import { aslPath, placeholdersOf, readAsl, STATE_MACHINE_NAMES, type StateMachineName } from '../private/asl';
import { listenerRulePattern } from '../private/arns';
import type { ResolvedAutoScaling } from '../private/auto-scaling';
import { permissionsFor } from '../private/state-machine-permissions';
import { substitutionsFor } from '../private/substitutions';
import { defaultTargetGroupPrefix, TARGET_GROUP_PREFIX_MAX } from '../private/target-group-name';
import { validateIntegerInRange, validateName, validateTrafficShift } from '../private/validate';
import { PREVIOUS_VERSION_IDLE_MESSAGE, PRODUCTION_IDLE_MESSAGE, TEST_IDLE_MESSAGE } from './controller-rules';
import type { ControlledRouting, ControlledService, ControllerFunctions } from './controlled';
import { APPROVALS_ID, Approvals } from './approvals';
import { GREEN_WATCH_ID, GreenWatch } from './green-watch';
import { approvalWindowSeconds } from '../private/approval-window';
import { LIFECYCLE_HOOKS_ID, LifecycleHooks, type LifecycleHook } from './lifecycle-hooks';

/** Health checks of green target groups. */
export interface GreenHealthCheckOptions {
  /**
   * Path the load balancer probes.
   * @default '/healthz'
   */
  readonly path?: string;
  /**
   * Seconds between probes.
   * @default 10
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds without an answer before a probe counts as failed. ELBv2 requires it to be less than `intervalSeconds`
   * (its own default for HTTP, 6, would reject intervals of 5 and 6).
   * @default - 5, or `intervalSeconds - 1` when the interval is 5
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive successes before a target is healthy.
   * @default 2
   */
  readonly healthyThresholdCount?: number;
  /**
   * Consecutive failures before a target is unhealthy.
   * @default 2
   */
  readonly unhealthyThresholdCount?: number;
}

export interface DeploymentStateMachinesProps {
  /** The service the machines deploy to. */
  readonly app: ControlledService;
  /** The rules they switch between versions. */
  readonly routing: ControlledRouting;
  /** validate-input (every machine's first state) and smoke-test (deploy-green), invoked by ARN. */
  readonly functions: ControllerFunctions;
  /**
   * What the five state machines' names start with: `<prefix>-deploy-green`, … They are fixed names, so each role can
   * read the other machines' executions (a stale lease holder) without a dependency cycle. Several services in one
   * stack need one prefix each.
   * @default - the stack name
   */
  readonly stateMachineNamePrefix?: string;
  /**
   * Prefix of green target group names; deploy-green appends `-` and 8 hex characters.
   * @default - `bg-` and the service name, cut to 23 characters
   */
  readonly targetGroupNamePrefix?: string;
  /**
   * How long deploy-green waits for green to become healthy before it undoes itself. Executions may override it
   * with `healthTimeoutSeconds`.
   * @default Duration.minutes(10)
   */
  readonly healthTimeout?: Duration;
  /**
   * How many of green's tasks may stop on their own (an essential container exiting non-zero, or a task failing to
   * start), or how many health polls in a row (10 s apart) may find a green target answering its health check with the
   * wrong status code (Target.ResponseCodeMismatch), before deploy-green stops
   * waiting and undoes itself (`BlueGreen.GreenTasksFailing`) instead of waiting out the health timeout. 1 to 200, like
   * ECS's deployment circuit breaker, whose minimum threshold is 3. Executions may override it with
   * `failFastThreshold`.
   * @default 3
   */
  readonly failFastThreshold?: number;
  /**
   * Green's size while it is only under test, in percent of the service's desired count (like Argo Rollouts'
   * `previewReplicaCount`): deploy-green creates green's task set at this scale (ECS rounds up, so at least one task),
   * and swap scales it to 100 % and waits until it is fully healthy at full size (within `healthTimeout`) before any
   * production traffic moves; if it does not get there, swap puts green back at this scale and refuses, production
   * untouched. A whole number from 1 to 100. Executions may override it with `testScalePercent`.
   * @default 100 (green runs at full size from the start)
   */
  readonly testScalePercent?: number;
  /**
   * How long swap watches green under production traffic after the swap (without polling: one of green's tasks
   * stopping wakes it through EventBridge, and green's target health is checked as the bake begins and ends; blue is
   * kept health-checked); green failing in that time sends production back to blue. 0 turns the watch off; at most
   * 24 hours.
   * Executions may override it with `bakeSeconds`.
   * @default Duration.minutes(5)
   */
  readonly bakeTime?: Duration;
  /**
   * How swap moves production from blue to green when its input has no `trafficShift`: all at once, a canary
   * (`{type: 'canary', percent: 10, intervalSeconds: 300}`), linear steps (`{type: 'linear', percent: 10,
   * intervalSeconds: 60}`) or custom steps (`{type: 'steps', steps: [{percent: 5, seconds: 60}, …]}`), with ECS's
   * built-in blue/green limits (contract/inputs.ts). Blue stays primary and fully scaled until the last step passes.
   * @default - all at once ({type: 'all-at-once'})
   */
  readonly trafficShift?: TrafficShift;
  /**
   * Your own CloudWatch metric alarms (by name) that swap watches beside its built-in ones (green's 5XX count, response
   * time p99 and healthy hosts) during each traffic-shift step and the bake: one going to ALARM sends production back
   * to blue within seconds of the state change. Composite alarms are not supported (reading them needs
   * cloudwatch:DescribeAlarms on `*`). Each must exist when swap runs; 1-255 characters
   * each, at most 97 (one DescribeAlarms reads 100 names, 3 are built in) and short enough together for the
   * alarm rule's event pattern (EventBridge's default quota: 2,048 characters).
   * @default [] (the built-in alarms only)
   */
  readonly bakeAlarmNames?: readonly string[];
  /**
   * The service's autoscaling (private/auto-scaling.ts): the state machines point its policy at the live version and
   * suspend scale-in while two versions run (contract/autoscaling.ts). Its scalable target is the caller's.
   * @default - no autoscaling: the machines never call Application Auto Scaling, and their roles may not
   */
  readonly autoScaling?: ResolvedAutoScaling;
  /**
   * How long old targets drain before their task set stops (ELBv2 deregistration delay of green target groups).
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;
  /** @default - see GreenHealthCheckOptions */
  readonly healthCheck?: GreenHealthCheckOptions;
  /**
   * Your lifecycle hooks (contract/lifecycle-hooks.ts): Lambda functions answering ECS's hook protocol, or state
   * machines, run at POST_SCALE_UP and POST_TEST_TRAFFIC_SHIFT (deploy-green), POST_PRODUCTION_TRAFFIC_SHIFT (swap) and
   * PRE_BLUE_REMOVAL (clean-up). A hook failing undoes the stage's machine as any failed step does.
   * @default [] (the built-in smoke test only, at POST_TEST_TRAFFIC_SHIFT)
   */
  readonly lifecycleHooks?: readonly LifecycleHook[];
  /**
   * Where testers approve the swap and the clean-up (contract/approvals.ts): `pipeline` (CodePipeline's manual
   * approvals) or `step-functions` (every successful deploy-green starts a swap, and every swap that moves production a
   * clean-up, that waits on a task token for `bluegreen approve`).
   * @default 'pipeline'
   */
  readonly swapApprovalMode?: SwapApprovalMode;
  /**
   * How long the swap approval waits: 5 minutes to 60 days with `pipeline`, to 330 days with `step-functions`.
   * @default Duration.days(7)
   */
  readonly swapApprovalTimeout?: Duration;
  /**
   * How long the clean-up approval waits: 5 minutes to 60 days with `pipeline`, to 330 days with `step-functions`.
   * @default Duration.days(7)
   */
  readonly cleanUpApprovalTimeout?: Duration;
  /**
   * Retention of the execution logs.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The id BlueGreenStack gives this construct (the green watch function's logical id starts with it). */
export const DEPLOYMENT_STATE_MACHINES_ID = 'StateMachines';

/**
 * The deployment state machines (deploy-green, swap, clean-up, rollback, abort). Each definition is the file in state-machines/ as it is, with
 * `definitionSubstitutions` for the stack's ARNs and settings, and each role grants only what its file calls.
 */
export class DeploymentStateMachines extends Construct {
  public readonly deployGreen: sfn.StateMachine;
  public readonly swap: sfn.StateMachine;
  public readonly cleanUp: sfn.StateMachine;
  /** After a swap and before clean-up: production back to blue, blue primary, green removed. */
  public readonly rollback: sfn.StateMachine;
  /** Before a swap: discard green, leave blue untouched. */
  public readonly abort: sfn.StateMachine;
  /** All three by file name, for loops in tests, outputs and the pipeline. */
  public readonly byName: Readonly<Record<StateMachineName, sfn.StateMachine>>;
  /** Green target groups are named `<prefix>-<8 hex>`; IAM scopes target group actions to this prefix. */
  public readonly targetGroupNamePrefix: string;
  /**
   * One item per service: the lease (one operation at a time) and the deployment record (phase, live, previous and
   * green versions) that every state machine decides from (state-machines/authoring/lease.ts).
   */
  public readonly deploymentTable: dynamodb.Table;
  /** The function and rule that wake swap's watch when one of green's tasks stops (contract/green-watch.ts). */
  public readonly greenWatch: GreenWatch;
  /** The runner of the lifecycle hooks, the built-in smoke test first (contract/lifecycle-hooks.ts). */
  public readonly lifecycleHooks: LifecycleHooks;
  /** The swap approval's task-token wait (contract/approvals.ts); unused in `pipeline` mode. */
  public readonly approvals: Approvals;
  /** The machines are named `<this>-<file>` (`<prefix>-deploy-green`, …). */
  public readonly stateMachineNamePrefix: string;

  constructor(scope: Construct, id: string, props: DeploymentStateMachinesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { app, routing } = props;
    const serviceName = app.serviceName;
    const prefix = props.targetGroupNamePrefix ?? defaultTargetGroupPrefix(serviceName);
    this.targetGroupNamePrefix = prefix;
    validateName(
      'targetGroupNamePrefix',
      prefix,
      TARGET_GROUP_PREFIX_MAX,
      `deploy-green appends '-' and an 8-character deployment id, and ELBv2 target group names are at most 32 characters`,
    );
    const healthTimeoutSeconds = (props.healthTimeout ?? Duration.seconds(HEALTH_TIMEOUT_SECONDS.default)).toSeconds();
    validateIntegerInRange(
      'healthTimeout',
      healthTimeoutSeconds,
      HEALTH_TIMEOUT_SECONDS.min,
      HEALTH_TIMEOUT_SECONDS.max,
      'Give a Duration from 30 seconds to 1 day.',
    );
    const failFastThreshold = props.failFastThreshold ?? FAIL_FAST_THRESHOLD.default;
    validateIntegerInRange(
      'failFastThreshold',
      failFastThreshold,
      FAIL_FAST_THRESHOLD.min,
      FAIL_FAST_THRESHOLD.max,
      `Give a whole number of failures from ${FAIL_FAST_THRESHOLD.min} to ${FAIL_FAST_THRESHOLD.max}.`,
    );
    const testScalePercent = props.testScalePercent ?? TEST_SCALE_PERCENT.default;
    validateIntegerInRange(
      'testScalePercent',
      testScalePercent,
      TEST_SCALE_PERCENT.min,
      TEST_SCALE_PERCENT.max,
      `Give a whole percent of the service's desired count from ${TEST_SCALE_PERCENT.min} to ${TEST_SCALE_PERCENT.max} (100: green at full size while under test).`,
    );
    const bakeSeconds = (props.bakeTime ?? Duration.seconds(BAKE_SECONDS.default)).toSeconds();
    validateIntegerInRange(
      'bakeTime',
      bakeSeconds,
      BAKE_SECONDS.min,
      BAKE_SECONDS.max,
      'Give a Duration from 0 (no watch) to 24 hours, the longest bake of ECS’s built-in blue/green.',
    );
    const deregistrationDelaySeconds = (
      props.deregistrationDelay ?? Duration.seconds(DEREGISTRATION_DELAY_SECONDS.default)
    ).toSeconds();
    validateIntegerInRange(
      'deregistrationDelay',
      deregistrationDelaySeconds,
      DEREGISTRATION_DELAY_SECONDS.min,
      DEREGISTRATION_DELAY_SECONDS.max,
      'ELBv2 allows 0 to 3600 seconds.',
    );
    const health = {
      path: props.healthCheck?.path ?? '/healthz',
      intervalSeconds: props.healthCheck?.intervalSeconds ?? 10,
      healthyThresholdCount: props.healthCheck?.healthyThresholdCount ?? 2,
      unhealthyThresholdCount: props.healthCheck?.unhealthyThresholdCount ?? 2,
    };
    if (!health.path.startsWith('/')) {
      throw new Error(`healthCheck.path is '${health.path}', but it must start with '/', for example '/healthz'.`);
    }
    validateIntegerInRange('healthCheck.intervalSeconds', health.intervalSeconds, 5, 300, 'ELBv2 allows 5 to 300.');
    const healthTimeoutOfProbe = props.healthCheck?.timeoutSeconds ?? Math.min(5, health.intervalSeconds - 1);
    validateIntegerInRange(
      'healthCheck.timeoutSeconds',
      healthTimeoutOfProbe,
      2,
      Math.min(120, health.intervalSeconds - 1),
      `ELBv2 allows 2 to 120 and requires it to be less than healthCheck.intervalSeconds (${health.intervalSeconds}): lower it, or raise the interval.`,
    );
    validateIntegerInRange(
      'healthCheck.healthyThresholdCount',
      health.healthyThresholdCount,
      2,
      10,
      'ELBv2 allows 2 to 10.',
    );
    validateIntegerInRange(
      'healthCheck.unhealthyThresholdCount',
      health.unhealthyThresholdCount,
      2,
      10,
      'ELBv2 allows 2 to 10.',
    );

    const trafficShift = validateTrafficShift('trafficShift', props.trafficShift);

    this.deploymentTable = new dynamodb.Table(this, 'DeploymentRecord', {
      partitionKey: { name: 'service', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The record describes resources this stack owns; `cdk destroy` removes them all, so it goes too.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Fixed names, so each role can be granted DescribeExecution on the others' executions (to tell a stale lease
    // holder) without a CloudFormation dependency cycle between the five state machines.
    const namePrefix = props.stateMachineNamePrefix ?? stack.stackName;
    this.stateMachineNamePrefix = namePrefix;
    const stateMachineNameOf = (name: StateMachineName): string => `${namePrefix}-${name}`;
    for (const name of STATE_MACHINE_NAMES) {
      validateName(
        props.stateMachineNamePrefix === undefined ? 'stack name' : 'stateMachineNamePrefix',
        stateMachineNameOf(name),
        80,
        'state machine names are at most 80 characters',
      );
    }

    this.greenWatch = new GreenWatch(this, GREEN_WATCH_ID, {
      deploymentTable: this.deploymentTable,
      cluster: app.cluster,
      serviceArn: app.serviceArn,
      serviceName,
      loadBalancerArn: routing.loadBalancer.loadBalancerArn,
      ...(props.bakeAlarmNames !== undefined && { bakeAlarmNames: props.bakeAlarmNames }),
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    });

    this.lifecycleHooks = new LifecycleHooks(this, LIFECYCLE_HOOKS_ID, {
      smokeTest: props.functions.smokeTest,
      ...(props.lifecycleHooks !== undefined && { hooks: props.lifecycleHooks }),
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    });

    const swapApprovalMode = props.swapApprovalMode ?? 'pipeline';
    const swapApprovalSeconds = approvalWindowSeconds(swapApprovalMode, props.swapApprovalTimeout);
    const cleanUpApprovalSeconds = approvalWindowSeconds(
      swapApprovalMode,
      props.cleanUpApprovalTimeout,
      'cleanUpApprovalTimeout',
    );
    const stateMachineArnOf = (name: StateMachineName): string =>
      stack.formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: stateMachineNameOf(name),
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    const executionsOf = (name: StateMachineName): string =>
      stack.formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${stateMachineNameOf(name)}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    this.approvals = new Approvals(this, APPROVALS_ID, {
      deploymentTable: this.deploymentTable,
      serviceArn: app.serviceArn,
      startable: [stateMachineArnOf('swap'), stateMachineArnOf('clean-up')],
      onRejection: [stateMachineArnOf('abort'), stateMachineArnOf('rollback')],
      describedExecutions: (['swap', 'clean-up', 'abort', 'rollback'] as const).map(executionsOf),
      ...(props.logRetention !== undefined && { logRetention: props.logRetention }),
    });

    const executionRole = app.taskDefinition.obtainExecutionRole();
    const available: Record<string, string> = {
      StackName: stack.stackName,
      DeploymentTableName: this.deploymentTable.tableName,
      ClusterName: app.cluster.clusterName,
      ClusterArn: app.cluster.clusterArn,
      ServiceName: serviceName,
      ServiceArn: app.serviceArn,
      DesiredCount: String(app.desiredCount),
      TaskDefinitionFamily: app.taskDefinition.family,
      TaskRoleArn: app.taskDefinition.taskRole.roleArn,
      ExecutionRoleArn: executionRole.roleArn,
      ContainerName: app.containerName,
      ContainerPort: String(app.containerPort),
      VpcId: app.vpc.vpcId,
      SubnetIds: app.subnetIds.join(','),
      ServiceSecurityGroupId: app.securityGroup.securityGroupId,
      ProdRuleArn: routing.productionRuleArn,
      TestRuleArn: routing.testRuleArn,
      PreviousRuleArn: routing.previousVersionRuleArn,
      TestListenerArn: routing.testListener.listenerArn,
      ProdUrl: routing.productionUrl,
      TestUrl: routing.testUrl,
      ProductionIdleMessage: PRODUCTION_IDLE_MESSAGE,
      TestListenerIdleMessage: TEST_IDLE_MESSAGE,
      PreviousRuleIdleMessage: PREVIOUS_VERSION_IDLE_MESSAGE,
      TargetGroupNamePrefix: prefix,
      HealthCheckPath: health.path,
      HealthCheckIntervalSeconds: String(health.intervalSeconds),
      HealthCheckTimeoutSeconds: String(healthTimeoutOfProbe),
      HealthyThresholdCount: String(health.healthyThresholdCount),
      UnhealthyThresholdCount: String(health.unhealthyThresholdCount),
      HealthTimeoutSeconds: String(healthTimeoutSeconds),
      FailFastThreshold: String(failFastThreshold),
      TestScalePercent: String(testScalePercent),
      BakeSeconds: String(bakeSeconds),
      TrafficShift: trafficShift,
      DeregistrationDelaySeconds: String(deregistrationDelaySeconds),
      ValidateInputFunctionArn: props.functions.validateInput.functionArn,
      GreenWatchFunctionArn: this.greenWatch.function.functionArn,
      LifecycleHooksFunctionArn: this.lifecycleHooks.function.functionArn,
      ApprovalsFunctionArn: this.approvals.function.functionArn,
      SwapApprovalMode: swapApprovalMode,
      SwapApprovalTimeoutSeconds: String(swapApprovalSeconds),
      SwapStateMachineArn: stateMachineArnOf('swap'),
      CleanUpApprovalTimeoutSeconds: String(cleanUpApprovalSeconds),
      CleanUpStateMachineArn: stateMachineArnOf('clean-up'),
      RollbackStateMachineArn: stateMachineArnOf('rollback'),
      // Read only when AutoScalingEnabled is true (state-machines/authoring/autoscaling.ts); 0 otherwise.
      AutoScalingEnabled: String(props.autoScaling !== undefined),
      ScalingTargetValue: String(props.autoScaling?.targetRequestsPerTarget ?? 0),
      ScaleOutCooldownSeconds: String(props.autoScaling?.scaleOutCooldownSeconds ?? 0),
      ScaleInCooldownSeconds: String(props.autoScaling?.scaleInCooldownSeconds ?? 0),
      // `app/NAME/ID`, the load balancer part of a target tracking policy's resource label, from the ARN (an imported
      // load balancer has no LoadBalancerFullName attribute).
      LoadBalancerFullName: Fn.select(1, Fn.split(':loadbalancer/', routing.loadBalancer.loadBalancerArn)),
      AbortStateMachineArn: stateMachineArnOf('abort'),
    };
    // The approvals function is invoked only in step-functions mode: in pipeline mode no role may call it (a swap
    // started with awaitApproval: true by hand then fails at AwaitApproval, before the lease, with nothing changed).
    const functionPlaceholders = [
      'ValidateInputFunctionArn',
      'GreenWatchFunctionArn',
      'LifecycleHooksFunctionArn',
      ...(swapApprovalMode === 'step-functions' ? ['ApprovalsFunctionArn'] : []),
    ];

    const make = (name: StateMachineName, constructId: string): sfn.StateMachine => {
      const definition = readAsl(name);
      const logGroup = new logs.LogGroup(this, `${constructId}Logs`, {
        retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      });
      const stateMachine = new sfn.StateMachine(this, constructId, {
        stateMachineName: stateMachineNameOf(name),
        // The file itself, byte for byte, as an S3 asset (DefinitionS3Location): inline, the five definitions are about
        // 450 KB of each controller's template, and CloudFormation takes at most 1 MB, so a second service in the
        // stack would not deploy.
        definitionBody: sfn.DefinitionBody.fromFile(aslPath(name)),
        definitionSubstitutions: substitutionsFor(name, definition, available),
        stateMachineType: sfn.StateMachineType.STANDARD,
        tracingEnabled: true,
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
        comment: `ecs-bluegreen ${name} for service ${serviceName}`,
      });
      const statements = permissionsFor(JSON.parse(definition), {
        partition: stack.partition,
        region: stack.region,
        account: stack.account,
        clusterName: app.cluster.clusterName,
        serviceName,
        targetGroupNamePrefix: prefix,
        taskDefinitionFamily: app.taskDefinition.family,
        ruleArns: {
          ProdRuleArn: available.ProdRuleArn as string,
          TestRuleArn: available.TestRuleArn as string,
          PreviousRuleArn: available.PreviousRuleArn as string,
        },
        listenerArns: { TestListenerArn: routing.testListener.listenerArn },
        listenerRulePatterns: { TestListenerArn: listenerRulePattern(routing.testListener.listenerArn) },
        passableRoleArns: [app.taskDefinition.taskRole.roleArn, executionRole.roleArn],
        stackName: stack.stackName,
        deploymentTableArn: this.deploymentTable.tableArn,
        stateMachineNames: STATE_MACHINE_NAMES.map(stateMachineNameOf),
        autoScaling: props.autoScaling !== undefined,
      });
      for (const statement of statements) {
        stateMachine.addToRolePolicy(
          new iam.PolicyStatement({
            actions: statement.actions,
            resources: statement.resources,
            conditions: statement.conditions,
          }),
        );
      }
      // Lambda Tasks: only the functions this definition invokes, by unqualified ARN.
      const invoked = functionPlaceholders
        .filter((name) => placeholdersOf(definition).has(name))
        .map((name) => available[name] as string);
      if (invoked.length > 0) {
        stateMachine.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: invoked }),
        );
      }
      return stateMachine;
    };

    const machine = (key: MachineKey) => make(MACHINES[key].name, MACHINES[key].constructId);
    this.deployGreen = machine('deployGreen');
    this.swap = machine('swap');
    this.cleanUp = machine('cleanUp');
    this.rollback = machine('rollback');
    this.abort = machine('abort');
    this.byName = {
      'deploy-green': this.deployGreen,
      swap: this.swap,
      'clean-up': this.cleanUp,
      rollback: this.rollback,
      abort: this.abort,
    };
    if (Object.keys(this.byName).length !== STATE_MACHINE_NAMES.length) {
      throw new Error('Every file in STATE_MACHINE_NAMES needs a state machine here.');
    }
  }
}
