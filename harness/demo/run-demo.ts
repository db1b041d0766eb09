import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { runExecution, type ExecutionResult } from './executions';
import type { LocalStack } from './local-stack';
import { describeProbe, probe } from './probe';

export interface DemoStep {
  readonly title: string;
  readonly stateMachine: 'deployGreen' | 'swap' | 'cleanUp' | 'abort';
  readonly input: Record<string, unknown>;
  /** The error this step must fail with: a safety behaviour shown on purpose. By default the step must succeed. */
  readonly failsWith?: string;
  /** Production serves a release from this step on: the production traffic count starts after it. */
  readonly releasesProduction?: boolean;
  /**
   * Green degrades under production traffic in this step, and swap's green watch moves production back. ECS stops
   * (and replaces) a task whose target fails its health checks, as on AWS, so production may answer 503 between that
   * and the move back: counted apart, not as a failure of the demo.
   */
  readonly greenDegradesInProduction?: boolean;
}

const DEMO_BAKE_SECONDS = 30;
/** The flapping green passes its health checks for this many emulated seconds after it listens, then fails them. */
const FLAP_SECONDS = 75;

/**
 * The story `npm start` tells: release blue, deploy green beside it, test it, swap, clean up; then the safety: a green
 * whose tasks crash is undone by deploy-green, and a green that degrades under production traffic is moved back by
 * swap's bake and discarded with abort (the `next` step swap's result names).
 */
export function demoSteps(stack: LocalStack, imageRepositoryUri: string): DemoStep[] {
  const { service } = stack;
  return [
    {
      title: 'First release: deploy-green starts it on the test listener',
      stateMachine: 'deployGreen',
      input: { ...service, image: `${imageRepositoryUri}:blue`, commit: 'b10e000' },
    },
    {
      title: 'Swap: production serves the first release',
      stateMachine: 'swap',
      input: service,
      releasesProduction: true,
    },
    { title: 'Clean up', stateMachine: 'cleanUp', input: service },
    {
      title: 'Deploy green beside blue',
      stateMachine: 'deployGreen',
      input: { ...service, image: `${imageRepositoryUri}:green`, commit: '9ee0a00' },
    },
    {
      // A short bake keeps the demo quick; the stack's default is 5 minutes.
      title: `Swap: production serves green, watched for ${DEMO_BAKE_SECONDS} s while blue stays ready`,
      stateMachine: 'swap',
      input: { ...service, bakeSeconds: DEMO_BAKE_SECONDS },
    },
    { title: 'Clean up: blue is removed', stateMachine: 'cleanUp', input: service },
    {
      title: 'Safety 1: a green whose tasks crash on start is undone; production never sees it',
      stateMachine: 'deployGreen',
      input: { ...service, image: 'local/crash-on-start:red', commit: 'c4a5400', healthTimeoutSeconds: 60 },
      failsWith: 'BlueGreen.',
    },
    {
      title: `Safety 2: a green that fails its health checks ${FLAP_SECONDS} s after it starts passes deploy-green…`,
      stateMachine: 'deployGreen',
      input: { ...service, image: `local/flapping:purple-flap-${FLAP_SECONDS}`, commit: 'f1a9000' },
    },
    {
      title: "…and swap's bake moves production back to the healthy version when it degrades",
      stateMachine: 'swap',
      input: { ...service, bakeSeconds: 4 * FLAP_SECONDS },
      failsWith: 'BlueGreen.GreenUnhealthyAfterSwap',
      greenDegradesInProduction: true,
    },
    {
      title: 'Abort (what swap said to run next): the degraded green is discarded',
      stateMachine: 'abort',
      input: service,
    },
  ];
}

export interface DemoPrinter {
  line(text: string): void;
}

export interface DemoRun {
  readonly results: readonly ExecutionResult[];
  /** Every step ended as it must: succeeded, or failed with the error it shows on purpose. */
  readonly ok: boolean;
  /**
   * Production requests from the first release to the end, how many were not 2xx, and how many more were not 2xx
   * while a green that degraded under production traffic was being moved back (`greenDegradesInProduction`).
   */
  readonly production: ProductionCount;
}

export interface ProductionCount {
  readonly requests: number;
  readonly non2xx: number;
  readonly non2xxWhileGreenDegraded: number;
}

/** Runs the steps in order, printing each state entered and what both URLs serve after each step. */
export async function runDemo(stack: LocalStack, steps: readonly DemoStep[], out: DemoPrinter): Promise<DemoRun> {
  const started = Date.now();
  const stamp = (): string => `[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`;
  const results: ExecutionResult[] = [];
  let traffic: TrafficCounter | undefined;
  const end = async (ok: boolean): Promise<DemoRun> => {
    const production = (await traffic?.stop()) ?? { requests: 0, non2xx: 0, non2xxWhileGreenDegraded: 0 };
    if (traffic) {
      out.line(
        `${stamp()} Production from the first release on: ${production.requests} requests, ${production.non2xx} not 2xx` +
          ` (and ${production.non2xxWhileGreenDegraded} while the degrading green was moved back: ECS replaced its failing` +
          ` tasks, so production answered 503 until swap's green watch moved it back to blue).`,
      );
    }
    return { results, ok: ok && production.non2xx === 0, production };
  };
  out.line(`${stamp()} production ${stack.urls.production}   test ${stack.urls.test}`);
  await printUrls(stack, out, stamp);
  for (const step of steps) {
    out.line(`${stamp()} ▶ ${step.title}`);
    traffic?.greenDegrading(step.greenDegradesInProduction === true);
    const result = await runExecution(stack.sfn, stack.stateMachines[step.stateMachine], step.input, {
      onEvent: (event: HistoryEvent) => {
        const name = event.stateEnteredEventDetails?.name;
        if (name && event.type !== 'ChoiceStateEntered' && event.type !== 'PassStateEntered')
          out.line(`${stamp()}     ${name}`);
      },
    });
    results.push(result);
    traffic?.greenDegrading(false);
    const asMeant = step.failsWith
      ? result.status === 'FAILED' && (result.error ?? '').startsWith(step.failsWith)
      : result.status === 'SUCCEEDED';
    if (!asMeant) {
      out.line(
        `${stamp()} ✖ ${step.title}: ${result.status} ${result.error ?? ''}: ${result.failure?.message ?? result.cause ?? ''}`,
      );
      await printUrls(stack, out, stamp);
      return end(false);
    }
    if (step.failsWith) {
      const undone = result.failure?.undone ?? 'unknown';
      out.line(`${stamp()} ✔ failed as it should, ${result.error}: ${result.failure?.message ?? result.cause ?? ''}`);
      out.line(`${stamp()}   undone: ${undone}; next: ${(result.failure?.next ?? []).join(', or ')}`);
    } else {
      const message = (result.output as { message?: string } | undefined)?.message;
      out.line(`${stamp()} ✔ ${message ?? step.title}`);
    }
    await printUrls(stack, out, stamp);
    if (step.releasesProduction) traffic = countTraffic(stack.urls.production);
  }
  return end(true);
}

interface TrafficCounter {
  /** From now on, non-2xx answers count as `non2xxWhileGreenDegraded` (true) or `non2xx` (false). */
  greenDegrading(on: boolean): void;
  stop(): Promise<ProductionCount>;
}

/** Requests production back to back (as a user would keep using it) until stopped, counting the answers. */
function countTraffic(url: string): TrafficCounter {
  let stopped = false;
  let requests = 0;
  let non2xx = 0;
  let non2xxWhileGreenDegraded = 0;
  let degrading = false;
  const loop = (async () => {
    while (!stopped) {
      const answer = await probe(url);
      requests += 1;
      if (answer.status < 200 || answer.status > 299) {
        if (degrading) non2xxWhileGreenDegraded += 1;
        else non2xx += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    greenDegrading(on) {
      degrading = on;
    },
    async stop() {
      stopped = true;
      await loop;
      return { requests, non2xx, non2xxWhileGreenDegraded };
    },
  };
}

async function printUrls(stack: LocalStack, out: DemoPrinter, stamp: () => string): Promise<void> {
  const [production, test] = await Promise.all([probe(stack.urls.production), probe(stack.urls.test)]);
  out.line(`${stamp()}     production → ${describeProbe(production)}`);
  out.line(`${stamp()}     test       → ${describeProbe(test)}`);
}
