/**
 * The stack outputs a deployed ecs-bluegreen stack has (CloudFormation DescribeStacks), for CLI tests that mock the
 * SDK clients: one place, so the approve, releases and status suites describe the same stack.
 */
import type { DescribeStacksOutput } from '@aws-sdk/client-cloudformation';

export const machineArn = (name: string): string => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;

export const STACK_OUTPUTS: Readonly<Record<string, string>> = {
  ProductionUrl: 'http://alb.example/',
  TestUrl: 'http://alb.example:8080/',
  ClusterName: 'cluster',
  ServiceName: 'demo-app',
  DeployGreenStateMachineArn: machineArn('DeployGreen'),
  SwapStateMachineArn: machineArn('Swap'),
  CleanUpStateMachineArn: machineArn('CleanUp'),
  RollbackStateMachineArn: machineArn('Rollback'),
  AbortStateMachineArn: machineArn('Abort'),
};

export const PIPELINE_NAME = 'EcsBlueGreen-Pipeline';

/** DescribeStacks' answer for stack EcsBlueGreen with these outputs (default: STACK_OUTPUTS). */
export function describeStacks(outputs: Readonly<Record<string, string>> = STACK_OUTPUTS): DescribeStacksOutput {
  return {
    Stacks: [
      {
        StackName: 'EcsBlueGreen',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date('2026-01-01T00:00:00Z'),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  };
}
