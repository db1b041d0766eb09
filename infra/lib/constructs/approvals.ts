import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundledFunctionProps, tagHandler } from '../private/bundled-function';

/**
 * Construct ids: the function's CloudFormation logical id is `<DeploymentStateMachines id><APPROVALS_ID>
 * <APPROVALS_FUNCTION_ID><8 hex>`, which is how local AWS (harness/deploy/local-lambdas.ts) finds it.
 */
export const APPROVALS_ID = 'Approvals';
export const APPROVALS_FUNCTION_ID = 'Function';
export const APPROVALS_ENTRY = 'lambdas/approvals/handler.ts';

export interface ApprovalsProps {
  /** The deployment table: the waiting approval's token is kept in the service's item. */
  readonly deploymentTable: dynamodb.ITable;
  /** The service's ARN (the item's key). */
  readonly serviceArn: string;
  /** The machines that wait for an approval, by ARN: swap (deploy-green starts it) and clean-up (swap starts it). */
  readonly startable: readonly string[];
  /** The machines a rejection or an expiry starts, by ARN: abort (at ApproveSwap) and rollback (at ApproveCleanUp). */
  readonly onRejection: readonly string[];
  /**
   * The executions of all four (`…:execution:<name>:*`), which it reads (DescribeExecution): whether a waiter it would
   * start again still waits, and whether a retried withdraw's earlier attempt started abort or rollback.
   */
  readonly describedExecutions: readonly string[];
  /**
   * Retention of the function's logs.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The approvals function (contract/approvals.ts): in stacks whose approvals are Step Functions task-token waits, it
 * starts the swap or clean-up that waits, keeps its token beside the record, and starts abort or rollback when the
 * approval is rejected or expires. It exists in both modes, unused in `pipeline` mode, so changing the mode is a plain
 * stack update.
 *
 * Its role may start only this stack's swap, clean-up, abort and rollback, read and write only the service's item,
 * and fail tokens (a newer waiter fails the one it replaces).
 */
export class Approvals extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ApprovalsProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'ecs-bluegreen approvals: the waiting approvals, and abort or rollback when one is rejected',
    });
    logGroup.grantWrite(this.role);
    this.function = new nodejs.NodejsFunction(this, APPROVALS_FUNCTION_ID, {
      ...bundledFunctionProps(APPROVALS_ENTRY),
      description: 'ecs-bluegreen: the swap and clean-up approvals as Step Functions task-token waits',
      role: this.role,
      logGroup,
      timeout: Duration.seconds(30),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        DEPLOYMENT_TABLE: props.deploymentTable.tableName,
        SERVICE_ARN: props.serviceArn,
      },
    });
    tagHandler(this.function, APPROVALS_ENTRY);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [props.deploymentTable.tableArn],
      }),
    );
    // By the machines' fixed names (DeploymentStateMachines), so no dependency cycle: swap's and clean-up's
    // definitions name this function, and this role names them.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [...props.startable, ...props.onRejection],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [...props.describedExecutions] }),
    );
    // The Service Authorization Reference lists no resource type for SendTaskFailure: it is authorized on `*`, and
    // the task token (known only to the waiting execution, this function and the item) names the Task.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:SendTaskFailure'], resources: ['*'] }));
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'states:SendTaskFailure (a task token names the Task) and X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) have no resource-level permissions; the table and the four state machines are granted by ARN.',
    });
  }
}
