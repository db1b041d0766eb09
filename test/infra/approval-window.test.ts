import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { approvalWindowSeconds } from '../../infra/lib/private/approval-window';
import { nagFindings, synthStack } from './synth';

describe('swapApprovalTimeout by swapApprovalMode', () => {
  it('pipeline: CodePipeline’s 5 minutes to 60 days, in whole minutes', () => {
    expect(approvalWindowSeconds('pipeline', undefined)).toBe(7 * 86_400);
    expect(approvalWindowSeconds('pipeline', Duration.minutes(5))).toBe(300);
    expect(approvalWindowSeconds('pipeline', Duration.days(60))).toBe(60 * 86_400);
    expect(() => approvalWindowSeconds('pipeline', Duration.days(61))).toThrow(
      /swapApprovalTimeout is 61 days.*5 minutes to 60 days.*swapApprovalMode: 'step-functions'/,
    );
    expect(() => approvalWindowSeconds('pipeline', Duration.seconds(90))).toThrow(/whole minutes/);
  });

  it('step-functions: up to 330 days, so the swap still fits in a one-year execution', () => {
    expect(approvalWindowSeconds('step-functions', Duration.days(330))).toBe(330 * 86_400);
    expect(approvalWindowSeconds('step-functions', Duration.seconds(301))).toBe(301);
    expect(() => approvalWindowSeconds('step-functions', Duration.days(331))).toThrow(
      /5 minutes to 330 days: the swap that waits must still shift and bake/,
    );
    expect(() => approvalWindowSeconds('step-functions', Duration.minutes(4))).toThrow(/330 days/);
  });

  it('cleanUpApprovalTimeout: the same ranges, its own name in the error', () => {
    expect(approvalWindowSeconds('pipeline', undefined, 'cleanUpApprovalTimeout')).toBe(7 * 86_400);
    expect(() => approvalWindowSeconds('pipeline', Duration.days(61), 'cleanUpApprovalTimeout')).toThrow(
      /^cleanUpApprovalTimeout is 61 days, but CodePipeline approvals last from 5 minutes to 60 days/,
    );
    expect(() => approvalWindowSeconds('step-functions', Duration.days(331), 'cleanUpApprovalTimeout')).toThrow(
      /^cleanUpApprovalTimeout is 331 days.*the clean-up that waits must still remove blue/,
    );
  });

  it('names the allowed modes', () => {
    expect(() => approvalWindowSeconds('manual' as never, undefined)).toThrow(
      /swapApprovalMode is 'manual', but it must be one of 'pipeline', 'step-functions'/,
    );
  });
});

describe("the stack in swapApprovalMode 'step-functions'", () => {
  const props = {
    swapApprovalMode: 'step-functions' as const,
    swapApprovalTimeout: Duration.days(120),
    cleanUpApprovalTimeout: Duration.days(200),
  };

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
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'EcsBlueGreen-clean-up',
      DefinitionSubstitutions: Match.objectLike({ CleanUpApprovalTimeoutSeconds: String(200 * 86_400) }),
    });
    // deploy-green, swap and clean-up may invoke the approvals function in this mode (and only in it).
    const invokes = (machine: string) =>
      Object.values(template.findResources('AWS::IAM::Policy')).filter(
        (p) =>
          JSON.stringify(p).includes(`StateMachines${machine}Role`) &&
          JSON.stringify(p).includes('StateMachinesApprovalsFunction'),
      ).length;
    expect([invokes('DeployGreen'), invokes('Swap'), invokes('CleanUp')]).toEqual([1, 1, 1]);
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

describe("cleanUpApprovalTimeout in swapApprovalMode 'pipeline'", () => {
  it("is the pipeline's ApproveCleanUp timeout (the action's TimeoutInMinutes)", () => {
    const timeouts = (props: Parameters<typeof synthStack>[0]) => {
      const pipeline = Object.values(synthStack(props).template.findResources('AWS::CodePipeline::Pipeline'))[0] as {
        Properties: { Stages: Array<{ Name: string; Actions: Array<{ TimeoutInMinutes?: number }> }> };
      };
      const of = (name: string) =>
        pipeline.Properties.Stages.find((s) => s.Name === name)?.Actions[0]?.TimeoutInMinutes;
      return [of('ApproveSwap'), of('ApproveCleanUp')];
    };
    expect(timeouts({ cleanUpApprovalTimeout: Duration.days(30) })).toEqual([7 * 24 * 60, 30 * 24 * 60]);
    expect(timeouts({})).toEqual([7 * 24 * 60, 7 * 24 * 60]);
  });

  it('refuses a window CodePipeline cannot hold, naming the prop', () => {
    expect(() => synthStack({ cleanUpApprovalTimeout: Duration.days(61) })).toThrow(
      /cleanUpApprovalTimeout is 61 days/,
    );
  });
});
