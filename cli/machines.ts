/** The five state machines as the CLI names them, where the stack outputs their ARNs, and their commands. */
import { MACHINE_KEYS, MACHINE_NAMES, MACHINES as CONTRACT, type MachineName } from '../contract';

export const MACHINES = MACHINE_NAMES;
export type MachineKind = MachineName;

const byName = <T>(pick: (key: (typeof MACHINE_KEYS)[number]) => T): Readonly<Record<MachineKind, T>> =>
  Object.fromEntries(MACHINE_KEYS.map((key) => [CONTRACT[key].name, pick(key)])) as Record<MachineKind, T>;

export const MACHINE_OUTPUT: Readonly<Record<MachineKind, string>> = byName((key) => CONTRACT[key].outputKey);

/** The CLI command that starts each state machine. */
export const MACHINE_COMMAND: Readonly<Record<MachineKind, string>> = byName((key) => CONTRACT[key].command);

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

/** A Step Functions execution ARN (arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME), or an error saying so. */
export function checkExecutionArn(value: string): string {
  if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(value)) {
    throw new Error(
      `'${value}' is not a Step Functions execution ARN (arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME).`,
    );
  }
  return value;
}
