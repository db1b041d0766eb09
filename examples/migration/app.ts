#!/usr/bin/env node
// `npx cdk synth --app 'npx tsx examples/migration/app.ts'`
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MigrationStack } from './migration-stack';

export const MIGRATION_STACK_NAME = 'EcsBlueGreenMigration';

const app = new App();
new MigrationStack(app, MIGRATION_STACK_NAME);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
