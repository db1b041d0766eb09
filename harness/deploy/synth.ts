import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
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
