import { Arn, ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  DEFAULT_HOOK_TIMEOUT_SECONDS,
  LIFECYCLE_STAGES,
  MAX_HOOK_TIMEOUT_SECONDS,
  MAX_HOOKS_PER_STAGE,
  type HookConfig,
  type LifecycleStage,
} from '../../../contract';
import { bundledFunctionProps, tagHandler } from '../private/bundled-function';
import { PropValidationError } from '../private/validate';

/**
 * Construct ids: the runner's CloudFormation logical id is `<DeploymentStateMachines id><LIFECYCLE_HOOKS_ID>
 * <LIFECYCLE_HOOKS_FUNCTION_ID><8 hex>`, which is how local AWS (harness/deploy/local-lambdas.ts) finds it.
 */
export const LIFECYCLE_HOOKS_ID = 'LifecycleHooks';
export const LIFECYCLE_HOOKS_FUNCTION_ID = 'Runner';
export const LIFECYCLE_HOOKS_ENTRY = 'lambdas/lifecycle-hooks/handler.ts';
/** The built-in smoke test's name as a hook (reserved). */
export const SMOKE_TEST_HOOK_NAME = 'SmokeTest';

/** One lifecycle hook (contract/lifecycle-hooks.ts states the protocol it answers). */
export interface LifecycleHook {
  /** How messages and the execution history name it: 1-64 letters, digits, `-` or `_`, unique in the stack. */
  readonly name: string;
  /** Where it runs: POST_SCALE_UP, POST_TEST_TRAFFIC_SHIFT, POST_PRODUCTION_TRAFFIC_SHIFT or PRE_BLUE_REMOVAL. */
  readonly stage: LifecycleStage;
  /** A Lambda function answering ECS's hook protocol (`{hookStatus, callBackDelay?, hookDetails?}`). Give this or `stateMachine`. */
  readonly function?: lambda.IFunction;
  /** A state machine: succeeded means go on, failed, timed out or aborted means undo. Give this or `function`. */
  readonly stateMachine?: sfn.IStateMachine;
  /**
   * How long the hook may keep answering IN_PROGRESS (or its execution run) before it counts as failed; at most a
   * year, the longest a Standard execution lasts.
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
  /**
   * JSON the hook receives as `hookDetails` on its first call (ECS's `hookDetails`).
   * @default - none
   */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface LifecycleHooksProps {
  /** Your hooks, run in this order within a stage, after the built-in smoke test at POST_TEST_TRAFFIC_SHIFT. @default [] */
  readonly hooks?: readonly LifecycleHook[];
  /** The built-in smoke test (DeploymentFunctions), always the first hook at POST_TEST_TRAFFIC_SHIFT. */
  readonly smokeTest: lambda.IFunction;
  /**
   * Retention of the runner's logs.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The hooks as the runner reads them, validated: errors name the hook, the field, what is allowed and the fix. */
export function hookConfigs(hooks: readonly LifecycleHook[], smokeTest: lambda.IFunction): HookConfig[] {
  const seen = new Set<string>([SMOKE_TEST_HOOK_NAME]);
  const perStage = new Map<LifecycleStage, number>([['POST_TEST_TRAFFIC_SHIFT', 1]]);
  const configs: HookConfig[] = [
    {
      name: SMOKE_TEST_HOOK_NAME,
      stage: 'POST_TEST_TRAFFIC_SHIFT',
      kind: 'lambda',
      arn: smokeTest.functionArn,
      timeoutSeconds: DEFAULT_HOOK_TIMEOUT_SECONDS,
    },
  ];
  hooks.forEach((hook, index) => {
    const at = `lifecycleHooks[${index}]`;
    if (!NAME.test(hook.name)) {
      throw new PropValidationError(
        `${at}.name is '${hook.name}', but a hook name is 1-64 letters, digits, '-' or '_'. Rename the hook.`,
      );
    }
    if (seen.has(hook.name)) {
      throw new PropValidationError(
        `${at}.name '${hook.name}' is already used${hook.name === SMOKE_TEST_HOOK_NAME ? ' by the built-in smoke test' : ' by another hook'}; hook names are unique. Rename the hook.`,
      );
    }
    seen.add(hook.name);
    if (!(LIFECYCLE_STAGES as readonly string[]).includes(hook.stage)) {
      throw new PropValidationError(
        `${at}.stage is '${String(hook.stage)}', but a hook runs at one of ${LIFECYCLE_STAGES.join(', ')}. Choose one of them.`,
      );
    }
    if ((hook.function === undefined) === (hook.stateMachine === undefined)) {
      throw new PropValidationError(
        `${at} (${hook.name}) gives ${hook.function === undefined ? 'neither' : 'both'} function and stateMachine; a hook is one Lambda function or one state machine. Give exactly one.`,
      );
    }
    const timeoutSeconds = (hook.timeout ?? Duration.seconds(DEFAULT_HOOK_TIMEOUT_SECONDS)).toMilliseconds() / 1000;
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > MAX_HOOK_TIMEOUT_SECONDS) {
      throw new PropValidationError(
        `${at}.timeout (${hook.name}) is ${timeoutSeconds} seconds, but a hook's timeout is a whole number of seconds from 1 to ${MAX_HOOK_TIMEOUT_SECONDS} (365 days, a Standard execution's limit). Choose a Duration in that range.`,
      );
    }
    const count = (perStage.get(hook.stage) ?? 0) + 1;
    if (count > MAX_HOOKS_PER_STAGE) {
      throw new PropValidationError(
        `${at} (${hook.name}) is hook number ${count} at ${hook.stage}, but a stage has at most ${MAX_HOOKS_PER_STAGE} (the built-in smoke test counts at POST_TEST_TRAFFIC_SHIFT). Combine hooks into one state machine.`,
      );
    }
    perStage.set(hook.stage, count);
    configs.push({
      name: hook.name,
      stage: hook.stage,
      kind: hook.function !== undefined ? 'lambda' : 'state-machine',
      arn: hook.function?.functionArn ?? hook.stateMachine?.stateMachineArn ?? '',
      timeoutSeconds,
      ...(hook.details !== undefined && { details: hook.details }),
    });
  });
  return configs;
}

/**
 * The lifecycle-hook runner (contract/lifecycle-hooks.ts): the function deploy-green, swap and clean-up invoke at each
 * stage, which calls the hooks of that stage one call at a time. Its role may invoke exactly the configured functions
 * and start, read and stop executions of exactly the configured state machines.
 */
export class LifecycleHooks extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  /** What the runner runs, the built-in smoke test first. */
  public readonly hooks: readonly HookConfig[];

  constructor(scope: Construct, id: string, props: LifecycleHooksProps) {
    super(scope, id);
    const userHooks = props.hooks ?? [];
    this.hooks = hookConfigs(userHooks, props.smokeTest);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'ecs-bluegreen lifecycle-hook runner: invokes the configured hooks only',
    });
    logGroup.grantWrite(this.role);
    this.function = new nodejs.NodejsFunction(this, LIFECYCLE_HOOKS_FUNCTION_ID, {
      ...bundledFunctionProps(LIFECYCLE_HOOKS_ENTRY),
      description: 'ecs-bluegreen: runs the lifecycle hooks of a deployment stage',
      role: this.role,
      logGroup,
      // One hook call per invocation; a Lambda hook may itself run up to Lambda's 15 minutes.
      timeout: Duration.minutes(15),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        LIFECYCLE_HOOKS: Stack.of(this).toJsonString(this.hooks),
      },
    });
    tagHandler(this.function, LIFECYCLE_HOOKS_ENTRY);
    // The functions by ARN (not grantInvoke, which refuses functions imported from an unresolved environment).
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: this.hooks.filter((hook) => hook.kind === 'lambda').map((hook) => hook.arn),
      }),
    );
    for (const hook of userHooks) {
      if (hook.stateMachine !== undefined) {
        const arn = hook.stateMachine.stateMachineArn;
        // Its executions, in the state machine's own partition, region and account (from its ARN, not the stack's).
        const parts = Arn.split(arn, ArnFormat.COLON_RESOURCE_NAME);
        const executions = Arn.format({
          ...parts,
          resource: 'execution',
          resourceName: `${parts.resourceName ?? ''}:*`,
        });
        this.role.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [arn] }),
        );
        this.role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ['states:DescribeExecution', 'states:StopExecution'],
            resources: [executions],
          }),
        );
      }
    }
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level permissions; the hooks are granted by ARN, logs on the function’s own log group.',
    });
  }
}
