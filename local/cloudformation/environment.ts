/**
 * Where a stack's resources live: the local AWS endpoint its resources are created through (SDK clients, so every
 * call goes over the wire like CloudFormation's own calls), the clock custom-resource timeouts are measured on, and
 * the in-process hooks some resource types need (Lambda registration with local Step Functions, the event bus).
 */
import type { Clock } from '../aws/clock';
import type { LocalEventBus } from '../events/event-bus';
import type { LocalLambda } from '../stepfunctions/lambda-task';
import type { CustomResourceHandlerFactory } from './custom-resource-event';

/**
 * The code of the template's Lambda functions that local AWS runs in process, found by the function's logical id and
 * tags (as the template declares them, resolved). The emulator has none of its own: whoever starts local AWS supplies
 * it (the harness: harness/deploy/local-lambdas.ts). A function without local code is named-only; a custom resource
 * whose function has none fails with a message saying so.
 */
export interface LocalFunctionCode {
  lambdaFor(logicalId: string, tags: Readonly<Record<string, string>>): LocalLambdaFactory | undefined;
  customResourceHandlerFor(logicalId: string): CustomResourceHandlerFactory | undefined;
}

/**
 * What a function's code gets when local CloudFormation creates it, as a Lambda runtime gives it: where AWS is (local
 * AWS's endpoint and region), credentials that sign as the function's execution role (its resolved `Role`), and its
 * `Environment.Variables`.
 */
export interface LocalFunctionEnv {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly variables: Readonly<Record<string, string>>;
}

/** A function's local code: made once per create or update of the function, with its environment. */
export type LocalLambdaFactory = (env: LocalFunctionEnv) => LocalLambda;

export interface DeployEnvironment {
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly clock: Clock;
  /** Local URL of each ALB listener port, used where the template builds URLs from the load balancer's DNS name. */
  readonly listenerUrl: (albPort: number) => string;
  /** Registers a Lambda function that has a local handler with local Step Functions (`sfn.registerLambda`). */
  readonly registerLambda?: (functionName: string, handler: LocalLambda) => void;
  /** The in-process code of the template's functions. @default none: every function is named-only */
  readonly functions?: LocalFunctionCode;
  /** Where AWS::Events::Rule resources are put; without it a template with rules cannot be created. */
  readonly eventBus?: LocalEventBus;
}
