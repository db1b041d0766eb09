import * as fs from 'fs';
import * as path from 'path';
import { App, type Stack } from 'aws-cdk-lib';
import * as os from 'os';
import { BlueGreenStack, type BlueGreenStackProps } from '../../examples/demo/bluegreen-stack';
import { createApp, STACK_NAME } from '../../examples/demo/create-app';
import type { CfnTemplate } from './deploy-template';
import { inlineStateMachineDefinitions } from './state-machine-assets';

export const CDK_OUT = path.join(__dirname, '..', '..', 'cdk.out');

/** Synthesizes the real app (with cdk-nag) into cdk.out, as `cdk synth` does, and returns the stack's template. */
export function synthTemplate(context: Record<string, unknown> = {}, outdir = CDK_OUT): CfnTemplate {
  const { app } = createApp(new App({ outdir, context }));
  const assembly = app.synth();
  const artifact = assembly.getStackByName(STACK_NAME);
  const template = JSON.parse(fs.readFileSync(path.join(outdir, artifact.templateFile), 'utf8')) as CfnTemplate;
  return inlineStateMachineDefinitions(template, outdir);
}

/**
 * The stack `build` makes, synthesized without bundling (local AWS runs the handlers in process) and without cdk-nag
 * (the shipped apps' synth checks it), its state machine definitions inlined: ~2 s of one core.
 */
export function synthStackTemplate(build: (app: App) => Stack): CfnTemplate {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-variant-cdk-out-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = build(app);
    const artifact = app.synth().getStackByName(stack.stackName);
    return inlineStateMachineDefinitions(
      JSON.parse(fs.readFileSync(path.join(outdir, artifact.templateFile), 'utf8')) as CfnTemplate,
      outdir,
    );
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The demo stack with other props (synthStackTemplate). `props` gets the app, for constructs the props refer to that
 * live in another stack (a hook's `Function.fromFunctionArn`).
 */
export function synthVariant(props: (app: App) => BlueGreenStackProps): CfnTemplate {
  return synthStackTemplate((app) => new BlueGreenStack(app, STACK_NAME, props(app)));
}
