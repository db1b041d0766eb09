import { App, Stack, Validations } from 'aws-cdk-lib';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DeliveryPipeline, type DeliveryPipelineProps } from '../../pipeline/delivery-pipeline';

/**
 * A small stack holding only DeliveryPipeline, with the rest of what it needs imported by name (state machines, image
 * repository) or made minimal (the artifact bucket): synthesizes in well under a second, without the real stack's
 * Lambda bundles or its other constructs. Not bundled into the e2e project (test/projects.js): it imports no harness.
 */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export type SourceProps = Pick<DeliveryPipelineProps, 'source' | 'sourceRepository' | 'branch'>;

/** `source(stack)` gives the source props, for sources that are constructs of the stack (a CodeCommit repository). */
export function pipelineStack(
  source: (stack: Stack) => SourceProps,
  app: App = new App(),
): { app: App; stack: Stack; delivery: DeliveryPipeline } {
  const stack = new Stack(app, 'PipelineOnly', { env: { account: ACCOUNT, region: REGION } });
  const machine = (name: string): sfn.IStateMachine =>
    sfn.StateMachine.fromStateMachineName(stack, `${name}Machine`, `EcsBlueGreen-${name}`);
  const delivery = new DeliveryPipeline(stack, 'Delivery', {
    ...source(stack),
    imageRepository: ecr.Repository.fromRepositoryName(stack, 'Images', 'app'),
    artifactBucket: new s3.Bucket(stack, 'Artifacts', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    }),
    stateMachines: {
      deployGreen: machine('deploy-green'),
      swap: machine('swap'),
      cleanUp: machine('clean-up'),
      rollback: machine('rollback'),
      abort: machine('abort'),
    },
    clusterName: 'cluster',
    serviceName: 'web',
    serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/cluster/web`,
    taskDefinitionFamily: 'web',
    containerName: 'app',
    taskRoleArns: [`arn:aws:iam::${ACCOUNT}:role/web-task`],
    testUrl: 'http://example.com:8080',
    productionUrl: 'http://example.com',
  });
  return { app, stack, delivery };
}

/** A CodeCommit repository in the stack, as the older props give it. */
export const codeCommitRepository = (stack: Stack): codecommit.IRepository =>
  codecommit.Repository.fromRepositoryName(stack, 'Repo', 'app');

/**
 * What cdk-nag's AwsSolutions pack reports for the stack, one `<construct path> <finding id>` per finding, sorted.
 * With nothing acknowledged it reports every finding, so two sources' reports can be compared.
 */
export function nagFindings(source: (stack: Stack) => SourceProps): string[] {
  const { app } = pipelineStack(source);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
    return [];
  } catch (error) {
    // Each finding is a block: location, "ERROR <rule text>", "   <construct path> <type>", "   Acknowledge with '<id>'".
    return String((error as Error).message)
      .split(/\n\s*\n/)
      .flatMap((block) => {
        const id = /Acknowledge with '([^']+)'/.exec(block)?.[1];
        const where = /^\s+(PipelineOnly\/\S+)/m.exec(block)?.[1];
        return id !== undefined && where !== undefined ? [`${where} ${id}`] : [];
      })
      .sort();
  }
}
