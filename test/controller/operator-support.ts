/**
 * Shared set-up of the operator suites: one fault stack with a live version and the decoys, pilots of the three
 * flows, and the restore between cases (back to one healthy live version at desired count 1, decoys intact).
 */
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { localClientConfig } from '../../local/aws/client-config';
import { observe } from '../../harness/demo/observe';
import { stopPoints, type Pilots } from '../../oracles/faults/operator-plan';
import { createDecoys, decoyArns, decoysIntact, withoutDecoys, type Decoys } from '../../oracles/invariants/decoys';
import {
  machineInput,
  runToEnd,
  TEMPLATES,
  waitForSettled,
  type FlowTemplate,
} from '../../oracles/invariants/operator-flow';
import { LOCAL_REGION } from '../../local/local-aws';
import { discardNonLive, releaseBlue, resetDeploymentRecord, startFaultStack, type FaultStack } from './support';

/**
 * The concurrency suites (same-instant.test.ts, concurrent-offsets.test.ts) run in `npm test` (a same-instant trial
 * now costs ~0.45 s of wall time alone, with local Step Functions reusing its SDK clients); `OPERATOR_PLANS=0` skips
 * them for a quick local run.
 */
export const OPERATOR_PLANS = process.env.OPERATOR_PLANS !== '0';
export const describeOperator = OPERATOR_PLANS ? describe : describe.skip;

/** 1 emulated second = 4 wall ms, as in the fault property. */
export const TIME_SCALE = Number(process.env.PROPERTY_TIME_SCALE ?? 0.004);

export interface OperatorStack extends FaultStack {
  decoys: Decoys;
}

export async function startOperatorStack(): Promise<OperatorStack> {
  const fs = await startFaultStack(TIME_SCALE, 1);
  await releaseBlue(fs);
  const decoys = await createDecoys(fs.stack, observe(fs.stack));
  return Object.assign(fs, { decoys });
}

/** Fault-free runs of each flow: the states each step enters (see stopPoints). */
export async function runPilots(os: OperatorStack): Promise<Pilots> {
  const pilots: Partial<Record<FlowTemplate, Array<ReturnType<typeof stopPoints>>>> = {};
  for (const template of Object.keys(TEMPLATES) as FlowTemplate[]) {
    const steps: Array<ReturnType<typeof stopPoints>> = [];
    for (const machine of TEMPLATES[template]) {
      const result = await runToEnd(os.stack, machine, machineInput(os.stack, machine, { healthTimeoutSeconds: 600 }));
      if (result.status !== 'SUCCEEDED') {
        throw new Error(`The ${template} pilot failed at ${machine}: ${result.error} ${result.cause}`);
      }
      steps.push(stopPoints(result.history));
    }
    pilots[template] = steps;
    await restoreOperatorBaseline(os);
  }
  return pilots as Pilots;
}

/**
 * Back to one healthy live version (desired count 1), the decoys intact. Uses the controller where it can (abort,
 * clean-up: they keep its own records consistent) and falls back to removing leftovers directly.
 */
export async function restoreOperatorBaseline(os: OperatorStack): Promise<void> {
  os.injector.disarm();
  const { stack } = os;
  const ecs = new ECSClient(localClientConfig(stack.aws.endpoint, LOCAL_REGION));
  try {
    if (observe(stack).desiredCount !== 1)
      await ecs.send(new UpdateServiceCommand({ ...stack.service, desiredCount: 1 }));
  } finally {
    ecs.destroy();
  }
  const view = withoutDecoys(observe(stack), os.decoys);
  let controllerRefused = false;
  if (view.taskSets.length > 1 || view.test.kind !== 'fixed') {
    for (const machine of ['abort', 'cleanUp'] as const) {
      const result = await runToEnd(stack, machine, machineInput(stack, machine));
      if (result.status !== 'SUCCEEDED') controllerRefused = true;
    }
  }
  await discardNonLive(os, decoyArns(os.decoys));
  // When the controller could not clean up (a case that ended with a swap whose undo failed under a permanent fault
  // leaves the record at "swapping", and abort and clean-up rightly refuse), the leftovers were removed around it:
  // put its record back to match, as the fault property's restore does, so the next case starts from a baseline.
  if (controllerRefused) await resetDeploymentRecord(stack);
  if (!(await decoysIntact(stack, os.decoys))) {
    await discardNonLive(os);
    os.decoys = await createDecoys(stack, observe(stack));
  }
  const running = stack.aws.ecs.state().tasks.filter((t) => t.lastStatus === 'RUNNING');
  const healthyImage = running.length > 0 && running.every((t) => /\/demo-app:/.test(t.image));
  if (!healthyImage || withoutDecoys(observe(stack), os.decoys).taskSets.length !== 1) await releaseBlue(os);
  await waitForSettled(stack, 120);
}
