#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BlueGreenStack } from '../lib/bluegreen-stack';

const app = new App();
const cidrs = app.node.tryGetContext('testListenerAllowedCidrs') as string | undefined;
// Environment-agnostic: deploys to the account and region of the caller's credentials (`cdk deploy --profile …`).
new BlueGreenStack(app, 'EcsBlueGreen', {
  testListenerAllowedCidrs: cidrs ? cidrs.split(',').map((c) => c.trim()) : undefined,
  desiredCount: app.node.tryGetContext('desiredCount') ? Number(app.node.tryGetContext('desiredCount')) : undefined,
});
// Security checks run on every synth, so a finding fails `cdk synth` and `cdk deploy` before anything is created.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
