#!/usr/bin/env node
/**
 * `npm start`: synthesizes the real stack, starts local AWS, deploys the stack into it, and runs a blue→green
 * deployment end to end with real HTTP traffic on 127.0.0.1. `--keep` leaves everything running for curl and the
 * AWS CLI until Ctrl-C.
 */
import { Command, InvalidArgumentError } from 'commander';
import { synthTemplate } from './deploy/synth';
import { startLocalStack } from './demo/local-stack';
import { demoSteps, runDemo } from './demo/run-demo';
import { assertPortsFree } from './ports';
import { DEFAULT_PORTS } from '../local/local-aws';

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`'${value}' is not a TCP port (0-65535).`);
  return n;
};
const scale = (value: string): number => {
  const n = Number(value);
  if (!(n > 0 && n <= 1))
    throw new InvalidArgumentError(`'${value}' must be a number above 0 and at most 1 (1 = real time).`);
  return n;
};

async function main(): Promise<void> {
  const program = new Command()
    .name('npm start --')
    .description('Run a blue/green deployment of the real stack against local AWS.')
    .option(
      '--port <port>',
      'AWS API endpoint port (ECS, ELBv2, Step Functions, CodePipeline)',
      port,
      DEFAULT_PORTS.api,
    )
    .option(
      '--prod-port <port>',
      'local port of the production listener (:80 on AWS)',
      port,
      DEFAULT_PORTS.listeners[80],
    )
    .option('--test-port <port>', 'local port of the test listener (:8080 on AWS)', port, DEFAULT_PORTS.listeners[8080])
    .option('--time-scale <n>', 'wall seconds per AWS second (1 = real time)', scale, 0.1)
    .option('--keep', 'stay up after the flow, until Ctrl-C', false)
    .parse();
  const options = program.opts<{
    port: number;
    prodPort: number;
    testPort: number;
    timeScale: number;
    keep: boolean;
  }>();

  await assertPortsFree([
    { port: options.port, option: '--port' },
    { port: options.prodPort, option: '--prod-port' },
    { port: options.testPort, option: '--test-port' },
  ]);
  process.stdout.write('Synthesizing the stack (cdk.out)…\n');
  const template = synthTemplate();
  const stack = await startLocalStack(template, {
    timeScale: options.timeScale,
    ports: { api: options.port, listeners: { 80: options.prodPort, 8080: options.testPort } },
    portOptions: { api: '--port', listeners: { 80: '--prod-port', 8080: '--test-port' } },
  });
  let closing = false;
  const shutdown = async (code: number): Promise<void> => {
    if (closing) return;
    closing = true;
    await stack.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(130));
  process.on('SIGTERM', () => void shutdown(143));

  process.stdout.write(`Local AWS at ${stack.aws.endpoint} (time scale ${options.timeScale})\n`);
  const imageRepositoryUri = stack.deployed.outputs.ImageRepositoryUri ?? 'local/demo-app';
  const { ok } = await runDemo(stack, demoSteps(stack, imageRepositoryUri), {
    line: (text) => process.stdout.write(`${text}\n`),
  });
  if (!options.keep) return shutdown(ok ? 0 : 1);
  process.stdout.write(
    [
      '',
      'Local AWS stays up (Ctrl-C to stop). Try:',
      `  curl -s ${stack.urls.production} | grep -o 'id="colour">[a-z]*'`,
      `  aws --endpoint-url ${stack.aws.endpoint} --region us-east-1 stepfunctions start-execution \\`,
      `    --state-machine-arn ${stack.stateMachines.deployGreen} \\`,
      `    --input '${JSON.stringify({ ...stack.service, image: `${imageRepositoryUri}:orange`, commit: 'abc1234' })}'`,
      '  (any access key works, e.g. AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local)',
      'or run the pipeline and answer its approvals:',
      `  aws --endpoint-url ${stack.aws.endpoint} --region us-east-1 codepipeline start-pipeline-execution --name ${stack.pipelineName}`,
      `  npx bluegreen --local${options.port === DEFAULT_PORTS.api ? '' : ` --endpoint-url ${stack.aws.endpoint}`} approve   # or: reject --stage ApproveSwap --comment 'why'`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
