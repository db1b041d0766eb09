/**
 * The five state machines: their names and every name derived from them, stated once. The CDK construct ids are
 * public API (changing one replaces the state machine), and the stack outputs are what the CLI reads.
 */
export interface MachineContract {
  /** The machine's name: its ASL file (`state-machines/<name>.asl.json`) and how the docs and errors name it. */
  readonly name: string;
  /** The construct id under DeploymentStateMachines (`DeployGreen`, …). */
  readonly constructId: string;
  /** The stack output holding its ARN. */
  readonly outputKey: string;
  /** The `bluegreen` CLI command that starts it. */
  readonly command: string;
}

export const MACHINES = {
  deployGreen: {
    name: 'deploy-green',
    constructId: 'DeployGreen',
    outputKey: 'DeployGreenStateMachineArn',
    command: 'deploy',
  },
  swap: { name: 'swap', constructId: 'Swap', outputKey: 'SwapStateMachineArn', command: 'swap' },
  cleanUp: { name: 'clean-up', constructId: 'CleanUp', outputKey: 'CleanUpStateMachineArn', command: 'cleanup' },
  rollback: { name: 'rollback', constructId: 'Rollback', outputKey: 'RollbackStateMachineArn', command: 'rollback' },
  abort: { name: 'abort', constructId: 'Abort', outputKey: 'AbortStateMachineArn', command: 'abort' },
} as const satisfies Readonly<Record<string, MachineContract>>;

export type MachineKey = keyof typeof MACHINES;
export type MachineName = (typeof MACHINES)[MachineKey]['name'];

/** In the order of a release and its two undo paths. */
export const MACHINE_KEYS: readonly MachineKey[] = ['deployGreen', 'swap', 'cleanUp', 'rollback', 'abort'];
export const MACHINE_NAMES: readonly MachineName[] = MACHINE_KEYS.map((key) => MACHINES[key].name);

export function machineByName(name: string): MachineKey | undefined {
  return MACHINE_KEYS.find((key) => MACHINES[key].name === name);
}
