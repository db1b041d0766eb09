import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { swapApprovalWindowSeconds } from '../../infra/lib/private/approval-window';
import { nagFindings, synthStack } from './synth';

describe('swapApprovalTimeout by swapApprovalMode', () => {
  it('pipeline: CodePipeline’s 5 minutes to 60 days, in whole minutes', () => {
    expect(swapApprovalWindowSeconds('pipeline', undefined)).toBe(7 * 86_400);
    expect(swapApprovalWindowSeconds('pipeline', Duration.minutes(5))).toBe(300);
    expect(swapApprovalWindowSeconds('pipeline', Duration.days(60))).toBe(60 * 86_400);
    expect(() => swapApprovalWindowSeconds('pipeline', Duration.days(61))).toThrow(
      /swapApprovalTimeout is 61 days.*5 minutes to 60 days.*swapApprovalMode: 'step-functions'/,
    );
    expect(() => swapApprovalWindowSeconds('pipeline', Duration.seconds(90))).toThrow(/whole minutes/);
  });

  it('step-functions: up to 330 days, so the swap still fits in a one-year execution', () => {
    expect(swapApprovalWindowSeconds('step-functions', Duration.days(330))).toBe(330 * 86_400);
    expect(swapApprovalWindowSeconds('step-functions', Duration.seconds(301))).toBe(301);
    expect(() => swapApprovalWindowSeconds('step-functions', Duration.days(331))).toThrow(
      /5 minutes to 330 days: the swap that waits must still shift and bake/,
    );
    expect(() => swapApprovalWindowSeconds('step-functions', Duration.minutes(4))).toThrow(/330 days/);
  });

  it('names the allowed modes', () => {
    expect(() => swapApprovalWindowSeconds('manual' as never, undefined)).toThrow(
      /swapApprovalMode is 'manual', but it must be one of 'pipeline', 'step-functions'/,
    );
  });
});

describe("the stack in swapApprovalMode 'step-functions'", () => {
  const props = { swapApprovalMode: 'step-functions' as const, swapApprovalTimeout: Duration.days(120) };

  it('synthesizes a window beyond CodePipeline’s 60 days; the pipeline ends at DeployGreen with no approval rules', () => {
    const { stack, template } = synthStack(props);
    const stages = (
      Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0] as {
        Properties: { Stages: Array<{ Name: string }> };
      }
    ).Properties.Stages.map((s) => s.Name);
    expect(stages[stages.length - 1]).toBe('DeployGreen');
    expect(stages).not.toContain('ApproveSwap');
    expect(stack.pipeline.delivery.approvalOutcomes).toBeUndefined();
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'EcsBlueGreen-swap',
      DefinitionSubstitutions: Match.objectLike({ SwapApprovalTimeoutSeconds: String(120 * 86_400) }),
    });
    // deploy-green and swap may invoke the approvals function in this mode (and only in it).
    const invokes = (machine: string) =>
      Object.values(template.findResources('AWS::IAM::Policy')).filter(
        (p) =>
          JSON.stringify(p).includes(`StateMachines${machine}Role`) &&
          JSON.stringify(p).includes('StateMachinesApprovalsFunction'),
      ).length;
    expect([invokes('DeployGreen'), invokes('Swap')]).toEqual([1, 1]);
    const pipelineMode = synthStack().template;
    expect(
      Object.values(pipelineMode.findResources('AWS::IAM::Policy')).some(
        (p) =>
          JSON.stringify(p).includes('StateMachinesApprovalsFunction') &&
          JSON.stringify(p).includes('lambda:InvokeFunction') &&
          !JSON.stringify(p).includes('StateMachinesApprovalsRole'),
      ),
    ).toBe(false);
  });

  it('passes cdk-nag (AwsSolutions) with every finding acknowledged', () => {
    expect(nagFindings(props)).toEqual([]);
  });
});
