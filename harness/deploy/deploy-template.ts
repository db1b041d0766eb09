/**
 * Stands up the synthesized stack (cdk.out) in local AWS through local CloudFormation's CreateStack, the one path
 * through which resources get created (local/cloudformation: dependency order, per-resource handlers, events,
 * rollback). The state machines that run locally are the shipped definitions with their DefinitionSubstitutions
 * resolved, exactly as CloudFormation would. Lambda functions that have a local handler (local-lambdas.ts: the
 * DeploymentFunctions) are registered with local Step Functions and run in-process; the pipeline is created in local
 * CodePipeline, the EventBridge rules are put on local AWS's in-process event bus, DynamoDB tables are created in local
 * DynamoDB. `updateTemplate` and `deleteLocalStack` run UpdateStack and DeleteStack the same way.
 */
import { createClock } from '../../local/aws/clock';
import type { AwsError } from '../../local/aws/service';
import type { DeployEnvironment } from '../../local/cloudformation/environment';
import type { CfnTemplate, StackEvent, StackRecord, StackStatus } from '../../local/cloudformation/model';
import { EMULATED_TYPES, NAMED_ONLY_TYPES } from '../../local/cloudformation/resource-types';
import {
  createCloudFormationService,
  DEFAULT_STACK_NAME,
  localCloudFormationAt,
  type LocalCloudFormation,
} from '../../local/cloudformation/service';
import { checkResourceTypes } from '../../local/cloudformation/template';
import { localEventBusAt } from '../../local/events/event-bus';
import type { LocalLambda } from '../../local/stepfunctions/lambda-task';
import type { PhysicalResource } from '../../local/cloudformation/cfn-resolver';
import { LOCAL_FUNCTION_CODE, localLambdaOfResource } from './local-lambdas';

export type { CfnTemplate } from '../../local/cloudformation/model';
export { EMULATED_TYPES, NAMED_ONLY_TYPES };

/** What `cdk deploy` acknowledges for a stack with IAM resources. */
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'];

export interface DeployOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** Local URL of each ALB listener port, used where the template builds URLs from the load balancer's DNS name. */
  readonly listenerUrl: (albPort: number) => string;
  /**
   * Registers a Lambda function with local Step Functions (`sfn.registerLambda`). The template's functions that have
   * a local handler (harness/deploy/local-lambdas.ts) are created through it; without it, such a template fails to
   * deploy, because its state machines would fail only when they invoke the function.
   */
  readonly registerLambda?: (functionName: string, handler: LocalLambda) => void;
  /** The stack's name in local CloudFormation. @default 'EcsBlueGreen' */
  readonly stackName?: string;
}

export interface DeployedStack {
  readonly outputs: Record<string, string>;
  readonly resources: ReadonlyMap<string, PhysicalResource>;
  /** Each state machine's definition as created locally (substitutions applied), by logical id. */
  readonly definitions: Readonly<Record<string, string>>;
  /** The resolved DefinitionSubstitutions of each state machine, by logical id. */
  readonly substitutions: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** ARN of each Lambda function that runs locally (registered with local Step Functions), by logical id. */
  readonly functions: Readonly<Record<string, string>>;
  /** Name of each pipeline created in local CodePipeline, by logical id. */
  readonly pipelines: Readonly<Record<string, string>>;
}

function deployedOf(stack: StackRecord): DeployedStack {
  const resources = new Map<string, PhysicalResource>();
  const definitions: Record<string, string> = {};
  const substitutions: Record<string, Readonly<Record<string, string>>> = {};
  const functions: Record<string, string> = {};
  const pipelines: Record<string, string> = {};
  for (const [id, r] of stack.resources) {
    resources.set(id, r.physical);
    if (r.local?.definition !== undefined) definitions[id] = r.local.definition;
    if (r.local?.substitutions !== undefined) substitutions[id] = r.local.substitutions;
    if (r.local?.functionArn !== undefined) functions[id] = r.local.functionArn;
    if (r.local?.pipelineName !== undefined) pipelines[id] = r.local.pipelineName;
  }
  return { outputs: { ...stack.outputs }, resources, definitions, substitutions, functions, pipelines };
}

/** The reasons of the resources that failed in the stack's last operation. */
const failures = (events: readonly StackEvent[]): string[] =>
  events
    .filter((e) => e.ResourceStatus.endsWith('_FAILED') && e.ResourceType !== 'AWS::CloudFormation::Stack')
    .map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason ?? ''}`);

const asError = (error: unknown): Error =>
  error instanceof Error ? new Error((error as AwsError).message) : new Error(String(error));

export async function deployTemplate(template: CfnTemplate, options: DeployOptions): Promise<DeployedStack> {
  try {
    checkResourceTypes(template); // an unknown type is named first, before what the options lack
  } catch (error) {
    throw asError(error);
  }
  const localFunctions = Object.entries(template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && localLambdaOfResource(id, r) !== undefined)
    .map(([id]) => id);
  if (localFunctions.length > 0 && options.registerLambda === undefined) {
    throw new Error(
      `The stack has Lambda functions that run locally (${localFunctions.join(', ')}) but deployTemplate got no registerLambda option. ` +
        'Pass registerLambda: (name, handler) => aws.sfn.registerLambda(name, handler).',
    );
  }
  const { region, accountId, endpoint } = options;
  // The local CloudFormation of this endpoint, or (local AWS without one, e.g. a DynamoDB-only test) a private one.
  const registered = localCloudFormationAt(endpoint);
  const cfn: LocalCloudFormation = registered ?? createCloudFormationService({ region, accountId });
  const eventBus = localEventBusAt(endpoint);
  const env: DeployEnvironment = {
    endpoint,
    region,
    accountId,
    clock: registered?.environment().clock ?? createClock(1),
    listenerUrl: options.listenerUrl,
    ...(options.registerLambda && { registerLambda: options.registerLambda }),
    functions: LOCAL_FUNCTION_CODE,
    ...(eventBus && { eventBus }),
  };
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  try {
    try {
      cfn.createStack(
        { StackName: stackName, TemplateBody: JSON.stringify(template), Capabilities: CAPABILITIES },
        env,
      );
    } catch (error) {
      throw asError(error);
    }
    const stack = await cfn.settled(stackName);
    if (stack.status !== 'CREATE_COMPLETE') {
      throw new Error(`Stack ${stackName} ended ${stack.status}: ${failures(stack.events).join('; ')}`);
    }
    return deployedOf(stack);
  } finally {
    if (!registered) await cfn.close();
  }
}

export interface StackOperationResult {
  readonly status: StackStatus;
  readonly statusReason?: string;
  /** The events of this operation, oldest first. */
  readonly events: readonly StackEvent[];
  readonly deployed: DeployedStack;
}

function localCloudFormation(endpoint: string): LocalCloudFormation {
  const cfn = localCloudFormationAt(endpoint);
  if (!cfn) throw new Error(`${endpoint} has no local CloudFormation: start local AWS with startLocalAwsStack.`);
  return cfn;
}

/**
 * UpdateStack of the stack deployed in the local AWS at `endpoint` with `template`, waiting until the update (and its
 * cleanup or rollback) ends. Resolves with the final status (UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, …) and the
 * update's events; rejects with CloudFormation's error when the update cannot start (e.g. "No updates are to be
 * performed.").
 */
export async function updateTemplate(
  template: CfnTemplate,
  options: { readonly endpoint: string; readonly stackName?: string },
): Promise<StackOperationResult> {
  const cfn = localCloudFormation(options.endpoint);
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const before = cfn.stack(stackName)?.events.length ?? 0;
  try {
    cfn.updateStack({ StackName: stackName, TemplateBody: JSON.stringify(template), Capabilities: CAPABILITIES });
  } catch (error) {
    throw asError(error);
  }
  const stack = await cfn.settled(stackName);
  return {
    status: stack.status,
    ...(stack.statusReason !== undefined && { statusReason: stack.statusReason }),
    events: stack.events.slice(before),
    deployed: deployedOf(stack),
  };
}

/** DeleteStack of the stack in the local AWS at `endpoint`, waiting until it ends (DELETE_COMPLETE or DELETE_FAILED). */
export async function deleteLocalStack(options: {
  readonly endpoint: string;
  readonly stackName?: string;
}): Promise<StackOperationResult> {
  const cfn = localCloudFormation(options.endpoint);
  const stack = cfn.stack(options.stackName ?? DEFAULT_STACK_NAME);
  if (!stack) throw new Error(`Stack with id ${options.stackName ?? DEFAULT_STACK_NAME} does not exist`);
  const before = stack.events.length;
  cfn.deleteStack(stack.id);
  await cfn.settled(stack.id);
  return {
    status: stack.status,
    ...(stack.statusReason !== undefined && { statusReason: stack.statusReason }),
    events: stack.events.slice(before),
    deployed: deployedOf(stack),
  };
}
