/**
 * Local EventBridge, in-process: the default event bus with the rules of the deployed template. Services of local AWS
 * put their state-change events here (local CodePipeline does); each ENABLED rule whose pattern matches invokes its
 * targets through the real SDK clients against local AWS, signed as the target's role, as EventBridge does. Targets
 * are Step Functions state machines (StartExecution) and CodePipeline pipelines (StartPipelineExecution).
 * EventBridge's retries and dead-letter queues are not emulated: a failed invocation is recorded in `deliveries()`.
 * There is no EventBridge API: rules come from the template (harness/deploy/deploy-template.ts) through `putRule`.
 */
import { randomUUID } from 'node:crypto';
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { accessKeyForRole } from '../aws/principal';
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
    | { readonly ok: true; readonly executionArn?: string; readonly pipelineExecutionId?: string }
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
  /** Resolves when every invocation started so far has completed. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface EventBusOptions {
  readonly region: string;
  readonly accountId: string;
  /** Where local AWS listens; read at each invocation. */
  readonly endpoint: () => string;
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;
const PIPELINE_ARN = /^arn:aws[a-z-]*:codepipeline:[a-z0-9-]+:\d{12}:([A-Za-z0-9.@\-_]+)$/;

export function createEventBus(options: EventBusOptions): LocalEventBus {
  const rules = new Map<string, LocalEventRule & { readonly pattern: EventPattern }>();
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

  async function invoke(target: LocalEventTarget, input: string): Promise<Delivery['outcome']> {
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
    const done = invoke(target, input)
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
        if (!STATE_MACHINE_ARN.test(target.arn) && !PIPELINE_ARN.test(target.arn)) {
          throw new Error(
            `Rule ${rule.name} target ${target.id} is ${target.arn}; local EventBridge invokes only Step Functions state machines and CodePipeline pipelines.`,
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
