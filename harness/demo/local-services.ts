import { SFNClient } from '@aws-sdk/client-sfn';
import { MACHINE_KEYS, MACHINES, outputPrefixOf, SERVICE_OUTPUT_KEYS, type MachineKey } from '../../contract';
import { localClientConfig } from '../../local/aws/client-config';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  startLocalAwsStack,
  type LocalAwsStackOptions,
  type RunningLocalAws,
} from '../../local/local-aws';
import { deployTemplate, type CfnTemplate, type DeployedStack } from '../deploy/deploy-template';
import { LOCAL_FUNCTION_CODE } from '../deploy/local-lambdas';

/** One controller's service in a deployed stack, found by its outputs (contract/outputs.ts). */
export interface LocalService {
  /** Its outputs' prefix ('' for the demo, `Web`, `Api`, …). */
  readonly prefix: string;
  /** The minimal input every state machine takes. */
  readonly input: { readonly cluster: string; readonly service: string };
  readonly stateMachines: Readonly<Record<MachineKey, string>>;
  readonly imageRepositoryUri: string | undefined;
  readonly productionUrl: string;
  readonly testUrl: string;
}

/** Local AWS with a stack of one or more controllers deployed: the services by output prefix. */
export interface LocalServices {
  readonly aws: RunningLocalAws;
  readonly deployed: DeployedStack;
  readonly sfn: SFNClient;
  readonly services: readonly LocalService[];
  close(): Promise<void>;
}

/** The services a stack's outputs describe: one per `<prefix>ServiceName` output. */
export function servicesOf(outputs: Readonly<Record<string, string>>): LocalService[] {
  return Object.keys(outputs).flatMap((key) => {
    const prefix = outputPrefixOf(key);
    if (prefix === undefined) return [];
    const output = (name: string): string => {
      const value = outputs[`${prefix}${name}`];
      if (value === undefined) throw new Error(`The stack has ${key} but no output ${prefix}${name}.`);
      return value;
    };
    return [
      {
        prefix,
        input: { cluster: output(SERVICE_OUTPUT_KEYS.cluster), service: output(SERVICE_OUTPUT_KEYS.service) },
        stateMachines: Object.fromEntries(
          MACHINE_KEYS.map((machine) => [machine, output(MACHINES[machine].outputKey)]),
        ) as Record<MachineKey, string>,
        imageRepositoryUri: outputs[`${prefix}${SERVICE_OUTPUT_KEYS.imageRepository}`],
        productionUrl: output(SERVICE_OUTPUT_KEYS.productionUrl),
        testUrl: output(SERVICE_OUTPUT_KEYS.testUrl),
      },
    ];
  });
}

export async function startLocalServices(
  template: CfnTemplate,
  options: LocalAwsStackOptions & { readonly stackName?: string } = {},
): Promise<LocalServices> {
  const { stackName, ...awsOptions } = options;
  const aws = await startLocalAwsStack({ functions: LOCAL_FUNCTION_CODE, ...awsOptions });
  try {
    const deployed = await deployTemplate(template, {
      endpoint: aws.endpoint,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      listenerUrl: (albPort) => `http://127.0.0.1:${aws.listenerPort(albPort)}/`,
      registerLambda: (name, handler) => aws.sfn.registerLambda(name, handler),
      ...(stackName !== undefined && { stackName }),
    });
    const sfn = new SFNClient(localClientConfig(aws.endpoint, LOCAL_REGION));
    sfn.middlewareStack.remove('loggerMiddleware');
    return {
      aws,
      deployed,
      sfn,
      services: servicesOf(deployed.outputs),
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
