/**
 * Local CloudFormation over the query protocol (version 2010-05-15): CreateStack, UpdateStack, DeleteStack,
 * DescribeStacks, DescribeStackEvents, DescribeStackResources, DescribeStackResource, ListStackResources and
 * GetTemplate, for the AWS SDK and CLI; the same operations in process for harness/deploy/deploy-template.ts and tests.
 * Stack operations run in the background, as on AWS: callers poll DescribeStacks (or await `settled`).
 * See README.md for what is emulated and every divergence from AWS.
 */
import { randomUUID } from 'node:crypto';
import { createClock } from '../aws/clock';
import { AwsError, type CallContext, type EmulatedService } from '../aws/service';
import { createCustomResourceResponses } from './custom-resource-responses';
import type { DeployEnvironment } from './environment';
import { alreadyExists, cannotUpdate, noUpdates, stackNotFound, validationError } from './errors';
import { IN_PROGRESS, type CfnTemplate, type StackRecord } from './model';
import { StackOperations } from './stack-operations';
import { checkCapabilities, checkResourceTypes, creationOrder, parseTemplateBody, resolveParameters } from './template';
import { jsonEqual } from './values';
import { resourceSummaryToWire, resourceToWire, stackToWire } from './wire';

/** The name `cdk deploy` gives the stack (examples/demo/create-app.ts STACK_NAME); a test keeps the two equal. */
export const DEFAULT_STACK_NAME = 'EcsBlueGreen';

/** AWS's TemplateBody limit; local CloudFormation accepts larger bodies (the synthesized template is ~300 KB). */
export const AWS_TEMPLATE_BODY_LIMIT = 51_200;

const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;
const EVENTS_PAGE = 100;

type Parameter = { ParameterKey?: string; ParameterValue?: string; UsePreviousValue?: boolean };

export interface StackRequest {
  readonly StackName: string;
  readonly TemplateBody?: string;
  readonly TemplateURL?: string;
  readonly Parameters?: readonly Parameter[];
  readonly Capabilities?: readonly string[];
  readonly Tags?: ReadonlyArray<{ Key: string; Value: string }>;
  readonly DisableRollback?: boolean;
  readonly OnFailure?: 'ROLLBACK' | 'DO_NOTHING' | 'DELETE';
  readonly UsePreviousTemplate?: boolean;
}

export interface LocalCloudFormation extends EmulatedService {
  /** CreateStack: validates, starts the creation in the background, returns the stack id. */
  createStack(request: StackRequest, env?: DeployEnvironment): { StackId: string };
  /** UpdateStack: validates (no changes, in-progress…), starts the update in the background. */
  updateStack(request: StackRequest): { StackId: string };
  deleteStack(nameOrId: string): void;
  /** The stack (by name, or by id, deleted ones included) once its running operation, if any, has ended. */
  settled(nameOrId: string): Promise<StackRecord>;
  stack(nameOrId: string): StackRecord | undefined;
  stackNames(): string[];
  /** The environment stacks created through the API are deployed in. */
  environment(): DeployEnvironment;
  /** Stops the custom-resource response endpoint. */
  close(): Promise<void>;
}

export interface CloudFormationServiceOptions {
  readonly region: string;
  readonly accountId: string;
  /** The environment API-created stacks are deployed in (endpoint, clock, hooks); deployTemplate passes its own. */
  readonly environment?: () => DeployEnvironment;
}

export function createCloudFormationService(options: CloudFormationServiceOptions): LocalCloudFormation {
  /** Live stacks by name; deleted stacks stay findable by id. */
  const live = new Map<string, StackRecord>();
  const all: StackRecord[] = [];
  const responses = createCustomResourceResponses();
  const operations = new StackOperations(responses);

  const find = (nameOrId: string): StackRecord | undefined => live.get(nameOrId) ?? all.find((s) => s.id === nameOrId);
  const existing = (nameOrId: unknown): StackRecord => {
    const name = typeof nameOrId === 'string' ? nameOrId : '';
    const stack = find(name);
    if (!stack) throw stackNotFound(name);
    return stack;
  };
  const run = (stack: StackRecord, operation: () => Promise<void>): void => {
    const done = operation().catch((error: unknown) => {
      // An internal error must not leave the stack IN_PROGRESS forever.
      stack.status = stack.status.startsWith('DELETE') ? 'DELETE_FAILED' : 'UPDATE_ROLLBACK_FAILED';
      stack.statusReason = `Internal failure: ${error instanceof Error ? error.message : String(error)}`;
    });
    stack.operation = done.finally(() => {
      if (stack.status === 'DELETE_COMPLETE' && live.get(stack.name) === stack) live.delete(stack.name);
    });
  };
  const templateOf = (request: StackRequest, previous?: StackRecord): { template: CfnTemplate; body: string } => {
    if (request.TemplateURL !== undefined) {
      throw validationError(
        'TemplateURL is not supported by local CloudFormation (it cannot read S3): pass the template as TemplateBody.',
      );
    }
    if (request.UsePreviousTemplate === true && previous) {
      if (request.TemplateBody !== undefined) {
        throw validationError('You cannot specify both usePreviousTemplate and Template Body');
      }
      return { template: previous.template, body: previous.templateBody };
    }
    if (request.TemplateBody === undefined) {
      throw validationError('Either Template URL or Template Body must be specified.');
    }
    const template = parseTemplateBody(request.TemplateBody);
    checkResourceTypes(template);
    creationOrder(template); // dependency errors (cycles, unknown DependsOn) fail the request, as on AWS
    return { template, body: request.TemplateBody };
  };
  const environment = (): DeployEnvironment =>
    options.environment?.() ?? {
      endpoint: '',
      region: options.region,
      accountId: options.accountId,
      clock: createClock(1),
      listenerUrl: () => 'http://127.0.0.1/',
    };
  const checkEnvironment = (template: CfnTemplate, env: DeployEnvironment): void => {
    const rules = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule');
    if (rules.length > 0 && !env.eventBus) {
      throw validationError(
        `The stack has EventBridge rules (${rules.map(([id]) => id).join(', ')}) but ${env.endpoint} has no local event bus: deploy into local AWS started with startLocalAwsStack.`,
      );
    }
  };

  const service: LocalCloudFormation = {
    serviceId: 'CloudFormation',
    operations: new Set([
      'CreateStack',
      'UpdateStack',
      'DeleteStack',
      'DescribeStacks',
      'DescribeStackEvents',
      'DescribeStackResources',
      'DescribeStackResource',
      'ListStackResources',
      'GetTemplate',
    ]),

    createStack(request, env = environment()) {
      if (!STACK_NAME.test(request.StackName) || request.StackName.length > 128) {
        throw validationError(
          `1 validation error detected: Value '${request.StackName}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*`,
        );
      }
      const { template, body } = templateOf(request);
      if (live.has(request.StackName)) throw alreadyExists(request.StackName);
      const capabilities = [...(request.Capabilities ?? [])];
      checkCapabilities(template, capabilities);
      const parameters = resolveParameters(template, request.Parameters ?? []);
      checkEnvironment(template, env);
      if (request.DisableRollback === true && request.OnFailure !== undefined) {
        throw validationError('You cannot specify both OnFailure and DisableRollback.');
      }
      const onFailure = request.DisableRollback === true ? 'DO_NOTHING' : (request.OnFailure ?? 'ROLLBACK');
      const stack: StackRecord = {
        id: `arn:aws:cloudformation:${env.region}:${env.accountId}:stack/${request.StackName}/${randomUUID()}`,
        name: request.StackName,
        created: env.clock.now(),
        status: 'CREATE_IN_PROGRESS',
        template,
        templateBody: body,
        parameters,
        capabilities,
        tags: [...(request.Tags ?? [])],
        disableRollback: onFailure === 'DO_NOTHING',
        resources: new Map(),
        outputs: {},
        events: [],
        env,
      };
      live.set(stack.name, stack);
      all.push(stack);
      run(stack, () => operations.create(stack, onFailure));
      return { StackId: stack.id };
    },

    updateStack(request) {
      const stack = existing(request.StackName);
      if (stack.status === 'DELETE_COMPLETE') throw stackNotFound(request.StackName);
      if (!['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'].includes(stack.status)) {
        throw cannotUpdate(stack.id, stack.status);
      }
      const { template, body } = templateOf(request, stack);
      const capabilities = request.Capabilities ?? [];
      checkCapabilities(template, capabilities);
      const parameters = resolveParameters(template, request.Parameters ?? [], stack.parameters);
      checkEnvironment(template, stack.env);
      if (jsonEqual(template, stack.template) && jsonEqual(parameters, stack.parameters)) throw noUpdates();
      run(stack, () => operations.update(stack, template, body, parameters));
      return { StackId: stack.id };
    },

    deleteStack(nameOrId) {
      const stack = find(nameOrId);
      // Deleting a stack that does not exist (or no longer does) succeeds, as on AWS.
      if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return;
      if (IN_PROGRESS(stack.status)) {
        throw validationError(`Stack [${stack.name}] cannot be deleted while in status ${stack.status}`);
      }
      run(stack, () => operations.delete(stack));
    },

    async settled(nameOrId) {
      const stack = existing(nameOrId);
      await stack.operation;
      return stack;
    },

    stack: find,
    environment,
    stackNames: () => [...live.keys()],
    close: () => responses.close(),

    invoke(operation: string, input: Record<string, unknown>, _ctx: CallContext): Promise<unknown> {
      try {
        return Promise.resolve(dispatch(operation, input));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
  };

  const dispatch = (operation: string, input: Record<string, unknown>): unknown => {
    const name = typeof input.StackName === 'string' ? input.StackName : undefined;
    switch (operation) {
      case 'CreateStack':
        return service.createStack(input as unknown as StackRequest);
      case 'UpdateStack':
        return service.updateStack(input as unknown as StackRequest);
      case 'DeleteStack':
        service.deleteStack(name ?? '');
        return {};
      case 'DescribeStacks': {
        if (name === undefined) return { Stacks: [...live.values()].map(stackToWire) };
        const stack = existing(name);
        // By name, a deleted stack does not exist; by stack id it is still described (DELETE_COMPLETE).
        if (stack.status === 'DELETE_COMPLETE' && stack.id !== name) throw stackNotFound(name);
        return { Stacks: [stackToWire(stack)] };
      }
      case 'DescribeStackEvents': {
        const stack = existing(name);
        const events = [...stack.events].reverse();
        const start = Number(typeof input.NextToken === 'string' ? input.NextToken : '0') || 0;
        const page = events.slice(start, start + EVENTS_PAGE);
        const next = start + EVENTS_PAGE < events.length ? String(start + EVENTS_PAGE) : undefined;
        return { StackEvents: page, ...(next !== undefined && { NextToken: next }) };
      }
      case 'GetTemplate': {
        const stack = existing(name);
        return { TemplateBody: stack.templateBody, StagesAvailable: ['Original', 'Processed'] };
      }
      case 'DescribeStackResources': {
        const physical = typeof input.PhysicalResourceId === 'string' ? input.PhysicalResourceId : undefined;
        const stack =
          name !== undefined
            ? existing(name)
            : all.find((s) => [...s.resources.values()].some((r) => r.physical.ref === physical));
        if (!stack) {
          throw name === undefined && physical === undefined
            ? validationError('Either StackName or PhysicalResourceId must be specified.')
            : stackNotFound(name ?? String(physical));
        }
        const logical = typeof input.LogicalResourceId === 'string' ? input.LogicalResourceId : undefined;
        const resources = [...stack.resources.values()].filter(
          (r) =>
            (logical === undefined || r.logicalId === logical) &&
            (physical === undefined || r.physical.ref === physical || name !== undefined),
        );
        return { StackResources: resources.map((r) => resourceToWire(stack, r)) };
      }
      case 'DescribeStackResource': {
        const stack = existing(name);
        const logical = String(input.LogicalResourceId ?? '');
        const resource = stack.resources.get(logical);
        if (!resource) throw validationError(`Resource ${logical} does not exist for stack ${stack.name}`);
        return {
          StackResourceDetail: { ...resourceToWire(stack, resource), LastUpdatedTimestamp: new Date(resource.updated) },
        };
      }
      case 'ListStackResources': {
        const stack = existing(name);
        return { StackResourceSummaries: [...stack.resources.values()].map(resourceSummaryToWire) };
      }
      default:
        throw new AwsError('InvalidAction', `Operation ${operation} is not supported`, 400);
    }
  };
  return service;
}

/**
 * Local CloudFormation by API endpoint, so the deploy step (which knows only the endpoint) creates its stack in the
 * local AWS it deploys into. local-aws.ts registers on start and unregisters on close.
 */
const byEndpoint = new Map<string, LocalCloudFormation>();

export function registerLocalCloudFormation(endpoint: string, service: LocalCloudFormation): () => void {
  byEndpoint.set(endpoint, service);
  return () => {
    if (byEndpoint.get(endpoint) === service) byEndpoint.delete(endpoint);
  };
}

export function localCloudFormationAt(endpoint: string): LocalCloudFormation | undefined {
  return byEndpoint.get(endpoint);
}
