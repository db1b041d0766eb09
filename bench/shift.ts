/**
 * Traffic shifting under load: for each step of a custom shift, the share of production responses that came from
 * green, against the weight swap set (issue 13: within ±5 % at ≥ 1,000 requests a step).
 *
 * A new version is deployed, then swapped with `SHIFT_STEPS` (no bake) while autocannon loads production. Each step's
 * window runs from the end of swap's production ModifyRule that set its weights to the start of the next production
 * ModifyRule; responses completed in the window (after `SETTLE_MS`, for requests already in flight when the weights
 * changed) are counted by the version that answered.
 */
import type { LocalStack } from '../harness/demo/local-stack';
import { endOf, expectStatus, ruleArn, sleep, tagOf, timed } from './flow';
import { startLoad } from './load';

/** The custom steps swap takes: green's share of production and how long each is held, in emulated seconds. */
export const SHIFT_STEPS = [
  { percent: 10, seconds: 40 },
  { percent: 50, seconds: 40 },
] as const;
/** Responses completed this soon after a step began are left out: their requests were routed by the old weights. */
const SETTLE_MS = 20;

export interface ShiftStepMeasurement {
  readonly percent: number;
  /** Green's share by ALB weight: round(percent × 10) of 1000. */
  readonly weightShare: number;
  readonly requests: number;
  readonly greenResponses: number;
  /** Green's share of the responses, in percent. */
  readonly greenPercent: number;
  /** greenPercent − percent. */
  readonly deviationPoints: number;
  readonly non2xx: number;
}

export interface ShiftMeasurement {
  readonly steps: ShiftStepMeasurement[];
  readonly swapStatus: string;
}

export interface ShiftOptions {
  readonly repo: string;
  readonly connections: number;
  readonly greenTag: string;
  readonly greenCommit: string;
}

export async function measureShift(stack: LocalStack, o: ShiftOptions): Promise<ShiftMeasurement> {
  const prodRule = ruleArn(stack, 80);
  const deploy = await timed(stack, 'deployGreen', {
    ...stack.service,
    image: `${o.repo}:${o.greenTag}`,
    commit: o.greenCommit,
  });
  expectStatus(deploy, 'SUCCEEDED', 'shift: deploy-green');
  stack.aws.server.callLog.clear();
  const load = await startLoad(stack.urls.production, o.connections);
  await sleep(200);
  const swap = await timed(stack, 'swap', {
    ...stack.service,
    bakeSeconds: 0,
    trafficShift: { type: 'steps', steps: SHIFT_STEPS.map((s) => ({ ...s })) },
  });
  await sleep(100);
  const samples = await load.stop();
  expectStatus(swap, 'SUCCEEDED', 'shift: swap');
  const swapStatus = swap[0].status;
  const moves = stack.aws.server.callLog
    .entries()
    .filter((c) => c.principal !== undefined && c.operation === 'ModifyRule' && c.input.RuleArn === prodRule);
  const steps = SHIFT_STEPS.map((step, i): ShiftStepMeasurement => {
    const from = moves[i] ? endOf(moves[i]) + SETTLE_MS : NaN;
    const to = moves[i + 1] ? Date.parse(moves[i + 1]?.time ?? '') : NaN;
    let requests = 0;
    let green = 0;
    let non2xx = 0;
    for (let r = 0; r < samples.end.length; r++) {
      const t = samples.end[r] ?? 0;
      if (!(t >= from && t < to)) continue;
      requests++;
      const status = samples.status[r] ?? 0;
      if (status < 200 || status > 299) non2xx++;
      else if (tagOf(samples.versions[samples.version[r] ?? 0] ?? '') === o.greenTag) green++;
    }
    const greenPercent = requests > 0 ? (green / requests) * 100 : NaN;
    return {
      percent: step.percent,
      weightShare: Math.round(step.percent * 10) / 10,
      requests,
      greenResponses: green,
      greenPercent,
      deviationPoints: greenPercent - step.percent,
      non2xx,
    };
  });
  // Back to one version live: the old one goes.
  expectStatus(await timed(stack, 'cleanUp', stack.service), 'SUCCEEDED', 'shift: clean-up');
  return { steps, swapStatus };
}
