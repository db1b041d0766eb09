/**
 * The SDK client package behind each emulated service, loaded once on first use: its operation input shapes and enum
 * constraints drive request validation (and query decoding) in the server.
 */
import { loadEnumIndex, type EnumIndex } from './sdk-enums';
import { operationSchema, type OperationSchema } from './sdk-schema';

export interface ServiceSchema {
  readonly packageName: string;
  readonly enums: EnumIndex;
  operation(name: string): OperationSchema | undefined;
}

export const SDK_PACKAGES: Readonly<Record<string, string>> = {
  ECS: '@aws-sdk/client-ecs',
  SFN: '@aws-sdk/client-sfn',
  'Elastic Load Balancing v2': '@aws-sdk/client-elastic-load-balancing-v2',
  CloudFormation: '@aws-sdk/client-cloudformation',
  CloudWatch: '@aws-sdk/client-cloudwatch',
  CodePipeline: '@aws-sdk/client-codepipeline',
  DynamoDB: '@aws-sdk/client-dynamodb',
  'Application Auto Scaling': '@aws-sdk/client-application-auto-scaling',
};

const loaded = new Map<string, ServiceSchema>();

export function loadServiceSchema(packageName: string): ServiceSchema {
  const cached = loaded.get(packageName);
  if (cached) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand: the client modules are large
  const clientExports = require(packageName) as Record<string, unknown>;
  const operations = new Map<string, OperationSchema | undefined>();
  const schema: ServiceSchema = {
    packageName,
    enums: loadEnumIndex(packageName, clientExports),
    operation(name) {
      if (!operations.has(name)) operations.set(name, operationSchema(clientExports, name));
      return operations.get(name);
    },
  };
  loaded.set(packageName, schema);
  return schema;
}

/** The schema of a service by its SDK service id, or undefined when we know no SDK package for it. */
export function schemaForService(serviceId: string): ServiceSchema | undefined {
  const packageName = SDK_PACKAGES[serviceId];
  return packageName ? loadServiceSchema(packageName) : undefined;
}
