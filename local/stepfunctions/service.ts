/**
 * Local Step Functions: the SFN API (JSON 1.0 wire names, epoch-second timestamps) over executions run by
 * aws-local-stepfunctions, whose aws-sdk Tasks call local ECS/ELBv2 through the real SDK clients.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../aws/clock';
import { AwsError, type CallContext, type EmulatedService } from '../aws/service';
import { checkArn, checkName, executionArn, stateMachineArn } from './arns';
import { callbackOperations } from './callback-api';
import { CallbackRegistry } from './callback-task';
import { checkDefinition } from './definition-check';
import type { JsonObject } from './definition-walk';
import { LocalExecution, type ExecutionSnapshot, type ExecutionStatus } from './execution';
import { detailsMember, type HistoryEvent } from './history';
import { lambdaFunctionName, type LocalLambda } from './lambda-task';
import { paginate } from './pagination';
import { planRun, type RunPlan } from './run-plan';
import { SdkClientPool } from './sdk-client-pool';

export interface StepFunctionsServiceOptions {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** Where local AWS listens (`http://127.0.0.1:PORT`); read at each call, so it may be set after creation. */
  readonly endpoint: () => string;
  /** Handlers for `arn:aws:states:::lambda:invoke`, by function name. */
  readonly lambdas?: Readonly<Record<string, LocalLambda>>;
}

export interface StepFunctionsService extends EmulatedService {
  /** Every execution started so far, oldest first. */
  executions(): ExecutionSnapshot[];
  /** Resolves when the execution has ended (and its history is complete). */
  waitForExecution(executionArn: string): Promise<ExecutionSnapshot>;
  /**
   * Makes `lambda:invoke` Tasks with this FunctionName (a name, partial ARN or ARN; qualifiers are ignored) run
   * `handler`, also in executions already running. Registering a name again replaces its handler, as an update of
   * the function's code would.
   */
  registerLambda(functionNameOrArn: string, handler: LocalLambda): void;
  /** The handler registered for this function name (or ARN; qualifiers are ignored), if any. */
  registeredLambda(functionNameOrArn: string): LocalLambda | undefined;
  /** Stops running executions and waits for them to end. */
  close(): Promise<void>;
}

interface StateMachineRecord {
  readonly arn: string;
  readonly name: string;
  readonly type: string;
  readonly creationDate: number;
  definition: string;
  roleArn: string;
  plan: RunPlan;
  updateDate?: number;
  revisionId: string;
  loggingConfiguration: unknown;
  readonly tags: Map<string, string>;
}

const OPERATIONS = [
  'CreateStateMachine',
  'DescribeStateMachine',
  'DescribeStateMachineForExecution',
  'ListStateMachines',
  'UpdateStateMachine',
  'DeleteStateMachine',
  'StartExecution',
  'DescribeExecution',
  'ListExecutions',
  'GetExecutionHistory',
  'StopExecution',
  'SendTaskSuccess',
  'SendTaskFailure',
  'SendTaskHeartbeat',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
] as const;
type Operation = (typeof OPERATIONS)[number];

const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'];
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+/;

const seconds = (ms: number): number => ms / 1000;

/** StartExecution's `input`: Maximum length of 262144 (bytes in UTF-8), the 256 KiB payload quota. */
const MAX_EXECUTION_INPUT_BYTES = 262144;

function requireString(input: Record<string, unknown>, member: string): string {
  const value = input[member];
  if (typeof value !== 'string' || value === '') {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optionalString(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  return typeof value === 'string' ? value : undefined;
}

function tagsFrom(value: unknown): Array<[string, string]> {
  if (!Array.isArray(value)) return [];
  return value.flatMap((tag: unknown) => {
    const { key, value: tagValue } = (tag ?? {}) as { key?: unknown; value?: unknown };
    return typeof key === 'string' ? [[key, typeof tagValue === 'string' ? tagValue : ''] as [string, string]] : [];
  });
}

/** The input/output members GetExecutionHistory leaves out when includeExecutionData is false. */
const EXECUTION_DATA_MEMBERS = new Set(['input', 'inputDetails', 'output', 'outputDetails', 'parameters']);

function wireEvent(event: HistoryEvent, includeData: boolean): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: event.id,
    previousEventId: event.previousEventId,
    timestamp: seconds(event.timestamp),
    type: event.type,
  };
  if (event.details) {
    wire[detailsMember(event.type)] = includeData
      ? event.details
      : Object.fromEntries(Object.entries(event.details).filter(([k]) => !EXECUTION_DATA_MEMBERS.has(k)));
  }
  return wire;
}

export function createStepFunctionsService(options: StepFunctionsServiceOptions): StepFunctionsService {
  const { clock, region, accountId } = options;
  // Shared with every execution, so functions registered later are visible to them.
  const lambdas: Record<string, LocalLambda> = { ...options.lambdas };
  const stateMachines = new Map<string, StateMachineRecord>();
  const executions = new Map<string, LocalExecution>();
  const clients = new SdkClientPool();
  const callbackRegistry = new CallbackRegistry(clock);
  // Library events carry wall-clock times; history reports emulated time on the same scale as the Clock.
  const wallAnchor = Date.now();
  const emulatedAnchor = clock.now();
  const toEmulatedMs = (wallMs: number): number => emulatedAnchor + (wallMs - wallAnchor) / clock.timeScale;

  function checkedPlan(definition: string): RunPlan {
    const checked = checkDefinition(definition);
    if ('problems' in checked) {
      throw new AwsError('InvalidDefinition', `Invalid State Machine Definition: '${checked.problems.join('; ')}'`);
    }
    return planRun(checked.definition as JsonObject, clock);
  }

  function checkRoleArn(roleArn: string): string {
    if (!ROLE_ARN.test(roleArn))
      throw new AwsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${roleArn}'`);
    return roleArn;
  }

  function stateMachine(arn: string): StateMachineRecord {
    const record = stateMachines.get(checkArn(arn, 'stateMachine'));
    if (!record) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return record;
  }

  function execution(arn: string): LocalExecution {
    const found = executions.get(checkArn(arn, 'execution'));
    if (!found) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return found;
  }

  function listItem(snapshot: ExecutionSnapshot): Record<string, unknown> {
    return {
      executionArn: snapshot.executionArn,
      stateMachineArn: snapshot.stateMachineArn,
      name: snapshot.name,
      status: snapshot.status,
      startDate: seconds(snapshot.startDate),
      ...(snapshot.stopDate !== undefined && { stopDate: seconds(snapshot.stopDate) }),
    };
  }

  const handlers: Record<Operation, (input: Record<string, unknown>) => unknown> = {
    CreateStateMachine(input) {
      const name = checkName(requireString(input, 'name'), 'state machine');
      const definition = requireString(input, 'definition');
      const roleArn = checkRoleArn(requireString(input, 'roleArn'));
      const type = optionalString(input, 'type') ?? 'STANDARD';
      const arn = stateMachineArn(region, accountId, name);
      const existing = stateMachines.get(arn);
      if (existing) {
        // CreateStateMachine is idempotent for an identical request.
        if (existing.definition === definition && existing.roleArn === roleArn && existing.type === type) {
          return { stateMachineArn: arn, creationDate: seconds(existing.creationDate) };
        }
        throw new AwsError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
      }
      const plan = checkedPlan(definition);
      const creationDate = clock.now();
      stateMachines.set(arn, {
        arn,
        name,
        type,
        creationDate,
        definition,
        roleArn,
        plan,
        revisionId: randomUUID(),
        loggingConfiguration: input['loggingConfiguration'] ?? { level: 'OFF', includeExecutionData: false },
        tags: new Map(tagsFrom(input['tags'])),
      });
      return { stateMachineArn: arn, creationDate: seconds(creationDate) };
    },

    DescribeStateMachine(input) {
      const record = stateMachine(requireString(input, 'stateMachineArn'));
      return {
        stateMachineArn: record.arn,
        name: record.name,
        status: 'ACTIVE',
        definition: record.definition,
        roleArn: record.roleArn,
        type: record.type,
        creationDate: seconds(record.creationDate),
        loggingConfiguration: record.loggingConfiguration,
        tracingConfiguration: { enabled: false },
        revisionId: record.revisionId,
      };
    },

    DescribeStateMachineForExecution(input) {
      const snapshot = execution(requireString(input, 'executionArn')).snapshot();
      const record = stateMachine(snapshot.stateMachineArn);
      return {
        stateMachineArn: record.arn,
        name: record.name,
        definition: record.definition,
        roleArn: record.roleArn,
        updateDate: seconds(record.updateDate ?? record.creationDate),
        loggingConfiguration: record.loggingConfiguration,
        tracingConfiguration: { enabled: false },
        revisionId: record.revisionId,
      };
    },

    ListStateMachines(input) {
      const all = [...stateMachines.values()].sort((a, b) => a.name.localeCompare(b.name));
      const { page, nextToken } = paginate(all, input['maxResults'], input['nextToken']);
      return {
        stateMachines: page.map((r) => ({
          stateMachineArn: r.arn,
          name: r.name,
          type: r.type,
          creationDate: seconds(r.creationDate),
        })),
        ...(nextToken !== undefined && { nextToken }),
      };
    },

    UpdateStateMachine(input) {
      const record = stateMachine(requireString(input, 'stateMachineArn'));
      const definition = optionalString(input, 'definition');
      const roleArn = optionalString(input, 'roleArn');
      if (definition === undefined && roleArn === undefined && input['loggingConfiguration'] === undefined) {
        throw new AwsError(
          'MissingRequiredParameter',
          'Either the definition, the roleArn or the loggingConfiguration must be specified',
        );
      }
      // Validate everything before changing anything; running executions keep the definition they started with.
      const plan = definition === undefined ? record.plan : checkedPlan(definition);
      if (roleArn !== undefined) record.roleArn = checkRoleArn(roleArn);
      if (definition !== undefined) {
        record.definition = definition;
        record.plan = plan;
      }
      if (input['loggingConfiguration'] !== undefined) record.loggingConfiguration = input['loggingConfiguration'];
      record.updateDate = clock.now();
      record.revisionId = randomUUID();
      return { updateDate: seconds(record.updateDate), revisionId: record.revisionId };
    },

    DeleteStateMachine(input) {
      const arn = checkArn(requireString(input, 'stateMachineArn'), 'stateMachine');
      // Deleting is idempotent on AWS; running executions finish on their own.
      stateMachines.delete(arn);
      return {};
    },

    StartExecution(input) {
      const record = stateMachine(requireString(input, 'stateMachineArn'));
      const name = checkName(optionalString(input, 'name') ?? randomUUID(), 'execution');
      const inputText = optionalString(input, 'input') ?? '{}';
      // The API reference: input is at most 262144 long, counted in UTF-8 bytes; a modelled constraint, so AWS's
      // validation layer answers ValidationException (the member is sensitive: its value is not echoed).
      if (Buffer.byteLength(inputText, 'utf8') > MAX_EXECUTION_INPUT_BYTES) {
        throw new AwsError(
          'ValidationException',
          `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_EXECUTION_INPUT_BYTES}`,
        );
      }
      // Any JSON value is a valid input (an object, an array, a string, a number, true/false or null).
      try {
        JSON.parse(inputText);
      } catch (error) {
        throw new AwsError(
          'InvalidExecutionInput',
          `Invalid State Machine Execution Input: '${(error as Error).message}'`,
        );
      }
      const arn = executionArn(region, accountId, record.name, name);
      const existing = executions.get(arn);
      if (existing) {
        // Same name and input while still running is an idempotent retry of the same start.
        if (existing.status === 'RUNNING' && existing.input === inputText) {
          return { executionArn: arn, startDate: seconds(existing.snapshot().startDate) };
        }
        throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
      }
      const started = new LocalExecution({
        executionArn: arn,
        name,
        stateMachineArn: record.arn,
        stateMachineName: record.name,
        roleArn: record.roleArn,
        plan: record.plan,
        input: inputText,
        clock,
        region,
        endpoint: options.endpoint,
        lambdas,
        toEmulatedMs,
        clients,
        callbackRegistry,
      });
      executions.set(arn, started);
      return { executionArn: arn, startDate: seconds(started.snapshot().startDate) };
    },

    DescribeExecution(input) {
      const snapshot = execution(requireString(input, 'executionArn')).snapshot();
      return {
        ...listItem(snapshot),
        input: snapshot.input,
        inputDetails: { included: true },
        ...(snapshot.output !== undefined && { output: snapshot.output, outputDetails: { included: true } }),
        ...(snapshot.error !== undefined && { error: snapshot.error }),
        ...(snapshot.cause !== undefined && { cause: snapshot.cause }),
      };
    },

    ListExecutions(input) {
      const arn = requireString(input, 'stateMachineArn');
      const record = stateMachines.get(checkArn(arn, 'stateMachine'));
      const statusFilter = input['statusFilter'];
      if (statusFilter !== undefined && !EXECUTION_STATUSES.includes(statusFilter as ExecutionStatus)) {
        throw new AwsError('ValidationException', `Invalid statusFilter: '${String(statusFilter)}'`);
      }
      const matching = [...executions.values()]
        .map((e) => e.snapshot())
        .filter((s) => s.stateMachineArn === arn && (statusFilter === undefined || s.status === statusFilter));
      if (!record && matching.length === 0)
        throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
      // Newest first, as AWS lists them.
      const { page, nextToken } = paginate(matching.reverse(), input['maxResults'], input['nextToken']);
      return { executions: page.map(listItem), ...(nextToken !== undefined && { nextToken }) };
    },

    GetExecutionHistory(input) {
      const snapshot = execution(requireString(input, 'executionArn')).snapshot();
      const events = input['reverseOrder'] === true ? [...snapshot.history].reverse() : snapshot.history;
      const { page, nextToken } = paginate(events, input['maxResults'], input['nextToken']);
      const includeData = input['includeExecutionData'] !== false;
      return { events: page.map((e) => wireEvent(e, includeData)), ...(nextToken !== undefined && { nextToken }) };
    },

    StopExecution(input) {
      const found = execution(requireString(input, 'executionArn'));
      const stopDate = found.stop(optionalString(input, 'error'), optionalString(input, 'cause'));
      return { stopDate: seconds(stopDate) };
    },

    ...callbackOperations(callbackRegistry),

    TagResource(input) {
      const record = taggable(requireString(input, 'resourceArn'));
      for (const [key, value] of tagsFrom(input['tags'])) record.tags.set(key, value);
      return {};
    },

    UntagResource(input) {
      const record = taggable(requireString(input, 'resourceArn'));
      const keys = Array.isArray(input['tagKeys']) ? input['tagKeys'] : [];
      for (const key of keys) if (typeof key === 'string') record.tags.delete(key);
      return {};
    },

    ListTagsForResource(input) {
      const record = taggable(requireString(input, 'resourceArn'));
      return { tags: [...record.tags].map(([key, value]) => ({ key, value })) };
    },
  };

  function taggable(resourceArn: string): StateMachineRecord {
    const record = stateMachines.get(resourceArn);
    if (!record) throw new AwsError('ResourceNotFound', `Resource not found: '${resourceArn}'`);
    return record;
  }

  return {
    serviceId: 'SFN',
    operations: new Set<string>(OPERATIONS),
    invoke(operation: string, input: Record<string, unknown>, _ctx: CallContext): Promise<unknown> {
      const handler = (handlers as Record<string, ((input: Record<string, unknown>) => unknown) | undefined>)[
        operation
      ];
      if (!handler) {
        return Promise.reject(new AwsError('UnknownOperationException', `Unknown operation ${operation}`));
      }
      try {
        return Promise.resolve(handler(input));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
    executions: () => [...executions.values()].map((e) => e.snapshot()),
    async waitForExecution(arn: string) {
      const found = execution(arn);
      await found.done;
      return found.snapshot();
    },
    registerLambda(functionNameOrArn: string, handler: LocalLambda) {
      const name = lambdaFunctionName(functionNameOrArn);
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
        throw new Error(
          `Cannot register Lambda function '${functionNameOrArn}': its name '${name}' must be 1-64 letters, digits, '-' or '_'. Give a function name or ARN.`,
        );
      }
      // defineProperty, so even a function named __proto__ is an own entry and never the object's prototype.
      Object.defineProperty(lambdas, name, { value: handler, enumerable: true, writable: true, configurable: true });
    },
    registeredLambda(functionNameOrArn: string) {
      const name = lambdaFunctionName(functionNameOrArn);
      return Object.hasOwn(lambdas, name) ? lambdas[name] : undefined;
    },
    async close() {
      const all = [...executions.values()];
      for (const running of all) running.stop('States.Aborted', 'local Step Functions was closed');
      await Promise.all(all.map((e) => e.done));
      clients.destroyAll();
    },
  };
}
