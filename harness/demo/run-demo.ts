import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { runExecution, type ExecutionResult } from './executions';
import type { LocalStack } from './local-stack';
import { describeProbe, probe } from './probe';

export interface DemoStep {
  readonly title: string;
  readonly stateMachine: 'deployGreen' | 'swap' | 'cleanUp';
  readonly input: Record<string, unknown>;
}

const DEMO_BAKE_SECONDS = 30;

/** The blue→green story `npm start` tells: release blue, then deploy green beside it, test it, swap, clean up. */
export function demoSteps(stack: LocalStack, imageRepositoryUri: string): DemoStep[] {
  const { service } = stack;
  return [
    {
      title: 'Deploy blue (first release)',
      stateMachine: 'deployGreen',
      input: { ...service, image: `${imageRepositoryUri}:blue`, commit: 'b10e000' },
    },
    { title: 'Swap: production serves blue', stateMachine: 'swap', input: service },
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
  ];
}

export interface DemoPrinter {
  line(text: string): void;
}

/** Runs the steps in order, printing each state entered and what both URLs serve after each step. */
export async function runDemo(
  stack: LocalStack,
  steps: readonly DemoStep[],
  out: DemoPrinter,
): Promise<ExecutionResult[]> {
  const started = Date.now();
  const stamp = (): string => `[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`;
  const results: ExecutionResult[] = [];
  out.line(`${stamp()} production ${stack.urls.production}   test ${stack.urls.test}`);
  await printUrls(stack, out, stamp);
  for (const step of steps) {
    out.line(`${stamp()} ▶ ${step.title}`);
    const result = await runExecution(stack.sfn, stack.stateMachines[step.stateMachine], step.input, {
      onEvent: (event: HistoryEvent) => {
        const name = event.stateEnteredEventDetails?.name;
        if (name && event.type !== 'ChoiceStateEntered' && event.type !== 'PassStateEntered')
          out.line(`${stamp()}     ${name}`);
      },
    });
    results.push(result);
    if (result.status !== 'SUCCEEDED') {
      out.line(
        `${stamp()} ✖ ${step.title}: ${result.status} ${result.error ?? ''}: ${result.failure?.message ?? result.cause ?? ''}`,
      );
      await printUrls(stack, out, stamp);
      return results;
    }
    const message = (result.output as { message?: string } | undefined)?.message;
    out.line(`${stamp()} ✔ ${message ?? step.title}`);
    await printUrls(stack, out, stamp);
  }
  return results;
}

async function printUrls(stack: LocalStack, out: DemoPrinter, stamp: () => string): Promise<void> {
  const [production, test] = await Promise.all([probe(stack.urls.production), probe(stack.urls.test)]);
  out.line(`${stamp()}     production → ${describeProbe(production)}`);
  out.line(`${stamp()}     test       → ${describeProbe(test)}`);
}
