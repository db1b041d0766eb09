/**
 * The AWS services our state machines call through `arn:aws:states:::aws-sdk:<service>:<action>`, with the names
 * Step Functions uses for them and the real SDK v3 client that calls the local emulator.
 */
import * as applicationAutoScaling from '@aws-sdk/client-application-auto-scaling';
import * as ecs from '@aws-sdk/client-ecs';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import * as sfn from '@aws-sdk/client-sfn';
import { modeledErrors, operationSchema, type OperationSchema } from './sdk-schema';

export interface SdkClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The state machine's Retry fields do the retrying, as on AWS; SDK retries would hide emulator errors. */
  readonly maxAttempts: number;
  /** NodeHttpHandler options (sdk-client-pool.ts: connections kept alive between calls). */
  readonly requestHandler?: { readonly httpAgent: import('node:http').Agent };
}

export interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  destroy(): void;
  readonly middlewareStack: { remove(toRemove: string): boolean };
}

export interface SdkService {
  /** The service as written in the Resource ARN: `ecs`, `elasticloadbalancingv2`. */
  readonly arnName: string;
  /** The error prefix Step Functions uses: `Ecs`, `ElasticLoadBalancingV2`. */
  readonly errorPrefix: string;
  readonly createClient: (config: SdkClientConfig) => SdkClient;
  /** Error code (model name or query error code) → model name. */
  readonly errors: ReadonlyMap<string, string>;
  readonly module: Readonly<Record<string, unknown>>;
  /** The only actions emulated locally (camelCase); undefined means every action of the API. */
  readonly actions?: ReadonlySet<string>;
}

export interface SdkAction {
  readonly service: SdkService;
  /** camelCase, as in the ARN: `createTaskSet`. */
  readonly action: string;
  /** PascalCase operation name: `CreateTaskSet`. */
  readonly operation: string;
  readonly schema: OperationSchema;
  readonly command: new (input: unknown) => unknown;
}

function sdkService(
  arnName: string,
  errorPrefix: string,
  module: Readonly<Record<string, unknown>>,
  createClient: (config: SdkClientConfig) => SdkClient,
  actions?: readonly string[],
): SdkService {
  return {
    arnName,
    errorPrefix,
    createClient,
    module,
    errors: modeledErrors(module),
    ...(actions && { actions: new Set(actions) }),
  };
}

export const SDK_SERVICES: ReadonlyMap<string, SdkService> = new Map(
  [
    sdkService('ecs', 'Ecs', ecs, (config) => new ecs.ECSClient(config)),
    sdkService(
      'elasticloadbalancingv2',
      'ElasticLoadBalancingV2',
      elbv2,
      (config) => new elbv2.ElasticLoadBalancingV2Client(config),
    ),
    // Only DescribeExecution (checking whether a lease holder still runs). The prefix follows the documented rule
    // (service name in PascalCase: `Sfn.ExecutionDoesNotExistException`, docs.aws.amazon.com/step-functions/latest/dg/
    // supported-services-awssdk.html); a public test-state harness asserts that exact name for describeExecution.
    sdkService('sfn', 'Sfn', sfn, (config) => new sfn.SFNClient(config), ['describeExecution']),
    // Only what the controller calls (state-machines/authoring/autoscaling.ts); local Application Auto Scaling serves
    // more. The prefix follows the same rule: `ApplicationAutoScaling.ObjectNotFoundException`.
    sdkService(
      'applicationautoscaling',
      'ApplicationAutoScaling',
      applicationAutoScaling,
      (config) => new applicationAutoScaling.ApplicationAutoScalingClient(config),
      ['putScalingPolicy'],
    ),
  ].map((service) => [service.arnName, service]),
);

const SDK_RESOURCE = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([a-z][a-zA-Z0-9]*)$/;

/** The SDK action a Task Resource names, or a reason why it cannot be run locally. */
export function sdkActionForResource(resource: string): SdkAction | { readonly problem: string } {
  const match = SDK_RESOURCE.exec(resource);
  if (!match)
    return {
      problem: `'${resource}' is not an aws-sdk integration this emulator supports (no .sync/.waitForTaskToken)`,
    };
  const [, serviceName = '', action = ''] = match;
  const service = SDK_SERVICES.get(serviceName);
  if (!service) {
    return {
      problem: `aws-sdk service '${serviceName}' is not emulated (supported: ${[...SDK_SERVICES.keys()].join(', ')})`,
    };
  }
  if (service.actions && !service.actions.has(action)) {
    return {
      problem: `aws-sdk:${serviceName}:${action} is not emulated locally (supported: ${[...service.actions].join(', ')})`,
    };
  }
  const operation = action.charAt(0).toUpperCase() + action.slice(1);
  const schema = operationSchema(service.module, operation);
  const command = service.module[`${operation}Command`];
  if (!schema || typeof command !== 'function') {
    return { problem: `${serviceName} has no API action '${action}'` };
  }
  return { service, action, operation, schema, command: command as new (input: unknown) => unknown };
}
