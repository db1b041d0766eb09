import { Duration } from 'aws-cdk-lib';
import { swapApprovalWindowSeconds } from '../../infra/lib/private/approval-window';

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
