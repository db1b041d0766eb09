import type { SFNClient } from '@aws-sdk/client-sfn';
import { deployInputBuild } from '../../local/codepipeline/local-build';
import type { CfnTemplate, DeployedStack } from '../deploy/deploy-template';
import type { LocalAwsStackOptions, RunningLocalAws } from '../../local/local-aws';
import { startLocalServices } from './local-services';

/** Local AWS with the synthesized stack deployed into it: what `npm start` and the end-to-end tests run against. */
export interface LocalStack {
  readonly aws: RunningLocalAws;
  readonly deployed: DeployedStack;
  readonly sfn: SFNClient;
  readonly urls: { readonly production: string; readonly test: string };
  /** The minimal input every state machine takes. */
  readonly service: { readonly cluster: string; readonly service: string };
  readonly stateMachines: {
    readonly deployGreen: string;
    readonly swap: string;
    readonly cleanUp: string;
    readonly rollback: string;
    readonly abort: string;
  };
  /** The delivery pipeline in local CodePipeline (start executions with harness/demo/pipeline.ts). */
  readonly pipelineName: string;
  close(): Promise<void>;
}

export async function startLocalStack(template: CfnTemplate, options: LocalAwsStackOptions = {}): Promise<LocalStack> {
  const local = await startLocalServices(template, options);
  try {
    const { aws, deployed, sfn } = local;
    const output = (name: string): string => {
      const value = deployed.outputs[name];
      if (!value) throw new Error(`The deployed stack has no output ${name}.`);
      return value;
    };
    // The demo's one service: its outputs have no prefix (contract/outputs.ts).
    const only = local.services.find((s) => s.prefix === '');
    if (only === undefined) throw new Error('The deployed stack has no service with unprefixed outputs (ServiceName).');
    const pipelineName = output('PipelineName');
    // What the pipeline's builds would produce: the deploy-green input for the commit's image.
    aws.codepipeline.setLocalBuild(
      pipelineName,
      deployInputBuild({ ...only.input, imageRepositoryUri: output('ImageRepositoryUri') }),
    );
    return {
      aws,
      deployed,
      sfn,
      urls: { production: only.productionUrl, test: only.testUrl },
      service: only.input,
      stateMachines: only.stateMachines,
      pipelineName,
      close: () => local.close(),
    };
  } catch (error) {
    await local.close();
    throw error;
  }
}
