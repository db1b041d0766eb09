import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundledFunctionProps } from '../private/bundled-function';

/**
 * Construct ids: the function's CloudFormation logical id is `<DeploymentStateMachines id><GREEN_WATCH_ID>
 * <GREEN_WATCH_FUNCTION_ID><8 hex>`, which is how local AWS (harness/deploy/local-lambdas.ts) finds it.
 */
export const GREEN_WATCH_ID = 'GreenWatch';
export const GREEN_WATCH_FUNCTION_ID = 'Function';
export const GREEN_WATCH_ENTRY = 'lambdas/green-watch/handler.ts';

export interface GreenWatchProps {
  /** The deployment table: the watch is stored beside the lease, in the service's item. */
  readonly deploymentTable: dynamodb.ITable;
  /** The cluster whose task state changes are watched. */
  readonly cluster: ecs.ICluster;
  /** The service's ARN (the item's key). */
  readonly serviceArn: string;
  /**
   * Retention of the function's logs.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The green watch (contract/green-watch.ts): the function swap's watching Tasks invoke with a task token, and the
 * EventBridge rule that sends it the cluster's task state changes (desired status STOPPED), so that one of green's
 * tasks stopping wakes swap within seconds instead of at its next poll.
 */
export class GreenWatch extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  /** `ECS Task State Change` of the cluster's tasks being stopped → the function. */
  public readonly taskStoppedRule: events.Rule;

  constructor(scope: Construct, id: string, props: GreenWatchProps) {
    super(scope, id);
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
      },
    });
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
