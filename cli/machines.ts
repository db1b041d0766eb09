/** The five state machines as the CLI names them, and where the stack outputs their ARNs. */
export const MACHINES = ['deploy-green', 'swap', 'clean-up', 'rollback', 'abort'] as const;
export type MachineKind = (typeof MACHINES)[number];

export const MACHINE_OUTPUT: Readonly<Record<MachineKind, string>> = {
  'deploy-green': 'DeployGreenStateMachineArn',
  swap: 'SwapStateMachineArn',
  'clean-up': 'CleanUpStateMachineArn',
  rollback: 'RollbackStateMachineArn',
  abort: 'AbortStateMachineArn',
};

/** The CLI command that starts each state machine. */
export const MACHINE_COMMAND: Readonly<Record<MachineKind, string>> = {
  'deploy-green': 'deploy',
  swap: 'swap',
  'clean-up': 'cleanup',
  rollback: 'rollback',
  abort: 'abort',
};

/**
 * Which state machine an execution ARN (arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME) belongs to, from the
 * machine's name: CDK names them after their construct ids (…DeployGreen…, …CleanUp…), local AWS after the logical id.
 */
export function machineOfExecution(executionArn: string): MachineKind | undefined {
  const name = (executionArn.split(':')[6] ?? '').toLowerCase().replace(/[^a-z]/g, '');
  if (name.includes('deploygreen')) return 'deploy-green';
  if (name.includes('cleanup')) return 'clean-up';
  if (name.includes('rollback')) return 'rollback';
  if (name.includes('abort')) return 'abort';
  if (name.includes('swap')) return 'swap';
  return undefined;
}
