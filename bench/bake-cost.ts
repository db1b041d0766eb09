/**
 * What a whole deploy-green → swap → clean-up costs in Step Functions state transitions when the bake is 300 s
 * (the stack default) and 24 h (the longest, ECS's built-in blue/green's own limit), side by side.
 *
 * swap's bake waits on a task token (the green watch, contract/green-watch.ts), so its transitions should not grow
 * with the bake's length; this measures that rather than assuming it. A 24-hour bake cannot run on the main
 * scenarios' clock, so swap runs here on a stack of its own whose clock is much faster (`BAKE_COST_TIME_SCALE`: 24 h
 * in about 17 wall seconds). deploy-green's and clean-up's transitions on this stack are recorded but not used for the
 * whole flow: their health polls count emulated time, which the fast clock stretches (a task process's start-up is
 * wall time), so `npm run bench` adds the main flow's figures for those two machines to swap's.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthTemplate } from '../harness/deploy/synth';
import { startLocalStack } from '../harness/demo/local-stack';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { expectStatus, PRICE_PER_TRANSITION_USD, timed } from './flow';

/** Wall seconds per emulated second on the cost stack: 24 h of bake in about 17 wall seconds. */
export const BAKE_COST_TIME_SCALE = 0.0002;
/** The bakes compared: the stack's default and the longest allowed. */
export const BAKE_COST_SECONDS = [300, 86_400] as const;
/**
 * The reference design's whole flow (its deploy, swap and clean-up machines, which have no bake, no lease and no
 * undo), as issue 13 quotes it: 17 transitions.
 */
export const REFERENCE_DESIGN_TRANSITIONS = 17;

export interface BakeCost {
  readonly bakeSeconds: number;
  readonly transitions: { readonly deployGreen: number; readonly swap: number; readonly cleanUp: number };
  /** deploy-green + swap + clean-up. */
  readonly wholeFlowTransitions: number;
  readonly wholeFlowCostUsd: number;
  /** swap's states entered while it baked (from StartBake on). */
  readonly bakeTransitions: number;
  readonly swapWallMs: number;
}

const entered = (history: readonly HistoryEvent[]): string[] =>
  history.filter((e) => (e.type ?? '').endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name ?? '');

export async function measureBakeCosts(log: (line: string) => void = () => undefined): Promise<BakeCost[]> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bake-cost-'));
  const template = synthTemplate({ desiredCount: 1 }, outdir);
  const stack = await startLocalStack(template, {
    timeScale: BAKE_COST_TIME_SCALE,
    ports: { api: 0, listeners: { 80: 0, 8080: 0 } },
  });
  const costs: BakeCost[] = [];
  try {
    const repo = stack.deployed.outputs.ImageRepositoryUri ?? '';
    // On this clock a task takes many emulated seconds to start: the health timeout is the longest allowed.
    const deployInput = (n: number) => ({
      ...stack.service,
      image: `${repo}:cost-${n}`,
      commit: `c057${String(n).padStart(3, '0')}`,
      healthTimeoutSeconds: 86_400,
    });
    let n = 0;
    // A version live first, so every measured swap has a blue to keep (and a bake).
    for (const [machine, input] of [
      ['deployGreen', deployInput(n++)],
      ['swap', { ...stack.service, bakeSeconds: 0 }],
      ['cleanUp', stack.service],
    ] as const) {
      expectStatus(await timed(stack, machine, input), 'SUCCEEDED', `bake cost: releasing blue (${machine})`);
    }
    for (const bakeSeconds of BAKE_COST_SECONDS) {
      const deploy = await timed(stack, 'deployGreen', deployInput(n++));
      expectStatus(deploy, 'SUCCEEDED', 'bake cost: deploy-green');
      const swap = await timed(stack, 'swap', { ...stack.service, bakeSeconds });
      expectStatus(swap, 'SUCCEEDED', `bake cost: swap with a ${bakeSeconds}-second bake`);
      const cleanUp = await timed(stack, 'cleanUp', stack.service);
      expectStatus(cleanUp, 'SUCCEEDED', 'bake cost: clean-up');
      const transitions = {
        deployGreen: entered(deploy[0].history).length,
        swap: entered(swap[0].history).length,
        cleanUp: entered(cleanUp[0].history).length,
      };
      const swapStates = entered(swap[0].history);
      const whole = transitions.deployGreen + transitions.swap + transitions.cleanUp;
      const cost: BakeCost = {
        bakeSeconds,
        transitions,
        wholeFlowTransitions: whole,
        wholeFlowCostUsd: whole * PRICE_PER_TRANSITION_USD,
        bakeTransitions: swapStates.length - swapStates.indexOf('StartBake'),
        swapWallMs: swap[2] - swap[1],
      };
      costs.push(cost);
      log(
        `bake ${bakeSeconds} s: deploy-green ${transitions.deployGreen}, swap ${transitions.swap} ` +
          `(bake ${cost.bakeTransitions}), clean-up ${transitions.cleanUp} transitions; whole flow ${whole} ` +
          `($${cost.wholeFlowCostUsd.toFixed(5)}); swap took ${cost.swapWallMs} wall ms`,
      );
    }
  } finally {
    await stack.close();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  return costs;
}
