import { SFNClient } from '@aws-sdk/client-sfn';
import { MACHINES } from '../../contract';
import { LOCAL_FUNCTION_CODE } from '../deploy/local-lambdas';
import { deployInputBuild } from '../../local/codepipeline/local-build';
import { deployTemplate, type CfnTemplate, type DeployedStack } from '../deploy/deploy-template';
import { localClientConfig } from '../../local/aws/client-config';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  startLocalAwsStack,
  type LocalAwsStackOptions,
  type RunningLocalAws,
} from '../../local/local-aws';

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
  const aws = await startLocalAwsStack({ functions: LOCAL_FUNCTION_CODE, ...options });
  try {
    const listenerUrl = (albPort: number): string => `http://127.0.0.1:${aws.listenerPort(albPort)}/`;
    const deployed = await deployTemplate(template, {
      endpoint: aws.endpoint,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      listenerUrl,
      registerLambda: (name, handler) => aws.sfn.registerLambda(name, handler),
    });
    const output = (name: string): string => {
      const value = deployed.outputs[name];
      if (!value) throw new Error(`The deployed stack has no output ${name}.`);
      return value;
    };
    const service = { cluster: output('ClusterName'), service: output('ServiceName') };
    const pipelineName = output('PipelineName');
    // What the pipeline's builds would produce: the deploy-green input for the commit's image.
    aws.codepipeline.setLocalBuild(
      pipelineName,
      deployInputBuild({ ...service, imageRepositoryUri: output('ImageRepositoryUri') }),
    );
    const sfn = new SFNClient(localClientConfig(aws.endpoint, LOCAL_REGION));
    // Its logger is the SDK's no-op one, yet the logger middleware masks every output against the schema for it: for
    // GetExecutionHistory (read after every execution in the suites) that walk was a sizeable share of the client's CPU.
    sfn.middlewareStack.remove('loggerMiddleware');
    return {
      aws,
      deployed,
      sfn,
      urls: { production: output('ProductionUrl'), test: output('TestUrl') },
      service,
      stateMachines: {
        deployGreen: output(MACHINES.deployGreen.outputKey),
        swap: output(MACHINES.swap.outputKey),
        cleanUp: output(MACHINES.cleanUp.outputKey),
        rollback: output(MACHINES.rollback.outputKey),
        abort: output(MACHINES.abort.outputKey),
      },
      pipelineName,
      close: async () => {
        sfn.destroy();
        await aws.close();
      },
    };
  } catch (error) {
    await aws.close();
    throw error;
  }
}
