#!/usr/bin/env node
// `npx cdk synth --app 'npx tsx examples/two-services/app.ts'`
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TwoServicesStack } from './two-services-stack';

export const TWO_SERVICES_STACK_NAME = 'EcsBlueGreenTwoServices';

const app = new App();
new TwoServicesStack(app, TWO_SERVICES_STACK_NAME);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
