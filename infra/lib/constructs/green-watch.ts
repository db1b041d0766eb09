import { ArnFormat, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  ALARM_PREFIX_VARIABLE,
  BUILT_IN_ALARMS,
  LOAD_BALANCER_VARIABLE,
  USER_ALARMS_VARIABLE,
} from '../../../contract';
import { MAX_ALARM_NAME_LENGTH, validateAlarmNames } from '../private/alarm-names';
import { bundledFunctionProps, tagHandler } from '../private/bundled-function';
import { PropValidationError } from '../private/validate';

/**
 * Construct ids: the function's CloudFormation logical id is `<DeploymentStateMachines id><GREEN_WATCH_ID>
 * <GREEN_WATCH_FUNCTION_ID><8 hex>`, which is how local AWS (harness/deploy/local-lambdas.ts) finds it.
 */
export const GREEN_WATCH_ID = 'GreenWatch';
export const GREEN_WATCH_FUNCTION_ID = 'Function';
export const GREEN_WATCH_ENTRY = 'lambdas/green-watch/handler.ts';

/** EventBridge's default quota on an event pattern's size, in characters (adjustable to 4,096 on request). */
const MAX_EVENT_PATTERN_LENGTH = 2048;

export interface GreenWatchProps {
  /** The deployment table: the watch is stored beside the lease, in the service's item. */
  readonly deploymentTable: dynamodb.ITable;
  /** The cluster whose task state changes are watched. */
  readonly cluster: ecs.ICluster;
  /** The service's ARN (the item's key). */
  readonly serviceArn: string;
  /** The service's name: the built-in alarms are named `<stack>-<serviceName>-green-<suffix>`. */
  readonly serviceName: string;
  /** The load balancer's ARN: the built-in alarms' LoadBalancer dimension (`app/NAME/ID`) is derived from it. */
  readonly loadBalancerArn: string;
  /**
   * The user's CloudWatch metric alarms (by name) that swap also watches during each traffic-shift step
   * and the bake: one in ALARM sends production back to blue. At most 97 (one DescribeAlarms reads 100 names, 3 are
   * built in) and short enough together for the alarm rule's event pattern (2,048 characters), each 1-255
   * characters; each must exist when swap runs. Composite alarms are not supported: reading them
   * needs cloudwatch:DescribeAlarms on `*`, where the function's is scoped to the watched alarms.
   * @default [] (the built-in alarms only)
   */
  readonly bakeAlarmNames?: readonly string[];
  /**
   * Retention of the function's logs.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The green watch (contract/green-watch.ts): the function swap's watching Tasks invoke with a task token, and the
 * EventBridge rules that send it the cluster's task state changes (desired status STOPPED) and the watched alarms'
 * changes to ALARM, so that one of green's tasks stopping, or an alarm, wakes swap within seconds (about one alarm
 * period for an alarm) instead of at its next poll.
 *
 * Alarm gates. The built-in alarms (lambdas/green-watch/core.ts `builtInAlarms`: green's 5XX count ≥ 5 a minute,
 * response time p99 > 1 s, healthy hosts < 1) must name green's target group in their dimensions, and deploy-green
 * creates that group per deployment, so the template cannot hold them. The stack creates no alarm: the function, as a
 * watch begins, PutMetricAlarms three alarms with fixed, stack-scoped names (`<stack>-<service>-green-5xx`, `-p99`,
 * `-healthy-hosts`) on this green's target group (deleting first an alarm left on a previous green's group, so its
 * state starts fresh in INSUFFICIENT_DATA instead of keeping the old green's ALARM). Fixed names let this construct
 * scope the function's IAM to those three alarm ARNs and match them in the rule's event pattern; one set per stack is
 * enough because one swap at a time holds the service's lease. They are deleted on `cdk destroy` by the controller's
 * teardown. Missing data is not breaching, so a healthy green with little traffic is never failed for lack of data; a
 * new alarm leaves INSUFFICIENT_DATA when its first period closes, so a bad green is caught within about one period
 * (60 s, ALB's metric resolution).
 */
export class GreenWatch extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  /** `ECS Task State Change` of the cluster's tasks being stopped → the function. */
  public readonly taskStoppedRule: events.Rule;
  /** `CloudWatch Alarm State Change` to ALARM of a watched alarm → the function. */
  public readonly alarmRule: events.Rule;
  /** The built-in alarms' names (the function creates them as a watch begins). */
  public readonly builtInAlarmNames: readonly string[];
  /** Every alarm watched: the built-in ones, then the user's. */
  public readonly watchedAlarmNames: readonly string[];

  constructor(scope: Construct, id: string, props: GreenWatchProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const prefix = `${stack.stackName}-${props.serviceName}-green-`;
    this.builtInAlarmNames = Object.values(BUILT_IN_ALARMS).map((suffix) => `${prefix}${suffix}`);
    for (const name of this.builtInAlarmNames) {
      if (!Token.isUnresolved(name) && name.length > MAX_ALARM_NAME_LENGTH) {
        throw new PropValidationError(
          `The green watch's built-in alarm name '${name}' is ${name.length} characters, but CloudWatch allows at most ${MAX_ALARM_NAME_LENGTH}. Choose a shorter stack or service name.`,
        );
      }
    }
    const userAlarms = [...(props.bakeAlarmNames ?? [])];
    validateAlarmNames('bakeAlarmNames', userAlarms, this.builtInAlarmNames);
    this.watchedAlarmNames = [...this.builtInAlarmNames, ...userAlarms];
    const alarmArn = (name: string): string =>
      stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'ecs-bluegreen green watch: the deployment record, green target health, and waking swap',
    });
    logGroup.grantWrite(this.role);
    this.function = new nodejs.NodejsFunction(this, GREEN_WATCH_FUNCTION_ID, {
      ...bundledFunctionProps(GREEN_WATCH_ENTRY),
      description: "ecs-bluegreen: wakes swap's watch when one of green's tasks stops",
      role: this.role,
      logGroup,
      timeout: Duration.seconds(30),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        DEPLOYMENT_TABLE: props.deploymentTable.tableName,
        SERVICE_ARN: props.serviceArn,
        [ALARM_PREFIX_VARIABLE]: prefix,
        [LOAD_BALANCER_VARIABLE]: props.loadBalancerArn,
        [USER_ALARMS_VARIABLE]: stack.toJsonString(userAlarms),
      },
    });
    tagHandler(this.function, GREEN_WATCH_ENTRY);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [props.deploymentTable.tableArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['elasticloadbalancing:DescribeTargetHealth'], resources: ['*'] }),
    );
    // The Service Authorization Reference lists no resource type for SendTaskFailure: it is authorized on `*`, and
    // the task token (known only to the watching execution and this function) names the Task.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:SendTaskFailure'], resources: ['*'] }));
    // CloudWatch's alarm actions take alarm ARNs (Service Authorization Reference: PutMetricAlarm, DeleteAlarms and
    // DescribeAlarms on `alarm`), so none of these needs `*`: the function creates, replaces and deletes only the three
    // built-in alarms, and reads them and the user's metric alarms by name. (Only reading composite alarms would need
    // DescribeAlarms on `*`, as its API reference says; they are not supported.)
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
        resources: this.builtInAlarmNames.map(alarmArn),
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms'],
        resources: this.watchedAlarmNames.map(alarmArn),
      }),
    );
    const alarmPattern = {
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: [...this.watchedAlarmNames], state: { value: ['ALARM'] } },
    };
    const patternLength = JSON.stringify(alarmPattern).length;
    if (!this.watchedAlarmNames.some((n) => Token.isUnresolved(n)) && patternLength > MAX_EVENT_PATTERN_LENGTH) {
      throw new PropValidationError(
        `bakeAlarmNames has ${userAlarms.length} names, which make the green watch's alarm rule's event pattern ${patternLength} characters, but EventBridge's default quota for an event pattern is ${MAX_EVENT_PATTERN_LENGTH}. Watch fewer alarms, or give them shorter names.`,
      );
    }
    this.alarmRule = new events.Rule(this, 'AlarmState', {
      description: 'ecs-bluegreen: the watched alarms going to ALARM, for the green watch',
      eventPattern: {
        source: alarmPattern.source,
        detailType: alarmPattern['detail-type'],
        detail: alarmPattern.detail,
      },
      targets: [new targets.LambdaFunction(this.function)],
    });
    this.taskStoppedRule = new events.Rule(this, 'TaskStopped', {
      description: "ecs-bluegreen: the cluster's tasks being stopped, for the green watch",
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { clusterArn: [props.cluster.clusterArn], desiredStatus: ['STOPPED'] },
      },
      targets: [new targets.LambdaFunction(this.function)],
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'elasticloadbalancing:DescribeTargetHealth, states:SendTaskFailure (a task token names the Task) and X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) have no resource-level permissions; the table is granted by ARN.',
    });
  }
}
