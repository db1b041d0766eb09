/**
 * One operation per service at a time, and the deployment record every machine decides from.
 *
 * Both live in one DynamoDB item per service (key: the service ARN), written only through Step Functions' optimized
 * DynamoDB integration with conditional writes:
 * - `lease`: {holder, machine, operation, since}. Taken before the first read that a decision depends on, given back
 *   on every exit (success and failure alike). A second operation finds it held and fails before any change, naming
 *   the holder. A holder that is no longer RUNNING (stopped, timed out, failed without giving it back) is taken over,
 *   and the taking execution says so in its output. Every conditional write names this execution as the holder, so a
 *   retry after a lost answer recognises its own earlier write.
 * - `record`: JSON text {phase, green, previous, live, updatedBy}. Written at each phase change, only by the lease
 *   holder (the write is conditioned on the lease: a taken-over execution can no longer write).
 */
import type {
  ChoiceRule,
  Condition,
  Json,
  Payload,
  PassState,
  Retrier,
  State,
  StateMachine,
  States,
  TaskState,
} from './asl';
import type { MachineName } from '../../contract';
import { backoff, catchTo, FAILED, fmtReject } from './basics';

const ddb = (action: string): string => `arn:aws:states:::dynamodb:${action}`;
const KEY = { service: { S: '${ServiceArn}' } };
const TABLE = '${DeploymentTableName}';

/**
 * Errors of the optimized DynamoDB integration worth retrying (local/dynamodb/README.md, "error naming"): the
 * modelled throughput and internal errors, and `AmazonDynamoDBException`, the base exception that throttling and
 * other 5xx surface as. ConditionalCheckFailed is an answer, never retried.
 */
export const DDB_TRANSIENT: readonly string[] = [
  'DynamoDB.AmazonDynamoDBException',
  'DynamoDB.InternalServerErrorException',
  'DynamoDB.ProvisionedThroughputExceededException',
  // The model's RequestLimitExceeded code surfaces with the Exception suffix (local/dynamodb/README.md).
  'DynamoDB.RequestLimitExceededException',
];
export const ddbRetry: readonly Retrier[] = [backoff(DDB_TRANSIENT, 1)];
const CONDITION_FAILED = 'DynamoDB.ConditionalCheckFailedException';
/** A lease re-taken (lost answer) or taken over by the same execution: the item's holder is this execution. */
const HOLDER_IS_ME = '#lease.#holder = :me';
const NAMES = { '#lease': 'lease', '#holder': 'holder', '#record': 'record' };

/** The lease value this execution writes. */
const leaseValue = (machine: string, operation: string): Json => ({
  M: {
    holder: { 'S.$': '$$.Execution.Id' },
    machine: { S: machine },
    operation: { S: operation },
    since: { 'S.$': '$$.Execution.StartTime' },
  },
});

/** The machines that may wait for an approval before they take the lease (approval.ts). */
const APPROVED_MACHINES: readonly MachineName[] = ['swap', 'clean-up'];
/** How long an approved execution waits for a running holder to give the lease back: 12 × 5 s. */
const APPROVED_LEASE_WAITS = 12;
const APPROVED_LEASE_WAIT_SECONDS = 5;

/**
 * An execution that was just approved (`$.approval` set by its AwaitApproval) and finds the lease held by a running
 * execution waits for it, a minute at most, instead of refusing at once: the machine that started it (deploy-green,
 * or swap) gives the lease back only after starting it, so an approval given in those seconds, or during any other
 * short operation, is not used up by a refusal. After the minute it refuses as any other operation does.
 */
function approvedLeaseWaitRules(): ChoiceRule[] {
  const running = { Variable: '$.leaseHolder.execution.status', StringEquals: 'RUNNING' } as const;
  return [
    {
      And: [
        running,
        { Variable: '$.approval', IsPresent: true },
        { Not: { Variable: '$.approvedLeaseWait', IsPresent: true } },
      ],
      Next: 'FirstApprovedLeaseWait',
    },
    {
      And: [
        running,
        { Variable: '$.approvedLeaseWait', IsPresent: true },
        { Variable: '$.approvedLeaseWait.n', NumericLessThan: APPROVED_LEASE_WAITS },
      ],
      Next: 'CountApprovedLeaseWait',
    },
  ];
}

function approvedLeaseWaitStates(): States {
  return {
    FirstApprovedLeaseWait: {
      Type: 'Pass',
      Result: { n: 1 },
      ResultPath: '$.approvedLeaseWait',
      Next: 'WaitForLeaseAfterApproval',
    },
    CountApprovedLeaseWait: {
      Type: 'Pass',
      Parameters: { 'n.$': 'States.MathAdd($.approvedLeaseWait.n, 1)' },
      ResultPath: '$.approvedLeaseWait',
      Next: 'WaitForLeaseAfterApproval',
    },
    WaitForLeaseAfterApproval: {
      Type: 'Wait',
      Comment:
        'Approved while another execution holds the lease (often the one that started this one, about to give it back): try again shortly rather than use the approval up.',
      Seconds: APPROVED_LEASE_WAIT_SECONDS,
      Next: 'AcquireLease',
    },
  };
}

/** The first record a service gets (no version live yet, nothing in flight). */
const EMPTY_RECORD = '{"phase":"none"}';

/**
 * AcquireLease → (held?) ReadLeaseHolder → DescribeLeaseHolder → RUNNING: refuse, nothing changed; otherwise
 * TakeOverLease. `$.lease` ends as {record, takenOverFrom}: the parsed deployment record, and the stale holder this
 * execution took the lease from (null when the lease was free).
 */
function acquireLeaseStates({
  machine,
  operation,
  next,
}: {
  machine: MachineName;
  operation: string;
  next: string;
}): States {
  const acquireParameters = (condition: string, extraValues: Payload): Payload => ({
    TableName: TABLE,
    Key: KEY,
    UpdateExpression: 'SET #lease = :lease, #record = if_not_exists(#record, :empty)',
    ConditionExpression: condition,
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: {
      ':lease': leaseValue(machine, operation),
      ':me': { 'S.$': '$$.Execution.Id' },
      ':empty': { S: EMPTY_RECORD },
      ...extraValues,
    },
    ReturnValues: 'ALL_NEW',
  });
  return {
    AcquireLease: {
      Type: 'Task',
      Resource: ddb('updateItem'),
      Comment:
        'One operation per service: the lease is free, or already ours (a retry after a lost answer). Taken before anything is read that a decision depends on.',
      Parameters: acquireParameters(`attribute_not_exists(#lease) OR ${HOLDER_IS_ME}`, {}),
      ResultSelector: { 'record.$': 'States.StringToJson($.Attributes.record.S)', takenOverFrom: null },
      ResultPath: '$.lease',
      Retry: ddbRetry,
      Catch: [
        { ErrorEquals: [CONDITION_FAILED], ResultPath: '$.leaseError', Next: 'ReadLeaseHolder' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'FailBeforeChanges' },
      ],
      Next: next,
    },
    ReadLeaseHolder: {
      Type: 'Task',
      Resource: ddb('getItem'),
      Parameters: { TableName: TABLE, Key: KEY, ConsistentRead: true },
      ResultSelector: { 'item.$': '$.Item' },
      ResultPath: '$.leaseHolder',
      Retry: ddbRetry,
      Catch: catchTo('FailBeforeChanges'),
      Next: 'IsLeaseStillHeld',
    },
    IsLeaseStillHeld: {
      Type: 'Choice',
      Comment: 'The holder may have given the lease back between our write and this read: then try again.',
      Choices: [{ Variable: '$.leaseHolder.item.lease.M.holder.S', IsPresent: true, Next: 'DescribeLeaseHolder' }],
      Default: 'HasLeaseAttempts',
    },
    HasLeaseAttempts: {
      Type: 'Choice',
      Comment:
        'The retry counter is started by the first lost race, not before AcquireLease: an uncontended lease costs no state for it.',
      Choices: [{ Variable: '$.leaseAttempts.n', IsPresent: true, Next: 'CountLeaseAttempt' }],
      Default: 'FirstLeaseAttempt',
    },
    FirstLeaseAttempt: { Type: 'Pass', Result: { n: 1 }, ResultPath: '$.leaseAttempts', Next: 'MayRetryLease' },
    CountLeaseAttempt: {
      Type: 'Pass',
      Parameters: { 'n.$': 'States.MathAdd($.leaseAttempts.n, 1)' },
      ResultPath: '$.leaseAttempts',
      Next: 'MayRetryLease',
    },
    MayRetryLease: {
      Type: 'Choice',
      Choices: [{ Variable: '$.leaseAttempts.n', NumericLessThan: 4, Next: 'AcquireLease' }],
      Default: 'RejectLeaseContended',
    },
    RejectLeaseContended: fmtReject(
      'BlueGreen.OperationInProgress',
      "States.Format('Service {} is being taken by other operations right now (the lease changed hands {} times while this one tried). One operation per service at a time: run this again once they have finished. Nothing was changed.', '${ServiceName}', $.leaseAttempts.n)",
      ['wait', machine],
    ),
    DescribeLeaseHolder: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:sfn:describeExecution',
      Comment:
        'A lease whose holder is no longer RUNNING (stopped, timed out, failed without giving it back) is stale.',
      Parameters: { 'ExecutionArn.$': '$.leaseHolder.item.lease.M.holder.S' },
      ResultSelector: { 'status.$': '$.Status' },
      ResultPath: '$.leaseHolder.execution',
      Retry: [backoff(['Sfn.SfnException'], 1)],
      Catch: [
        {
          ErrorEquals: ['Sfn.ExecutionDoesNotExistException'],
          ResultPath: '$.leaseHolder.execution',
          Next: 'NoteHolderGone',
        },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'FailBeforeChanges' },
      ],
      Next: 'IsLeaseHolderRunning',
    },
    NoteHolderGone: {
      Type: 'Pass',
      Comment: 'Step Functions keeps a closed execution for 90 days: a holder that no longer exists is not running.',
      Result: { status: 'DOES_NOT_EXIST' },
      ResultPath: '$.leaseHolder.execution',
      Next: 'TakeOverLease',
    },
    IsLeaseHolderRunning: {
      Type: 'Choice',
      Choices: [
        ...(APPROVED_MACHINES.includes(machine) ? approvedLeaseWaitRules() : []),
        { Variable: '$.leaseHolder.execution.status', StringEquals: 'RUNNING', Next: 'RejectOperationInProgress' },
      ],
      Default: 'TakeOverLease',
    },
    ...(APPROVED_MACHINES.includes(machine) ? approvedLeaseWaitStates() : {}),
    RejectOperationInProgress: fmtReject(
      'BlueGreen.OperationInProgress',
      "States.Format('Another operation holds service ${ServiceName}: {} ({}), execution {}, running since {}. One operation per service at a time: wait for it to end (bluegreen watch {}), or stop it (aws stepfunctions stop-execution --execution-arn {}) and run this again. Nothing was changed.', $.leaseHolder.item.lease.M.machine.S, $.leaseHolder.item.lease.M.operation.S, $.leaseHolder.item.lease.M.holder.S, $.leaseHolder.item.lease.M.since.S, $.leaseHolder.item.lease.M.holder.S, $.leaseHolder.item.lease.M.holder.S)",
      ['wait', machine],
      { 'holder.$': '$.leaseHolder.item.lease.M.holder.S' },
    ),
    TakeOverLease: {
      Type: 'Task',
      Resource: ddb('updateItem'),
      Comment:
        'Only if the stale holder still holds it (or we already took it over and lost the answer): of two executions taking over at once, one wins and the other finds a RUNNING holder.',
      Parameters: acquireParameters(`#lease.#holder = :stale OR ${HOLDER_IS_ME}`, {
        ':stale': { 'S.$': '$.leaseHolder.item.lease.M.holder.S' },
      }),
      ResultSelector: { 'record.$': 'States.StringToJson($.Attributes.record.S)' },
      ResultPath: '$.lease',
      Retry: ddbRetry,
      Catch: [
        { ErrorEquals: [CONDITION_FAILED], ResultPath: '$.leaseError', Next: 'HasLeaseAttempts' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'FailBeforeChanges' },
      ],
      Next: 'NoteLeaseTakenOver',
    },
    NoteLeaseTakenOver: {
      Type: 'Pass',
      Parameters: {
        'record.$': '$.lease.record',
        takenOverFrom: {
          'execution.$': '$.leaseHolder.item.lease.M.holder.S',
          'machine.$': '$.leaseHolder.item.lease.M.machine.S',
          'status.$': '$.leaseHolder.execution.status',
        },
      },
      ResultPath: '$.lease',
      Next: next,
    },
  };
}

/** The first state of the lease (leaseStates()). */
export const TAKE_LEASE = 'AcquireLease';

/** The lease states of acquireLeaseStates(), from TAKE_LEASE; `next` once this execution holds the lease. */
export function leaseStates(machine: MachineName, operation: string, next: string): States {
  return acquireLeaseStates({ machine, operation, next });
}

/**
 * UpdateItem that gives the lease back if this execution still holds it (anything else: nothing to give back), then
 * `next`; with `end`, a given-back lease ends the execution there (its output unchanged) and only an error goes to
 * `next`.
 */
function releaseLeaseTask(next: string, { end = false }: { end?: boolean } = {}): TaskState {
  return {
    Type: 'Task',
    Resource: ddb('updateItem'),
    Comment:
      'Give the lease back. Not ours (never taken, or already given back before a lost answer): nothing to do. Any other error leaves a lease whose holder is no longer running, which the next operation takes over.',
    Parameters: {
      TableName: TABLE,
      Key: KEY,
      UpdateExpression: 'REMOVE #lease',
      ConditionExpression: HOLDER_IS_ME,
      ExpressionAttributeNames: { '#lease': 'lease', '#holder': 'holder' },
      ExpressionAttributeValues: { ':me': { 'S.$': '$$.Execution.Id' } },
    },
    ResultPath: null,
    Retry: ddbRetry,
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: next }],
    ...(end ? { End: true } : { Next: next }),
  };
}

/**
 * UpdateItem of the record, only while this execution holds the lease: the JSON text of the object at `record.path`,
 * or the text `record.format` (an intrinsic function) writes.
 */
function recordTask(
  record: { readonly path: string } | { readonly format: string },
  next: string,
  onError: string,
  errorPath: string,
  comment?: string,
  result?: RecordResult,
): TaskState {
  return {
    Type: 'Task',
    Resource: ddb('updateItem'),
    ...(comment ? { Comment: comment } : {}),
    Parameters: {
      TableName: TABLE,
      Key: KEY,
      UpdateExpression: 'SET #record = :record',
      ConditionExpression: HOLDER_IS_ME,
      ExpressionAttributeNames: NAMES,
      ExpressionAttributeValues: {
        ':record': { 'S.$': 'path' in record ? `States.JsonToString(${record.path})` : record.format },
        ':me': { 'S.$': '$$.Execution.Id' },
      },
    },
    ...(result ? { ResultSelector: result.selector, ResultPath: result.path } : { ResultPath: null }),
    Retry: ddbRetry,
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: errorPath, Next: onError }],
    Next: next,
  };
}

/** What a record write keeps: constants (a ResultSelector that reads nothing of the answer) at `path`. */
export interface RecordResult {
  readonly selector: Payload;
  readonly path: string;
}

/**
 * How each field of a record is written into its JSON text by a path: an object as its JSON (States.JsonToString), a
 * number as it is, a text between quotes. The texts are ARNs, ids, hexadecimal commits, timestamps and fixed words,
 * none of which holds a quote or a backslash. A field not listed here is a render-time error, so a new field must say
 * which it is.
 */
const RECORD_FIELD_KINDS: Readonly<Record<string, 'json' | 'number' | 'text'>> = {
  green: 'json',
  live: 'json',
  previous: 'json',
  from: 'json',
  testScalePercent: 'number',
  bakeSeconds: 'number',
  step: 'number',
  steps: 'number',
  percent: 'number',
  commit: 'text',
  taskSetArn: 'text',
  taskSetId: 'text',
  targetGroupArn: 'text',
  taskDefinitionArn: 'text',
  type: 'text',
  updatedBy: 'text',
  updatedAt: 'text',
};

/** A literal part of a States.Format template: its reserved characters escaped. */
const templateText = (text: string): string => text.replace(/[\\'{}]/g, (c) => `\\${c}`);

/**
 * The States.Format template and arguments that write `fields` (Pass Parameters: constants, `key.$` paths, nested
 * objects) as the compact JSON text States.JsonToString would give of the object they build, keys in the same order.
 */
function jsonTemplate(fields: Payload, where: string): { template: string; args: string[] } {
  const parts: string[] = [];
  const args: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (key.endsWith('.$')) {
      const name = key.slice(0, -2);
      const kind = RECORD_FIELD_KINDS[name];
      if (kind === undefined || typeof value !== 'string') {
        throw new Error(`record ${where}: field ${name} is not in RECORD_FIELD_KINDS (lease.ts); add it with its kind`);
      }
      parts.push(`${templateText(JSON.stringify(name))}:${kind === 'text' ? '"{}"' : '{}'}`);
      args.push(kind === 'json' ? `States.JsonToString(${value})` : value);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const nested = jsonTemplate(value as Payload, `${where}.${key}`);
      parts.push(`${templateText(JSON.stringify(key))}:${nested.template}`);
      args.push(...nested.args);
    } else {
      parts.push(templateText(`${JSON.stringify(key)}:${JSON.stringify(value)}`));
    }
  }
  // An empty object would be `{}`, which States.Format reads as a placeholder.
  if (parts.length === 0) throw new Error(`record ${where}: an empty object cannot be written`);
  return { template: `\\{${parts.join(',')}\\}`, args };
}

/**
 * Writes the deployment record: `Record<name>` stores `fields` (Pass Parameters, plus who wrote it when) as JSON text,
 * only while this execution holds the lease. One Task: States.Format writes the text straight from the paths. With
 * `result`, it also sets constants the next states read (as a Pass would, without the transition).
 */
export function recordStates(
  name: string,
  fields: Payload,
  next: string,
  onError: string,
  { errorPath = '$.error', result }: { errorPath?: string; result?: RecordResult } = {},
): States {
  const { template, args } = jsonTemplate(
    { ...fields, 'updatedBy.$': '$$.Execution.Id', 'updatedAt.$': '$$.State.EnteredTime' },
    name,
  );
  const format = `States.Format('${template}', ${args.join(', ')})`;
  return { [`Record${name}`]: recordTask({ format }, next, onError, errorPath, undefined, result) };
}

/** Puts back the record this execution found (`$.lease.record`), as an undo does. */
export function restoreRecordTask(next: string, onError: string, errorPath: string): TaskState {
  return recordTask({ path: '$.lease.record' }, next, onError, errorPath, 'Puts back the record this execution found.');
}

/**
 * Refusals for a deployment record left mid-way by an operation that did not finish (stopped, or its undo failed):
 * the only way forward is to finish that operation. `which` picks them: 'rollback', 'swap'.
 */
export function unfinishedRejects(which: ReadonlyArray<'rollback' | 'swap'>): States {
  const all: Record<'rollback' | 'swap', States> = {
    rollback: {
      RejectUnfinishedRollback: fmtReject(
        'BlueGreen.RollbackUnfinished',
        "States.Format('A rollback of service ${ServiceName} did not finish (recorded by {}): production is going back to task set {}. Run rollback again to finish it. Nothing was changed.', $.lease.record.updatedBy, $.lease.record.previous.taskSetArn)",
        ['rollback'],
      ),
    },
    swap: {
      RejectUnfinishedSwap: fmtReject(
        'BlueGreen.SwapUnfinished',
        "States.Format('A swap of service ${ServiceName} did not finish (recorded phase {}, by {}): production may already serve green (task set {}) without a completed bake. Run swap again to finish it (it checks green and bakes again), or rollback to go back to the previous version. Nothing was changed.', $.lease.record.phase, $.lease.record.updatedBy, $.lease.record.green.taskSetArn)",
        ['swap', 'rollback'],
      ),
    },
  };
  return Object.assign({}, ...which.map((name) => all[name]));
}

/**
 * Choice rules sending a record left by an unfinished swap or rollback to the refusals of unfinishedRejects() (or an
 * unfinished swap to `swap`: swap itself resumes it).
 */
export function unfinishedChoiceRules({ swap = 'RejectUnfinishedSwap' }: { swap?: string } = {}): ChoiceRule[] {
  return [
    {
      Or: [
        { Variable: '$.lease.record.phase', StringEquals: 'swapping' },
        { Variable: '$.lease.record.phase', StringEquals: 'shifting' },
        { Variable: '$.lease.record.phase', StringEquals: 'baking' },
      ],
      Next: swap,
    },
    { Variable: '$.lease.record.phase', StringEquals: 'rolling-back', Next: 'RejectUnfinishedRollback' },
  ];
}

/** Choice rules refusing (RecordDrift) unless `exists` holds and the value at `actual` is the one at `recorded`. */
export const recordDriftRules = (exists: Condition, actual: string, recorded: string): ChoiceRule[] => [
  { Not: exists, Next: 'RejectRecordDrift' },
  { Not: { Variable: actual, StringEqualsPath: recorded }, Next: 'RejectRecordDrift' },
];

/** Refusal when the deployment record and the listeners disagree: both are reported, and nothing is guessed. */
export function recordDriftReject(): PassState {
  return fmtReject(
    'BlueGreen.RecordDrift',
    "States.Format('The deployment record of service ${ServiceName} ({}) disagrees with AWS: production forwards {} and the test listener {}, with task sets {}. The controller does not guess: compare with bluegreen status, then run rollback (back to the recorded previous version) or abort (discard an untested green). Nothing was changed.', States.JsonToString($.lease.record), States.JsonToString($.prodRule.actions), States.JsonToString($.testRule.actions), States.JsonToString($.current.services[0].TaskSets))",
    ['status', 'rollback', 'abort'],
  );
}

/**
 * Why a state breaks the structured result (contract/results.ts), if it does: a state that sets `$.failure` must give
 * it a Cause with `undone` and `next` (failureCause()), and a successful end must carry `undone` and `next`
 * (outcome()). A catcher must not take a raw error straight to FAILED: it goes through a state that writes the cause.
 */
function structuredResultProblem(state: State): string | undefined {
  if (state.Type === 'Pass' && state.ResultPath === '$.failure' && state.Next === FAILED) {
    const cause = state.Parameters?.Cause;
    const ok =
      cause !== null && typeof cause === 'object' && !Array.isArray(cause) && 'undone' in cause && 'next' in cause;
    if (!ok) return 'sets $.failure without a structured Cause (use failureCause())';
  }
  const catchers = 'Catch' in state ? (state.Catch ?? []) : [];
  if (catchers.some((catcher) => catcher.Next === FAILED)) return `a catcher goes straight to ${FAILED}`;
  if (state.Type === 'Pass' && state.End === true) {
    const parameters = state.Parameters ?? {};
    if (!('undone' in parameters && 'next' in parameters)) return 'ends without undone and next (use outcome())';
  }
  return undefined;
}

/**
 * Gives every exit of a definition the lease release: each terminal state goes to ReleaseLeaseOnSuccess, which ends
 * the execution with its output unchanged, plus `leaseTakenOverFrom` (Succeeded, when giving the lease back failed); failures go to ReleaseLeaseOnFailure (FAILED) once
 * `$.failure` holds {Error, Cause}, then Failed. The definition itself has no Fail or Succeed state.
 */
export function withLeaseRelease(def: StateMachine): StateMachine {
  const states: Record<string, State> = {};
  for (const [name, state] of Object.entries(def.States)) {
    if (state.Type === 'Fail' || state.Type === 'Succeed') {
      throw new Error(`${name}: end with End: true, or go to FAILED with $.failure set, to get the lease release`);
    }
    const structured = structuredResultProblem(state);
    if (structured) throw new Error(`${name}: ${structured}`);
    if (state.Type === 'Pass' && state.End === true) {
      const { End: _end, ...rest } = state;
      const parameters = rest.Parameters
        ? { Parameters: { ...rest.Parameters, 'leaseTakenOverFrom.$': '$.lease.takenOverFrom' } }
        : {};
      states[name] = { ...rest, ...parameters, Next: 'ReleaseLeaseOnSuccess' };
    } else if (state.Type !== 'Choice' && state.End === true) {
      const { End: _end, ...rest } = state;
      states[name] = { ...rest, Next: 'ReleaseLeaseOnSuccess' };
    } else {
      states[name] = state;
    }
  }
  return {
    ...def,
    States: {
      ...states,
      // The execution succeeds as the lease is given back; Succeeded is where an error giving it back ends.
      ReleaseLeaseOnSuccess: releaseLeaseTask('Succeeded', { end: true }),
      Succeeded: { Type: 'Succeed' },
      [FAILED]: releaseLeaseTask('WriteFailureCause'),
      WriteFailureCause: {
        Type: 'Pass',
        Comment:
          'The cause goes out as JSON text: the message, what was undone and what to run next (contract/results.ts).',
        Parameters: { 'Error.$': '$.failure.Error', 'Cause.$': 'States.JsonToString($.failure.Cause)' },
        ResultPath: '$.failure',
        Next: 'Failed',
      },
      Failed: {
        Type: 'Fail',
        Comment: 'The cause says what was undone and what to run next.',
        ErrorPath: '$.failure.Error',
        CausePath: '$.failure.Cause',
      },
    },
  };
}

/** A state machine whose every exit gives the lease back (withLeaseRelease()); it starts at ValidateInput. */
export function leasedMachine(comment: string, states: States, startAt = 'ValidateInput'): StateMachine {
  return withLeaseRelease({ Comment: comment, StartAt: startAt, States: states });
}
