/**
 * Local EventBridge, in-process: the default event bus with the rules of the deployed template. Services of local AWS
 * put their state-change events here (local CodePipeline and local ECS do); each ENABLED rule whose pattern matches
 * invokes its targets, as EventBridge does. State machines (StartExecution) and CodePipeline pipelines
 * (StartPipelineExecution) are called through the real SDK clients against local AWS, signed as the target's role.
 * Lambda functions are invoked in process (the handler local Step Functions has registered under the function's
 * name), asynchronously, and only when the function's resource-based policy lets `events.amazonaws.com` invoke it
 * from the rule (lambda-permissions.ts; local CloudFormation puts AWS::Lambda::Permission statements here).
 * EventBridge's retries and dead-letter queues, and Lambda's asynchronous retries and destinations, are not
 * emulated: a failed invocation (a refused permission, a missing function, a handler that throws) is recorded in
 * `deliveries()`. There is no EventBridge API: rules come from the template (harness/deploy/deploy-template.ts)
 * through `putRule`. See README.md.
 */
import { randomUUID } from 'node:crypto';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { accessKeyForRole } from '../aws/principal';
import type { LocalLambda } from '../stepfunctions/lambda-task';
import {
  EVENTS_PRINCIPAL,
  functionRef,
  isLambdaFunctionArn,
  type LambdaPermission,
  permits,
} from './lambda-permissions';
import { checkPattern, matches, type EventPattern } from './pattern';

/** An event as EventBridge delivers it (the members rules match on). */
export interface LocalEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface LocalEventTarget {
  readonly id: string;
  readonly arn: string;
  /** The role EventBridge assumes to invoke the target; calls are signed as it. */
  readonly roleArn?: string;
  /** Constant JSON text passed as the target's input; without it the whole event is. */
  readonly input?: string;
}

export interface LocalEventRule {
  readonly name: string;
  readonly eventPattern: unknown;
  readonly state?: 'ENABLED' | 'DISABLED';
  readonly targets: readonly LocalEventTarget[];
}

export interface Delivery {
  readonly rule: string;
  readonly targetId: string;
  readonly eventId: string;
  /** The target's input, as sent. */
  readonly input: string;
  readonly outcome:
    | {
        readonly ok: true;
        readonly executionArn?: string;
        readonly pipelineExecutionId?: string;
        /** Lambda targets: what the handler returned (an asynchronous invocation's result goes nowhere on AWS). */
        readonly lambdaResult?: unknown;
      }
    | { readonly ok: false; readonly error: string };
}

export interface LocalEventBus {
  /** Adds or replaces a rule; throws when its pattern or a target is something local EventBridge cannot honour. */
  putRule(rule: LocalEventRule): void;
  rules(): LocalEventRule[];
  /** Matches the event against every rule and starts invoking the targets (asynchronously, as EventBridge does). */
  putEvent(event: LocalEvent): void;
  /** Every target invocation that has completed, oldest first. */
  deliveries(): Delivery[];
  /**
   * Adds (or replaces, by id) a statement of a Lambda function's resource-based policy. Throws, naming the member,
   * when AddPermission would refuse it.
   */
  putLambdaPermission(permission: LambdaPermission): void;
  /** Removes a statement (RemovePermission); unknown ids are ignored. */
  removeLambdaPermission(id: string): void;
  lambdaPermissions(): LambdaPermission[];
  /** Resolves when every invocation started so far has completed. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface EventBusOptions {
  readonly region: string;
  readonly accountId: string;
  /** Where local AWS listens; read at each invocation. */
  readonly endpoint: () => string;
  /**
   * The in-process handler of a Lambda function by name (local-aws.ts: local Step Functions' registered Lambdas).
   * @default no function exists: every Lambda target fails
   */
  readonly lambda?: (functionName: string) => LocalLambda | undefined;
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;
const PIPELINE_ARN = /^arn:aws[a-z-]*:codepipeline:[a-z0-9-]+:\d{12}:([A-Za-z0-9.@\-_]+)$/;
/** AddPermission's Action pattern. */
const PERMISSION_ACTION = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;
/** AddPermission's SourceArn pattern. */
const SOURCE_ARN = /^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)$/;

/** An AWS error as the target's service would answer it, recorded as `Name: message` in deliveries(). */
const failure = (name: string, message: string): Error => Object.assign(new Error(message), { name });

export function createEventBus(options: EventBusOptions): LocalEventBus {
  const rules = new Map<string, LocalEventRule & { readonly pattern: EventPattern }>();
  const permissions = new Map<string, LambdaPermission>();
  const ruleArn = (name: string): string => `arn:aws:events:${options.region}:${options.accountId}:rule/${name}`;
  const deliveries: Delivery[] = [];
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const config = (roleArn: string | undefined) => ({
    endpoint: options.endpoint(),
    region: options.region,
    // Unsigned-as-a-role calls are never judged by the IAM check; a target without a role is a template error anyway.
    credentials: { accessKeyId: roleArn ? accessKeyForRole(roleArn) : 'local-events', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

  /**
   * An asynchronous invocation by EventBridge: allowed by the function's resource-based policy or refused (the role
   * of the target, if any, plays no part); the handler gets the input parsed, as Lambda's runtime would.
   */
  async function invokeLambda(rule: LocalEventRule, target: LocalEventTarget, input: string) {
    const ref = functionRef(target.arn);
    if (ref === undefined) throw failure('ValidationException', `${target.arn} is not a Lambda function ARN.`);
    const by = { principal: EVENTS_PRINCIPAL, sourceArn: ruleArn(rule.name), sourceAccount: options.accountId };
    if (![...permissions.values()].some((p) => permits(p, ref, by))) {
      throw failure(
        'AccessDeniedException',
        `${EVENTS_PRINCIPAL} is not authorized to perform lambda:InvokeFunction on ${target.arn}: no statement of the function's resource-based policy allows it for ${by.sourceArn} (add an AWS::Lambda::Permission).`,
      );
    }
    const handler = ref.qualifier === undefined ? options.lambda?.(ref.name) : undefined;
    if (handler === undefined) {
      throw failure(
        'ResourceNotFoundException',
        `Function not found: ${target.arn}${ref.qualifier === undefined ? '' : ' (local AWS runs only unqualified functions)'}`,
      );
    }
    return { ok: true as const, lambdaResult: await handler(JSON.parse(input)) };
  }

  async function invoke(rule: LocalEventRule, target: LocalEventTarget, input: string): Promise<Delivery['outcome']> {
    if (isLambdaFunctionArn(target.arn)) return invokeLambda(rule, target, input);
    if (STATE_MACHINE_ARN.test(target.arn)) {
      const sfn = new SFNClient(config(target.roleArn));
      try {
        const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: target.arn, input }));
        return { ok: true, executionArn };
      } finally {
        sfn.destroy();
      }
    }
    const pipelineName = PIPELINE_ARN.exec(target.arn)?.[1] ?? '';
    const codepipeline = new CodePipelineClient(config(target.roleArn));
    try {
      const { pipelineExecutionId } = await codepipeline.send(
        new StartPipelineExecutionCommand({ name: pipelineName }),
      );
      return { ok: true, pipelineExecutionId };
    } finally {
      codepipeline.destroy();
    }
  }

  function deliver(rule: LocalEventRule, target: LocalEventTarget, event: LocalEvent): void {
    const input = target.input ?? JSON.stringify(event);
    // Never inline: the emitting service's state change completes before any target runs.
    const done = Promise.resolve()
      .then(() => invoke(rule, target, input))
      .catch((error: unknown): Delivery['outcome'] => ({
        ok: false,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      }))
      .then((outcome) => {
        deliveries.push({ rule: rule.name, targetId: target.id, eventId: event.id, input, outcome });
      });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  }

  return {
    putRule(rule) {
      checkPattern(rule.eventPattern);
      for (const target of rule.targets) {
        if (!STATE_MACHINE_ARN.test(target.arn) && !PIPELINE_ARN.test(target.arn) && !isLambdaFunctionArn(target.arn)) {
          throw new Error(
            `Rule ${rule.name} target ${target.id} is ${target.arn}; local EventBridge invokes only Step Functions state machines, CodePipeline pipelines and Lambda functions.`,
          );
        }
        if (target.input !== undefined) JSON.parse(target.input);
      }
      rules.set(rule.name, { ...rule, pattern: rule.eventPattern });
    },
    rules: () => [...rules.values()].map(({ pattern: _pattern, ...rule }) => rule),
    putEvent(event) {
      if (closed) return;
      for (const rule of rules.values()) {
        if (rule.state === 'DISABLED' || !matches(rule.pattern, event)) continue;
        for (const target of rule.targets) deliver(rule, target, event);
      }
    },
    deliveries: () => [...deliveries],
    putLambdaPermission(permission) {
      if (functionRef(permission.functionName) === undefined) {
        throw new Error(
          `Lambda permission ${permission.id}: FunctionName ${permission.functionName} is not a function name, ARN or partial ARN.`,
        );
      }
      if (!PERMISSION_ACTION.test(permission.action)) {
        throw new Error(
          `Lambda permission ${permission.id}: Action ${permission.action} must match (lambda:[*]|lambda:[a-zA-Z]+|[*]), e.g. lambda:InvokeFunction.`,
        );
      }
      if (permission.principal === '') throw new Error(`Lambda permission ${permission.id}: Principal is empty.`);
      if (permission.sourceArn !== undefined && !SOURCE_ARN.test(permission.sourceArn)) {
        throw new Error(`Lambda permission ${permission.id}: SourceArn ${permission.sourceArn} is not an ARN.`);
      }
      if (permission.sourceAccount !== undefined && !/^\d{12}$/.test(permission.sourceAccount)) {
        throw new Error(
          `Lambda permission ${permission.id}: SourceAccount ${permission.sourceAccount} must be a 12-digit account id.`,
        );
      }
      permissions.set(permission.id, { ...permission });
    },
    removeLambdaPermission(id) {
      permissions.delete(id);
    },
    lambdaPermissions: () => [...permissions.values()].map((p) => ({ ...p })),
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async close() {
      closed = true;
      await Promise.all([...inFlight]);
    },
  };
}

/** Builds an event in EventBridge's envelope. */
export function localEvent(
  fields: Pick<LocalEvent, 'source' | 'detail-type' | 'resources' | 'detail' | 'account' | 'region'> & {
    readonly time: number;
  },
): LocalEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': fields['detail-type'],
    source: fields.source,
    account: fields.account,
    time: new Date(fields.time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: fields.region,
    resources: fields.resources,
    detail: fields.detail,
  };
}

/**
 * The event bus of each local AWS by API endpoint, so the deploy step (which knows only the endpoint) can put the
 * template's rules on it. local-aws.ts registers on start and unregisters on close.
 */
const byEndpoint = new Map<string, LocalEventBus>();

export function registerLocalEventBus(endpoint: string, bus: LocalEventBus): () => void {
  byEndpoint.set(endpoint, bus);
  return () => {
    if (byEndpoint.get(endpoint) === bus) byEndpoint.delete(endpoint);
  };
}

export function localEventBusAt(endpoint: string): LocalEventBus | undefined {
  return byEndpoint.get(endpoint);
}
