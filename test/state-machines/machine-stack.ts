import { runExecution, type ExecutionResult } from '../../harness/demo/executions';
import type { LocalStack } from '../../harness/demo/local-stack';
import { observe } from '../../harness/demo/observe';
import { roles } from '../../oracles/invariants/state-checks';
import {
  discardNonLive,
  resetDeploymentRecord,
  restoreBaseline,
  startFaultStack,
  type FaultStack,
} from '../controller/support';

/**
 * The shared set-up of the per-machine suites (test/state-machines/<machine>.test.ts): one local stack per file, with
 * the shipped state machines deployed from the synthesized template, and ways back to a known state between tests.
 * The stack's API calls pass through a FaultInjector that is never armed (the fault-free baseline helpers of
 * test/controller/support.ts take one).
 */

/** Per test and hook: a stack, a release or several executions, with room for a second jest worker on 2 cores. */
export const MACHINE_TEST_TIMEOUT = 240_000;

export type Machine = keyof LocalStack['stateMachines'];

export interface MachineStack {
  readonly stack: LocalStack;
  /** The demo app's image repository: `${repo}:<colour>` is an image whose app answers with that colour. */
  readonly repo: string;
  readonly fs: FaultStack;
  /** Runs a state machine to its end (input: the service by default). */
  run(machine: Machine, input?: Record<string, unknown>): Promise<ExecutionResult>;
  /** deploy-green of `${repo}:<colour>` at `commit`, with any extra input fields. */
  deploy(colour: string, commit: string, extra?: Record<string, unknown>): Promise<ExecutionResult>;
  close(): Promise<void>;
}

/** A fresh local stack: nothing deployed, desired count 0, both listeners answering with their fixed 503. */
export async function startMachineStack(): Promise<MachineStack> {
  const fs = await startFaultStack(0.01);
  const { stack } = fs;
  const repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
  const run = (machine: Machine, input: Record<string, unknown> = stack.service) =>
    runExecution(stack.sfn, stack.stateMachines[machine], input);
  return {
    stack,
    repo,
    fs,
    run,
    deploy: (colour, commit, extra = {}) =>
      run('deployGreen', { ...stack.service, image: `${repo}:${colour}`, commit, ...extra }),
    close: () => fs.close(),
  };
}

/** Set-up, not the behaviour under test: runs the steps in order and throws unless each one succeeded. */
export async function succeed(
  ms: MachineStack,
  ...steps: Array<[Machine, Record<string, unknown>?]>
): Promise<ExecutionResult[]> {
  const results: ExecutionResult[] = [];
  for (const [machine, input] of steps) {
    const result = await ms.run(machine, input);
    if (result.status !== 'SUCCEEDED') {
      throw new Error(`Set-up step ${machine} ended ${result.status}: ${result.error} ${result.cause}`);
    }
    results.push(result);
  }
  return results;
}

/**
 * One healthy version live and nothing else (no green, no previous version, test listener closed), whatever a test
 * left behind; a stack with nothing live gets blue released through the real deploy-green, swap and clean-up.
 */
export function oneVersionLive(ms: MachineStack): Promise<void> {
  return restoreBaseline(ms.fs);
}

/**
 * Nothing live and nothing deployed (the deployment record says so), for a stack where no version went live yet: a
 * green under test is discarded around the state machines. The desired count stays what deploy-green set.
 */
export async function nothingLive(ms: MachineStack): Promise<void> {
  const live = roles(observe(ms.stack)).live;
  if (live !== undefined)
    throw new Error(`nothingLive: ${live} is live; this set-up only discards what never went live.`);
  ms.fs.injector.disarm();
  await discardNonLive(ms.fs);
  await resetDeploymentRecord(ms.stack);
}
