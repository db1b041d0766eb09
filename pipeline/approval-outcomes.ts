import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface ApprovalOutcomesProps {
  readonly pipeline: codepipeline.IPipeline;
  /** Started when the swap approval is rejected (or expires): green is discarded, blue untouched. */
  readonly abort: sfn.IStateMachine;
  /** Started when the clean-up approval is rejected (or expires): production goes back to blue. */
  readonly rollback: sfn.IStateMachine;
  /** The minimal input both take. */
  readonly serviceInput: { readonly cluster: string; readonly service: string };
}

/**
 * Rejecting an approval in the CodePipeline console acts on the service: an EventBridge rule per approval action
 * listens for its FAILED state (rejected, or expired after its timeout) and starts abort or rollback with the same
 * minimal input a person would use. The pipeline execution itself stops there, as for any failed action.
 */
export class ApprovalOutcomes extends Construct {
  public readonly onSwapRejected: events.Rule;
  public readonly onCleanUpRejected: events.Rule;

  constructor(scope: Construct, id: string, props: ApprovalOutcomesProps) {
    super(scope, id);
    const onRejected = (ruleId: string, action: string, machine: sfn.IStateMachine, description: string) =>
      new events.Rule(this, ruleId, {
        description,
        eventPattern: {
          source: ['aws.codepipeline'],
          detailType: ['CodePipeline Action Execution State Change'],
          detail: { pipeline: [props.pipeline.pipelineName], stage: [action], action: [action], state: ['FAILED'] },
        },
        targets: [
          new targets.SfnStateMachine(machine, { input: events.RuleTargetInput.fromObject(props.serviceInput) }),
        ],
      });
    this.onSwapRejected = onRejected(
      'OnSwapRejected',
      'ApproveSwap',
      props.abort,
      'Swap approval rejected or expired: abort (discard green).',
    );
    this.onCleanUpRejected = onRejected(
      'OnCleanUpRejected',
      'ApproveCleanUp',
      props.rollback,
      'Clean-up approval rejected or expired: roll back to blue.',
    );
  }
}
